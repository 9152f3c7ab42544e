"""Fixtures of Part 2's tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from figure_tags import PART2


@pytest.fixture(scope="session")
def built_figures(figures_built) -> Path:
    """Part 2's figure targets, built once per session into a temporary folder (the
    toolkit's ``figures_built``): the tests read the numbers from there."""
    return figures_built(PART2)
