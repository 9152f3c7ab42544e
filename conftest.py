"""Fixtures for every test folder (the toolkit's tests/ and each deck's tests/): the
course's shared models, which `make test` registers in the local cache before the suite
runs. The nlpdeck pytest plugin activates the offline environment at configure time,
before any test module imports a Hugging Face library."""

from __future__ import annotations

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if isinstance(item, pytest_plugin.BlockItem):  # a deck's slide code, in its kernel
            item.add_marker("kernel")
        for fixture, marker in NEEDS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)
