"""Fixtures for every test folder (the toolkit's tests/ and each deck's tests/): the
course's shared models, which `make test` registers in the local cache before the suite
runs. The nlpdeck pytest plugin activates the offline environment at configure time,
before any test module imports a Hugging Face library."""

from __future__ import annotations

import fnmatch
import os
from typing import Any

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
    items.sort(key=_longest_first)  # stable: a file's tests keep their order
    for item in items:
        if isinstance(item, pytest_plugin.BlockItem):  # a deck's slide code, in its kernel
            item.add_marker("kernel")
        for fixture, marker in NEEDS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)


# ---- parallel runs (pytest-xdist: `make test` runs on two workers) ----
#
# Test files that share one resource run as one unit, in order, on one worker; any other
# file is a unit of its own. A unit never splits: a deck's slide code stays in one kernel,
# in order, and a module fixture is made once.
SHARED = {  # the first unit with a matching pattern (fnmatch) takes a file
    # Vite's dependency cache (node_modules/.vite: `--force` rebuilds it under any other
    # dev server of this project; an export runs a dev server) and Part 2's live.log
    "dev servers": (
        "tests/test_browser.py",
        "tests/test_live_runner.py",
        "tests/test_live_server.py",
        "tests/test_live_faults.py",
        "tests/test_lint_slidev.py",
        "slides/*/tests/test_export*.py",
    ),
    # the session's figure build of each deck (minutes), its readers and its check record
    "decks": ("tests/test_decks.py", "slides/*"),
}
# Units that take minutes, the longest first: a worker that starts one late would keep
# the run waiting while the other has nothing left. Every other unit follows, in order.
LONGEST_FIRST = (
    "decks",
    "dev servers",
    "tests/test_deck_build.py",
    "tests/test_new_deck.py",
    "tests/test_handout.py",
    "tests/test_package.py",
    "tests/test_code_quality.py",
)


def unit_of(nodeid: str) -> str:
    file = nodeid.split("::", 1)[0]
    for unit, patterns in SHARED.items():
        if any(fnmatch.fnmatch(file, pattern) for pattern in patterns):
            return unit
    return file


def _longest_first(item: pytest.Item) -> int:
    unit = unit_of(item.nodeid)
    return LONGEST_FIRST.index(unit) if unit in LONGEST_FIRST else len(LONGEST_FIRST)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    from xdist.scheduler import LoadScopeScheduling

    class SharedResources(LoadScopeScheduling):
        """Units as ``unit_of`` says, in collection order (``LONGEST_FIRST``)."""

        def __init__(self, config: pytest.Config, log: Any) -> None:
            config.option.loadscopereorder = False  # not by test count: by time
            super().__init__(config, log)

        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

    return SharedResources(config, log)


THREADS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS")


def pytest_configure(config: pytest.Config) -> None:
    # Each worker, and the kernels and dev servers it starts, computes on its share of the
    # cores (torch, BLAS, numba's parallel loops in UMAP). Two workers with the default
    # (every core) each spin-wait for cores the other holds: Part 2's fine-tuning built twice
    # at once took 181 s each with 2 threads, 75 s with 1 (alone: 43 s, 66 s). An explicit
    # setting wins.
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0"))
    if workers > 1:
        threads = str(max(1, (os.cpu_count() or 1) // workers))
        for variable in THREADS:
            os.environ.setdefault(variable, threads)
