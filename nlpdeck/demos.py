"""A deck's live demos (``demos/*.py``): plain Python in percent cells, run as notebooks.

A demo is a script whose cells start at ``# %%`` lines (``# %% [markdown]`` cells hold
markdown as ``# `` comments), so it runs with ``python``, reads like a notebook, and
slides show its ``# region live`` through Slidev's snippet import. Here a demo becomes
an nbformat notebook (region markers dropped), is executed by nbclient in the offline
environment, and is exported to self-contained HTML that the deck links:

    >>> executed = execute(notebook(path), deck)                # doctest: +SKIP
    >>> export(deck)                                            # doctest: +SKIP
    [PosixPath('slides/part2/public/notebooks/bank.html'), ...]

``make demos`` (and ``make present``) writes ``public/notebooks/<demo>.html`` in the
deck's folder, which the deck serves at ``/notebooks/<demo>.html``. A demo runs like the
deck's kernel: in the deck's folder, which is importable, offline.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat import NotebookNode

from nlpdeck import kernel
from nlpdeck.files import write_atomic
from nlpdeck.project import DeckProject
from nlpdeck.reader import RE_ENDREGION, RE_REGION

RE_CELL = re.compile(r"^# %%(.*)$")
RE_CDN_SCRIPT = re.compile(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>')
"""nbconvert's lab template loads require.js and MathJax from a CDN; demos need neither."""


def notebook(path: Path) -> NotebookNode:
    """The demo as a notebook: one cell per ``# %%`` section, region markers dropped."""
    cells: list[NotebookNode] = []
    kind = "code"  # text before the first marker is a code cell
    lines: list[str] = []

    def close() -> None:
        text = "\n".join(lines).strip("\n")
        if not text:
            return
        if kind == "markdown":
            text = "\n".join(re.sub(r"^# ?", "", ln) for ln in text.splitlines())
            cells.append(nbformat.v4.new_markdown_cell(text))
        else:
            cells.append(nbformat.v4.new_code_cell(text))

    for line in path.read_text(encoding="utf-8").splitlines():
        marker = RE_CELL.match(line)
        if marker:
            close()
            kind, lines = ("markdown" if "[markdown]" in marker.group(1) else "code"), []
        elif not (RE_REGION.match(line) or RE_ENDREGION.match(line)):
            lines.append(line)
    close()
    book = nbformat.v4.new_notebook(cells=cells)
    book.metadata["kernelspec"] = {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    return book


def execute(book: NotebookNode, deck: DeckProject, timeout: int = 600) -> NotebookNode:
    """Run every cell in a fresh kernel with the deck's kernel environment; raises
    nbclient's CellExecutionError, naming the cell, if one fails."""
    with tempfile.TemporaryDirectory(prefix="nlpdeck-kernel-") as sockets:
        client = NotebookClient(
            book,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(deck.dir)}},
            config=kernel.ipc_config(sockets),
        )
        client.execute(env=deck.kernel_environ())
    return book


def to_html(book: NotebookNode) -> str:
    """Self-contained HTML that works offline: styles inline, images embedded, no
    script fetched from the internet."""
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter(embed_images=True).from_notebook_node(book)
    return RE_CDN_SCRIPT.sub("", html)


def export_html(path: Path, deck: DeckProject, out: Path | None = None) -> Path:
    """Execute one demo and write ``<name>.html`` atomically into ``out`` (by default the
    deck's ``public/notebooks/``)."""
    target = (deck.notebooks if out is None else out) / f"{path.stem}.html"
    write_atomic(target, to_html(execute(notebook(path), deck)))
    return target


def stale(deck: DeckProject) -> list[Path]:
    """Demos whose HTML is missing or older than the demo (as make would judge)."""

    def html(path: Path) -> Path:
        return deck.notebooks / f"{path.stem}.html"

    return [
        p
        for p in deck.demo_files()
        if not html(p).exists() or html(p).stat().st_mtime < p.stat().st_mtime
    ]
