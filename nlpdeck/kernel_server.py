"""``python -m nlpdeck kernel-server DECK --log FILE``: the deck's Jupyter server, for
the addon's dev server.

The addon's Vite plugin (``slidev-addon-nlpdeck/node/live/``) starts this when Slidev's
dev server starts, keeps its standard input open, and reads one JSON line from its
standard output, either::

    {"url": "http://127.0.0.1:PORT/", "token_file": "/tmp/nlpdeck-jupyter-…/token", "pid": N}
    {"unavailable": "models", "detail": "nlpdeck/bert-mini-chinese", "fix": "make models"}

jupyter-server runs inside this process, on 127.0.0.1 at a port the OS picks, with a
fresh random token read from a 0600 file in a private 0700 folder; the same folder holds
the kernels' connection files and their IPC sockets (kernels talk to the server over
Unix sockets, not TCP). The token reaches only the dev server (Node), which reads the
file. After the JSON line, everything the server and its kernels print goes to the log
file, not the presenter's terminal.

It stops, shutting its kernels down and removing the private folder, when its standard
input reaches EOF (the dev server exited, by ``q``, Ctrl-C, a crash or SIGKILL), or on
SIGTERM / SIGINT. Kernels also watch this process: if it is killed outright, ipykernel's
parent poller ends them within a second. So nothing outlives the dev server. If this
process dies while the dev server runs, the dev server starts another (a fresh token,
fresh kernels) and says so (``node/live/session.ts``).

It starts no kernel: the dev server asks for them, runs the deck's prelude in each, and
keeps a standby (``node/live/kernels.ts``). A dead kernel is not restarted in place
(``restart_limit=0``): the dev server switches to its standby.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, TextIO

# jsonschema, imported by jupyter-server's event logger, builds a grammar for the "iri"
# format when rfc3987_syntax is installed: 2 s of every start, for a check no event
# schema of jupyter-server uses. Without the module, jsonschema skips that format.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from jupyter_server.serverapp import ServerApp  # noqa: E402
from jupyter_server.services.kernels.connection.channels import (  # noqa: E402
    ZMQChannelsWebsocketConnection,
)

from nlpdeck import models  # noqa: E402
from nlpdeck.project import DeckProject  # noqa: E402


class PromptConnection(ZMQChannelsWebsocketConnection):
    """A kernel's WebSocket that sends each message at once. With Nagle's algorithm on
    (tornado's default), the small frames of an execution wait for the peer's delayed
    ACK, some 40 ms a round trip."""

    def connect(self) -> Any:
        self.websocket_handler.set_nodelay(True)
        return super().connect()


def missing_models(deck: DeckProject) -> list[models.ModelEntry]:
    """Catalog models the deck's prelude and demos name that are not in the local cache:
    without them the prelude fails, so no live block can run."""
    demos = sorted(deck.demos_dir.glob("*.py")) if deck.demos_dir.is_dir() else []
    sources = [p for p in [deck.prelude, *demos] if p is not None]
    from nlpdeck.kernel import named_models  # the check's kernel layer: import it late

    named = {hub_id for p in sources for hub_id in named_models(p.read_text("utf-8"))}
    entries = [e for e in models.catalog().values() if e.hub_id in named]
    return [e for e in entries if models.cached(e.hub_id) is None]


def unavailable(deck: DeckProject) -> dict[str, str] | None:
    """Why live Python cannot run for this deck (the addon's `Missing` kind and the
    detail), and the command that fixes it."""
    missing = missing_models(deck)
    if not missing:
        return None
    names = ", ".join(e.hub_id for e in missing)
    return {"unavailable": "models", "detail": names, "fix": missing[0].fix}


def server_argv(deck: DeckProject, private: Path) -> list[str]:
    """jupyter-server on loopback, a port the OS picks, nothing but what a kernel needs."""
    return [
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port=0",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={deck.dir}",
        f"--ServerApp.kernel_websocket_connection_class={__name__}.PromptConnection",
        "--KernelManager.transport=ipc",  # Unix sockets in the private folder, not TCP ports
        "--KernelRestarter.restart_limit=0",  # a dead kernel stays dead; the standby takes over
        "--KernelRestarter.time_to_dead=0.5",  # tell the dev server within about a second
        "--ServerApp.log_level=INFO",  # into the log file
        "--allow-root",  # refused as root otherwise; it grants nothing else
    ]


def _private_folder() -> tuple[Path, Path]:
    """A 0700 folder and the 0600 token file in it."""
    private = Path(tempfile.mkdtemp(prefix="nlpdeck-jupyter-"))  # mkdtemp: mode 0700
    token_file = private / "token"
    token_file.touch(mode=0o600)
    token_file.write_text(secrets.token_hex(32))
    return private, token_file


def _announce(out: TextIO, message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def _output_to(log: Path) -> TextIO:
    """Send this process's stdout and stderr (and so its kernels') to ``log``; returns a
    stream on the original stdout, for the one JSON line."""
    log.parent.mkdir(parents=True, exist_ok=True)
    original = os.fdopen(os.dup(1), "w", encoding="utf-8")
    with log.open("ab") as file:
        os.dup2(file.fileno(), 1)
        os.dup2(file.fileno(), 2)
    sys.stdout = os.fdopen(1, "w", encoding="utf-8", buffering=1, closefd=False)
    sys.stderr = os.fdopen(2, "w", encoding="utf-8", buffering=1, closefd=False)
    return original


def _stop_at_eof(app: ServerApp) -> None:
    """Stop the server when our standard input closes: the dev server is gone."""
    for _ in iter(sys.stdin.buffer.readline, b""):
        pass  # nothing is sent; a line would only be ignored
    app.log.info("standard input closed: the dev server is gone, stopping")
    app.stop()


def serve(deck: DeckProject, log: Path) -> int:
    """Run the deck's jupyter-server until stdin closes or a signal; returns 0."""
    announce = _output_to(log)
    missing = unavailable(deck)
    if missing is not None:
        _announce(announce, missing)
        return 0
    private, token_file = _private_folder()
    # Kernels get the deck's environment (offline, the deck's folder importable); the
    # token stays in its file, never in an environment variable a kernel could read.
    os.environ.update(deck.kernel_environ())
    os.environ.pop("JUPYTER_TOKEN", None)
    os.environ["JUPYTER_TOKEN_FILE"] = str(token_file)
    os.environ["JUPYTER_RUNTIME_DIR"] = str(private)
    try:
        app = ServerApp()
        app.initialize(argv=server_argv(deck, private), find_extensions=False)
        app.no_browser_open_file = True  # that page would hold the token (not configurable)
        signal.signal(signal.SIGINT, app._signal_stop)  # no "Shut down? (y/n)" prompt
        threading.Thread(target=_stop_at_eof, args=(app,), daemon=True).start()
        url = f"http://127.0.0.1:{app.port}/"
        message = {"url": url, "token_file": str(token_file), "pid": os.getpid()}
        # runs after the server has bound its port (initialize queued that first)
        app.io_loop.add_callback(_announce, announce, message)
        app.start()
    finally:
        shutil.rmtree(private, ignore_errors=True)
    return 0
