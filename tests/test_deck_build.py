"""Each deck of the repository built by `slidev build` (minutes each, so once per deck and
session): every asset is in the build, no token nor kernel client is, and the built deck
shows the recorded outputs of its live blocks with no kernel anywhere."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from browser_tools import run_script, serve_built
from live_tools import block_code

from nlpdeck import env, lint, project

DECKS = project.repository_decks()
DECK = env.ROOT / "slides" / "part2" / "slides.md"
BROWSER = Path(__file__).parent / "browser"


@pytest.fixture(scope="module", params=DECKS, ids=[d.parent.name for d in DECKS])
def deck(request: pytest.FixtureRequest) -> project.DeckProject:
    """Each deck of the repository in turn."""
    return project.load(request.param)


class DeckBuild(NamedTuple):
    dist: Path
    token: str  # a kernel server's token, readable from its file during the build
    url: str  # and the server's address, configured in the environment


@pytest.fixture(scope="module")
def deck_build(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], DeckBuild]:
    """``deck_build(deck_file)``: `slidev build` of a deck, once per deck (a build takes
    minutes), made while a kernel server's URL and token file are configured
    (as for a remote server): tests check that neither reaches the build."""
    slidev = env.ROOT / "node_modules" / ".bin" / "slidev"
    if not slidev.exists():
        pytest.fail(f"{slidev.relative_to(env.ROOT)} missing: run `make setup` (npm ci)")
    done: dict[Path, DeckBuild] = {}

    def built(deck: Path) -> DeckBuild:
        if deck in done:
            return done[deck]
        canary = DeckBuild(
            tmp_path_factory.mktemp(f"build-{deck.parent.name}") / "dist",
            "canary-token-" + "0" * 40,
            "http://127.0.0.1:59999/",
        )
        token_file = canary.dist.parent / "token"
        token_file.write_text(canary.token)
        result = subprocess.run(
            [str(slidev), "build", str(deck), "--out", str(canary.dist)],
            cwd=env.ROOT,
            capture_output=True,
            text=True,
            timeout=1500,
            stdin=subprocess.DEVNULL,
            env={
                **env.subprocess_environ(),
                "NLPDECK_KERNEL_URL": canary.url,
                "NLPDECK_KERNEL_TOKEN_FILE": str(token_file),
            },
        )
        assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
        done[deck] = canary
        return canary

    return built


def test_deck_builds_with_every_asset(deck, deck_build):
    """`slidev build` fails on any asset it cannot resolve (the fixture asserts exit 0)."""
    dist = deck_build(deck.path).dist
    assert (dist / "index.html").is_file()
    built = {p.name for p in (dist / "assets").iterdir()}
    for slide in deck.deck.slides:
        for asset in slide.assets:
            path = lint.resolve_asset(asset, deck)
            if not path.is_relative_to(deck.figures):
                continue
            if asset.url.startswith("/"):  # a page the addon serves at its own path
                assert (dist / asset.url.lstrip("/")).is_file(), asset
            elif asset.kind in ("img", "source"):
                stem = Path(asset.url).stem  # vite names it <stem>-<hash><suffix>
                assert any(name.startswith(stem + "-") for name in built), (
                    f"slide {slide.number}: {asset.url} is not in the build"
                )


def test_build_holds_no_token_nor_kernel_client(deck_build):
    """Built while a remote kernel server's URL and token file were configured
    (conftest.deck_build)."""
    deck_build = deck_build(DECK)
    built = [p for p in deck_build.dist.rglob("*") if p.is_file()]
    assert any(p.name == "index.html" for p in built)
    address = deck_build.url.removeprefix("http://")
    for needle in (deck_build.token, address, "__jupyter", "__nlpdeck/live", "KernelConnection"):
        hits = [
            str(p.relative_to(deck_build.dist)) for p in built if needle.encode() in p.read_bytes()
        ]
        assert hits == [], f"{needle!r} in the build: {hits}"


@pytest.mark.browser
def test_built_deck_shows_recorded_outputs_without_a_kernel(deck_build, tmp_path):
    deck_build = deck_build(DECK)
    slide, code = block_code(DECK, "bank.py")
    with serve_built(deck_build.dist) as base:
        config = {
            "base": base,
            "mode": "recorded",
            "slide": slide,
            "code": code,
            "expect": "河岸",
            "timeout": {"step": 120_000, "recover": 120_000},
        }
        report = run_script(BROWSER / "live_runner.mjs", config, tmp_path)
    assert report["opened"] and all(s["ok"] for s in report["steps"]), report
    assert report["requests"] == []
    assert not report["placeholder"], "Slidev's English placeholder is shown"
