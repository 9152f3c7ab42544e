"""Shared fixtures. The nlpdeck pytest plugin activates the offline environment at
configure time, before any test module imports a Hugging Face library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nlpdeck import env, models


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the toolkit at an empty Hugging Face cache for one test."""
    monkeypatch.setattr(env, "HF_HOME", tmp_path / "hf")
    yield tmp_path / "hf"


@pytest.fixture(scope="session")
def english_encoder() -> models.CachedModel:
    """The embedded MiniLM, which `make test` registers before the suite runs."""
    return models.require("english-encoder")


@pytest.fixture(scope="session")
def built_figures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every figure target built once per session into a temporary folder, by the real
    drawing code: a broken figure script fails here, and tests read the numbers from it."""
    from nlpdeck.figures import build

    out = tmp_path_factory.mktemp("figures")
    list(build.build(figures=out, progress=False))
    return out
