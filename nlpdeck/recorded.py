"""Recorded outputs of a deck's live blocks, shown wherever no kernel runs.

The slide-code check runs every ``{monaco-run}`` Python block after the deck's prelude,
as the live kernel would, and writes their outputs to the deck's records file
(``recorded-outputs.json`` in the deck's folder, committed with the deck). The addon's
Python runner shows them in a built deck on a static host, in ``slidev export`` and in
print mode, so those are deterministic and need no kernel. Entries are keyed by the
block's code as Slidev hands it to a runner (trailing whitespace stripped): an edited
block finds no record.

    >>> entries = load(deck.records)                            # doctest: +SKIP
    >>> entries[key(block.code)]["outputs"][0]["output_type"]   # doctest: +SKIP
    'stream'
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from nlpdeck.files import write_atomic
from nlpdeck.project import DeckProject
from nlpdeck.reader import CodeBlock, Deck

NOTE = (
    "Written by the slide-code check (make check, pytest) from the outputs of the deck's "
    "{monaco-run} blocks; shown by the deck's Python runner where no kernel runs. Commit it."
)


def key(code: str) -> str:
    """How a block's code is looked up: Slidev trims the end of a runner's code."""
    return code.rstrip()


def live_blocks(deck: Deck) -> list[CodeBlock]:
    """The blocks a presenter runs: Python with ``{monaco-run}``."""
    return [b for b in deck.blocks() if b.is_python and b.monaco_run]


def load(path: Path) -> dict[str, dict[str, Any]]:
    """Recorded entries by code key; empty if the deck has no record."""
    if not path.is_file():
        return {}
    entries = json.loads(path.read_text(encoding="utf-8"))["blocks"]
    return {entry["code"]: entry for entry in entries}


def clean(output: dict[str, Any]) -> dict[str, Any]:
    """An nbformat output without what changes from run to run (execution counts)."""
    return {k: v for k, v in output.items() if k not in ("execution_count", "transient")}


def update(project: DeckProject, ran: dict[str, list[dict[str, Any]]]) -> Path | None:
    """Record the outputs of live blocks that ran (``ran``: code key -> outputs), keep
    earlier records of live blocks that did not run this time, drop records of code no
    longer in the deck. Writes only on change; returns the file, or None without one."""
    deck, path = project.deck, project.records
    blocks = live_blocks(deck)
    if not blocks and not path.exists():
        return None
    before = load(path)
    entries = []
    for block in blocks:
        code = key(block.code)
        if code in ran:
            outputs = [clean(o) for o in ran[code]]
        elif code in before:
            outputs = before[code]["outputs"]
        else:
            continue
        where = Path(os.path.relpath(block.markdown, path.parent)).as_posix()
        entries.append(
            {
                "slide": block.slide,
                "where": f"{where}:{block.fence_line}",
                "code": code,
                "outputs": outputs,
            }
        )
    text = json.dumps({"note": NOTE, "blocks": entries}, ensure_ascii=False, indent=1) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        write_atomic(path, text)
    return path
