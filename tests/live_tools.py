"""What the live-Python tests share: a small live deck, the processes of a running deck,
a watch on its kernels' messages, and raw HTTP / WebSocket requests."""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

from nlpdeck import env, project, recorded

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
    prelude: str = "from demos.greet import *  # noqa: F403\n", more: str = ""
) -> Iterator[Path]:
    """A deck with one live block (slide 2) and its recorded output, then the slides of
    ``more``, in the repository's build/ (so Slidev finds the theme and the addon in
    node_modules); removed after."""
    folder = env.ROOT / "build" / "test-decks" / f"live-{uuid.uuid4().hex[:8]}"
    (folder / "demos").mkdir(parents=True)
    (folder / "demos" / "greet.py").write_text(GREET, encoding="utf-8")
    (folder / "demos" / "prelude.py").write_text(prelude, encoding="utf-8")
    (folder / "slides.md").write_text(SLIDES.format(lang="en") + more, encoding="utf-8")
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


# ---- the processes of a live deck ----


def launchers(root: psutil.Process) -> list[psutil.Process]:
    """The kernel servers (``python -m nlpdeck kernel-server``) under ``root``."""
    return [p for p in _tree(root) if "kernel-server" in p.cmdline()]


def kernels(processes: list[psutil.Process]) -> list[psutil.Process]:
    """The ipykernel processes among and under ``processes``."""
    found = {p.pid: p for root in processes for p in _tree(root)}
    return [p for p in found.values() if "ipykernel_launcher" in " ".join(p.cmdline())]


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
