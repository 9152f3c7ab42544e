"""Live Python in the deck: `make present`'s servers, the runner in a real browser, and
why the kernel's token cannot leak.

The servers are started exactly as `make present` starts them (`python -m nlpdeck
present`), once for this module; headless Chromium (Debian's, driven by
playwright-chromium from node_modules: tests/browser/live_runner.mjs) clicks run on a
live slide. Every wait is bounded; no test asserts on speed.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest
from browser_tools import free_port, require_browser, run_script

from nlpdeck import env, project, recorded

DECK = env.ROOT / "slides" / "part2" / "slides.md"
SCRIPT = Path(__file__).parent / "browser" / "live_runner.mjs"
LOOPBACK = {"127.0.0.1", "::1"}


@dataclass
class Presenting:
    """`python -m nlpdeck present` running: its process, ports, token and output."""

    process: subprocess.Popen[bytes]
    port: int
    lines: list[str] = field(default_factory=list)
    jupyter_url: str = ""
    token: str = ""
    processes: list[psutil.Process] = field(default_factory=list)

    @property
    def deck_url(self) -> str:
        return f"http://localhost:{self.port}"

    def output(self) -> str:
        return "\n".join(self.lines[-60:])

    def wait_for_line(self, pattern: str, seconds: float) -> re.Match[str]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in self.lines:
                if match := re.search(pattern, line):
                    return match
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        pytest.fail(f"`nlpdeck present` never said {pattern!r}:\n{self.output()}")


def _read(stream, lines: list[str]) -> None:
    for raw in iter(stream.readline, b""):
        lines.append(raw.decode(errors="replace").rstrip())


@pytest.fixture(scope="module")
def presenting() -> Iterator[Presenting]:
    require_browser()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "nlpdeck", "present", str(DECK), "--port", str(port)],
        cwd=env.ROOT,
        stdin=subprocess.PIPE,  # slidev quits when its stdin closes: keep it open
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, to send it Ctrl-C
        env=env.subprocess_environ(),
    )
    state = Presenting(process, port)
    threading.Thread(target=_read, args=(process.stdout, state.lines), daemon=True).start()
    try:
        state.jupyter_url = state.wait_for_line(r"jupyter-server at (http://\S+)", 120).group(1)
        state.wait_for_line(r"live deck ready at", 900)
        state.processes = psutil.Process(process.pid).children(recursive=True)
        slidev = next(p for p in state.processes if "NLPDECK_JUPYTER_TOKEN" in p.environ())
        state.token = slidev.environ()["NLPDECK_JUPYTER_TOKEN"]
        yield state
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        for child in state.processes:
            if child.is_running():
                child.kill()


def request(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> int:
    """HTTP status of a request (urllib follows no redirects for these paths)."""
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=None)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def upgrade(port: int, path: str, host: str, origin: str | None) -> str:
    """The status line a WebSocket handshake gets from the dev server."""
    with socket.create_connection(("localhost", port), timeout=30) as sock:
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {host}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version: 13",
        ]
        if origin:
            lines.append(f"Origin: {origin}")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return sock.recv(4096).decode(errors="replace").split("\r\n")[0]


def kernel_id(presenting: Presenting) -> str:
    req = urllib.request.Request(
        presenting.jupyter_url + "/api/kernels",
        headers={"Authorization": f"token {presenting.token}"},
    )
    with urllib.request.urlopen(req, timeout=30) as response:
        kernels = json.loads(response.read())
    assert len(kernels) == 1, kernels  # one kernel per deck
    return str(kernels[0]["id"])


def live_slide() -> tuple[int, str]:
    deck = project.load(DECK).deck
    block = next(b for b in recorded.live_blocks(deck) if b.path.name == "bank.py")
    return block.slide, block.code


# ---- the runner in a browser ----


def test_presenter_runs_raises_interrupts_and_recovers(presenting, tmp_path):
    slide, code = live_slide()
    config = {
        "base": presenting.deck_url,
        "slide": slide,
        "code": code.rstrip(),
        "expect": "河岸",
        "timeout": {"step": 120_000, "recover": 900_000},
        "shot": str(env.ROOT / "build" / "slides" / "live-runner.png"),
    }
    (env.ROOT / "build" / "slides").mkdir(parents=True, exist_ok=True)
    report = run_script(SCRIPT, config, tmp_path)
    failed = [s for s in report["steps"] if not s["ok"]]
    assert report["opened"] and not failed, json.dumps(report, ensure_ascii=False, indent=1)
    steps = {s["name"]: s for s in report["steps"]}
    assert "\x1b[" not in steps["run code that raises"]["text"]  # colours stripped
    assert (
        "Traceback" in steps["run code that raises"]["text"]
        or "ValueError" in steps["run code that raises"]["text"]
    )
    assert "kernel" not in " ".join(report["console"]).lower(), report["console"]


def test_one_kernel_per_deck(presenting):
    before = kernel_id(presenting)
    req = urllib.request.Request(
        presenting.jupyter_url + "/api/kernels",
        method="POST",
        data=b"{}",
        headers={"Authorization": f"token {presenting.token}"},
    )
    with urllib.request.urlopen(req, timeout=60) as response:
        assert json.loads(response.read())["id"] == before  # the running kernel, not a new one


# ---- the token ----


def test_kernel_api_needs_the_token(presenting):
    assert request(presenting.jupyter_url + "/api/kernels") == 403
    authorized = {"Authorization": f"token {presenting.token}"}
    assert request(presenting.jupyter_url + "/api/kernels", headers=authorized) == 200


def test_non_loopback_host_is_refused(presenting):
    authorized = {"Authorization": f"token {presenting.token}", "Host": "evil.example"}
    assert request(presenting.jupyter_url + "/api/kernels", headers=authorized) == 403
    rebound = {"Host": f"evil.example:{presenting.port}"}
    assert request(presenting.deck_url + "/__jupyter/api/kernels", headers=rebound) == 403
    assert request(presenting.deck_url + "/", headers=rebound) == 403
    path = f"/__jupyter/api/kernels/{kernel_id(presenting)}/channels"
    origin = f"http://evil.example:{presenting.port}"
    assert " 403 " in upgrade(presenting.port, path, f"evil.example:{presenting.port}", origin)


def test_servers_listen_on_loopback_only(presenting):
    listening = [
        (p.name(), c.laddr)
        for p in [psutil.Process(presenting.process.pid), *presenting.processes]
        if p.is_running()
        for c in p.net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening, "no listening socket found"
    assert [(name, addr) for name, addr in listening if addr.ip not in LOOPBACK] == []
    ports = {addr.port for _, addr in listening}
    assert presenting.port in ports and int(presenting.jupyter_url.rsplit(":", 1)[1]) in ports


def test_proxy_serves_only_the_decks_own_pages(presenting):
    url = presenting.deck_url + "/__jupyter/api/kernels"
    own = presenting.deck_url.removeprefix("http://")
    assert request(url) == 200  # a same-origin GET (no Origin header), as the runner's
    assert request(url, headers={"Origin": presenting.deck_url}) == 200
    for origin in ("http://evil.example", f"http://127.0.0.1:{presenting.port}", "null"):
        assert request(url, headers={"Origin": origin}) == 403, origin
        assert request(url, "POST", headers={"Origin": origin}) == 403, origin
    assert request(url, "POST") == 403  # a POST without Origin is not a browser's own page
    assert request(url, headers={"Sec-Fetch-Site": "cross-site"}) == 403
    outside = presenting.deck_url + "/__jupyter/api/contents"
    assert request(outside, headers={"Origin": presenting.deck_url}) == 403  # kernels only
    path = f"/__jupyter/api/kernels/{kernel_id(presenting)}/channels"
    assert " 403 " in upgrade(presenting.port, path, own, "http://evil.example")
    assert " 403 " in upgrade(presenting.port, path, own, None)
    assert " 101 " in upgrade(presenting.port, path, own, presenting.deck_url)


def test_token_is_not_served_nor_in_the_repository(presenting):
    token = presenting.token
    addon = f"/@fs{env.ROOT}/slidev-addon-nlpdeck"
    pages = ("/", "/1", f"{addon}/client/python-runner.ts", f"{addon}/client/jupyter-kernel.ts")
    for path in pages:
        with urllib.request.urlopen(presenting.deck_url + path, timeout=60) as response:
            assert token not in response.read().decode(errors="replace"), path
    assert request(presenting.deck_url + "/@fs/proc/self/environ") != 200
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=env.ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    files = [env.ROOT / f for f in listed] + list((env.ROOT / "build").rglob("*"))
    leaked = [str(f) for f in files if f.is_file() and token.encode() in f.read_bytes()]
    assert leaked == []


def test_ctrl_c_stops_both_servers_and_the_kernel(presenting):
    """Runs last: Ctrl-C (SIGINT to the terminal's process group) stops everything."""
    children = psutil.Process(presenting.process.pid).children(recursive=True)
    kernels = [p for p in children if "ipykernel" in " ".join(p.cmdline())]
    assert kernels, "the deck's kernel is not running"
    server = next(p for p in children if "JUPYTER_RUNTIME_DIR" in p.environ())
    private = Path(server.environ()["JUPYTER_RUNTIME_DIR"])  # token file, runtime files
    assert private.is_dir()
    os.killpg(presenting.process.pid, signal.SIGINT)
    assert presenting.process.wait(60) in (0, 130), presenting.output()
    _, alive = psutil.wait_procs(children, timeout=30)
    assert alive == [], [p.cmdline()[:3] for p in alive]
    assert not private.exists()


# ---- the built deck: no kernel, no token, recorded outputs ----


def test_build_holds_no_token_nor_kernel_client(deck_build):
    """Built while a token was in slidev's environment (conftest.deck_build)."""
    deck_build = deck_build(DECK)
    built = [p for p in deck_build.dist.rglob("*") if p.is_file()]
    assert any(p.name == "index.html" for p in built)
    address = deck_build.url.removeprefix("http://")
    for needle in (deck_build.token, address, "__jupyter", "KernelConnection"):
        hits = [
            str(p.relative_to(deck_build.dist)) for p in built if needle.encode() in p.read_bytes()
        ]
        assert hits == [], f"{needle!r} in the build: {hits}"


class _SpaHandler(http.server.SimpleHTTPRequestHandler):
    """A static host for Slidev's history routes: unknown paths get index.html."""

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if not path.exists():
            self.path = "/index.html"
        return super().send_head()

    def log_message(self, *args: object) -> None:
        pass


def test_built_deck_shows_recorded_outputs_without_a_kernel(deck_build, tmp_path):
    deck_build = deck_build(DECK)
    slide, code = live_slide()
    handler = functools.partial(_SpaHandler, directory=str(deck_build.dist))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        config = {
            "base": f"http://127.0.0.1:{server.server_address[1]}",
            "mode": "recorded",
            "slide": slide,
            "code": code.rstrip(),
            "expect": "河岸",
            "timeout": {"step": 120_000, "recover": 120_000},
        }
        try:
            report = run_script(SCRIPT, config, tmp_path)
        finally:
            server.shutdown()
    assert report["opened"] and all(s["ok"] for s in report["steps"]), report
    assert report["kernelRequests"] == []
