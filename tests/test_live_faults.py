"""Live Python survives its faults: a Jupyter server that is down at the start, a kernel
killed from a slide, a server killed and started again, a token that changed, a server
that answers slowly, the local kernel server killed. For each, the dev server keeps
serving the deck, its live state says what happened (the status line words it in the
deck's language: client/messages.ts), and a run succeeds again once a kernel can be had,
without a click.

The remote faults share one dev server (a zh-CN deck) and one real jupyter-server on
loopback, behind a small TCP proxy that can hold the server's answers back; they run in
order; the first run, once the server is up, is a presenter's in Chromium, on the
remote server's kernels only. Later runs are asked for as a window asks (POST
/__nlpdeck/live/run) and the state read as a window reads it (Vite's WebSocket). Each wait is
a generous liveness bound; the recovery times are printed here and measured by
`make bench`.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest
from browser_tools import run_script
from live_tools import (
    EXPECTED,
    LIVE_SLIDE,
    DelayProxy,
    RemoteJupyter,
    block_of,
    command,
    dev_server_answers,
    launchers,
    live_deck,
    live_state,
    npx_slidev,
    printed,
    ready,
    run_block,
    wait_state,
)

from nlpdeck import present, project

pytestmark = [pytest.mark.devserver, pytest.mark.kernel]

SCRIPT = Path(__file__).parent / "browser" / "live_runner.mjs"
KILL = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
RECOVER_S = 120  # liveness bound: a kernel and its prelude on a busy machine


@dataclass
class Remote:
    """A deck whose kernels run on a remote server reached through a proxy."""

    deck: Path
    server: RemoteJupyter
    proxy: DelayProxy
    token_file: Path  # the dev server's copy of the token (the server has its own file)
    served: present.Served
    port: int

    def log(self) -> str:
        return (project.load(self.deck / "slides.md").build_dir / "live.log").read_text()

    def alive(self) -> None:
        assert self.served.process.poll() is None, self.served.output()
        assert dev_server_answers(self.port), "the dev server no longer serves the deck"

    def ran_ok(self, started: float, what: str) -> dict[str, Any]:
        block = run_block(self.port, seconds=RECOVER_S)
        assert block["state"] == "ok" and EXPECTED in printed(block), json.dumps(block)
        print(f"{what}: a run succeeded {time.monotonic() - started:.1f} s after")
        return block


def kernel_is(phase: str, missing: str | None = None) -> Any:
    def check(state: dict[str, Any]) -> bool:
        kernel = state["kernel"]
        return bool(kernel["phase"] == phase and kernel.get("missing") == missing)

    return check


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    folder = tmp_path_factory.mktemp("remote-jupyter")
    token = secrets.token_hex(16)
    server = RemoteJupyter(folder)
    server.token_file.write_text(token)
    token_file = folder / "deck-token"
    token_file.write_text(token)
    proxy = DelayProxy(server.port)
    # the toolkit's Python here only describes the deck: no kernel server runs here
    environ = {"NLPDECK_KERNEL_URL": proxy.url, "NLPDECK_KERNEL_TOKEN_FILE": str(token_file)}
    try:
        with live_deck(lang="zh-CN") as deck, npx_slidev(deck, **environ) as (served, port):
            yield Remote(deck, server, proxy, token_file, served, port)
    finally:
        proxy.close()
        server.stop()


def test_a_server_down_at_the_start_is_waited_for(remote):
    state = wait_state(remote.port, kernel_is("unavailable", "unreachable"), 120, "unreachable")
    assert state["kernel"]["fix"] == remote.proxy.url  # the status line names the server
    status, answer = command(remote.port, "run", block="2:0:00000000", code="1")
    assert status == 409 and "unreachable" in answer, answer
    remote.alive()
    remote.server.start()
    started = time.monotonic()
    ready(remote.served)
    remote.ran_ok(started, "server up after the dev server")


@pytest.mark.browser
def test_the_kernels_are_the_remote_servers_only(remote, tmp_path):
    """Once it answers: a run from the presenter's window in Chromium uses the remote
    server's kernels; nothing starts a kernel server here, no token reaches the output."""
    line = remote.served.wait_for(present.READY, 5).string
    assert f"kernels on {remote.proxy.url}" in line
    config = {"slide": LIVE_SLIDE, "mode": "once", "expect": EXPECTED}
    timeout = {"step": 180_000, "recover": 2_000}
    report = run_script(
        SCRIPT, {"base": f"http://localhost:{remote.port}", "timeout": timeout, **config}, tmp_path
    )
    assert report["opened"] and all(s["ok"] for s in report["steps"]), json.dumps(report, indent=1)
    assert report["console"] == []
    assert launchers(psutil.Process(remote.served.process.pid)) == []
    assert 1 <= len(remote.server.kernels()) <= 2  # active (+ standby)
    for token in (remote.server.token, remote.token_file.read_text().strip()):
        assert token not in "\n".join(remote.served.lines)


