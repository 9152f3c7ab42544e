"""The reader agrees with Slidev's own parser and finds every block where it stands.

The differential corpus (tests/fixtures/slidev/, one deck per way a deck from elsewhere
has differed, plus every deck of the repository and the older fixtures) is read by
``@slidev/parser`` in one node process, and compared slide by slide: spans, titles,
frontmatter and hidden flags, of the presented deck and of every file it imports.
"""

import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from nlpdeck import env, project
from nlpdeck.reader import Directive, parse_directive, read_deck
from nlpdeck.reader.files import read_source
from nlpdeck.reader.parse import parse_file

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "slidev"
DECKS = [
    *project.repository_decks(),
    FIXTURES / "seed_deck.md",
    FIXTURES / "snippets" / "deck.md",
    FIXTURES / "broken_deck.md",
    *sorted(CORPUS.glob("*.md")),
]
GUESSED = {CORPUS / "yaml-broken.md": {"broken"}}
"""Frontmatter keys of a broken YAML entry: Slidev keeps the ``yaml`` package's guess at
its value, the reader drops it (and reports the line); every other key must agree."""


def deck_id(path: Path) -> str:
    return str(path.relative_to(env.ROOT))


@pytest.fixture(scope="module")
def slidev() -> dict[str, Any]:
    """What ``@slidev/parser`` reads in every deck, from one node process."""
    node = shutil.which("node")
    assert node, "node is not on PATH: the reader is checked against Slidev's parser"
    parser = env.ROOT / "node_modules" / "@slidev" / "parser" / "package.json"
    assert parser.is_file(), f"{parser.parent} is missing: run `make setup` (npm ci)"
    out = subprocess.run(
        [node, "scripts/slidev-slides.mjs", *(deck_id(d) for d in DECKS)],
        capture_output=True,
        text=True,
        cwd=env.ROOT,
        timeout=300,
    )
    assert out.returncode == 0, f"scripts/slidev-slides.mjs failed:\n{out.stderr}"
    return dict(json.loads(out.stdout))


