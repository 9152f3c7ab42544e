"""Live blocks without a browser: the deck's prelude in the check's kernel, the lint's
rules for `{monaco-run}` Python, and the recorded outputs a built deck shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlpdeck import lint, prelude, project, recorded
from nlpdeck.kernel import DeckRunner


def live_deck(tmp_path: Path, prelude_code: str, body: str) -> Path:
    """A deck folder with a kernel prelude that star-imports one of the deck's demos."""
    (tmp_path / "demos").mkdir()
    (tmp_path / "demos" / "greeter.py").write_text(
        "def greet(name):\n    return f'hello {name}'\n\n_private = 1\n"
    )
    (tmp_path / "demos" / "prelude.py").write_text(prelude_code)
    (tmp_path / "slides.md").write_text(body)
    return tmp_path / "slides.md"


PRELUDE = "import os, sys\nfrom demos.greeter import *  # noqa: F403\nLOADED = True\n"
LIVE = "# A\n\n```python {monaco-run} {autorun:false}\nprint(greet('deck'), LOADED)\n```\n"


def test_prelude_names_include_star_imports_of_the_decks_demos(tmp_path):
    deck = project.load(live_deck(tmp_path, PRELUDE, LIVE))
    assert deck.prelude == tmp_path / "demos" / "prelude.py"
    assert {"greet", "LOADED", "os", "sys"} <= prelude.names(deck.prelude, deck.dir)
    assert "_private" not in prelude.names(deck.prelude, deck.dir)


@pytest.mark.kernel
def test_check_runs_the_prelude_and_records_live_outputs(tmp_path):
    deck = project.load(live_deck(tmp_path, PRELUDE, LIVE))
    assert [f.message for f in lint.undefined_names(deck)] == []  # the prelude defines them
    with DeckRunner(deck, timeout=60) as runner:
        result = runner.run(runner.blocks[0])
        notebook = runner.save()
    assert result.status == "passed"
    assert notebook.is_relative_to(deck.build_dir) and notebook.is_file()
    entries = recorded.load(deck.records)
    assert entries["print(greet('deck'), LOADED)"]["outputs"] == [
        {"output_type": "stream", "name": "stdout", "text": "hello deck True\n"}
    ]
    assert entries["print(greet('deck'), LOADED)"]["where"] == "slides.md:3"
    assert [f.message for f in lint.live_blocks(deck)] == []


@pytest.mark.kernel
def test_failing_prelude_is_named_with_its_traceback(tmp_path):
    deck = project.load(live_deck(tmp_path, "import os\nraise RuntimeError('no model')\n", LIVE))
    with pytest.raises(prelude.PreludeError) as raised:
        DeckRunner(deck, timeout=60).__enter__()
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / 'demos' / 'prelude.py'}: the deck's kernel prelude")
    assert "RuntimeError: no model" in message
    assert "prelude.py:2" in message or "line 2" in message  # the prelude's own line


def test_live_python_blocks_need_a_click_and_a_record(tmp_path):
    deck = project.load(
        live_deck(tmp_path, PRELUDE, "# A\n\n```python {monaco-run}\nprint(greet('x'))\n```\n")
    )
    assert [(f.line, f.message.split(":")[0]) for f in lint.live_blocks(deck)] == [
        (3, "{monaco-run} Python block runs on every keystroke and on every visit"),
        (
            3,
            f"live block has no recorded output in {tmp_path / 'recorded-outputs.json'}, so a "
            "built or exported deck shows none",
        ),
    ]


def test_record_keeps_blocks_that_did_not_run_and_drops_code_gone_from_the_deck(tmp_path):
    deck = project.load(
        live_deck(tmp_path, PRELUDE, LIVE + "\n---\n\n" + LIVE.replace("deck", "b"))
    )
    first, second = (recorded.key(b.code) for b in recorded.live_blocks(deck.deck))
    out = [{"output_type": "stream", "name": "stdout", "text": "x\n"}]
    recorded.update(deck, {first: out, "print('gone')": out})
    recorded.update(deck, {second: out})
    entries = json.loads(deck.records.read_text())["blocks"]
    assert [(e["slide"], e["code"]) for e in entries] == [(1, first), (2, second)]


def test_modules_the_demos_share_are_not_demos(tmp_path):
    deck = project.load(live_deck(tmp_path, PRELUDE, LIVE))
    (tmp_path / "demos" / "_shared.py").write_text("ENCODER = None\n")
    assert [p.name for p in deck.demo_files()] == ["greeter.py"]


def test_demos_reuse_the_figure_builds_vectors_only_while_their_data_inputs_hold(monkeypatch):
    from nlpdeck.figures import build

    part2 = project.find("slides/part2")
    vectors = "data/abc_news_embeddings.npy"
    assert build.reusable_output(vectors, part2) == part2.figures / vectors
    assert build.reusable_output("data/made_by_no_target.npy", part2) is None
    manifest = build.read_manifest(part2.figures)
    entry = manifest["targets"]["abc-news-embeddings"]
    monkeypatch.setattr(build, "read_manifest", lambda figures: manifest)
    entry["inputs"]["code"] = {"nlpdeck/__init__.py": "a docstring edited since"}
    assert build.reusable_output(vectors, part2) == part2.figures / vectors  # code aside
    entry["inputs"]["corpora"] = {"abc_news": "another corpus"}
    assert build.reusable_output(vectors, part2) is None  # the demo encodes the corpus itself
