"""A deck's live demos (``demos/*.py``): plain Python in percent cells, read as notebooks.

A demo is a script whose cells start at ``# %%`` lines (``# %% [markdown]`` cells hold
markdown as ``# `` comments), so it runs with ``python``, reads like a notebook, and
slides show its ``# region live`` through Slidev's snippet import. Here a demo becomes
an nbformat notebook (region markers dropped), and an executed notebook self-contained
HTML; :mod:`nlpdeck.handout` runs them and writes both where the deck links them:

    >>> book = notebook(path)                                   # doctest: +SKIP
    >>> page = to_html(executed)                                # doctest: +SKIP
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from nlpdeck.reader import RE_ENDREGION, RE_REGION

RE_CELL = re.compile(r"^# %%(.*)$")
RE_CDN_SCRIPT = re.compile(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>')
"""nbconvert's lab template loads require.js and MathJax from a CDN; demos need neither."""
KERNELSPEC = {"name": "python3", "language": "python", "display_name": "Python 3"}


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
    book.metadata["kernelspec"] = dict(KERNELSPEC)
    return book


def to_html(book: NotebookNode) -> str:
    """Self-contained HTML that works offline: styles inline, images embedded, no
    script fetched from the internet."""
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter(embed_images=True).from_notebook_node(book)
    return RE_CDN_SCRIPT.sub("", html)
