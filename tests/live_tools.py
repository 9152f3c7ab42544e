"""What the live-Python tests share: a small live deck, the processes of a running deck,
a watch on its kernels' messages, and raw HTTP / WebSocket requests."""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest
from browser_tools import free_port, require_browser

from nlpdeck import env, present, project, recorded

GREET = """# %% [markdown]
# # A greeting from the kernel

# %%
GREETING = "hello"

# %%
# region live
print(f"{GREETING} from the kernel")
# endregion
"""

SLIDES = """---
theme: seriph
addons:
  - nlpdeck
title: Live test deck
layout: default  # not seriph's cover, whose background comes from the internet
favicon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"  # not Slidev's CDN one
lang: {lang}
fonts:
  sans: Noto Sans CJK SC
  mono: DejaVu Sans Mono
  provider: none
---

# Live test deck

---

# A live block

<<< @/demos/greet.py#live python {{monaco-run}} {{autorun:false}}
"""

LIVE_SLIDE = 2
EXPECTED = "hello from the kernel"


@contextmanager
def live_deck(
    prelude: str = "from demos.greet import *  # noqa: F403\n", lang: str = "en", more: str = ""
) -> Iterator[Path]:
    """A deck with one live block (slide 2) and its recorded output, then the slides of
    ``more``, in the repository's build/ (so Slidev finds the theme and the addon in
    node_modules); removed after."""
    folder = env.ROOT / "build" / "test-decks" / f"live-{uuid.uuid4().hex[:8]}"
    (folder / "demos").mkdir(parents=True)
    (folder / "demos" / "greet.py").write_text(GREET, encoding="utf-8")
    (folder / "demos" / "prelude.py").write_text(prelude, encoding="utf-8")
    (folder / "slides.md").write_text(SLIDES.format(lang=lang) + more, encoding="utf-8")
    deck = project.load(folder / "slides.md")
    block = recorded.live_blocks(deck.deck)[0]  # slide 2's
    output = {"output_type": "stream", "name": "stdout", "text": EXPECTED + "\n"}
    recorded.update(deck, {recorded.key(block.code): [output]})
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def block_code(deck_file: Path, demo: str) -> tuple[int, str]:
    """The slide and code of the live block that shows ``demo`` (a file name)."""
    deck = project.load(deck_file).deck
    block = next(b for b in recorded.live_blocks(deck) if b.path.name == demo)
    return block.slide, block.code.rstrip()


# ---- a deck presented as `make present` presents it ----


@dataclass
class Presenting:
    """`python -m nlpdeck present` running: its processes, ports, token and output."""

    served: present.Served
    port: int
    jupyter_url: str
    token: str
    private: Path  # the kernel server's folder: token, connection files, sockets

    @property
    def deck_url(self) -> str:
        return f"http://localhost:{self.port}"

    def processes(self) -> list[psutil.Process]:
        root = psutil.Process(self.served.process.pid)
        return [root, *root.children(recursive=True)]

    def late_dependencies(self) -> list[str]:
        """Dependencies Vite bundled only when a slide imported them, then reloaded the page.

        Vite's first scan starts at Slidev's main.ts and misses dynamic imports in the
        deck's own components; on a cold cache such a find re-bundles everything, fails
        requests in flight (504 Outdated Optimize Dep) and reloads the page mid-talk.
        """
        text = re.sub(r"\x1b\[[0-9;]*m", "", self.served.output())
        found = re.findall(r"new dependencies optimized: (.+)", text)
        return [dep.strip() for line in found for dep in line.split(",")]


@contextmanager
def presenting(deck_file: Path) -> Iterator[Presenting]:
    """`python -m nlpdeck present` on a deck at a free port, as on a fresh clone: Vite's
    dependency cache rebuilt (`--force`) and its log at info level (which dependencies it
    bundled late); yielded once live Python is ready and its standby kernel warm."""
    require_browser()
    port = free_port()
    log = project.load(deck_file).build_dir / "live.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "nlpdeck", "present", str(deck_file), "--port", str(port)]
        + ["--", "--force", "--log", "info"],
        cwd=env.ROOT,
        stdin=subprocess.PIPE,  # slidev quits when its stdin closes: keep it open
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, to send it Ctrl-C
        env=env.subprocess_environ(),
    )
    served = present.Served.of(process)
    try:
        try:
            served.wait_for(present.READY, 900)
            wait_for_standby(log, 900)  # a kernel death costs 2 s only once it is warm
        except TimeoutError as error:
            pytest.fail(str(error))
        (server,) = launchers(psutil.Process(process.pid))
        private = private_folder(kernels([server])[0])
        token = (private / "token").read_text().strip()
        yield Presenting(served, port, jupyter_url(log), token, private)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# ---- the processes of a live deck ----


