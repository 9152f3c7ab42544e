"""Shared fixtures. The offline environment is activated before any test imports a
Hugging Face library, exactly as the toolkit's own entry points do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nlpdeck import env, models

env.activate()


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the toolkit at an empty Hugging Face cache for one test."""
    monkeypatch.setattr(env, "HF_HOME", tmp_path / "hf")
    yield tmp_path / "hf"


@pytest.fixture(scope="session")
def english_encoder() -> models.CachedModel:
    """The embedded MiniLM, which `make test` registers before the suite runs."""
    return models.require("english-encoder")
