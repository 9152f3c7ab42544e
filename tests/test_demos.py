"""The live demos run end to end as notebooks (nbconvert's machinery) and export to HTML;
slides show exactly the demo code they import; the prelude gives the check the demos' state."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from nlpdeck import demos, project, recorded

DECK = project.find("slides/part2")
DEMOS = DECK.demo_files()


def test_percent_script_becomes_markdown_and_code_cells(tmp_path):
    script = tmp_path / "demo.py"
    script.write_text(
        "# %% [markdown]\n# # Title\n#\n# Some *text*.\n\n# %%\nx = 1\n\n"
        "# %%\n# region live\nprint(x)\n# endregion\n",
        encoding="utf-8",
    )
    cells = demos.notebook(script).cells
    assert [(c.cell_type, c.source) for c in cells] == [
        ("markdown", "# Title\n\nSome *text*."),
        ("code", "x = 1"),
        ("code", "print(x)"),
    ]


def test_deck_has_a_live_slide_for_each_demo():
    shown = {b.path.resolve() for b in recorded.live_blocks(DECK.deck)}
    assert shown == {p.resolve() for p in DEMOS}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every demo executed in a fresh kernel and exported, as `make demos` does
    (two at a time: each kernel spends most of its time starting)."""
    out = tmp_path_factory.mktemp("notebooks")
    with ThreadPoolExecutor(max_workers=2) as pool:
        written = list(pool.map(lambda path: demos.export_html(path, DECK, out), DEMOS))
    return {p.stem: p for p in written}


@pytest.mark.kernel
@pytest.mark.parametrize("demo", [p.stem for p in DEMOS])
def test_demo_runs_end_to_end_and_exports_html(exported, demo):
    html = exported[demo].read_text(encoding="utf-8")
    assert "Traceback" not in html and "jp-OutputArea-output" in html
    assert "https://" not in "".join(
        line for line in html.splitlines() if "<script src=" in line or "<link " in line
    )  # nothing fetched from the internet when the page opens


def test_demo_notebook_keeps_every_cell(tmp_path):
    book = demos.notebook(DECK.demos_dir / "bank.py")
    nbformat.validate(book)
    assert book.cells[0].cell_type == "markdown"
    assert all("# region" not in c.source for c in book.cells)
