"""Fixtures for every test folder (the toolkit's tests/ and each deck's tests/): the
course's shared models, which `make test` registers in the local cache before the suite
runs. The nlpdeck pytest plugin activates the offline environment at configure time,
before any test module imports a Hugging Face library."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlpdeck import models, pytest_plugin


@pytest.fixture(scope="session")
def english_encoder() -> models.CachedModel:
    """The embedded MiniLM, which `make test` registers before the suite runs."""
    return models.require("english-encoder")


@pytest.fixture(scope="session")
def chinese_small() -> models.CachedModel:
    """The project's own Chinese BERT, which `make test` registers before the suite runs."""
    return models.require("chinese-small")


# What a test needs, read from the fixtures it asks for (directly or through others): a test
# that reads a deck's figure build or its `slidev build` is in that tier without saying so.
NEEDS = {"figures_built": "figures", "deck_build": "export"}
VITE = ("devserver", "export")  # every Slidev dev server, build and export runs Vite


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if isinstance(item, pytest_plugin.BlockItem):  # a deck's slide code, in its kernel
            item.add_marker("kernel")
        for fixture, marker in NEEDS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)
    if config.pluginmanager.hasplugin("xdist"):
        groups = worker_groups(items, config.rootpath)
        for item in items:
            item.add_marker(pytest.mark.xdist_group(groups[item.path]))


def worker_groups(items: list[pytest.Item], root: Path) -> dict[Path, str]:
    """Which files `make test`'s workers run one after another on one worker (each file's
    tests stay together: its module fixtures are made once, a deck's blocks share one
    kernel in order). Every file that starts Vite is in one group: all Vite servers share
    node_modules/.vite, and a deck's dev servers its live.log. Every file that reads a
    deck's figure build is in another: the build is made once per worker."""
    groups = {item.path: str(item.path.relative_to(root)) for item in items}
    for item in items:
        if any(item.get_closest_marker(m) for m in VITE):
            groups[item.path] = "vite"
        elif item.get_closest_marker("figures") and groups[item.path] != "vite":
            groups[item.path] = "figures"
    return groups
