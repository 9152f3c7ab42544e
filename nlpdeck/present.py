"""``make present``: the deck with live Python, on a local Jupyter kernel.

Starts jupyter-server on 127.0.0.1 at a free port with a fresh random token, starts
the deck's kernel (the server runs the deck's prelude in it before the kernel is
handed out), then starts ``slidev``. The token never reaches the browser: the Slidev
dev server proxies ``/__jupyter/`` to jupyter-server and adds the token itself
(``slides/<deck>/vite.config.ts``), refusing requests from any other origin. Ctrl-C
(or ``q`` in slidev) stops both servers and the kernel.

    python -m nlpdeck present [DECK] [--port 3030]

How the token travels: jupyter-server reads it from a file in a private temporary
folder (``JUPYTER_TOKEN_FILE``, mode 0600; kernels do not inherit the token itself);
slidev gets it in its environment (``NLPDECK_JUPYTER_TOKEN``). Nothing is written to
the repository or to a build, and the folder is removed on exit.

One kernel per deck: the server's kernel manager (:class:`DeckKernels`) hands every
request for a kernel the one that is alive (or starting); only when it died is a new one
started, and every new kernel runs the prelude first (:class:`PreludeKernelManager`).
A kernel that dies is not restarted in place (``KernelRestarter.restart_limit=0``): the
browser is told ``dead`` and its next run asks for a fresh kernel.
"""

from __future__ import annotations

import json
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.kernelmanager import (
    AsyncMappingKernelManager,
    ServerKernelManager,
)
from nbconvert.filters import strip_ansi
from tornado import web
from traitlets import Float, Unicode, default

from nlpdeck import env
from nlpdeck import prelude as kernel_prelude
from nlpdeck.project import DeckProject

SLIDEV = env.ROOT / "node_modules" / ".bin" / "slidev"


class PreludeKernelManager(ServerKernelManager):
    """A kernel that runs the deck's prelude before it is handed out (start or restart)."""

    prelude = Unicode("", config=True, help="Python file run in every new kernel")
    prelude_timeout = Float(600.0, config=True, help="seconds the prelude may take")

    async def _async_post_start_kernel(self, **kw: Any) -> None:
        await super()._async_post_start_kernel(**kw)
        if self.prelude:
            await self._run_prelude(Path(self.prelude))

    async def _run_prelude(self, path: Path) -> None:
        client = self.client()
        client.start_channels()
        errors: list[str] = []

        def keep_errors(message: dict[str, Any]) -> None:
            if message["msg_type"] == "error":
                errors.append(strip_ansi("\n".join(message["content"]["traceback"])))

        try:
            await client.wait_for_ready(timeout=120)
            started = time.perf_counter()
            reply = await client.execute_interactive(
                kernel_prelude.code(path),
                store_history=False,
                output_hook=keep_errors,
                timeout=self.prelude_timeout,
            )
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            error = kernel_prelude.PreludeError(path, "\n".join(errors))
            self.log.error("%s", error)
            await self._discard()
            raise error
        self.log.info("prelude %s ran in %.1f s", path.name, time.perf_counter() - started)

    async def _discard(self) -> None:
        """Stop the kernel process, inside a start: shutdown_kernel would mark the start
        as successful (both share the manager's one `ready` future)."""
        self.shutting_down = True  # the restarter leaves it alone
        self.stop_restarter()
        await self._async_kill_kernel()
        await self._async_cleanup_resources()


class DeckKernels(AsyncMappingKernelManager):
    """At most one kernel: a request for a kernel gets the running (or starting) one."""

    @default("kernel_manager_class")
    def _default_kernel_manager_class(self) -> str:
        return f"{__name__}.PreludeKernelManager"

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        for starting in list(self._pending_kernels.values()):
            await starting  # a start (or shutdown) under way: share its outcome
        for kernel_id in self.list_kernel_ids():
            if await ensure_async(self.get_kernel(kernel_id).is_alive()):
                return kernel_id
        try:
            return str(await super().start_kernel(*args, **kwargs))
        except kernel_prelude.PreludeError as error:  # its message, not "Unhandled error"
            raise web.HTTPError(500, str(error)) from None


