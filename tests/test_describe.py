"""``nlpdeck describe --json``: the one description of a deck the addon reads (its
folders, prelude, records, kernel settings), by the rules of nlpdeck/project.py; every
path absolute, no token's value."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from nlpdeck import describe, env, kernel_hooks, project

SECRET = "f00dfeedcafe" * 4

SLIDES = """---
title: Described
lang: zh-CN
nlpdeck:
  figures: art
  records: outputs/recorded.json
  prelude: code/start.py
  demos: code
  runners: [sql]
  kernel:
    url: http://127.0.0.1:9/lab
    token_file: secrets/token
    dir: /srv/talks/described
---

# One

```python {monaco-run}
print("one")
```
"""


def deck_folder(tmp_path: Path, slides: str = SLIDES) -> Path:
    folder = tmp_path / "described"
    (folder / "code").mkdir(parents=True)
    (folder / "code" / "start.py").write_text("START = 1\n", encoding="utf-8")
    (folder / "code" / "bank.py").write_text("print('demo')\n", encoding="utf-8")
    (folder / "code" / "_shared.py").write_text("", encoding="utf-8")
    (folder / "secrets").mkdir()
    (folder / "secrets" / "token").write_text(SECRET)
    (folder / "slides.md").write_text(slides, encoding="utf-8")
    return folder


def run_describe(folder: Path, **environ: str) -> dict[str, Any]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NLPDECK_KERNEL_")}
    result = subprocess.run(
        [sys.executable, "-m", "nlpdeck", "describe", "--json", str(folder)],
        capture_output=True,
        text=True,
        cwd=folder.parent,
        env={**clean, **environ},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert len(result.stdout.strip().splitlines()) == 1  # one JSON line
    return dict(json.loads(result.stdout))


def test_describe_gives_the_decks_files_by_the_projects_rules(tmp_path):
    folder = deck_folder(tmp_path)
    described = run_describe(folder)
    deck = project.load(folder / "slides.md")
    assert described["version"] == describe.DESCRIPTION_VERSION
    assert described["entry"] == str(folder / "slides.md")
    assert described["dir"] == str(folder)
    assert described["lang"] == "zh-CN"
    assert described["figures"] == str(folder / "art") == str(deck.figures)
    assert described["records"] == str(folder / "outputs" / "recorded.json")
    assert described["prelude"] == str(folder / "code" / "start.py")
    assert described["demos"] == [str(folder / "code" / "bank.py")]  # not the prelude, not _shared
    assert described["public"] == str(folder / "public")
    assert described["build"] == str(deck.build_dir)
    assert described["runners"] == ["sql"]
    assert described["kernel"] == {
        "url": "http://127.0.0.1:9/lab/",
        "token_file": str(folder / "secrets" / "token"),
        "dir": "/srv/talks/described",  # a folder on the kernels' machine, kept as given
    }
    paths = [v for k, v in described.items() if isinstance(v, str) and k not in ("name", "lang")]
    paths = [p for p in paths if not p.startswith("from nlpdeck")]  # kernel_setup is code
    assert paths and all(Path(p).is_absolute() for p in paths), paths


def test_a_deck_that_declares_nothing_gets_the_defaults_and_local_kernels(tmp_path):
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "slides.md").write_text("---\ntitle: Plain\n---\n\n# One\n", encoding="utf-8")
    described = run_describe(folder)
    assert described["lang"] == "en"
    assert described["figures"] == str(folder / "image")
    assert described["records"] == str(folder / "recorded-outputs.json")
    assert described["prelude"] is None  # demos/prelude.py is absent
    assert described["demos"] == [] and described["runners"] == []
    assert described["kernel"] == {"url": None, "token_file": None, "dir": str(folder)}


def test_the_environment_names_the_kernel_server_over_the_headmatter(tmp_path):
    folder = deck_folder(tmp_path)
    token = tmp_path / "elsewhere-token"
    described = run_describe(
        folder,
        NLPDECK_KERNEL_URL="https://gpu.example.org/user/me",
        NLPDECK_KERNEL_TOKEN_FILE=str(token),
        NLPDECK_KERNEL_DIR="/home/me/described",
    )
    assert described["kernel"] == {
        "url": "https://gpu.example.org/user/me/",
        "token_file": str(token),
        "dir": "/home/me/described",
    }


def test_a_remote_server_without_a_token_file_is_described_so(tmp_path):
    folder = deck_folder(tmp_path, SLIDES.replace("    token_file: secrets/token\n", ""))
    assert run_describe(folder)["kernel"]["token_file"] is None  # the addon says what to name


def test_kernel_setup_locates_every_python_block_of_the_deck(tmp_path):
    folder = deck_folder(tmp_path)
    described = describe.describe(project.load(folder / "slides.md"), environ={})
    setup = described["kernel_setup"]
    assert setup.startswith("from nlpdeck.kernel_hooks import install")
    line = SLIDES.splitlines().index('print("one")') + 1
    # Slidev trims a runner's code at its end: the live code has no final newline
    assert repr(kernel_hooks.code_key('print("one")')) in setup
    assert repr((str(folder / "slides.md"), line)) in setup


def test_describe_names_a_missing_deck(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "nlpdeck", "describe", "--json", str(tmp_path / "nothing")],
        capture_output=True,
        text=True,
        env=env.subprocess_environ(),
        timeout=120,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert "nlpdeck describe: deck" in result.stderr and "not found" in result.stderr
