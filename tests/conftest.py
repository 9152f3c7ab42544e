"""Shared fixtures. The nlpdeck pytest plugin activates the offline environment at
configure time, before any test module imports a Hugging Face library."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from live_tools import Presenting, presenting


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the toolkit at an empty Hugging Face cache for one test."""
    monkeypatch.setenv("NLPDECK_HF_HOME", str(tmp_path / "hf"))  # the project's cache, moved
    yield tmp_path / "hf"


@pytest.fixture(scope="session")
def presented() -> Iterator[Callable[[Path], Presenting]]:
    """``presented(deck_file)``: the deck as `make present` presents it, started once per
    session (a dev server with two warm kernels takes a minute of both cores) for the
    render test and the live runner's, which run in this order on one worker
    (conftest.py's "dev servers"). Started again if a test stopped it."""
    running: dict[Path, Presenting] = {}
    with ExitStack() as stack:

        def started(deck_file: Path) -> Presenting:
            if deck_file not in running or running[deck_file].served.process.poll() is not None:
                running[deck_file] = stack.enter_context(presenting(deck_file))
            return running[deck_file]

        yield started
