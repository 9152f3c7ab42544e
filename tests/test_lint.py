import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nlpdeck import addons, check, env, lint, project
from nlpdeck.lint import config
from nlpdeck.reader.model import place

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
    (tmp_path / "slides.md").write_text('# A\n\n<img alt="a picture" src="./image.png" />\n')
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
    assert addons.code_runners(headmatter, tmp_path / "deck") == ({"r", "julia"}, [])
    assert addons.code_runners({}, tmp_path / "deck") == (set(), [])


def test_a_runner_setup_that_declares_nothing_makes_the_runners_unknown(tmp_path):
    """An addon, a theme or the deck with a setup/code-runners file of its own may run
    any language: none of them is known, unless declared."""
    addon = tmp_path / "node_modules" / "slidev-addon-runs"
    (addon / "setup").mkdir(parents=True)
    (addon / "package.json").write_text('{"name": "slidev-addon-runs"}')
    (addon / "setup" / "code-runners.ts").write_text("export default {}\n")
    theme = tmp_path / "node_modules" / "slidev-theme-plain"
    theme.mkdir(parents=True)
    (theme / "package.json").write_text('{"slidev": {"addons": ["runs"]}}')
    deck = tmp_path / "deck"
    deck.mkdir()
    assert addons.code_runners({"addons": ["runs"]}, deck) == (
        set(),
        [addon / "setup" / "code-runners.ts"],
    )
    assert addons.code_runners({"theme": "plain"}, deck)[1] == [addon / "setup" / "code-runners.ts"]
    assert addons.code_runners({"theme": "absent"}, deck)[1] == [
        deck / "(theme absent, not installed)"
    ]
    (deck / "setup").mkdir()
    (deck / "setup" / "code-runners.mjs").write_text("export default {}\n")
    assert addons.code_runners({}, deck)[1] == [deck / "setup" / "code-runners.mjs"]
    assert addons.code_runners({}, deck, ("sql",)) == ({"sql"}, [])


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
        '# A\n\n![a](./pictures/made.png)\n\n<img alt="a" src="/logo.svg">\n\n---\n\n# B\n\n'
        '<img alt="a" src="./pictures/stray.png">\n<img alt="a" src="/gone.svg">\n\n'
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
    # public/ first, then the deck's folder; not a figure: making figures would not help
    assert "deck/public/gone.svg or " in gone and gone.endswith("deck/gone.svg): fix the path")
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
    """The nlpdeck addon serves and builds the figure folder's pages; without it, a
    build has no page at that URL."""
    deck, targets = figure_deck(tmp_path, '# A\n\n<iframe src="/pictures/view.html"></iframe>\n')
    targets = [*targets, dataclasses.replace(targets[0], name="page", outputs=("view.html",))]
    (deck.figures / "view.html").write_text("<p>a view</p>")
    assert [f.rule for f in lint.assets(deck, targets)] == ["not-in-build"]
    text = deck.path.read_text().replace(
        "---\nnlpdeck:", f"---\naddons:\n  - {env.ROOT / 'slidev-addon-nlpdeck'}\nnlpdeck:"
    )
    deck.path.write_text(text)
    deck = project.load(deck.path)
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
    "pictures.md": [
        "11 (slide 1): img ./pictures/a%20b.png has no alt text",
        "13 (slide 1): img ./pictures/图片.png has no alt text",
    ],
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
    """Each finding as ``line (slide N): message``."""
    return [
        f"{f.line} ({place(f.slide, f.between)}): {f.message}"
        for f in lint.lint(project.load(path))
    ]


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


STRANGERS = FIXTURES / "strangers"
"""Small decks written here with the patterns of real decks nobody here wrote: a
course's lecture project, Slidev's starter deck, a deck with its own code runner, and
Python shown in fences labelled ``ts``."""


def graded(path: Path) -> list[tuple[int, str, str]]:
    return [(f.line, f.severity, f.rule) for f in lint.lint(project.load(path))]


def test_a_lecture_project_with_root_absolute_images_has_no_finding():
    """``/image/x.png`` with no public/: Slidev serves and bundles it from the deck's
    folder; a deck with pictures in image/ and no figure targets is no figure deck."""
    deck = project.load(STRANGERS / "lecture" / "slides.md")
    urls = {a.url for s in deck.deck.slides for a in s.assets}
    assert {"/image/tokens.png", "/image/pipeline.png", "./image/tokens.png"} <= urls
    assert not (deck.dir / "public").exists() and deck.figures == deck.dir / "image"
    assert lint.lint(deck) == []