def launchers(root: psutil.Process) -> list[psutil.Process]:
    """The kernel servers (``python -m nlpdeck kernel-server``) under ``root``."""
    return [p for p in _tree(root) if "kernel-server" in argv(p)]


def kernels(processes: list[psutil.Process]) -> list[psutil.Process]:
    """The ipykernel processes among and under ``processes``."""
    found = {p.pid: p for root in processes for p in _tree(root)}
    return [p for p in found.values() if "ipykernel_launcher" in " ".join(argv(p))]


def argv(process: psutil.Process) -> list[str]:
    """A process's command line; none for one that has ended (a zombie not yet
    reaped by its parent, or gone), which is not running anything."""
    try:
        return process.cmdline()
    except (psutil.ZombieProcess, psutil.NoSuchProcess):
        return []


def _tree(root: psutil.Process) -> list[psutil.Process]:
    try:
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def private_folder(kernel: psutil.Process) -> Path:
    """The kernel server's private folder: where a kernel's connection file is."""
    argv = kernel.cmdline()
    return Path(argv[argv.index("-f") + 1]).parent


def jupyter_url(log: Path) -> str:
    """The local Jupyter server's URL, as the dev server logged it."""
    match = re.search(r"jupyter-server at (http://\S+)", log.read_text(errors="replace"))
    assert match, f"no jupyter-server line in {log}"
    return match.group(1)


def standbys_ready(log: Path) -> int:
    """How many standby kernels the dev server has logged ready (prelude run) so far."""
    return len(re.findall(r"standby kernel \S+ ready", log.read_text(errors="replace")))


def wait_for_standby(log: Path, seconds: float, count: int = 1) -> None:
    """Until ``count`` standby kernels have been ready (the latest can take over)."""
    deadline = time.monotonic() + seconds
    while standbys_ready(log) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no standby kernel ready in {seconds:.0f} s (see {log})")
        time.sleep(0.5)


def gone(processes: list[psutil.Process], seconds: float) -> list[list[str]]:
    """Command lines of the processes still alive after ``seconds``."""
    _, alive = psutil.wait_procs(processes, timeout=seconds)
    return [p.cmdline()[:4] for p in alive if p.is_running() and p.status() != "zombie"]


# ---- what the kernels execute ----


