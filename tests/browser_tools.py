"""What the browser tests share: Debian's chromium, a free port, and running one of the
Node scripts in tests/browser/ on a JSON config to get its JSON report."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest

from nlpdeck import env

CHROMIUM = Path("/usr/bin/chromium")
NEEDED = {
    "chromium": CHROMIUM,
    "node_modules/playwright-chromium": env.ROOT / "node_modules" / "playwright-chromium",
    "node_modules/@jupyterlab/services": env.ROOT / "node_modules" / "@jupyterlab" / "services",
    "node_modules/.bin/slidev": env.ROOT / "node_modules" / ".bin" / "slidev",
}


def require_browser() -> None:
    """Fail (never skip) naming what is missing: `make setup` installs all of it."""
    missing = [name for name, path in NEEDED.items() if not path.exists()]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run `make setup` (apt chromium, npm ci)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_script(script: Path, config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """Run ``node script config.json`` with chromium filled in; its stdout is the report."""
    path = tmp_path / "config.json"
    path.write_text(
        json.dumps({"chromium": str(CHROMIUM), **config}, ensure_ascii=False), encoding="utf-8"
    )
    result = subprocess.run(
        ["node", str(script), str(path)],
        cwd=env.ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, Any] = json.loads(result.stdout)
    return report