def test_a_remote_kernel_killed_from_a_slide(remote):
    block = run_block(remote.port, KILL, RECOVER_S)
    assert block["state"] in ("dead", "error"), json.dumps(block)
    started = time.monotonic()
    time.sleep(2)  # the server restarts the kernel in place; the client reconnects
    remote.alive()
    block = remote.ran_ok(started, "remote kernel killed")
    assert block.get("fresh") == "died"
    # the killed kernel (restarted in place by its server) is shut down: only ours remain
    try:
        wait_state(remote.port, lambda s: len(remote.server.kernels()) <= 2, 30, "no stray kernel")
    except AssertionError as error:
        raise AssertionError(f"{error}\n{remote.server.kernels()}\n{remote.log()}") from None


@pytest.mark.browser
def test_a_remote_server_killed_and_started_again(remote, tmp_path):
    remote.server.kill()
    wait_state(remote.port, kernel_is("unavailable", "unreachable"), 60, "unreachable")
    status, answer = command(remote.port, "restart")
    assert status == 409 and "unreachable" in answer, answer  # ↻ says why not
    remote.alive()
    # the audience's window keeps the deck; its status line says it in the deck's language
    config = {"slide": LIVE_SLIDE, "mode": "paused", "fix": remote.proxy.url, "expect": EXPECTED}
    timeout = {"step": 180_000, "recover": 2_000}
    report = run_script(
        SCRIPT, {"base": f"http://localhost:{remote.port}", "timeout": timeout, **config}, tmp_path
    )
    assert report["opened"] and all(s["ok"] for s in report["steps"]), json.dumps(report, indent=1)
    said = report["steps"][0]["text"]
    assert "无法连接" in said and "正在重试" in said, said
    assert not re.search(
        r"[A-Za-z]{3,}", said.replace(remote.proxy.url, "").replace("Jupyter", "")
    ), said
    remote.server.start()
    started = time.monotonic()
    state = wait_state(remote.port, kernel_is("ready"), RECOVER_S, "fresh kernels, unasked")
    assert state["kernel"].get("fresh") == "server"  # idle blocks say the state is fresh
    print(f"server back: fresh kernels ready {time.monotonic() - started:.1f} s after")
    remote.ran_ok(started, "remote server restarted")
    assert remote.served.wait_for(re.compile("the Jupyter server answers again"), 5)


def test_a_changed_token_is_named_then_read_again(remote):
    remote.server.kill()
    new = secrets.token_hex(16)
    remote.server.start(new)  # the server's token changed; the deck's file still has the old
    state = wait_state(remote.port, kernel_is("unavailable", "forbidden"), 60, "refused token")
    assert state["kernel"]["detail"] == str(remote.token_file)
    assert new not in json.dumps(state) and remote.token_file.read_text() not in json.dumps(state)
    remote.alive()
    remote.token_file.write_text(new)
    started = time.monotonic()
    wait_state(remote.port, kernel_is("ready"), RECOVER_S, "the new token read")
    remote.ran_ok(started, "token file changed")
    assert new not in "\n".join(remote.served.lines)