def test_the_starter_deck_gets_advice_and_passes_the_check(capsys):
    deck = STRANGERS / "starter" / "slides.md"
    assert graded(deck) == [
        (4, "warning", "remote-asset"),
        (9, "warning", "web-fonts"),
        (41, "warning", "remote-asset"),
        (46, "warning", "img-alt"),  # Slidev's logo, with no alt text
        (46, "warning", "remote-asset"),
    ]
    assert check.main(deck, timeout=60) == 0
    out = capsys.readouterr().out
    assert "slides.md:4: warning remote-asset: frontmatter:background https://cover.sli.dev" in out
    assert out.rstrip().endswith("0 failing lint findings")
    assert "lint: 0 errors, 5 warnings (none failing)" in out
    assert check.main(deck, timeout=60, strict=True) == 1
    assert "lint: 0 errors, 5 warnings (5 failing)" in capsys.readouterr().out


def test_a_deck_with_its_own_code_runner_is_not_told_it_has_none(tmp_path):
    assert lint.lint(project.load(STRANGERS / "runner" / "slides.md")) == []
    # the same deck without its setup: the `text` block has no runner, and that is known
    deck = tmp_path / "slides.md"
    deck.write_text((STRANGERS / "runner" / "slides.md").read_text())
    assert graded(deck) == [(8, "error", "no-runner")]


def test_python_in_ts_fences_and_an_undefined_name_stay_reported(capsys):
    deck = STRANGERS / "labels" / "slides.md"
    found = lint.lint(project.load(deck))
    assert [(f.line, f.slide, f.severity, f.rule) for f in found] == [
        (8, 1, "warning", "mislabelled-fence"),
        (18, 2, "warning", "mislabelled-fence"),
        (19, 2, "error", "undefined-name"),
        (20, 2, "error", "undefined-name"),
    ]
    assert "'loader'" in found[2].message and "'device'" in found[3].message
    assert check.main(deck, timeout=60) == 1
    assert "lint: 2 errors, 2 warnings (2 failing)" in capsys.readouterr().out


def test_a_finding_prints_as_linters_print_them(monkeypatch):
    monkeypatch.chdir(STRANGERS)  # paths are shown from the working folder
    finding = lint.lint(project.load(STRANGERS / "labels" / "slides.md"))[2]
    assert str(finding) == (
        "labels/slides.md:19: error undefined-name: name 'loader' is used but no earlier "
        "block defines it: define it (or import it) in this block or one before (slide 2)"
    )


def test_a_loop_reads_what_it_binds(tmp_path):
    deck = tmp_path / "slides.md"
    deck.write_text(
        "# A\n\n```python\nfor word in ['a']:\n    print(word)\n"
        "with open('notes.txt') as f:\n    f.read()\nprint(word, f, missing)\n```\n"
    )
    assert [(f.line, f.rule) for f in lint.lint(project.load(deck))] == [(8, "undefined-name")]


def write_deck(folder: Path, headmatter: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    deck = folder / "slides.md"
    deck.write_text(f"---\ntitle: x\n{headmatter}---\n\n{body}", encoding="utf-8")
    return deck


def picture(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n")


def test_paths_resolve_as_slidev_resolves_them(tmp_path):
    picture(tmp_path / "image" / "root.png")
    picture(tmp_path / "image" / "both.png")
    picture(tmp_path / "public" / "image" / "both.png")
    picture(tmp_path / "pages" / "image" / "near.png")
    (tmp_path / "pages" / "more.md").write_text(
        '# Imported\n\n![near](./image/near.png)\n<img alt="a" src="/image/root.png">\n'
    )
    deck = write_deck(
        tmp_path,
        "",
        '# A\n\n![a](/image/root.png)\n\n<img alt="a" src="/image/both.png">\n\n'
        '<img alt="a" src="./image/root.png">\n\n<img alt="a" src="/image/gone.png">\n\n'
        "---\nsrc: ./pages/more.md\n---\n",
    )
    loaded = project.load(deck)
    both = next(a for s in loaded.deck.slides for a in s.assets if a.url == "/image/both.png")
    assert lint.resolve_asset(both, loaded) == tmp_path / "public" / "image" / "both.png"
    found = lint.lint(loaded)
    assert [(f.line, f.rule) for f in found] == [(13, "missing-file")]
    assert f"looked for {tmp_path}/public/image/gone.png or {tmp_path}/image/gone.png" in (
        found[0].message
    )


def test_paths_a_build_cannot_resolve_are_errors(tmp_path):
    """Vue makes an import of an <img> or markdown picture: `@/` (no Vite alias in
    Slidev) and a bare path are read as package names, and the build fails."""
    picture(tmp_path / "image" / "x.png")
    deck = write_deck(
        tmp_path, "", '# A\n\n<img alt="x" src="@/image/x.png">\n\n![x](image/x.png)\n'
    )
    found = lint.lint(project.load(deck))
    assert [(f.line, f.severity, f.rule) for f in found] == [
        (7, "error", "asset-path"),
        (9, "error", "asset-path"),
    ]
    assert found[0].message.endswith("write /image/x.png")
    assert found[1].message.endswith("write ./image/x.png")


def test_a_plain_url_beside_the_deck_is_not_in_a_build(tmp_path):
    """A frontmatter picture or an iframe is no import: the dev server serves it from
    the deck's folder, but a build copies only public/."""
    picture(tmp_path / "image" / "cover.png")
    picture(tmp_path / "public" / "logo.png")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "view.html").write_text("<p>a view</p>")
    deck = write_deck(
        tmp_path,
        "background: /image/cover.png\n",
        '# A\n\n<iframe src="/pages/view.html"></iframe>\n\n---\nimage: /logo.png\n'
        "layout: image-right\n---\n\n# B\n",
    )
    found = lint.lint(project.load(deck))
    assert [(f.line, f.severity, f.rule) for f in found] == [
        (3, "error", "not-in-build"),
        (8, "error", "not-in-build"),
    ]
    assert found[0].message.endswith(f"move it to {tmp_path}/public/image/cover.png")


def test_every_figure_from_a_target_only_where_the_deck_keeps_to_targets(tmp_path):
    picture(tmp_path / "image" / "copied.png")
    deck = write_deck(tmp_path, "", '# A\n\n<img alt="a" src="/image/copied.png">\n')
    assert lint.lint(project.load(deck)) == []
    write_deck(
        tmp_path,
        "nlpdeck:\n  lint:\n    figure-targets: true\n",
        '# A\n\n<img alt="a" src="/image/copied.png">\n',
    )
    assert graded(deck) == [(10, "error", "figure-untracked")]
    write_deck(tmp_path, "", '# A\n\n<img alt="a" src="/image/copied.png">\n')
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "targets.py").write_text("TARGETS = []\n")
    assert graded(deck) == [(7, "error", "figure-untracked")]


