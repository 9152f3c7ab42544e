"""``make present``: the deck with live Python.

``make present`` sets up what is missing and exports the demos, then runs this:
Slidev's dev server on the deck, with the toolkit's Python named for the addon
(``NLPDECK_PYTHON``). The live part is the addon's: its Vite plugin starts the deck's
Jupyter server and kernels with the dev server (``python -m nlpdeck kernel-server``,
:mod:`nlpdeck.kernel_server`) and stops them with it, so plain ``npx slidev`` is just
as live. Ctrl-C (or ``q`` in slidev) stops everything.

    python -m nlpdeck present [DECK] [--port 3030] [-- SLIDEV_OPTION...]

What follows ``--`` goes to slidev as it is (``-- --open``, ``-- --force --log info``).
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from nlpdeck import env
from nlpdeck.project import DeckProject

READY = re.compile(r"nlpdeck: live Python ready at (\S+)")
UNAVAILABLE = re.compile(r"nlpdeck: live Python is not available")


def slidev_command(deck: Path, port: int | None, options: Sequence[str] = ()) -> list[str]:
    """The project's own ``slidev`` on the deck (found from the deck, as Slidev does)."""
    slidev = env.find_project(deck).slidev
    return [str(slidev), str(deck), *(["--port", str(port)] if port else []), *options]


def slidev_environ(project: env.Project | None = None) -> dict[str, str]:
    """Slidev's environment: the project's, and this Python for the addon's kernel server."""
    return {**env.subprocess_environ(project), "NLPDECK_PYTHON": sys.executable}


def stop(process: subprocess.Popen[bytes], sig: int, seconds: float) -> None:
    """Signal a process and wait; kill it if it does not stop in time."""
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def present(deck: DeckProject, port: int | None = None, options: Sequence[str] = ()) -> int:
    """Run Slidev's dev server until it exits (``q``) or Ctrl-C; returns an exit status."""
    if not deck.project.slidev.exists():
        print(
            f"nlpdeck present: {deck.project.slidev} is missing: run `npm install` in "
            f"{deck.project.root}",
            file=sys.stderr,
        )
        return 1
    # slidev takes the terminal's stdin for its keys (o, r, q) and quits when it closes
    slidev = subprocess.Popen(
        slidev_command(deck.path, port, options),
        cwd=deck.project.root,
        env=slidev_environ(deck.project),
    )
    # SIGTERM: stop slidev first (it stops the kernels), as Ctrl-C does
    signal.signal(signal.SIGTERM, lambda *_: slidev.send_signal(signal.SIGTERM))
    try:
        status = slidev.wait()
    except KeyboardInterrupt:  # Ctrl-C reached slidev too
        stop(slidev, signal.SIGINT, 15)
        return 130
    # a death by signal the shell's way (130), not as Popen's -2 (which sys.exit makes 254)
    return 128 - status if status < 0 else status


@dataclass
class Served:
    """Slidev's dev server started without a terminal (tests, benchmarks): its process
    and the lines it printed so far (read by a thread: :meth:`of`)."""

    process: subprocess.Popen[bytes]
    lines: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, process: subprocess.Popen[bytes]) -> Served:
        """Collect the output of ``process`` (started with ``stdout=PIPE``)."""
        served = cls(process)
        assert process.stdout is not None
        threading.Thread(target=_collect, args=(process.stdout, served.lines), daemon=True).start()
        return served

    def output(self) -> str:
        return "\n".join(self.lines[-80:])

    def wait_for(self, pattern: re.Pattern[str], seconds: float) -> re.Match[str]:
        """The first line matching ``pattern``; raises naming what slidev said instead."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if match := pattern.search(line):
                    return match
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        state = (
            f"exited with {self.process.returncode}"
            if self.process.poll() is not None
            else f"no such line in {seconds:.0f} s"
        )
        raise TimeoutError(f"slidev never said {pattern.pattern!r} ({state}):\n{self.output()}")


def _collect(stream: IO[bytes], lines: list[str]) -> None:
    for raw in iter(stream.readline, b""):
        lines.append(raw.decode(errors="replace").rstrip())


@contextmanager
def serve(
    deck: Path, port: int, environ: dict[str, str] | None = None, cwd: Path | None = None
) -> Iterator[Served]:
    """``slidev deck --port port``, its output collected, its stdin a pipe held open
    (slidev quits when its stdin closes); stopped with Ctrl-C's signal on exit."""
    process = subprocess.Popen(
        slidev_command(deck, port),
        cwd=cwd or env.find_project(deck).root,
        env=environ or slidev_environ(env.find_project(deck)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: a signal reaches it alone
    )
    served = Served.of(process)
    try:
        yield served
    finally:
        stop(process, signal.SIGINT, 20)


def free_port() -> int:
    """A port nothing listens on, for a server started next."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
