"""The addon's dev-server logic, unit by unit: vitest runs the `*.test.ts` files beside
their code in slidev-addon-nlpdeck/node/live/ (the request guard on a real HTTP server;
the live blocks' state and the kernel pool's switch to its standby against a real
jupyter-server on loopback). No browser, no dev server."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nlpdeck import env

pytestmark = pytest.mark.kernel


def test_addon_unit_tests_pass():
    vitest = env.ROOT / "node_modules" / ".bin" / "vitest"
    if not vitest.exists():
        pytest.fail(f"{vitest.relative_to(env.ROOT)} missing: run `make setup` (npm ci)")
    result = subprocess.run(
        [str(vitest), "run", "--reporter=verbose"],
        cwd=env.ROOT,
        env={**env.subprocess_environ(), "NLPDECK_PYTHON": sys.executable, "CI": "1"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:]
    assert " passed" in output and "failed" not in output.split("Test Files")[-1], output[-3000:]
