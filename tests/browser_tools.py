"""What the browser tests share: Debian's chromium, a free port, a static host for a built
deck, and running one of the Node scripts in tests/browser/ on a JSON config to get its
JSON report."""

from __future__ import annotations

import functools
import http.server
import json
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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


class _SpaHandler(http.server.SimpleHTTPRequestHandler):
    """Slidev's history routes: an unknown path gets index.html."""

    def send_head(self) -> Any:
        if not Path(self.translate_path(self.path)).exists():
            self.path = "/index.html"
        return super().send_head()

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve_built(dist: Path) -> Iterator[str]:
    """A `slidev build` output served on loopback, as a static host would: its base URL."""
    handler = functools.partial(_SpaHandler, directory=str(dist))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()


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
