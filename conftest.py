"""Fixtures for every test folder (the toolkit's tests/ and each deck's tests/): the
course's shared models, which `make test` registers in the local cache before the suite
runs. The nlpdeck pytest plugin activates the offline environment at configure time,
before any test module imports a Hugging Face library."""

from __future__ import annotations

import pytest

from nlpdeck import models


@pytest.fixture(scope="session")
def english_encoder() -> models.CachedModel:
    """The embedded MiniLM, which `make test` registers before the suite runs."""
    return models.require("english-encoder")


@pytest.fixture(scope="session")
def chinese_small() -> models.CachedModel:
    """The project's own Chinese BERT, which `make test` registers before the suite runs."""
    return models.require("chinese-small")
