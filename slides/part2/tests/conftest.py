"""Fixtures of Part 2's tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def built_figures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every figure target built once per session into a temporary folder, by the real
    drawing code: a broken figure script fails here, and tests read the numbers from it."""
    from nlpdeck.figures import build

    out = tmp_path_factory.mktemp("figures")
    list(build.build(figures=out, progress=False))
    return out