def test_the_config_sets_severities_and_policies(tmp_path):
    body = '# A\n\n<img alt="a" src="https://example.org/a.png">\n'
    deck = write_deck(tmp_path, "", body)
    assert graded(deck) == [(7, "warning", "remote-asset")]
    write_deck(tmp_path, "nlpdeck:\n  lint:\n    offline: true\n", body)
    assert graded(deck) == [(10, "error", "remote-asset")]
    write_deck(tmp_path, "nlpdeck:\n  lint:\n    remote-asset: off\n", body)
    assert graded(deck) == []
    write_deck(tmp_path, "nlpdeck:\n  lint:\n    warnings: error\n", body)
    loaded = project.load(deck)
    assert config.read(loaded).strict
    assert [f.rule for f in lint.failing(loaded, lint.lint(loaded))] == ["remote-asset"]
    assert check.main(deck, timeout=60) == 1


def test_a_config_lint_does_not_understand_is_an_error_at_its_line(tmp_path):
    deck = write_deck(
        tmp_path,
        "nlpdeck:\n  lint:\n    remote-assets: off\n    web-fonts: loud\n    offline: yes\n",
        "# A\n",
    )
    found = lint.lint(project.load(deck))
    assert [(f.line, f.rule) for f in found] == [(3, "lint-config")] * 3
    messages = " | ".join(f.message for f in found)
    assert "'remote-assets' is neither a setting" in messages
    assert "web-fonts: 'loud' is not a severity: give one of error, warning, off" in messages
    assert "offline: 'yes': give true or false" in messages
    assert config.read(project.load(deck)).severity["web-fonts"] == "warning"  # the default


def test_comments_turn_findings_off(tmp_path):
    deck = write_deck(
        tmp_path,
        "",
        "# A\n\n"
        "<!-- nlpdeck-disable-next-line remote-asset -->\n"
        '<img alt="a" src="https://example.org/a.png">\n'
        '<img alt="a" src="https://example.org/b.png">\n\n'
        "<!-- nlpdeck-disable-next-line missing-file -->\n"
        '<img alt="a" src="https://example.org/c.png">\n\n'
        "<!-- nlpdeck-disable -->\n"
        '<img alt="a" src="/gone.png">\n'
        "<!-- nlpdeck-enable -->\n\n"
        "<!-- nlpdeck-disable-next-line undefined-name -->\n"
        "<!-- check: skip shown, not run -->\n"
        "```python\nprint(nowhere)\n```\n\n"
        "```python\nprint(elsewhere)\n```\n",
    )
    found = lint.lint(project.load(deck))
    assert [(f.line, f.rule) for f in found] == [
        (9, "remote-asset"),  # b.png: the comment covers the line after it only
        (12, "remote-asset"),  # c.png: the comment names another rule
        (25, "undefined-name"),  # elsewhere: no comment before its block
    ]


