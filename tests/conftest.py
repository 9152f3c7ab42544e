"""Shared fixtures. The nlpdeck pytest plugin activates the offline environment at
configure time, before any test module imports a Hugging Face library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the toolkit at an empty Hugging Face cache for one test."""
    monkeypatch.setenv("NLPDECK_HF_HOME", str(tmp_path / "hf"))  # the project's cache, moved
    yield tmp_path / "hf"
