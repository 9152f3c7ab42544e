"""The live demos read as notebooks; slides show exactly the demo code they import; the
prelude gives the check the demos' state. (Each demo runs end to end as a take-home
notebook and HTML page: tests/test_handout.py.)"""

from __future__ import annotations

import nbformat

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


def test_demo_notebook_keeps_every_cell(tmp_path):
    book = demos.notebook(DECK.demos_dir / "bank.py")
    nbformat.validate(book)
    assert book.cells[0].cell_type == "markdown"
    assert all("# region" not in c.source for c in book.cells)