def test_part2_keeps_zero_findings_under_strict():
    deck = project.find(env.ROOT / "slides" / "part2")
    settings = config.read(deck)
    assert settings.strict
    assert {settings.severity[r] for r in ("remote-asset", "web-fonts", "figure-untracked")} == {
        "error"
    }
    assert [str(f) for f in lint.lint(deck)] == []


@pytest.mark.kernel
def test_the_lecture_deck_passes_the_check(capsys, tmp_path):
    """Lint finds nothing, and both Python blocks run: `nlpdeck check` exits 0. (On a
    copy: the check writes its record into the lecture project's build/.)"""
    lecture = shutil.copytree(STRANGERS / "lecture", tmp_path / "lecture")
    assert check.main(lecture / "slides.md", timeout=120) == 0
    out = capsys.readouterr().out
    assert "lint: 0 errors, 0 warnings (none failing)" in out
    assert "2 passed, 0 failed, 0 timeout, 0 skipped; 0 failing lint findings" in out


def test_only_fonts_slidev_fetches_are_reported(tmp_path):
    deck = write_deck(
        tmp_path, "fonts:\n  sans: Inter, Noto Sans SC\n  local: Noto Sans SC\n", "# A\n"
    )
    (found,) = lint.lint(project.load(deck))
    assert (found.rule, found.severity) == ("web-fonts", "warning")
    assert "(Inter)" in found.message
    write_deck(tmp_path, "fonts:\n  sans: Noto Sans SC\n  local: [Noto Sans SC]\n", "# A\n")
    assert lint.lint(project.load(deck)) == []
    write_deck(tmp_path, "fonts:\n  sans: Inter\n  provider: none\n", "# A\n")
    assert lint.lint(project.load(deck)) == []


def test_notebook_syntax_is_python_as_the_kernel_runs_it(tmp_path):
    """Magics, shell escapes and ``name?`` run in a Jupyter kernel: no syntax error; a
    ``%%time`` body is Python still, a ``%%bash`` body is not Python at all."""
    deck = write_deck(
        tmp_path,
        "",
        "# A\n\n```python\n%matplotlib inline\n!pip install pandas\nfiles = !ls\n"
        "math?\n```\n\n```python\n%%time\nimport math\ntotal = len(files)\n```\n\n"
        "```python\n%%bash\nls -la | wc -l\n```\n\n```python\nprint(math.pi, total, later)\n```\n",
    )
    assert [
        (f.line, f.rule, f.message.split(" is ")[0]) for f in lint.lint(project.load(deck))
    ] == [(26, "undefined-name", "name 'later'")]


def test_pytest_fails_a_deck_on_errors_and_shows_warnings(tmp_path):
    """The plugin's ``::lint`` item: warnings go to pytest's warnings summary, at the
    markdown line; errors fail the item."""
    for name in ("starter", "labels"):
        shutil.copytree(STRANGERS / name, tmp_path / name)
    run = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", tmp_path]
    starter = subprocess.run(
        [*run, "starter/slides.md"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert starter.returncode == 0, starter.stdout
    assert "1 passed, 5 warnings" in starter.stdout
    assert "slides.md:4: LintWarning: starter/slides.md:4: warning remote-asset" in starter.stdout
    labels = subprocess.run(
        [*run, "labels/slides.md"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert labels.returncode == 1, labels.stdout
    assert "labels/slides.md:19: error undefined-name: name 'loader'" in labels.stdout


def test_an_image_without_alt_text_is_advice_unless_the_figure_build_describes_it(tmp_path):
    """The nlpdeck addon puts a described figure's words in as its alt; other pictures
    need the author's (``alt=""``: decoration)."""
    picture(tmp_path / "image" / "plot.png")
    picture(tmp_path / "image" / "other.png")
    addon = f"addons:\n  - {env.ROOT / 'slidev-addon-nlpdeck'}\n"
    body = (
        '# A\n\n<img src="./image/plot.png">\n\n![](./image/other.png)\n\n'
        '<img src="./image/other.png" alt="">\n\n![other](./image/other.png)\n'
    )
    deck = write_deck(tmp_path, addon, body)
    found = lint.lint(project.load(deck))
    assert [(f.line, f.severity, f.rule) for f in found] == [
        (9, "warning", "img-alt"),
        (11, "warning", "img-alt"),
    ]
    assert found[0].message == (
        "img ./image/plot.png has no alt text, so a screen reader and the exported PDF say "
        'nothing of it: write what it shows as its alt text (alt="" if it is decoration)'
    )
    (tmp_path / "image" / "descriptions.json").write_text('{"plot.png": "一条上升的线"}')
    assert [f.line for f in lint.lint(project.load(deck))] == [11]
    write_deck(tmp_path, "", body)  # without the addon nothing fills the alt in
    assert [f.line for f in lint.lint(project.load(deck))] == [7, 9]
