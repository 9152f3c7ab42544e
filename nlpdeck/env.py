"""The offline environment every part of the toolkit runs in.

Hugging Face libraries read ``HF_HOME`` and ``HF_HUB_OFFLINE`` when they are first
imported, so :func:`activate` must run before ``transformers`` or
``sentence_transformers`` is imported. Kernels and subprocesses get the same
variables from :func:`offline_environ`.

    >>> from nlpdeck import env
    >>> env.activate()            # before any Hugging Face import
    >>> env.HF_HOME.name
    'huggingface'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository root (the package is installed in editable mode)."""

HF_HOME = Path(os.environ.get("NLPDECK_HF_HOME", ROOT / ".cache" / "huggingface"))
"""Project-local Hugging Face cache; NLPDECK_HF_HOME moves it (tests, doctor)."""

SLIDES_DIR = ROOT / "slides"
"""Where the repository's decks live (``slides/<name>/slides.md``)."""


def offline_environ() -> dict[str, str]:
    """Variables that make Hugging Face libraries use only the local cache."""
    return {
        "HF_HOME": str(HF_HOME),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        # Tokenizers' thread pool warns (and can deadlock) after a fork, as kernels do.
        "TOKENIZERS_PARALLELISM": "false",
    }


def subprocess_environ() -> dict[str, str]:
    """This process's environment with the offline variables: what subprocesses get."""
    return {**os.environ, **offline_environ()}


def activate(environ: Mapping[str, str] | None = None) -> None:
    """Put the offline variables into ``os.environ`` (idempotent)."""
    os.environ.update(offline_environ() if environ is None else environ)
