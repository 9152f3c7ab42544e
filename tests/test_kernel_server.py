"""The deck's local Jupyter server (`python -m nlpdeck kernel-server`), as the addon's dev
server starts it: one JSON line, a private token, and nothing left when its standard
input closes or it is killed outright."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import pytest
from live_tools import gone, live_deck, request

from nlpdeck import env

pytestmark = pytest.mark.kernel  # each test starts a kernel server

Announced = tuple[subprocess.Popen[bytes], dict[str, Any]]


@contextmanager
def kernel_server(deck: Path, log: Path, **environ: str) -> Iterator[Announced]:
    """The server for ``deck``, its stdin a pipe we hold, and what it announced."""
    process = subprocess.Popen(
        [sys.executable, "-m", "nlpdeck", "kernel-server", str(deck), "--log", str(log)],
        cwd=env.ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**env.subprocess_environ(), **environ},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, f"no announcement; stderr: {process.stderr.read().decode()[-2000:]}"  # type: ignore[union-attr]
        yield process, json.loads(line)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def start_kernel(announced: dict[str, Any]) -> psutil.Process:
    """Start a kernel through the server's REST API; its process."""
    token = Path(announced["token_file"]).read_text().strip()
    status, body = request(
        announced["url"] + "api/kernels", "POST", {"Authorization": f"token {token}"}, b"{}"
    )
    assert status == 201, body
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = [
            p
            for p in psutil.Process(announced["pid"]).children()
            if "ipykernel_launcher" in " ".join(p.cmdline())
        ]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError("the kernel process never appeared")


def test_announces_a_private_token_and_stops_with_its_kernels_at_eof(tmp_path):
    with live_deck() as deck, kernel_server(deck, tmp_path / "live.log") as (server, said):
        private = Path(said["token_file"]).parent
        assert private.stat().st_mode & 0o777 == 0o700
        assert Path(said["token_file"]).stat().st_mode & 0o777 == 0o600
        assert said["url"].startswith("http://127.0.0.1:")
        assert request(said["url"] + "api/kernels")[0] == 403  # the token is needed
        kernel = start_kernel(said)
        assert server.stdin is not None
        server.stdin.close()  # the dev server is gone
        assert server.wait(60) == 0
        assert gone([kernel], 30) == []
        assert not private.exists()
    log = (tmp_path / "live.log").read_text()
    assert "Jupyter Server" in log and "Kernel started" in log
    assert Path(said["token_file"]).name not in said["url"]


def test_a_killed_server_takes_its_kernels_with_it(tmp_path):
    """SIGKILL leaves no time to clean up: ipykernel's parent poller ends the kernel."""
    with live_deck() as deck, kernel_server(deck, tmp_path / "live.log") as (server, said):
        kernel = start_kernel(said)
        server.send_signal(signal.SIGKILL)
        server.wait(30)
        assert gone([kernel], 30) == []


def test_a_missing_model_is_named_with_the_command_that_fixes_it(tmp_path):
    prelude = 'MODEL = "sentence-transformers/all-MiniLM-L6-v2"\n'
    with live_deck(prelude) as deck:
        empty = tmp_path / "hf"
        with kernel_server(deck, tmp_path / "live.log", NLPDECK_HF_HOME=str(empty)) as (_, said):
            assert said == {
                "unavailable": "models",
                "detail": "sentence-transformers/all-MiniLM-L6-v2",
                "fix": "nlpdeck models install",
            }
