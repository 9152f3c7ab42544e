"""nlpdeck as a stranger uses it: the wheel and the addon's tarball, built here, installed
into a Slidev project in a temporary folder outside the repository (its own package.json,
a fresh virtual environment without torch, its own node_modules), then `nlpdeck init`,
`nlpdeck check`, `pytest`, the dev server and a live block run in Chromium.

pip may take the core dependencies from PyPI (its cache is warm; requirements.lock pins
them), npm takes @slidev/cli from the registry with the root package.json's pins and
overrides. Each phase's time is printed (`pytest -s`)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browser_tools import CHROMIUM, free_port, run_script

from nlpdeck.present import READY, Served

ROOT = Path(__file__).resolve().parent.parent
ADDON = ROOT / "slidev-addon-nlpdeck"
LIVE_RUNNER = ROOT / "tests" / "browser" / "live_runner.mjs"
SLIDES = """---
theme: seriph
layout: default  # not seriph's cover, whose background photo comes from the internet
title: A stranger's lecture
# no fonts from the internet: the test machine has only the package registries
fonts:
  sans: DejaVu Sans
  mono: DejaVu Sans Mono
  provider: none
---

# Words

![a picture](/image/x.png)

---

# Python

```python {monaco-run} {autorun:false}
words = "the cat sat on the mat".split()
print(len(words), "words")
```
"""
EXPECT = "6 words"


def test_one_version_for_both_packages():
    python = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    addon = json.loads((ADDON / "package.json").read_text())
    course = tomllib.loads((ROOT / "course" / "pyproject.toml").read_text())["project"]
    assert addon["version"] == python == course["version"]
    assert f"nlpdeck[nlp]=={python}" in course["dependencies"]


def test_the_addon_is_a_public_slidev_addon():
    addon = json.loads((ADDON / "package.json").read_text())
    assert "private" not in addon and "slidev-addon" in addon["keywords"]
    assert "@slidev/cli" in addon["peerDependencies"]
    root = json.loads((ROOT / "package.json").read_text())
    assert root["dependencies"]["slidev-addon-nlpdeck"] == "file:./slidev-addon-nlpdeck"


@dataclass
class Stranger:
    """A presenter's Slidev project outside the repository, with nlpdeck installed."""

    project: Path
    venv: Path
    times: dict[str, float] = field(default_factory=dict)

    @property
    def environ(self) -> dict[str, str]:
        """A shell of the presenter's: their venv first on PATH, nothing of this repository
        (no HF_HOME, no offline flags, no PYTHONPATH)."""
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "NLPDECK_"))}
        for name in ("PYTHONPATH", "TRANSFORMERS_OFFLINE", "VIRTUAL_ENV", "PYTEST_ADDOPTS"):
            keep.pop(name, None)
        return {**keep, "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}

    def run(self, *argv: str | Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        return _run([*map(str, argv)], self.project, self.environ, timeout)

    def check(self) -> subprocess.CompletedProcess[str]:
        """``nlpdeck check`` in the project, whatever its exit status."""
        return subprocess.run(
            ["nlpdeck", "check"],
            cwd=self.project,
            env=self.environ,
            capture_output=True,
            text=True,
            timeout=600,
        )


def _run(
    argv: list[str], cwd: Path, environ: dict[str, str] | None = None, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        argv, cwd=cwd, env=environ, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{argv}:\n{(result.stdout + result.stderr)[-4000:]}"
    return result


def _timed(times: dict[str, float], name: str, started: float) -> None:
    times[name] = round(time.perf_counter() - started, 1)


@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stranger]:
    where = tmp_path_factory.mktemp("stranger")
    assert not where.resolve().is_relative_to(ROOT), "the project must be outside the repository"
    times: dict[str, float] = {}
    started = time.perf_counter()
    dist = where / "dist"
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], ROOT)
    (wheel,) = dist.glob("nlpdeck-*.whl")
    _timed(times, "build the wheel", started)
    started = time.perf_counter()
    packed = _run(["npm", "pack", "--json", "--pack-destination", str(dist)], ADDON)
    tarball = dist / json.loads(packed.stdout)[0]["filename"]
    _timed(times, "npm pack", started)

    project = where / "lecture"
    (project / "image").mkdir(parents=True)
    pinned = json.loads((ROOT / "package.json").read_text())
    manifest = {
        "name": "lecture",
        "private": True,
        "type": "module",
        "scripts": {"dev": "slidev"},
        "dependencies": {
            name: pinned["dependencies"][name] for name in ("@slidev/cli", "@slidev/theme-seriph")
        },
        "overrides": pinned["overrides"],  # the UnoCSS this registry serves (ENVIRONMENT.md)
    }
    (project / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (project / "slides.md").write_text(SLIDES)
    (project / "image" / "x.png").write_bytes(_png())

    started = time.perf_counter()
    venv = where / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], where)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    _run([*pip, "-c", str(ROOT / "requirements.lock"), str(wheel), "pytest"], where)
    _timed(times, "pip install the wheel", started)
    started = time.perf_counter()
    npm = ["npm", "install", "--prefer-offline", "--no-audit", "--no-fund"]
    _run([*npm, str(tarball)], project, {**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"})
    _timed(times, "npm install the addon and Slidev", started)
    yield Stranger(project, venv, times)
    print("\nstranger's times (s):", json.dumps(times))


def _png() -> bytes:
    """A small real PNG (matplotlib, which nlpdeck requires)."""
    from io import BytesIO

    from matplotlib.figure import Figure

    figure = Figure(figsize=(1, 1), dpi=32)
    figure.add_subplot().plot([0, 1], [1, 0])
    out = BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


@pytest.mark.package
@pytest.mark.kernel
@pytest.mark.devserver
@pytest.mark.browser
def test_a_stranger_installs_inits_checks_tests_and_presents(stranger: Stranger, tmp_path):
    python = stranger.venv / "bin" / "python"
    # the wheel: nlpdeck, its templates, no course content, no torch
    listed = stranger.run(python, "-m", "pip", "list", "--format=json").stdout
    installed = {p["name"].lower() for p in json.loads(listed)}
    assert "nlpdeck" in installed and "torch" not in installed and "transformers" not in installed
    site = stranger.run(python, "-c", "import nlpdeck, sys; print(nlpdeck.__file__)").stdout
    assert "site-packages" in site
    spec = stranger.run(python, "-c", "import importlib.util as u; print(u.find_spec('course'))")
    assert spec.stdout.strip() == "None"  # the course content is not in the wheel

    started = time.perf_counter()
    first = stranger.run("nlpdeck", "init")
    assert first.stdout.splitlines()[:2] == [
        "slides.md: enabled the addon (addons: nlpdeck)",
        "demos/prelude.py: written (runs in the deck's kernels first)",
    ], first.stdout
    assert first.stdout.splitlines()[-1] == "next: nlpdeck check && nlpdeck present"
    again = stranger.run("nlpdeck", "init")
    assert again.stdout.startswith("nothing to change"), again.stdout
    _timed(stranger.times, "nlpdeck init (twice)", started)

    started = time.perf_counter()
    checked = stranger.check()
    _timed(stranger.times, "nlpdeck check", started)
    assert "1 passed, 0 failed" in checked.stdout, checked.stdout + checked.stderr
    assert (stranger.project / "recorded-outputs.json").is_file()  # the first check records
    again = stranger.check()  # no finding: /image/x.png is served from the project's folder
    assert again.returncode == 0, again.stdout
    assert "lint: 0 errors, 0 warnings" in again.stdout, again.stdout
    assert "1 passed, 0 failed" in again.stdout, again.stdout

    started = time.perf_counter()
    tested = subprocess.run(
        [python, "-m", "pytest", "-v", "-p", "no:cacheprovider"],
        cwd=stranger.project,
        env=stranger.environ,
        capture_output=True,
        text=True,
        timeout=600,
    )
    _timed(stranger.times, "pytest", started)
    block = [line for line in tested.stdout.splitlines() if "slides.md::slide-2-block-1" in line]
    assert len(block) == 1 and "PASSED" in block[0], tested.stdout
    assert "::lint PASSED" in tested.stdout and "2 passed" in tested.stdout, tested.stdout

    started = time.perf_counter()
    port = free_port()
    process = subprocess.Popen(
        ["nlpdeck", "present", "--port", str(port)],
        cwd=stranger.project,
        env=stranger.environ,
        stdin=subprocess.PIPE,  # slidev quits when its stdin closes
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    served = Served.of(process)
    try:
        served.wait_for(READY, 600)
        _timed(stranger.times, "dev server with live Python ready", started)
        started = time.perf_counter()
        config = {
            "base": f"http://localhost:{port}",
            "slide": 2,
            "expect": EXPECT,
            "mode": "once",
            "timeout": {"step": 180_000, "recover": 2_000},
            "chromium": str(CHROMIUM),
        }
        report = run_script(LIVE_RUNNER, config, tmp_path)
        _timed(stranger.times, "live block in Chromium", started)
        # `/image/x.png` is served from the project's folder (it has no public/)
        with urllib.request.urlopen(f"http://localhost:{port}/image/x.png", timeout=60) as got:
            picture = got.read()
    finally:  # the dev server, its kernel server and kernels: one process group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    failed = [s for s in report["steps"] if not s["ok"]]
    assert report["opened"] and not failed, json.dumps(report, indent=1)
    assert picture == (stranger.project / "image" / "x.png").read_bytes()
