"""The package is typed and linted; a finding here names file and line."""

import subprocess
import sys

from nlpdeck import env


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, cwd=env.ROOT, timeout=600
    )


def test_ruff():
    result = run("ruff", "check", "nlpdeck", "course", "slides", "tests", "scripts")
    assert result.returncode == 0, result.stdout


def test_mypy():
    result = run("mypy")
    assert result.returncode == 0, result.stdout
