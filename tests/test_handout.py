"""Take-home notebooks stand alone: the project's modules inlined, the toolkit never
needed, what they need stated and installed; each runs top to bottom in a fresh kernel
in an empty folder with nothing of the project importable, offline, and prints what the
slides showed."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

from nlpdeck import env, handout, models, project, recorded
from nlpdeck.handout import HandoutError, Inliner

DECK = project.find("slides/part2")


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_projects_modules_are_inlined_once_before_their_use(tmp_path):
    _write(
        tmp_path,
        {
            "demos/__init__.py": "",
            "demos/_helpers.py": "from demos._words import WORDS\n\ndef greeting(n):\n"
            "    return WORDS[n]\n",
            "demos/_words.py": "WORDS = ['hello', 'hi']\n",
        },
    )
    inliner = Inliner([str(tmp_path)])
    code = inliner.code(
        "import json\nfrom demos._helpers import greeting as hello\nfrom demos._words import "
        "WORDS\ntry:\n    from nlpdeck import env\nexcept ImportError:\n    env = None\n"
        "print(hello(0))\n",
        "demo.py",
    )
    cells = inliner.take()
    sources = [c.source for c in cells if c.cell_type == "code"]
    assert sources == [
        "WORDS = ['hello', 'hi']",
        "\ndef greeting(n):\n    return WORDS[n]".strip("\n"),
    ]
    assert "demos" not in code.replace("nlpdeck", "")  # no import of the project is left
    assert "hello = greeting" in code and code.startswith("import json")
    assert "from nlpdeck import env" in code  # optional: kept, guarded
    assert not inliner.take()  # nothing pending; a module comes once


def test_what_cannot_stand_alone_is_named_with_file_and_line(tmp_path):
    _write(tmp_path, {"demos/__init__.py": "", "demos/_helpers.py": "X = 1\n"})
    with pytest.raises(HandoutError, match=r"demo\.py:2: imports nlpdeck.*optional"):
        Inliner([str(tmp_path)]).code("x = 1\nfrom nlpdeck.figures import style\n", "demo.py")
    with pytest.raises(HandoutError, match=r"demo\.py:1: `import demos._helpers`.*from"):
        Inliner([str(tmp_path)]).code("import demos._helpers\n", "demo.py")


def test_deck_notebook_has_the_slides_code_in_order_with_titles():
    book = handout.deck_notebook(DECK)
    headings = [c.source for c in book.cells if c.source.startswith("## Slide ")]
    numbers = [int(h.split()[2].rstrip(".")) for h in headings]
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))
    titles = {s.number: s.title for s in DECK.deck.slides}
    assert all(titles[n] in h for n, h in zip(numbers, headings, strict=True))
    code = [c.source for c in book.cells if c.cell_type == "code"]
    # magic-move: the final step only (the Code slide ends on the project's Chinese model)
    magic = [c for c in code if "model_ckpt =" in c]
    assert len(magic) == 1 and "nlpdeck/bert-mini-chinese" in magic[0]
    # `<<<` snippets expanded, each live block with the outputs recorded for it
    records = recorded.load(DECK.records)
    live = [c for c in _slide_cells(book) if recorded.key(c.source) in records]
    assert len(live) == len(records) and all(c.outputs for c in live)
    assert not any("from demos" in c or "import course" in c for c in code)


def test_each_live_slide_links_its_notebook_and_the_last_slide_the_decks():
    text = DECK.path.read_text(encoding="utf-8").splitlines()
    slides = {s.number: "\n".join(text[s.start - 1 : s.end]) for s in DECK.deck.slides}
    for block in recorded.live_blocks(DECK.deck):
        demo = block.path.stem
        assert f'href="/notebooks/{demo}.html"' in slides[block.slide]
        assert f'href="/notebooks/{demo}.ipynb" download' in slides[block.slide]
    last = max(slides)
    assert f'href="/notebooks/{DECK.path.stem}.ipynb" download' in slides[last]


def test_setup_cells_name_packages_models_and_how_to_cache_the_projects_own():
    cells = handout.setup_cells(
        ["torch==2.13.0"], ["sentence-transformers/all-MiniLM-L6-v2", "nlpdeck/bert-mini-chinese"]
    )
    text, install, cache = (c.source for c in cells)
    assert "`torch==2.13.0`" in text and "`sentence-transformers/all-MiniLM-L6-v2`" in text
    assert "models/bert-mini-chinese" in text  # where a model this project made lives
    assert install == "%pip install --quiet torch==2.13.0"
    assert "add_to_cache('bert-mini-chinese', 'nlpdeck/bert-mini-chinese')" in cache


def test_the_add_to_cache_cell_makes_the_projects_model_load_by_hub_id(tmp_path, chinese_small):
    """A participant's cache starts empty: the cell puts the model's files there, and
    the ordinary offline load by hub id finds them."""
    entry = models.lookup("chinese-small")
    assert entry is not None
    shutil.copytree(models.local_dir(entry), tmp_path / "bert-mini-chinese")
    cell = handout.setup_cells([], [entry.hub_id])[-1].source
    load = "from transformers import AutoTokenizer\n" + (
        f"print(AutoTokenizer.from_pretrained({entry.hub_id!r}).tokenize('经济'))"
    )
    environ = {**env.subprocess_environ(), "HF_HOME": str(tmp_path / "home")}
    run = subprocess.run(
        [sys.executable, "-c", cell + "\n" + cell + "\n" + load],  # twice: the second does nothing
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.strip().replace("'", '"')) == ["经", "济"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every demo's take-home notebook and page, as `make handout` writes them (two at a
    time: each kernel spends most of its time starting)."""
    out = tmp_path_factory.mktemp("notebooks")

    def one(path: Path) -> Path:
        target = out / f"{path.stem}.ipynb"
        handout.build(handout.demo_notebook(path, DECK), target, html=True)
        return target

    with ThreadPoolExecutor(max_workers=2) as pool:
        return {p.stem: p for p in pool.map(one, DECK.demo_files())}


