import dataclasses
from pathlib import Path

import pytest

from nlpdeck import addons, lint, project

FIXTURES = Path(__file__).parent / "fixtures"


def findings(path: Path) -> list[str]:
    return [f"{f.line} {f.slide} {f.message}" for f in lint.lint(project.load(path))]


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


def test_pending_list_is_strict(tmp_path):
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "slides.md").write_text('# A\n\n<img src="./image.png" />\n')
    (tmp_path / "figures-pending.txt").write_text("image.png\n")
    assert [f.message for f in lint.lint(project.load(tmp_path / "slides.md"))] == [
        "image.png exists now: remove it from figures-pending.txt"
    ]


def test_monaco_run_without_runner_and_unclosed_fence():
    found = findings(FIXTURES / "snippets" / "deck.md")
    assert any(
        f.startswith("34 2 {monaco-run} block in 'python' has no code runner") for f in found
    )
    assert any(f.startswith("46 4 fence ````python is never closed") for f in found)


def test_runner_languages_come_from_the_addons_the_deck_enables(tmp_path):
    addon = tmp_path / "node_modules" / "slidev-addon-demo"
    addon.mkdir(parents=True)
    (addon / "package.json").write_text('{"nlpdeck": {"runners": ["r"]}}')
    local = tmp_path / "deck" / "my-addon"
    local.mkdir(parents=True)
    (local / "package.json").write_text('{"nlpdeck": {"runners": ["julia"]}}')
    headmatter = {"addons": ["demo", "./my-addon", "absent"]}
    assert addons.runner_languages(headmatter, tmp_path / "deck") == {"r", "julia"}
    assert addons.runner_languages({}, tmp_path / "deck") == set()


def test_a_deck_declares_runners_of_its_own(tmp_path):
    block = "```sql {monaco-run}\nselect 1\n```\n"
    (tmp_path / "slides.md").write_text("# A\n\n" + block)
    assert "has no code runner" in lint.lint(project.load(tmp_path / "slides.md"))[0].message
    (tmp_path / "slides.md").write_text("---\nnlpdeck:\n  runners: [sql]\n---\n\n# A\n\n" + block)
    assert lint.lint(project.load(tmp_path / "slides.md")) == []


def test_names_defined_in_earlier_blocks_or_later_for_functions(tmp_path):
    deck = tmp_path / "slides.md"
    deck.write_text(
        "# A\n\n```python\nimport math\ndef area(r):\n    return math.pi * r * scale\n"
        "scale = 2\n```\n\n---\n\n# B\n\n```python\nprint(area(1), missing)\n```\n"
    )
    assert [(f.line, f.message.split(" is")[0]) for f in lint.lint(project.load(deck))] == [
        (15, "name 'missing'")
    ]


def figure_deck(tmp_path, body: str):
    """A deck with one built figure and one file no target makes in its figure folder
    (declared in its headmatter), and the targets that go with it."""
    from nlpdeck.figures.target import Target

    deck_dir = tmp_path / "deck"
    figures = deck_dir / "pictures"
    figures.mkdir(parents=True)
    (figures / "made.png").write_bytes(b"\x89PNG")
    (figures / "stray.png").write_bytes(b"\x89PNG")
    (deck_dir / "public").mkdir()
    (deck_dir / "public" / "logo.svg").write_text("<svg/>")
    (deck_dir / "slides.md").write_text("---\nnlpdeck:\n  figures: pictures\n---\n\n" + body)
    targets = [
        Target("made", "x:draw", ("made.png", "made.json")),
        Target("unbuilt", "x:draw", ("unbuilt.mp4",)),
    ]
    return project.load(deck_dir / "slides.md"), targets


def test_every_asset_is_a_figure_target_output_or_a_source(tmp_path):
    deck, targets = figure_deck(
        tmp_path,
        '# A\n\n![a](./pictures/made.png)\n\n<img src="/logo.svg">\n\n---\n\n# B\n\n'
        '<img src="./pictures/stray.png">\n<img src="/gone.svg">\n\n'
        '<video><source src="./pictures/unbuilt.mp4"></video>\n',
    )
    found = [(f.line, f.slide, f.message) for f in lint.assets(deck, targets)]
    assert [(line, slide) for line, slide, _ in found] == [(16, 2), (17, 2), (19, 2)]
    stray, gone, unbuilt = (message for _, _, message in found)
    assert (
        stray.startswith(
            "img ./pictures/stray.png is in the figure folder but no figure target makes it: "
            "declare one in "
        )
        and "deck/figures/targets.py" in stray
    )
    assert gone.startswith("img /gone.svg not found (looked for ")
    # not a figure: making figures would not help
    assert gone.endswith("public/gone.svg): fix the path")
    assert unbuilt.endswith("run `make figures` (figure target unbuilt makes it)")


def test_every_picture_a_target_makes_is_shown(tmp_path):
    deck, targets = figure_deck(tmp_path, "# A\n\n![a](./pictures/made.png)\n")
    found = list(lint.unshown_figures(deck, targets))
    # made.json is data, not a picture: only the video is reported
    assert [f.message for f in found] == [
        "unbuilt.mp4 (figure target unbuilt) is shown on no slide: show it, or stop making it"
    ]
    assert found[0].path == deck.targets_file and found[0].slide == 0


