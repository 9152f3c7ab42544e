from pathlib import Path

from nlpdeck import addons, env, lint
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


def test_runner_languages_come_from_the_addons_the_deck_enables(tmp_path):
    addon = tmp_path / "node_modules" / "slidev-addon-demo"
    addon.mkdir(parents=True)
    (addon / "package.json").write_text('{"nlpdeck": {"runners": ["r"]}}')
    local = tmp_path / "deck" / "my-addon"
    local.mkdir(parents=True)
    (local / "package.json").write_text('{"nlpdeck": {"runners": ["julia"]}}')
    headmatter = {"addons": ["demo", "./my-addon", "absent"], "nlpdeck": {"runners": ["sql"]}}
    assert addons.runner_languages(headmatter, tmp_path / "deck") == {"r", "julia", "sql"}
    assert addons.runner_languages({}, tmp_path / "deck") == set()


def test_names_defined_in_earlier_blocks_or_later_for_functions(tmp_path):
    deck = tmp_path / "slides.md"
    deck.write_text(
        "# A\n\n```python\nimport math\ndef area(r):\n    return math.pi * r * scale\n"
        "scale = 2\n```\n\n---\n\n# B\n\n```python\nprint(area(1), missing)\n```\n"
    )
    assert [(f.line, f.message.split(" is")[0]) for f in lint.lint(read_deck(deck))] == [
        (15, "name 'missing'")
    ]


def figure_deck(tmp_path, body: str):
    """A deck whose ./image is a figure folder of its own, with one built figure and one
    file no target makes; and the targets that go with it."""
    from nlpdeck.figures.target import Target

    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "made.png").write_bytes(b"\x89PNG")
    (figures / "stray.png").write_bytes(b"\x89PNG")
    deck_dir = tmp_path / "deck"
    (deck_dir / "public").mkdir(parents=True)
    (deck_dir / "public" / "logo.svg").write_text("<svg/>")
    (deck_dir / "image").symlink_to(figures)
    (deck_dir / "slides.md").write_text(body)
    targets = [
        Target("made", "nlpdeck.figures.x:draw", ("made.png", "made.json")),
        Target("unbuilt", "nlpdeck.figures.x:draw", ("unbuilt.mp4",)),
    ]
    return read_deck(deck_dir / "slides.md"), targets, figures


def test_every_asset_is_a_figure_target_output_or_a_source(tmp_path):
    deck, targets, figures = figure_deck(
        tmp_path,
        '# A\n\n![a](./image/made.png)\n\n<img src="/logo.svg">\n\n---\n\n# B\n\n'
        '<img src="./image/stray.png">\n<img src="/gone.svg">\n\n'
        '<video><source src="./image/unbuilt.mp4"></video>\n',
    )
    found = [(f.line, f.slide, f.message) for f in lint.assets(deck, targets, figures)]
    assert [(line, slide) for line, slide, _ in found] == [(11, 2), (12, 2), (14, 2)]
    stray, gone, unbuilt = (message for _, _, message in found)
    assert stray.startswith(
        "img ./image/stray.png is in the figure folder but no figure target makes it: "
        "declare one in slides/part2/figures/targets.py"
    )
    assert gone.startswith("img /gone.svg not found (looked for ")
    assert gone.endswith("public/gone.svg): run `make figures` or fix the path")
    assert "(figure target unbuilt makes it)" in unbuilt


def test_every_picture_a_target_makes_is_shown(tmp_path):
    deck, targets, figures = figure_deck(tmp_path, "# A\n\n![a](./image/made.png)\n")
    found = list(lint.unshown_figures(deck, targets, figures))
    # made.json is data, not a picture: only the video is reported
    assert [f.message for f in found] == [
        "unbuilt.mp4 (figure target unbuilt) is shown on no slide: show it, or stop making it"
    ]
    assert found[0].path == lint.TARGETS_FILE and found[0].slide == 0
    assert str(found[0]).startswith("slides/part2/figures/targets.py:1: unbuilt.mp4")


def test_unshown_figures_are_checked_only_for_decks_showing_the_figure_folder(tmp_path):
    deck, targets, _ = figure_deck(tmp_path, "# A\n")
    assert list(lint.unshown_figures(deck, targets, tmp_path / "elsewhere")) == []


def test_project_figures_are_all_shown_and_all_made_by_targets():
    from part2.figures.targets import TARGETS

    deck = read_deck(env.ROOT / "slides" / "part2" / "slides.md")
    assert [str(f) for f in lint.unshown_figures(deck)] == []
    made = {out for t in TARGETS for out in t.outputs}
    for slide in deck.slides:
        for asset in slide.assets:
            path = lint.resolve_asset(asset, deck)
            if path.is_relative_to(env.IMAGE_DIR) and path.name not in lint.pending_figures(deck):
                assert path.relative_to(env.IMAGE_DIR).as_posix() in made, asset
    line = lint.declared_at(TARGETS[0].name)
    assert TARGETS[0].name in lint.TARGETS_FILE.read_text(encoding="utf-8").splitlines()[line - 1]
