"""The reader agrees with Slidev's own parser and finds every block where it stands."""

import json
import subprocess
from pathlib import Path

import pytest

from nlpdeck import env
from nlpdeck.deck import Directive, parse_directive, read_deck

FIXTURES = Path(__file__).parent / "fixtures"
DECKS = [
    env.ROOT / "slides" / "part2" / "slides.md",
    FIXTURES / "seed_deck.md",
    FIXTURES / "snippets" / "deck.md",
    FIXTURES / "broken_deck.md",
]


def slidev_slides(path: Path) -> list[dict]:
    out = subprocess.run(
        ["node", "scripts/slidev-slides.mjs", str(path)],
        capture_output=True,
        text=True,
        cwd=env.ROOT,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout)["slides"]


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.name if p.name != "deck.md" else "snippets")
def test_slides_agree_with_slidev_parser(path):
    ours = [
        (s.number, str(s.path), s.start - 1, s.content_start - 1, s.end, s.title)
        for s in read_deck(path).slides
    ]
    theirs = [
        (s["number"], s["file"], s["start"], s["contentStart"], s["end"], s["title"])
        for s in slidev_slides(path)
    ]
    assert ours == theirs


def test_code_slide_magic_move_steps_are_blocks_at_their_lines():
    deck = read_deck(env.ROOT / "slides" / "part2" / "slides.md")
    code_slide = next(s for s in deck.slides if s.title == "Code")
    lines = deck.path.read_text(encoding="utf-8").splitlines()
    assert [b.step for b in code_slide.blocks] == [1, 2]
    for block in code_slide.blocks:
        assert block.lang == "python"
        assert lines[block.fence_line - 1].startswith("```python")
        assert lines[block.line - 1] == block.code.splitlines()[0]
    assert "sentence-transformers/all-MiniLM-L6-v2" in code_slide.blocks[0].code


def test_code_slide_chinese_step_shows_the_checkpoint_it_runs_with():
    """The Chinese step names the checkpoint the catalog resolves on this machine (the
    project's own model where bert-base-chinese is not cached), so what the audience reads
    is what the check ran; no step is skipped for a missing model."""
    from nlpdeck import models
    from nlpdeck.kernel import needed_models

    deck = read_deck(env.ROOT / "slides" / "part2" / "slides.md")
    chinese = next(s for s in deck.slides if s.title == "Code").blocks[1]
    resolved = models.resolve("chinese-encoder").hub_id
    assert f'model_ckpt = "{resolved}"' in chinese.code
    assert needed_models(chinese) == [resolved]


def test_seed_blocks_keep_their_fence_options():
    deck = read_deck(FIXTURES / "seed_deck.md")
    blocks = list(deck.blocks())
    assert [(b.lang, b.options, b.fence_line, b.line, b.step) for b in blocks] == [
        ("ts", "{*|3|*}", 568, 569, 1),
        ("ts", "{*|1-2|3-4|3-4,8}", 576, 577, 2),
    ]
    assert deck.headmatter["theme"] == "seriph"


def test_seed_assets_with_slide_and_line():
    deck = read_deck(FIXTURES / "seed_deck.md")
    found = [(s.number, a.kind, a.url, a.line) for s in deck.slides for a in s.assets]
    assert (3, "img", "./image/static_word.png", 90) in found
    assert (8, "source", "./image/seq2seq_training_with_target.mp4", 203) in found
    assert (1, "frontmatter:background", "https://cover.sli.dev", 2) in found
    assert sum(1 for f in found if f[1] == "img") == 24
    assert sum(1 for f in found if f[1] == "source") == 2


def test_snippet_import_resolves_to_the_region_slidev_shows():
    deck = read_deck(FIXTURES / "snippets" / "deck.md")
    block = deck.slides[0].blocks[0]
    assert block.snippet == "<<< @/demo.py#greet python {2}"
    assert block.path == FIXTURES / "snippets" / "demo.py" and block.line == 4
    assert block.code.splitlines()[0] == "def greet(name):"
    assert "# region" not in block.code and "print(greeting)" not in block.code
    assert block.options == "{2}" and block.fence_line == 8
    assert block.directive.needs == ("sentence-transformers/all-MiniLM-L6-v2",)


def test_hidden_slides_dropped_and_src_imports_followed():
    deck = read_deck(FIXTURES / "snippets" / "deck.md")
    assert [s.title for s in deck.slides] == [
        "Snippets",
        "Tricky fences",
        "Imported slide",
        "Unclosed",
    ]
    imported = deck.slides[2]
    assert imported.path.name == "imported.md" and imported.blocks[0].slide == 3


def test_fence_inside_longer_fence_is_not_a_block_or_separator():
    slide = read_deck(FIXTURES / "snippets" / "deck.md").slides[1]
    assert [b.lang for b in slide.blocks] == ["md", "js", "python"]
    assert slide.blocks[2].monaco_run and slide.blocks[2].options == "{monaco-run}"


def test_unclosed_fence_is_a_problem_with_its_line():
    deck = read_deck(FIXTURES / "snippets" / "deck.md")
    assert [(p.line, p.slide) for p in deck.problems] == [(46, 4)]
    assert "never closed" in deck.problems[0].message


@pytest.mark.parametrize(
    ("comment", "directive"),
    [
        ("<!-- check: skip needs a GPU -->", Directive(skip="needs a GPU")),
        ("<!-- check: raises ValueError -->", Directive(raises="ValueError")),
        ("<!-- check: needs a/b c/d; timeout 30 -->", Directive(needs=("a/b", "c/d"), timeout=30)),
        ("<!-- just a comment -->", None),
    ],
)
def test_directives(comment, directive):
    assert parse_directive(comment) == directive


def test_unknown_directive_is_reported():
    with pytest.raises(ValueError, match="unknown check directive 'skp'"):
        parse_directive("<!-- check: skp oops -->")
