"""`nlpdeck init` adds nlpdeck to a presenter's Slidev project and disturbs nothing."""

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nlpdeck import init, project
from nlpdeck.reader.split import split

VERSION = importlib.metadata.version("nlpdeck")
HEADMATTER = """---
# the lecture's theme, chosen by hand
theme: seriph
title: 'Lecture 1: words'
addons:
  - slidev-addon-python-runner   # Pyodide, for the pandas slides
drawings:
    persist: false
---

# Words

![a cat](/image/cat.png)
"""


def slidev_project(root: Path, deck: str = HEADMATTER) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(
        '{\n    "name": "lecture-1",\n    "private": true,\n    "scripts": {"dev": "slidev"},\n'
        '    "dependencies": {\n        "@slidev/cli": "52.14.1"\n    }\n}\n'
    )
    (root / "slides.md").write_text(deck)
    return root


def run_init(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nlpdeck", "init", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=folder.parent,
    )


def test_init_enables_the_addon_and_keeps_everything_else(tmp_path):
    root = slidev_project(tmp_path / "lecture-1")
    before = (root / "slides.md").read_text()
    result = run_init(root)
    assert result.returncode == 0, result.stdout + result.stderr
    after = (root / "slides.md").read_text()
    # one line added, under the addon already there; comments, quotes, order, indents kept
    assert after == before.replace(
        "for the pandas slides\n", "for the pandas slides\n  - nlpdeck\n"
    )
    assert project.load(root / "slides.md").deck.headmatter["addons"][-1] == "nlpdeck"
    assert (root / "demos" / "prelude.py").read_text() == init.PRELUDE
    manifest = (root / "package.json").read_text()
    assert json.loads(manifest)["devDependencies"] == {"slidev-addon-nlpdeck": f"^{VERSION}"}
    assert manifest.startswith('{\n    "name": "lecture-1",\n    "private": true,\n')
    assert list(json.loads(manifest)) == [
        "name",
        "private",
        "scripts",
        "dependencies",
        "devDependencies",
    ]
    lines = result.stdout.splitlines()
    assert lines[0] == "lecture-1/slides.md: enabled the addon (addons: nlpdeck)"
    assert lines[1].startswith("lecture-1/demos/prelude.py: written")
    added = f"added slidev-addon-nlpdeck@^{VERSION} to devDependencies"
    assert lines[2] == f"lecture-1/package.json: {added}"
    assert lines[3] == "next: cd lecture-1 && npm install && nlpdeck check && nlpdeck present"


def test_a_second_run_changes_nothing(tmp_path):
    root = slidev_project(tmp_path / "lecture-1")
    assert run_init(root).returncode == 0
    files = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    again = run_init(root)
    assert again.returncode == 0
    assert again.stdout.splitlines()[0] == "nothing to change: nlpdeck is set up here"
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == files


def test_a_deck_without_headmatter_gets_one(tmp_path):
    root = slidev_project(tmp_path / "talk", deck="# Hello\n\n---\n\n# Two\n")
    assert run_init(root).returncode == 0
    text = (root / "slides.md").read_text()
    assert text == "---\naddons:\n  - nlpdeck\n---\n\n# Hello\n\n---\n\n# Two\n"
    deck = project.load(root / "slides.md")
    assert deck.deck.headmatter["addons"] == ["nlpdeck"] and len(deck.deck.slides) == 2


def test_headmatter_without_addons_gets_the_key_last(tmp_path):
    root = slidev_project(tmp_path / "talk", deck="---\ntheme: default  # plain\n---\n\n# Hi\n")
    assert run_init(root).returncode == 0
    text = (root / "slides.md").read_text()
    assert text == "---\ntheme: default  # plain\naddons:\n  - nlpdeck\n---\n\n# Hi\n"


def test_a_project_without_package_json_is_refused_and_left_as_it_was(tmp_path):
    (tmp_path / "slides.md").write_text(HEADMATTER)
    result = run_init(tmp_path)
    assert result.returncode == 2
    assert "no package.json" in result.stdout and "npm init slidev" in result.stdout
    assert (tmp_path / "slides.md").read_text() == HEADMATTER
    assert not (tmp_path / "demos").exists()


def test_addons_that_is_not_a_list_is_refused(tmp_path):
    with pytest.raises(init.InitError, match="`addons:` is not a list"):
        init.enable_addon("---\naddons: nlpdeck-ish\n---\n# x\n", tmp_path / "slides.md")


def test_a_flow_list_of_addons_gets_the_addon_by_the_round_trip(tmp_path):
    text = "---\ntheme: default\naddons: [slidev-addon-qrcode]  # the QR slide\n---\n# x\n"
    enabled = init.enable_addon(text, tmp_path / "slides.md")
    assert enabled is not None and "# the QR slide" in enabled
    (head,) = [s.frontmatter for s in split(enabled).slides[:1]]
    assert head["addons"] == ["slidev-addon-qrcode", "nlpdeck"]
    assert init.enable_addon(enabled, tmp_path / "slides.md") is None


def test_a_new_decks_next_step_works_from_where_the_user_stands(tmp_path):
    """Outside a Slidev project `nlpdeck new` says how to make one before `init`; in one
    without the addon, `init` first."""
    from nlpdeck import scaffold

    deck = tmp_path / "lecture"
    deck.mkdir()
    assert scaffold.next_step(deck).startswith("`npm i -D @slidev/cli` in ")
    (tmp_path / "package.json").write_text("{}\n")
    step = scaffold.next_step(deck)
    assert step.startswith("nlpdeck init ") and step.endswith(f"nlpdeck present {deck}")
