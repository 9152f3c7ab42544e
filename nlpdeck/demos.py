"""The live demos (``demos/*.py``): plain Python in percent cells, run as notebooks.

A demo is a script whose cells start at ``# %%`` lines (``# %% [markdown]`` cells hold
markdown as ``# `` comments), so it runs with ``python``, reads like a notebook, and
slides show its ``# region live`` through Slidev's snippet import. Here a demo becomes
an nbformat notebook (region markers dropped), is executed by nbclient in the offline
environment, and is exported to self-contained HTML that the deck links:

    >>> executed = execute(notebook(Path("demos/bank.py")))     # doctest: +SKIP
    >>> export_html(Path("demos/bank.py"), HTML_DIR)            # doctest: +SKIP
    PosixPath('slides/part2/public/notebooks/bank.html')

``make demos`` (and ``make present``) writes ``slides/part2/public/notebooks/<demo>.html``,
which the deck's public folder serves at ``/notebooks/<demo>.html``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat import NotebookNode

from nlpdeck import env
from nlpdeck.deck import RE_ENDREGION, RE_REGION

DEMOS_DIR = env.SLIDES_DIR / "part2" / "demos"
HTML_DIR = env.SLIDES_DIR / "part2" / "public" / "notebooks"
RE_CELL = re.compile(r"^# %%(.*)$")
RE_CDN_SCRIPT = re.compile(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>')
"""nbconvert's lab template loads require.js and MathJax from a CDN; demos need neither."""


def demo_files(folder: Path = DEMOS_DIR) -> list[Path]:
    """Every demo in the folder, by name; the prelude is not a demo."""
    return sorted(p for p in folder.glob("*.py") if p.name != "prelude.py")


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


def execute(book: NotebookNode, cwd: Path = DEMOS_DIR, timeout: int = 600) -> NotebookNode:
    """Run every cell in a fresh kernel (offline environment, working folder ``cwd``);
    raises nbclient's CellExecutionError, naming the cell, if one fails."""
    client = NotebookClient(
        book, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    )
    client.execute(env={**os.environ, **env.offline_environ()})
    return book


def to_html(book: NotebookNode) -> str:
    """Self-contained HTML that works offline: styles inline, images embedded, no
    script fetched from the internet."""
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter(embed_images=True).from_notebook_node(book)
    return RE_CDN_SCRIPT.sub("", html)


def export_html(path: Path, out_dir: Path = HTML_DIR) -> Path:
    """Execute one demo and write ``out_dir/<name>.html`` atomically."""
    html = to_html(execute(notebook(path), cwd=path.parent))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{path.stem}.html"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, target)
    return target