class PromptConnection(ZMQChannelsWebsocketConnection):
    """A kernel's WebSocket that sends each message at once. With Nagle's algorithm on
    (tornado's default), the small frames of an execution wait for the peer's delayed
    ACK, some 40 ms a round trip."""

    def connect(self) -> Any:
        self.websocket_handler.set_nodelay(True)
        return super().connect()


def server_command(deck_dir: Path, prelude: Path | None) -> list[str]:
    """jupyter-server on loopback, a port the OS picks, no browser, one prelude kernel."""
    return [
        sys.executable,
        "-m",
        "jupyter_server",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port=0",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={deck_dir}",
        f"--ServerApp.kernel_manager_class={__name__}.DeckKernels",
        f"--ServerApp.kernel_websocket_connection_class={__name__}.PromptConnection",
        f"--PreludeKernelManager.prelude={prelude or ''}",
        "--KernelRestarter.restart_limit=0",  # a dead kernel stays dead; the next run starts one
        "--KernelRestarter.time_to_dead=1.0",  # notice a death within a second or so
        "--ServerApp.log_level=WARN",
        "--allow-root",  # refused as root otherwise; it grants nothing else
    ]


class Jupyter:
    """A running jupyter-server: its URL, token, and a client for the REST API."""

    def __init__(
        self, process: subprocess.Popen[bytes], url: str, token: str, runtime: Path
    ) -> None:
        self.process, self.url, self.token = process, url, token
        self.runtime = runtime  # private: the token file, kernel connection files

    def request(self, method: str, path: str, timeout: float = 30.0) -> Any:
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=b"{}" if method == "POST" else None,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"null")

    def start_kernel(self) -> dict[str, Any]:
        """The deck's kernel, once its prelude has run (raises with the server's error)."""
        try:
            return dict(self.request("POST", "/api/kernels", timeout=900))
        except urllib.error.HTTPError as error:
            detail = json.loads(error.read() or b"{}").get("message", "")
            raise RuntimeError(f"the deck's kernel did not start: {detail}") from None


def _forward(stream: Any, token: str, prefix: str) -> None:
    """Copy a server's log lines to our stderr, never showing the token."""
    for raw in iter(stream.readline, b""):
        line = raw.decode(errors="replace").rstrip().replace(token, "<token>")
        print(f"{prefix}{line}", file=sys.stderr, flush=True)


@contextmanager
def jupyter_server(deck: DeckProject) -> Iterator[Jupyter]:
    """jupyter-server for one deck; stopped (kernels shut down) and its files removed."""
    private = Path(tempfile.mkdtemp(prefix="nlpdeck-jupyter-"))  # 0700
    token = secrets.token_hex(32)
    token_file = private / "token"
    token_file.touch(mode=0o600)
    token_file.write_text(token)
    environ = {**deck.kernel_environ(), "JUPYTER_RUNTIME_DIR": str(private)}
    environ.pop("JUPYTER_TOKEN", None)
    environ["JUPYTER_TOKEN_FILE"] = str(token_file)
    process = subprocess.Popen(
        server_command(deck.dir, deck.prelude),
        cwd=deck.dir,
        env=environ,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C reaches us, and we stop it in order
    )
    threading.Thread(
        target=_forward, args=(process.stdout, token, "[jupyter] "), daemon=True
    ).start()
    try:
        port = _wait_for_port(private, process)
        jupyter = Jupyter(process, f"http://127.0.0.1:{port}", token, private)
        _wait_until(lambda: jupyter.request("GET", "/api/status", timeout=2), process, 60)
        yield jupyter
    finally:
        stop(process, signal.SIGTERM, 20)
        shutil.rmtree(private, ignore_errors=True)


