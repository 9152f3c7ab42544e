"""The committed model: its hub id and folder, as the model catalog registers them, and
the record of how it was trained. The catalog is read when asked, not on import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nlpdeck import env, models

ROLE = "chinese-small"  # the catalog entry the model is registered under
RECORD_FILE = "training.json"
DEFAULT_OUT = env.ROOT / "build" / "models" / "bert-mini-chinese"  # where a new run goes


def hub_id() -> str:
    """The id the model is trained and published under: ``nlpdeck/bert-mini-chinese``."""
    return models.catalog()[ROLE].hub_id


def committed_dir() -> Path:
    """The committed folder the catalog registers the model from: ``models/bert-mini-chinese``."""
    return models.local_dir(models.catalog()[ROLE])


def recorded() -> dict[str, Any]:
    """The committed model's training record (``training.json``)."""
    return json.loads((committed_dir() / RECORD_FILE).read_text(encoding="utf-8"))
