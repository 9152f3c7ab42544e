"""A deck started with one command, in a copy of the repository's layout, works at once:
its slide code passes the check, its figure is fresh, it names the addon by name, and its
build shows the recorded output of its live slide in Chromium."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_tools import require_browser, run_script, serve_built

from nlpdeck import env, export, lint, project, recorded
from nlpdeck.figures import build

SCRIPT = Path(__file__).parent / "browser" / "recorded_output.mjs"
# the top word of the text each language's deck counts (the Zen of Python, written into
# the deck: it needs nothing of this repository)
EXPECT = {"en": "better", "zh-CN": "better"}


def nlpdeck(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nlpdeck", *map(str, args)],
        cwd=env.ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=env.subprocess_environ(),
    )


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Slidev project laid out like the repository: its package.json, slides/ and the
    installed packages (linked, as `npm link` does). Vite's dependency cache,
    node_modules/.vite, is its own: a dev server elsewhere never rebuilds it under this
    project's."""
    root = tmp_path_factory.mktemp("layout")
    (root / "package.json").write_text('{"private": true}\n')
    (root / "node_modules").mkdir()
    for package in (env.ROOT / "node_modules").iterdir():
        if package.name != ".vite":
            (root / "node_modules" / package.name).symlink_to(package)
    return root


@pytest.fixture(scope="module")
def decks(layout: Path) -> dict[str, project.DeckProject]:
    """One new deck per language, each made by `python -m nlpdeck new`."""
    made = {}
    for lang in EXPECT:
        folder = layout / "slides" / f"lecture-{lang.lower()}"
        result = nlpdeck("new", folder, "--lang", lang)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"next: nlpdeck present {folder}" in result.stdout
        assert not [p for p in folder.rglob("*.py") if "course" in p.read_text()]
        made[lang] = project.load(folder / "slides.md")
    return made


@pytest.fixture(params=list(EXPECT))
def new_deck(request: pytest.FixtureRequest, decks) -> project.DeckProject:
    return decks[request.param]


def test_the_deck_names_the_addon_and_lints_clean(new_deck):
    assert new_deck.deck.headmatter["addons"] == ["nlpdeck"]  # found in node_modules
    assert new_deck.lang in EXPECT
    assert [str(f) for f in lint.lint(new_deck)] == []


@pytest.mark.kernel
def test_make_check_passes_and_the_live_block_is_recorded(new_deck):
    checked = nlpdeck("check", new_deck.dir)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "3 passed, 0 failed, 0 timeout, 0 skipped; 0 failing lint findings" in checked.stdout
    (live,) = recorded.live_blocks(new_deck.deck)
    entry = recorded.load(new_deck.records)[recorded.key(live.code)]
    shown = json.dumps(entry["outputs"], ensure_ascii=False)
    assert EXPECT[new_deck.lang] in shown


def test_its_figure_is_built_and_fresh(new_deck):
    assert [s.reason for s in build.plan(new_deck)] == [""]
    numbers = json.loads((new_deck.figures / "top_words.json").read_text(encoding="utf-8"))
    assert numbers["top"][0]["word"] == EXPECT[new_deck.lang]
    again = nlpdeck("figures", new_deck.dir)
    assert again.returncode == 0 and "figures are up to date" in again.stdout


def test_a_second_deck_in_the_same_folder_is_refused(new_deck):
    refused = nlpdeck("new", new_deck.dir)
    assert refused.returncode == 2 and "is not empty: choose a new folder" in refused.stdout


def noting_python(tmp_path: Path) -> tuple[Path, Callable[[], list[str]]]:
    """The toolkit's Python behind a script that notes each command the addon runs with
    it (for NLPDECK_PYTHON), and what it noted so far."""
    marker, python = tmp_path / "started", tmp_path / "python"
    python.write_text(f'#!/bin/sh\necho "$*" >> {marker}\nexec {sys.executable} "$@"\n')
    python.chmod(0o755)
    return python, lambda: marker.read_text().splitlines() if marker.exists() else []


def assert_only_described(ran: list[str]) -> None:
    """The addon asked for the deck's description, once per Slidev run, and started no
    kernel server."""
    assert [r for r in ran if "kernel-server" in r] == [], ran
    assert ran and {tuple(r.split()[:3]) for r in ran} == {("-m", "nlpdeck", "describe")}, ran


@pytest.mark.export
@pytest.mark.browser
def test_its_build_starts_no_kernel_and_shows_the_recorded_output(decks, layout, tmp_path):
    """One build (minutes) is enough: the two languages' decks differ only in words. The
    toolkit's Python notes each command the addon runs with it: a build asks for the
    deck's description only, and starts no kernel server."""
    new_deck = decks["zh-CN"]
    require_browser()
    dist = tmp_path / "dist"
    python, ran = noting_python(tmp_path)
    built = subprocess.run(
        [str(layout / "node_modules" / ".bin" / "slidev"), "build", str(new_deck.path)]
        + ["--out", str(dist)],
        cwd=layout,
        capture_output=True,
        text=True,
        timeout=1500,
        stdin=subprocess.DEVNULL,
        env={**env.subprocess_environ(), "NLPDECK_PYTHON": str(python)},
    )
    assert built.returncode == 0, (built.stdout + built.stderr)[-3000:]
    assert_only_described(ran())
    assert "nlpdeck: live Python" not in built.stdout
    (live,) = recorded.live_blocks(new_deck.deck)
    with serve_built(dist) as base:
        config = {
            "base": base,
            "slide": live.slide,
            "timeout": 120_000,
            "shot": str(new_deck.build_dir / "live-slide.png"),
        }
        report = run_script(SCRIPT, config, tmp_path)
    assert report["error"] is None and report["console"] == [], report
    assert report["status"] == "recorded", report
    assert EXPECT["zh-CN"] in report["text"] and "录制的输出" in report["text"], report


@pytest.mark.export
@pytest.mark.browser
def test_make_export_writes_a_pdf_and_a_png_per_slide(decks, capsys, monkeypatch, tmp_path):
    """Slidev's exporter in Debian's chromium, which starts no kernel (the deck has a live
    block); a failed export keeps the one before it."""
    new_deck = decks["en"]
    require_browser()
    assert recorded.live_blocks(new_deck.deck)  # so the addon's live part was there
    python, ran = noting_python(tmp_path)
    monkeypatch.setenv("NLPDECK_PYTHON", str(python))
    pdf, png = export.outputs(new_deck)
    assert export.export(new_deck) == 0, capsys.readouterr().out[-3000:]
    assert len(ran()) == 2  # the PDF's run and the PNGs'
    assert_only_described(ran())
    assert "nlpdeck: live Python" not in capsys.readouterr().out
    slides = [s for s in new_deck.deck.slides if not s.hidden]
    assert pdf.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in png.glob("*.png")) == sorted(f"{s.number}.png" for s in slides)
    before = {p: p.read_bytes() for p in [pdf, *png.iterdir()]}

    # Too short a wait for any page: every attempt times out, and nothing is replaced.
    monkeypatch.setattr(export, "TIMEOUT_MS", 1000)
    assert export.export(new_deck) != 0
    out = capsys.readouterr().out
    assert out.count("trying again") == export.ATTEMPTS - 1, out[-3000:]
    assert "The previous export is untouched." in out
    assert {p: p.read_bytes() for p in [pdf, *png.iterdir()]} == before
    assert not list(pdf.parent.glob(".partial-*"))
