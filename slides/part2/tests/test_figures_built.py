"""Every Part 2 figure target builds, and the committed figures match their inputs."""

from __future__ import annotations

from part2.figures.targets import TARGETS

from nlpdeck.figures import build


def test_every_deck_target_builds(built_figures):
    """The suite runs every drawing function (into a temporary folder)."""
    for target in TARGETS:
        for name in target.outputs:
            assert (built_figures / name).stat().st_size > 0, f"{target.name} wrote empty {name}"


def test_committed_figures_match_their_inputs():
    stale = [f"{s.target.name}: {s.reason}" for s in build.plan() if s.reason]
    assert stale == [], "figures out of date; run `make figures`:\n" + "\n".join(stale)