class KernelWatch:
    """Every ``execute_input`` any kernel of a private folder publishes, seen through the
    kernels' own IOPub sockets (as a second Jupyter client would): which code ran, and
    how often, whoever asked for it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.executed: list[str] = []
        self._stop = threading.Event()
        self._clients: dict[Path, Any] = {}
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> KernelWatch:
        self._connect()
        time.sleep(1.0)  # a ZeroMQ subscriber misses what is published before it joined
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
        for client in self._clients.values():
            client.stop_channels()

    def _connect(self) -> None:
        from jupyter_client import BlockingKernelClient

        for path in self.folder.glob("kernel-*.json"):
            if path not in self._clients:
                client = BlockingKernelClient(connection_file=str(path))
                client.load_connection_file()
                client.start_channels(shell=False, stdin=False, hb=False, control=False)
                self._clients[path] = client

    def _watch(self) -> None:
        while not self._stop.is_set():
            self._connect()  # kernels started since (a new standby)
            for client in list(self._clients.values()):
                while True:
                    try:
                        message = client.get_iopub_msg(timeout=0.05)
                    except Exception:  # queue.Empty, or a kernel gone
                        break
                    if message["msg_type"] == "execute_input":
                        self.executed.append(message["content"]["code"])

    def count(self, code: str) -> int:
        return sum(1 for ran in self.executed if ran.rstrip() == code.rstrip())


# ---- raw requests ----


def request(
    url: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> tuple[int, str]:
    """Status and body of a request, sent as given (no redirects followed, no path
    cleaned up: ``urllib`` sends the path as written)."""
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=body)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return int(response.status), response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode(errors="replace")


def post_json(base: str, path: str, payload: dict[str, Any], headers: dict[str, str]) -> int:
    data = json.dumps(payload).encode()
    status, _ = request(base + path, "POST", {"Content-Type": "application/json", **headers}, data)
    return status


def raw_http(port: int, lines: list[str], body: bytes = b"") -> str:
    """The status line the dev server answers to a request written byte for byte."""
    with socket.create_connection(("localhost", port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        sock.settimeout(10)
        try:
            answer = sock.recv(4096).decode(errors="replace")
        except TimeoutError:
            return "(no answer in 10 s)"
    return answer.split("\r\n")[0]


def upgrade(port: int, path: str, host: str, origin: str | None) -> str:
    """The status line a WebSocket handshake to ``path`` gets."""
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
    return raw_http(port, lines)


# ---- a dev server, a Jupyter server of its own ----

NPX = ["npx", "--no-install", "slidev"]


def slidev_environ(**extra: str) -> dict[str, str]:
    """The dev server's environment as a presenter's shell has it. The addon finds the
    toolkit's Python at .venv/bin/python; a checkout without its own venv (a worktree)
    names the one the tests run in."""
    environ = env.subprocess_environ()
    for name in ("NLPDECK_PYTHON", "NLPDECK_KERNEL_URL", "NLPDECK_KERNEL_TOKEN_FILE"):
        environ.pop(name, None)
    if not (env.ROOT / ".venv" / "bin" / "python").exists():
        environ["NLPDECK_PYTHON"] = sys.executable
    return {**environ, **extra}


@contextmanager
def npx_slidev(deck: Path, *args: str, **environ: str) -> Iterator[tuple[present.Served, int]]:
    """`npx slidev` run in the deck's folder (its slides.md), at a free port."""
    require_browser()
    port = free_port()
    process = subprocess.Popen(
        [*NPX, "--port", str(port), *args],
        cwd=deck,
        env=slidev_environ(**environ),
        stdin=subprocess.PIPE,  # slidev quits when its stdin closes
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    served = present.Served.of(process)
    try:
        yield served, port
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def ready(served: present.Served) -> str:
    try:
        return served.wait_for(present.READY, 300).group(1)
    except TimeoutError as error:
        pytest.fail(str(error))


def answers(url: str, status: int) -> bool:
    try:
        return request(url)[0] == status
    except OSError:  # not listening yet
        return False


class RemoteJupyter:
    """A Jupyter server of its own (not nlpdeck's), with its own token file, as on a GPU
    box; it can be killed and started again on the same port."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.token_file = folder / "remote-token"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, token: str | None = None) -> None:
        """Start (with ``token``, else the file's or a new one) and wait until it asks for it."""
        if token or not self.token_file.exists():
            self.token_file.write_text(token or secrets.token_hex(16))
            self.token_file.chmod(0o600)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_server",
                f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0",
                "--ServerApp.ip=127.0.0.1",
                "--ServerApp.open_browser=False",
                f"--ServerApp.root_dir={self.folder}",
                "--allow-root",
            ],
            cwd=self.folder,
            env={**env.subprocess_environ(), "JUPYTER_TOKEN_FILE": str(self.token_file)},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not answers(self.url + "api/status", 403):  # up, and asking for its token
            assert self.process.poll() is None, "the Jupyter server exited"
            assert time.monotonic() < deadline, "no Jupyter server in 60 s"
            time.sleep(0.2)

    @property
    def token(self) -> str:
        return self.token_file.read_text().strip()

    def kill(self) -> None:
        """SIGKILL, as a crash: its kernels are orphaned and killed with it here."""
        if self.process and self.process.poll() is None:
            kernels_of = [p for p in _tree(psutil.Process(self.process.pid))[1:]]
            self.process.kill()
            self.process.wait(30)
            for kernel in kernels_of:
                kernel.kill()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)

    def kernels(self, token: str | None = None) -> list[dict[str, Any]]:
        headers = {"Authorization": f"token {token or self.token}"}
        status, body = request(self.url + "api/kernels", headers=headers)
        assert status == 200, body
        return list(json.loads(body))


