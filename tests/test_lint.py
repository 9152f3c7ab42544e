from pathlib import Path

from nlpdeck import env, lint
from nlpdeck.deck import read_deck

FIXTURES = Path(__file__).parent / "fixtures"


def findings(path: Path) -> list[str]:
    return [f"{f.line} {f.slide} {f.message}" for f in lint.lint(read_deck(path))]


def test_seed_deck_defects_are_reported_with_slide_and_line():
    found = findings(FIXTURES / "seed_deck.md")
    assert any(f.startswith("568 21 this ts block is Python") for f in found)
    assert any(f.startswith("576 21 this ts block is Python") for f in found)
    assert any(f.startswith("573 21 name 'device' is used but no earlier block") for f in found)
    assert any(f.startswith("581 21 name 'device'") for f in found)
    assert any(f.startswith("90 3 img ./image/static_word.png not found") for f in found)
    assert any(f.startswith("203 8 source ./image/seq2seq_training_with_target.mp4") for f in found)
    assert sum("not found" in f for f in found) == 26  # 24 images, 2 videos
    assert any("https://cover.sli.dev is fetched from the internet" in f for f in found)
    assert any("Google Fonts" in f for f in found)


def test_project_deck_has_only_pending_figures():
    found = lint.lint(read_deck(env.ROOT / "slides" / "part2" / "slides.md"))
    assert [str(f) for f in found if not f.pending] == []


def test_pending_list_is_strict(tmp_path):
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "slides.md").write_text('# A\n\n<img src="./image.png" />\n')
    (tmp_path / "figures-pending.txt").write_text("image.png\n")
    assert [f.message for f in lint.lint(read_deck(tmp_path / "slides.md"))] == [
        "image.png exists now: remove it from figures-pending.txt"
    ]


def test_monaco_run_without_runner_and_unclosed_fence():
    found = findings(FIXTURES / "snippets" / "deck.md")
    assert any(
        f.startswith("34 2 {monaco-run} block in 'python' has no code runner") for f in found
    )
    assert any(f.startswith("46 4 fence ````python is never closed") for f in found)


def test_custom_runner_keys_are_read(tmp_path):
    (tmp_path / "setup").mkdir()
    (tmp_path / "setup" / "code-runners.ts").write_text(
        "export default defineCodeRunnersSetup(() => ({\n  python: runPython,\n}))\n"
    )
    assert lint.custom_runners(tmp_path) == {"python"}


def test_names_defined_in_earlier_blocks_or_later_for_functions(tmp_path):
    deck = tmp_path / "slides.md"
    deck.write_text(
        "# A\n\n```python\nimport math\ndef area(r):\n    return math.pi * r * scale\n"
        "scale = 2\n```\n\n---\n\n# B\n\n```python\nprint(area(1), missing)\n```\n"
    )
    assert [(f.line, f.message.split(" is")[0]) for f in lint.lint(read_deck(deck))] == [
        (15, "name 'missing'")
    ]
