"""The addon type-checks: ``vue-tsc --noEmit`` over slidev-addon-nlpdeck/ (its
tsconfig.json: the dev server's part, the browser's and its Vue components), with the
TypeScript, Vue, Vite and Slidev types installed by ``make setup``."""

import subprocess

import pytest

from nlpdeck import env


def test_the_addon_type_checks():
    tsc = env.ROOT / "node_modules" / ".bin" / "vue-tsc"
    if not tsc.exists():
        pytest.fail(f"{tsc} is missing: run `make setup` (npm ci installs it)")
    result = subprocess.run(
        [str(tsc), "--noEmit", "--pretty", "false", "-p", "slidev-addon-nlpdeck"],
        cwd=env.ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