def _wait_for_port(runtime: Path, process: subprocess.Popen[bytes]) -> int:
    """jupyter-server writes jpserver-<pid>.json (with the port it bound) when it listens."""
    info = runtime / f"jpserver-{process.pid}.json"
    _wait_until(info.is_file, process, 60)
    return int(json.loads(info.read_text())["port"])


def _wait_until(ready: Any, process: subprocess.Popen[bytes], seconds: float) -> None:
    """Poll ``ready()`` until true; fail if the process exits or time runs out."""
    name = Path(str(process.args[0] if isinstance(process.args, list) else process.args)).name
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with status {process.returncode}")
        try:
            if ready():
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"no answer from {name} in {seconds} s")
        time.sleep(0.2)


def stop(process: subprocess.Popen[bytes], sig: int, seconds: float) -> None:
    """Signal a process and wait; kill it if it does not stop in time."""
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def slidev_command(deck: Path, port: int) -> list[str]:
    return [str(SLIDEV), str(deck), "--port", str(port)]


@dataclass
class LiveDeck:
    """Both servers of one deck, its kernel ready."""

    jupyter: Jupyter
    kernel: dict[str, Any]
    slidev: subprocess.Popen[bytes]
    url: str


@contextmanager
def live_deck(deck: DeckProject, port: int, quiet: bool = False) -> Iterator[LiveDeck]:
    """jupyter-server with the deck's kernel (prelude run) and slidev proxying to it;
    both stopped on exit. ``quiet`` (benchmarks) gives slidev no terminal: its output goes
    away and its stdin is a pipe held open (slidev quits when its stdin closes)."""
    prelude = deck.prelude
    with jupyter_server(deck) as jupyter:
        say(f"jupyter-server at {jupyter.url} (loopback only; token kept private)")
        environ = {
            **env.subprocess_environ(),
            "NLPDECK_JUPYTER_URL": jupyter.url,
            "NLPDECK_JUPYTER_TOKEN": jupyter.token,
        }
        # slidev takes the terminal's stdin for its keys (o, r, q) and quits when it closes
        slidev = subprocess.Popen(
            slidev_command(deck.path, port),
            cwd=env.ROOT,
            env=environ,
            stdin=subprocess.PIPE if quiet else None,
            stdout=subprocess.DEVNULL if quiet else None,
        )
        try:
            started = time.perf_counter()
            say(f"starting the deck's kernel ({prelude.name if prelude else 'no'} prelude) ...")
            kernel = jupyter.start_kernel()
            say(f"kernel {kernel['id'][:8]} ready in {time.perf_counter() - started:.1f} s")
            url = f"http://localhost:{port}"
            _wait_until(lambda: urllib.request.urlopen(url, timeout=2).status == 200, slidev, 180)
            yield LiveDeck(jupyter, kernel, slidev, url)
        finally:
            stop(slidev, signal.SIGINT, 10)


def say(message: str) -> None:
    print(f"nlpdeck: {message}", flush=True)


def free_port(first: int = 3030) -> int:
    """The first port from ``first`` that nothing on localhost listens on (as slidev picks)."""
    for port in range(first, first + 1000):
        with socket.socket() as probe:
            if probe.connect_ex(("localhost", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {first}..{first + 999}")


def present(deck: DeckProject, port: int | None = None) -> int:
    """Run both servers until slidev exits (``q``) or Ctrl-C; returns an exit status."""
    port = port or free_port()
    # stop in order on SIGTERM too (the default would leave both servers running)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        with live_deck(deck, port) as live:
            say(f"live deck ready at {live.url}/ (Ctrl-C or q stops both)")
            status = live.slidev.wait()
            # Ctrl-C reaches slidev too; when it dies of the signal first, say so the shell's
            # way (130), not as Popen's -2 (which sys.exit turns into 254)
            return 128 - status if status < 0 else status
    except KeyboardInterrupt:
        return 130