def test_a_slow_server(remote):
    remote.proxy.delay = 0.3  # every chunk the server sends
    try:
        started = time.monotonic()
        status, answer = command(remote.port, "run", block="2:0:00000000", code="print(1)")
        assert status == 204, answer
        answered = time.monotonic()
        remote.alive()  # while the kernel's answers crawl
        print(f"slow server: the deck answered in {time.monotonic() - answered:.2f} s")
        block = block_of(
            wait_state(
                remote.port,
                lambda s: block_of(s, "2:0:00000000").get("state") in ("ok", "error"),
                RECOVER_S,
                "a slow run",
            ),
            "2:0:00000000",
        )
        assert block["state"] == "ok" and printed(block).strip() == "1", json.dumps(block)
        print(f"slow server: a run took {time.monotonic() - started:.1f} s")
    finally:
        remote.proxy.delay = 0
    remote.ran_ok(time.monotonic(), "server fast again")


def test_kernels_a_crashed_dev_server_left_are_shut_down_by_the_next(remote):
    left = {k["id"] for k in remote.server.kernels()}
    assert left, "the dev server holds kernels on the server"
    os.killpg(remote.served.process.pid, signal.SIGKILL)  # a crash: no handler runs
    remote.served.process.wait(30)
    assert {k["id"] for k in remote.server.kernels()} == left  # still there
    environ = {
        "NLPDECK_KERNEL_URL": remote.proxy.url,
        "NLPDECK_KERNEL_TOKEN_FILE": str(remote.token_file),
    }
    # A slow server: the standby's start is still unanswered at the Ctrl-C below, so
    # the dev server must wait for its id to shut it down.
    remote.proxy.delay = 0.5
    try:
        with npx_slidev(remote.deck, **environ) as (served, port):
            ready(served)

            def cleaned(_: dict[str, Any]) -> bool:
                return not left & {k["id"] for k in remote.server.kernels()}

            state = wait_state(port, cleaned, 60, "the previous run's kernels shut down")
            assert state["kernel"]["standby"] is False, state["kernel"]  # still starting
            noted = project.load(remote.deck / "slides.md").build_dir / "remote-kernels.json"
            assert remote.server.token not in noted.read_text()  # ids and URL only
            os.killpg(served.process.pid, signal.SIGINT)  # a normal stop (Ctrl-C)
            served.process.wait(30)
    finally:
        remote.proxy.delay = 0
    assert remote.server.kernels() == []
    assert any("kernels on" in line and "are shut down" in line for line in served.lines)


def test_a_killed_local_kernel_server_is_restarted():
    with live_deck() as deck, npx_slidev(deck) as (served, port):
        ready(served)
        assert run_block(port, seconds=RECOVER_S)["state"] == "ok"
        (old,) = launchers(psutil.Process(served.process.pid))
        old.kill()
        started = time.monotonic()
        said = served.wait_for(re.compile(r"nlpdeck: the Jupyter server stopped \((SIGKILL)\)"), 60)
        assert "fresh token" in said.string
        assert dev_server_answers(port)
        state = wait_state(port, kernel_is("ready"), RECOVER_S, "fresh kernels in a new server")
        assert state["kernel"].get("fresh") == "server"
        block = run_block(port, seconds=RECOVER_S)
        assert block["state"] == "ok" and EXPECTED in printed(block), json.dumps(block)
        print(
            f"local kernel server killed: a run succeeded {time.monotonic() - started:.1f} s after"
        )
        (new,) = launchers(psutil.Process(served.process.pid))
        assert new.pid != old.pid
        assert live_state(port)["kernel"]["phase"] == "ready"