def test_a_page_of_the_figure_folder_is_found_at_its_url(tmp_path):
    deck, targets = figure_deck(tmp_path, '# A\n\n<iframe src="/pictures/view.html"></iframe>\n')
    targets = [*targets, dataclasses.replace(targets[0], name="page", outputs=("view.html",))]
    (deck.figures / "view.html").write_text("<p>a view</p>")
    assert list(lint.assets(deck, targets)) == []
    (deck.figures / "view.html").unlink()
    (message,) = [f.message for f in lint.assets(deck, targets)]
    assert "(figure target page makes it)" in message


def test_an_addon_slidev_will_not_find_is_reported_at_its_line(tmp_path):
    (tmp_path / "slides.md").write_text("---\ntitle: x\naddons:\n  - nowhere\n---\n\n# A\n")
    (found,) = lint.lint(project.load(tmp_path / "slides.md"))
    assert (found.line, found.slide) == (3, 1)
    assert found.message.startswith(
        "addon 'nowhere' not found: Slidev looks for slidev-addon-nowhere"
    )


CORPUS = FIXTURES / "slidev"
EXPECTED = {
    # Every finding the corpus provokes: line, place and the start of the message.
    # A deck not listed has none: each shows something lint once cried wolf about.
    "binary.md": ["3 (slide 1): binary.md is not text (binary data from line 3)"],
    "bom.md": ["1 (slide 1): the file starts with a byte-order mark"],
    "cr-only.md": ["1 (slide 1): lines end in CR only (classic Mac line ends)"],
    "cr.md": ["11 (slide 2): markdown-image ./pictures/missing.png not found"],
    "crlf.md": ["15 (slide 2): markdown-image ./pictures/missing.png not found"],
    "gbk.md": [
        "2 (slide 1): gbk.md is not UTF-8 (it looks like GB18030 (GBK); the first bad byte is "
        "on line 2): Slidev shows \ufffd for its characters; convert it: "
        "`iconv -f GB18030 -t UTF-8 gbk.md > utf8.md && mv utf8.md gbk.md`"
    ],
    "imports.md": [
        "21 (after slide 4): src: ./pages/three.md#5 names slides that three.md does not have",
        "25 (after slide 4): src: ./pages/missing.md not found",
        "29 (after slide 4): src: 5 is not a file path: name a markdown file",
    ],
    "labels.md": ["26 (slide 1): this ts block is Python"],
    "swallow.md": ["3 (slide 1): fence ```python is not closed before the `---` on line 6"],
    "symbols.md": ["4 (slide 1): syntax error: duplicate argument 'a' in function definition"],
    "text-frontmatter.md": [
        "4 (slide 2): this frontmatter is the text 'Some text right after the separator', not "
        "`key: value` lines (the `---` above is followed by a line that is not blank"
    ],
    "tilde.md": [
        "3 (slide 1): fence ~~~python is never closed",
        "7 (slide 2): fence ~~~ is never closed",
    ],
    "yaml-broken.md": [
        "4 (slide 1): frontmatter is not valid YAML (while scanning for the next token; found "
        "character '@' that cannot start any token)",
        "12 (slide 2): frontmatter key 'layout' is given twice: Slidev uses the last",
    ],
}


def placed(path: Path) -> list[str]:
    return [str(f).split(":", 1)[1] for f in lint.lint(project.load(path))]


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.md")))
def test_corpus_findings_are_real_and_at_their_line(name):
    found = placed(CORPUS / name)
    expected = EXPECTED.get(name, [])
    assert len(found) == len(expected), "\n".join(found)
    for finding, start in zip(found, expected, strict=True):
        assert finding.startswith(start), finding


def test_an_import_loop_is_reported_once_and_followed_never():
    deck = project.load(FIXTURES / "loop" / "deck.md")
    assert [s.title for s in deck.deck.slides] == ["One", "Last"]
    assert placed(FIXTURES / "loop" / "deck.md") == [
        "4 (after slide 1): src: ./deck.md leads back to itself (deck.md:3 -> deck.md:3): "
        "Slidev runs out of memory on this loop; remove the import or narrow its range",
        "8 (after slide 1): src: ./a.md leads back to itself (deck.md:7 -> a.md:3 -> b.md:3 -> "
        "a.md:3): Slidev runs out of memory on this loop; remove the import or narrow its range",
    ]


def test_symbol_errors_do_not_stop_the_lint(tmp_path):
    """Code that parses but does not compile: reported where the slide does not say it
    raises SyntaxError; names it binds still count for later blocks."""
    deck = tmp_path / "slides.md"
    deck.write_text(
        "# A\n\n```python\nnonlocal x\n```\n\n```python\ndef f(a, a):\n    return a\n```\n\n"
        "<!-- check: raises SyntaxError -->\n```python\ndef g():\n    print(y)\n    global y\n"
        "```\n\n```python\nprint(f, g, missing)\n```\n"
    )
    found = [f"{f.line} {f.message}" for f in lint.lint(project.load(deck))]
    assert [f.split(":")[0] for f in found] == [
        "4 syntax error",
        "8 syntax error",
        "20 name 'missing' is used but no earlier block defines it",
    ]
    assert "nonlocal declaration not allowed at module level" in found[0]
    assert "duplicate argument 'a' in function definition" in found[1]
    assert "`<!-- check: raises SyntaxError -->`" in found[1]


def test_a_headmatter_key_finding_is_at_the_key(tmp_path):
    (tmp_path / "slides.md").write_text(
        "---\ntitle: x\nfonts:\n  sans: Inter\n---\n\n# A\n", encoding="utf-8"
    )
    (found,) = lint.lint(project.load(tmp_path / "slides.md"))
    assert (found.line, found.slide) == (3, 1) and "Google Fonts" in found.message