@pytest.mark.kernel
@pytest.mark.handout
@pytest.mark.parametrize("demo", [p.stem for p in DECK.demo_files()])
def test_demo_notebook_runs_alone_and_prints_what_the_slide_showed(built, demo):
    book = nbformat.read(built[demo], as_version=4)
    install = next(c for c in book.cells if c.source.startswith("%pip install"))
    assert "==" in install.source and "nlpdeck" not in install.source
    records = recorded.load(DECK.records)
    live = [c for c in book.cells if c.cell_type == "code" and recorded.key(c.source) in records]
    assert live, f"{demo}: no cell holds the code its live slide shows"
    for cell in live:
        assert _shown(cell.outputs) == _shown(records[recorded.key(cell.source)]["outputs"])
    html = built[demo].with_suffix(".html").read_text(encoding="utf-8")
    assert "Traceback" not in html and "jp-OutputArea-output" in html
    assert "https://" not in "".join(
        line for line in html.splitlines() if "<script src=" in line or "<link " in line
    )  # nothing fetched from the internet when the page opens


@pytest.mark.kernel
@pytest.mark.handout
def test_a_written_notebook_is_current_until_its_code_changes(built):
    target = built["bank"]
    book = handout.demo_notebook(DECK.demos_dir / "bank.py", DECK)
    assert handout.build(book, target, html=True) == []  # same cells: not run again
    book.cells[-1].source += "\nprint('changed')"
    assert handout.content_key(book) != nbformat.read(target, as_version=4).metadata[handout.KEY]


@pytest.mark.kernel
@pytest.mark.handout
def test_a_participant_runs_the_downloaded_notebook_with_its_own_setup(built, tmp_path):
    """As downloaded, set-up cells included (pip finds the pinned packages installed;
    the model is in the cache already), top to bottom, in an empty folder."""
    book = nbformat.read(built["fill_mask"], as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    install = next(c.source for c in book.cells if c.source.startswith("%pip install"))
    assert "torch==" in install  # its code imports transformers only, whose pipeline runs on it
    again, _ = handout.execute_alone(book)
    records = recorded.load(DECK.records)
    live = [c for c in again.cells if c.cell_type == "code" and recorded.key(c.source) in records]
    assert live and all(
        _shown(c.outputs) == _shown(records[recorded.key(c.source)]["outputs"]) for c in live
    )


@pytest.mark.kernel
@pytest.mark.handout
def test_deck_notebook_runs_alone_and_its_live_cells_print_the_recorded_outputs():
    book, read = handout.execute_alone(handout.deck_notebook(DECK))
    records = recorded.load(DECK.records)
    live = [c for c in _slide_cells(book) if recorded.key(c.source) in records]
    assert len(live) == len(records)
    for cell in live:
        assert _shown(cell.outputs) == _shown(records[recorded.key(cell.source)]["outputs"])
    assert "gensim" in read  # the corpora are gensim's data files
    done = handout.finish(book, read)
    assert any(c.source.startswith("%pip install") and "gensim==" in c.source for c in done.cells)


def _slide_cells(book: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in book.cells if c.cell_type == "code" and "nlpdeck" in c.metadata]


def _shown(outputs: list) -> list:
    """What an output shows that is the same from run to run: text, and the kinds of
    rich output (a figure's bytes may differ by a pixel). Consecutive stream outputs are
    joined, as a notebook shows them: where a kernel flushes its output is timing (one
    run gave the review demo's two lines in one stream output, another in two)."""
    cell = nbformat.from_dict({"outputs": copy.deepcopy(outputs)})
    CoalesceStreamsPreprocessor().preprocess_cell(cell, {}, 0)
    return [
        o.get("text") if o.get("output_type") == "stream" else sorted(o.get("data", {}))
        for o in cell.outputs
        if o.get("output_type") != "stream" or o.get("name") == "stdout"
    ]
