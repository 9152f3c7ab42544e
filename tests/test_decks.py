"""Every deck of the repository (each ``slides/**/slides.md``), checked the same way:
its figures build and match their inputs, every picture is made by a target and shown,
its live blocks run on a click and have recorded outputs. (Each deck's slide code and
lint are pytest items of their own, collected by the nlpdeck plugin; its rendering in
a browser is tests/test_browser.py.)"""

from __future__ import annotations

import pytest

from nlpdeck import addons, lint, project, recorded
from nlpdeck.figures import build

DECKS = project.repository_decks()


@pytest.fixture(params=DECKS, ids=[d.parent.name for d in DECKS], scope="module")
def deck(request: pytest.FixtureRequest) -> project.DeckProject:
    return project.load(request.param)


def test_the_repository_has_decks():
    assert DECKS, "no slides/**/slides.md: the deck tests would check nothing"


def test_every_figure_target_builds(deck, figures_built):
    out = figures_built(deck)
    for target in deck.targets():
        for name in target.outputs:
            assert (out / name).stat().st_size > 0, f"{target.name} wrote empty {name}"


def test_committed_figures_match_their_inputs(deck):
    stale = [
        f"{s.target.name}: {s.reason or 'description ' + s.words}"
        for s in build.plan(deck)
        if s.reason or s.words
    ]
    assert stale == [], "figures out of date; run `make figures`:\n" + "\n".join(stale)


def test_figures_are_all_shown_and_all_made_by_targets(deck):
    assert [str(f) for f in lint.unshown_figures(deck)] == []
    made = {out for t in deck.targets() for out in t.outputs}
    pending = lint.pending_figures(deck.deck)
    for slide in deck.deck.slides:
        for asset in slide.assets:
            path = lint.resolve_asset(asset, deck)
            if path.is_relative_to(deck.figures) and path.name not in pending:
                assert path.relative_to(deck.figures).as_posix() in made, asset


def test_live_blocks_run_on_a_click_and_are_recorded(deck):
    blocks = recorded.live_blocks(deck.deck)
    assert [str(f) for f in lint.live_blocks(deck)] == []
    if blocks:
        assert {b.lang for b in blocks} <= addons.code_runners(deck.deck.headmatter, deck.dir)[0]