def as_json(value: Any) -> Any:
    """A value as JSON.stringify writes it (Infinity and NaN are null)."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def frontmatter(values: Any, path: str | Path) -> dict[str, Any]:
    """Frontmatter to compare. One that is not a mapping (text right after a ``---``)
    Slidev keeps as it is, and spreads a string into keys "0", "1", ...; the reader
    keeps no keys (and reports the lines)."""
    if not isinstance(values, dict) or (values and all(k.isdigit() for k in values)):
        return {}
    guessed = GUESSED.get(Path(path), set())
    return {k: v for k, v in as_json(values).items() if k not in guessed}


@pytest.mark.parametrize("path", DECKS, ids=deck_id)
def test_presented_slides_agree_with_slidev_parser(path, slidev):
    theirs = slidev[deck_id(path)]
    assert "error" not in theirs, theirs.get("error")
    ours = [
        (
            s.number,
            str(s.path),
            s.start - 1,
            s.content_start - 1,
            s.end,
            s.title,
            frontmatter(s.frontmatter, s.path),
        )
        for s in read_deck(path).slides
    ]
    assert ours == [
        (
            s["number"],
            s["file"],
            s["start"],
            s["contentStart"],
            s["end"],
            s["title"],
            frontmatter(s["frontmatter"], s["file"]),
        )
        for s in theirs["slides"]
    ]


@pytest.mark.parametrize("path", DECKS, ids=deck_id)
def test_every_file_slide_agrees_with_slidev_parser(path, slidev):
    """Each file a deck reads, hidden slides and importers included."""
    for file, theirs in slidev[deck_id(path)]["files"].items():
        source = Path(file)
        parsed = parse_file(read_source(source).text, source, path.parent).slides
        ours = [
            (
                s.start - 1,
                s.content_start - 1,
                s.end,
                s.title,
                s.hidden,
                frontmatter(s.frontmatter, file),
            )
            for s in parsed
        ]
        assert ours == [
            (
                s["start"],
                s["contentStart"],
                s["end"],
                s["title"],
                s["hidden"],
                frontmatter(s["frontmatter"], file),
            )
            for s in theirs
        ], file


def test_the_corpus_covers_the_repository_decks():
    assert set(project.repository_decks()) <= set(DECKS)
    assert len(list(CORPUS.glob("*.md"))) >= 23


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
    assert (1, "frontmatter:background", "https://cover.sli.dev", 6) in found  # its key's line
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


def test_a_leading_yaml_block_is_frontmatter_not_a_code_block():
    deck = read_deck(CORPUS / "yaml-block.md")
    assert deck.headmatter == {"theme": "default", "title": "A yaml block as headmatter"}
    assert deck.headmatter_lines == {"theme": 2, "title": 3}
    assert [s.frontmatter for s in deck.slides][1:3] == [
        {"layout": "center", "hide": False},
        {"class": "text-center"},
    ]
    assert [b.lang for s in deck.slides for b in s.blocks] == ["yaml"]  # the 4th slide's


def test_frontmatter_is_yaml_1_2_and_hides_as_javascript_does():
    deck = read_deck(CORPUS / "yaml12.md")
    assert [s.title for s in deck.slides] == ["YAML 1.2 values", "Shown too"]
    assert deck.headmatter == {"title": 2024, "hide": "no"} and deck.headmatter_slide == 0
    values = deck.slides[0].frontmatter
    assert values["date"] == "2024-01-01" and values["time"] == "1:20"
    assert (values["octal"], values["under"], values["answer"]) == (17, "1_000", "yes")
    assert values["tab"] == "value with\ta tab"


def test_a_broken_yaml_entry_costs_that_entry_only_and_says_which_line():
    deck = read_deck(CORPUS / "yaml-broken.md")
    assert deck.slides[0].frontmatter == {
        "title": "Broken but kept",
        "layout": "center",
        "class": "big",
    }
    assert [(p.line, p.slide) for p in deck.problems] == [(4, 1), (12, 2)]
    assert deck.slides[1].frontmatter == {"layout": "default"}


def test_imports_take_ranges_root_paths_and_the_importers_keys():
    deck = read_deck(CORPUS / "imports.md")
    assert [(s.path.name, s.title, s.frontmatter) for s in deck.slides] == [
        ("imports.md", "Imports", {"title": "Imports"}),
        ("three.md", "Page two", {}),
        ("three.md", "Page two", {"layout": "center"}),  # #2-3: the third is hidden
        ("root.md", "Root page", {}),  # src: /pages/root.md, from the deck's folder
        ("imports.md", "Imports", {"title": "Imports"}),  # src: ./imports.md#1
        ("imports.md", "After the imports", {}),
    ]
    (snippet,) = deck.slides[3].blocks  # <<< @/… in an imported file: the deck's folder
    assert snippet.path == CORPUS / "snippets" / "greet.ts" and snippet.line == 2
    assert [(p.line, p.slide, p.between) for p in deck.problems] == [
        (21, 4, True),
        (25, 4, True),
        (29, 4, True),
    ]


def test_regions_in_every_comment_style_and_snippets_in_list_items():
    first, second = read_deck(CORPUS / "regions.md").slides
    assert [(b.lang, b.path.name, b.line, b.code) for b in first.blocks] == [
        (
            "ts",
            "greet.ts",
            2,
            "export function greet(name: string) {\n  return `hello ${name}`\n}\n",
        ),
        ("html", "page.html", 4, "<p>hello</p>\n"),
        ("python", "demo.py", 2, "import math\n"),
    ]
    assert [(b.fence_line, b.snippet) for b in second.blocks[:2]] == [
        (14, "<<< @/snippets/greet.ts#greet ts"),
        (17, "<<< ./snippets/demo.py"),
    ]
    assert second.blocks[1].code == (CORPUS / "snippets" / "demo.py").read_text()
    assert [b.fence_line for b in second.embedded] == [20]  # inside a fence: text, no block
    assert first.problems == second.problems == ()


def test_a_lone_cr_shifts_no_line():
    first, second = read_deck(CORPUS / "cr.md").slides
    assert first.title == "One" and first.blocks[0].code == "x = 1\ry = 2\n"
    assert [(a.url, a.line) for a in second.assets] == [("./pictures/missing.png", 11)]


def test_pictures_are_files_as_written_and_inline_data_is_none():
    first, second = read_deck(CORPUS / "pictures.md").slides
    assert [(a.url, a.line) for a in first.assets] == [
        ("./pictures/a b.png", 7),
        ("./pictures/图片.png", 9),
        ("./pictures/a%20b.png", 11),
        ("./pictures/图片.png", 13),
    ]  # the background is a colour: no picture
    assert [(a.kind, a.line) for a in second.assets] == [("frontmatter:background", 20)]


def test_notes_give_no_title():
    assert [s.title for s in read_deck(CORPUS / "notes.md").slides] == [
        "Title before notes",
        None,
        "Real title",
    ]


def test_a_fence_in_a_quote_or_list_item_is_closed():
    blocks = [b for s in read_deck(CORPUS / "quotes.md").slides for b in s.blocks]
    assert [(b.lang, b.closed) for b in blocks] == [
        ("python", True),
        ("python", True),
        ("js", True),
    ]


def test_a_file_that_is_not_utf8_is_read_and_named():
    deck = read_deck(CORPUS / "gbk.md")
    assert len(deck.slides) == 2 and deck.slides[0].frontmatter["title"].startswith("\ufffd")
    (problem,) = deck.problems
    assert (problem.line, problem.slide) == (2, 1)
    assert "iconv -f GB18030 -t UTF-8 gbk.md" in problem.message
    (binary,) = read_deck(CORPUS / "binary.md").problems
    assert binary.message.startswith("binary.md is not text (binary data from line 3)")


def test_a_fence_right_under_an_html_line_is_a_fence_as_in_slidev(tmp_path):
    """Slidev wraps every fence (and turns mermaid into a component) before markdown-it
    reads the slide, so `<div>` then a fence is a fence there, not HTML text."""
    text = (
        "# A\n\n<div class='center'>\n```mermaid {theme: 'neutral'}\ngraph LR\n  a --> b\n```\n"
        "</div>\n\n<div>\n```python\nprint('under a div')\n```\n</div>\n\n```python\nx = 1\n```\n"
    )
    parsed = parse_file(text, tmp_path / "slides.md", tmp_path)
    (slide,) = parsed.slides
    assert [(b.lang, b.fence_line, b.code) for b in slide.blocks] == [
        ("mermaid", 4, "graph LR\n  a --> b\n"),
        ("python", 11, "print('under a div')\n"),
        ("python", 16, "x = 1\n"),
    ]
    assert slide.problems == ()