# ---- a dev server's live state and commands, as a window has them ----

LIVE_BLOCK = f"{LIVE_SLIDE}:0:00000000"
GREET_CODE = 'print(f"{GREETING} from the kernel")'  # GREETING: from the prelude


def live_state(port: int, seconds: float = 10) -> dict[str, Any]:
    """The live state the dev server sends a window that opens (Vite's WebSocket, its
    `nlpdeck:live:hello` event): the kernel's and every block's."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    async def ask() -> dict[str, Any]:
        req = HTTPRequest(f"ws://localhost:{port}/", headers={"Sec-WebSocket-Protocol": "vite-hmr"})
        socket_ = await asyncio.wait_for(websocket_connect(req), seconds)
        try:
            hello = {"type": "custom", "event": "nlpdeck:live:hello", "data": {}}
            await socket_.write_message(json.dumps(hello))
            while True:
                raw = await asyncio.wait_for(socket_.read_message(), seconds)
                if raw is None:
                    raise ConnectionError("the dev server closed its WebSocket")
                message = json.loads(raw)
                if message.get("event") == "nlpdeck:live" and message["data"]["type"] == "snapshot":
                    return dict(message["data"])
        finally:
            socket_.close()

    return asyncio.run(ask())


def wait_state(port: int, want: Any, seconds: float, what: str) -> dict[str, Any]:
    """Poll the live state until ``want(state)``; fails naming ``what`` and the last state."""
    deadline = time.monotonic() + seconds
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        try:
            state = live_state(port)
        except (OSError, TimeoutError, ConnectionError):
            state = {"error": "no answer from the dev server's WebSocket"}
        else:
            if want(state):
                return state
        time.sleep(0.3)
    raise AssertionError(
        f"{what}: not within {seconds:.0f} s; last state {json.dumps(state)[:2000]}"
    )


def block_of(state: dict[str, Any], block: str = LIVE_BLOCK) -> dict[str, Any]:
    return next((b for b in state.get("blocks", []) if b["id"] == block), {"run": 0})


def command(port: int, name: str, **body: str) -> tuple[int, str]:
    """POST a command as a window of the deck does; its status and answer."""
    origin = f"http://localhost:{port}"
    data = json.dumps({"window": "faults", **body}).encode()
    headers = {"Content-Type": "application/json", "Origin": origin}
    return request(f"{origin}/__nlpdeck/live/{name}", "POST", headers, data)


def run_block(port: int, code: str = GREET_CODE, seconds: float = 120) -> dict[str, Any]:
    """Run ``code`` in the live block and wait for its end; the block's final state."""
    before = block_of(live_state(port))["run"]
    status, answer = command(port, "run", block=LIVE_BLOCK, code=code)
    assert status == 204, f"run refused ({status}): {answer}"
    final = {"ok", "error", "dead", "stopped"}

    def ended(state: dict[str, Any]) -> bool:
        block = block_of(state)
        return bool(block["run"] > before and block.get("state") in final)

    return block_of(wait_state(port, ended, seconds, f"run of {code!r}"))


def printed(block: dict[str, Any]) -> str:
    return "".join(
        "".join(o["text"]) if isinstance(o.get("text"), list) else o.get("text", "")
        for o in block.get("outputs", [])
    )


def dev_server_answers(port: int) -> bool:
    """The dev server still serves the deck (the projector's page would load)."""
    try:
        return request(f"http://localhost:{port}/")[0] == 200
    except OSError:
        return False


class DelayProxy:
    """A loopback TCP proxy in front of a server, holding each chunk from the server for
    ``delay`` seconds: a server that answers slowly, or (when the server is down) one
    that closes every connection."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.delay = 0.0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/"
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()  # the server is down: as a refused connection
                continue
            upstream.settimeout(None)
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, slow: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if slow and self.delay:
                    time.sleep(self.delay)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()

    def close(self) -> None:
        self._closed = True
        self._listener.close()
