"""Live Python in the Part 2 deck, started as `make present` starts it (`python -m nlpdeck
present`, Slidev's dev server with the addon), once for this module: runs in a real
browser, one run shown in every window, the standby after a kernel dies, and why
nothing of Jupyter (its token above all) reaches a browser.

Headless Chromium (Debian's, driven by playwright-chromium from node_modules: the
scripts in tests/browser/) clicks on the deck's live slides. Every wait is bounded; the
only time bounds asserted are the issue's: another window shows a run within 1 s, a run
after a kernel died answers within 2 s.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import urllib.request
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
from browser_tools import run_script
from live_tools import (
    KernelWatch,
    Presenting,
    argv,
    block_code,
    gone,
    kernels,
    post_json,
    raw_http,
    request,
    upgrade,
)

from nlpdeck import cli, env, project, recorded

DECK = env.ROOT / "slides" / "part2" / "slides.md"
LOG = project.load(DECK).build_dir / "live.log"
BROWSER = Path(__file__).parent / "browser"
LOOPBACK = {"127.0.0.1", "::1"}
SHOTS = env.ROOT / "build" / "slides"
RUN = {"block": "1:0:00000000", "code": "print(1)", "window": "test"}  # a command's body


@pytest.fixture(scope="module")
def presenting(presented: Callable[[Path], Presenting]) -> Presenting:
    """Part 2 as `make present` presents it (shared with the render test, which ran on it
    first: the live slides' first visit is behind it)."""
    return presented(DECK)


@pytest.mark.devserver
@pytest.mark.kernel
def test_terminal_says_one_line_per_event(presenting):
    said = [line for line in presenting.served.lines if line.strip()]
    ours = [line.strip() for line in said if "nlpdeck:" in line]
    assert len(ours) == 1 and ours[0].startswith("nlpdeck: live Python ready at"), ours
    assert f"(log: {LOG.relative_to(env.ROOT)})" in ours[0]
    noise = ("Kernel is running over TCP", "restarted failed", "[I ", "[W ", "Starting WebSocket")
    assert [line for line in said if any(n in line for n in noise)] == []
    assert "Jupyter Server" in LOG.read_text()  # the server's own log went to the file


@pytest.mark.devserver
@pytest.mark.kernel
def test_options_after_a_double_dash_go_to_slidev_and_only_for_present(presenting, capsys):
    commands = [argv(p) for p in presenting.processes()]
    (slidev,) = [a for a in commands if any(part.endswith("/.bin/slidev") for part in a[1:2])]
    assert slidev[-3:] == ["--force", "--log", "info"], slidev
    with pytest.raises(SystemExit) as refused:
        cli.main(["figures", "--", "--force"])
    assert refused.value.code == 2
    assert "only `present` passes options after `--`" in capsys.readouterr().err


# ---- nothing of Jupyter reaches a browser ----


@pytest.mark.devserver
@pytest.mark.kernel
def test_kernel_api_needs_the_token(presenting):
    assert request(presenting.jupyter_url + "api/kernels")[0] == 403
    authorized = {"Authorization": f"token {presenting.token}"}
    status, body = request(presenting.jupyter_url + "api/kernels", headers=authorized)
    assert status == 200 and len(json.loads(body)) == 2  # the active kernel and its standby


@pytest.mark.devserver
@pytest.mark.kernel
def test_token_file_and_folder_are_private(presenting):
    assert presenting.private.stat().st_mode & 0o777 == 0o700
    assert (presenting.private / "token").stat().st_mode & 0o777 == 0o600
    assert not list(presenting.private.glob("*.html"))  # no browser-open file with the token


@pytest.mark.devserver
@pytest.mark.kernel
def test_servers_listen_on_loopback_only(presenting):
    listening = [
        (p.name(), c.laddr)
        for p in presenting.processes()
        if p.is_running()
        for c in p.net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening, "no listening socket found"
    assert [(name, addr) for name, addr in listening if addr.ip not in LOOPBACK] == []
    ports = {addr.port for _, addr in listening}
    assert presenting.port in ports and int(presenting.jupyter_url.rsplit(":", 1)[1][:-1]) in ports
    # kernels talk to the server over Unix sockets in the private folder, not TCP ports
    connections = [json.loads(f.read_text()) for f in presenting.private.glob("kernel-*.json")]
    assert connections and {c["transport"] for c in connections} == {"ipc"}


@pytest.mark.devserver
@pytest.mark.kernel
def test_non_loopback_hosts_are_refused(presenting):
    authorized = {"Authorization": f"token {presenting.token}", "Host": "evil.example"}
    assert request(presenting.jupyter_url + "api/kernels", headers=authorized)[0] == 403
    rebound = {"Host": f"evil.example:{presenting.port}"}
    assert request(presenting.deck_url + "/", headers=rebound)[0] == 403  # Vite's own check
    origin = f"http://192.0.2.7:{presenting.port}"  # a device following over --remote
    follower = {"Host": f"192.0.2.7:{presenting.port}", "Origin": origin}
    status = post_json(presenting.deck_url, "/__nlpdeck/live/run", RUN, follower)
    assert status == 403


@pytest.mark.devserver
@pytest.mark.kernel
def test_commands_come_only_from_the_decks_own_pages(presenting):
    own = presenting.deck_url
    host = {"Host": own.removeprefix("http://")}
    # what a page of the deck sends: accepted (an edit changes nothing that runs)
    assert post_json(own, "/__nlpdeck/live/edit", RUN, {**host, "Origin": own}) == 204
    refused = [
        {**host},  # no Origin: not a browser's page
        {**host, "Origin": "http://evil.example"},
        {**host, "Origin": f"http://127.0.0.1:{presenting.port}"},  # another origin
        {**host, "Origin": "null"},
    ]
    for headers in refused:
        assert post_json(own, "/__nlpdeck/live/run", RUN, headers) == 403, headers
    form = {**host, "Origin": own, "Content-Type": "text/plain"}
    assert request(own + "/__nlpdeck/live/run", "POST", form, b"{}")[0] == 415
    assert request(own + "/__nlpdeck/live/run", headers={**host, "Origin": own})[0] == 405


TRAVERSALS = [
    "/__jupyter/api/kernels",
    "/__jupyter/api/contents",
    "/__jupyter/api/kernels/%2e%2e/contents",
    "/__jupyter/api/kernels/..%2f..%2fapi/contents",
    "/__nlpdeck/live/%2e%2e/%2e%2e/api/contents",
    "/__nlpdeck/live/run/..",
    "/__nlpdeck/live/run/%2e%2e/%2e%2e/__jupyter/api/contents",
    "/__nlpdeck/live/%2frun",
    "/__nlpdeck/live/run%2f..%2f..%2fapi%2fcontents",
    "/__nlpdeck/live/%252e%252e/%252e%252e/api/contents",  # double encoding
    "/__nlpdeck/live/..%5c..%5capi%5ccontents",  # encoded backslashes
    "/__nlpdeck/live/..\\..\\api\\contents",  # raw backslashes
    "/__nlpdeck//live//run",  # empty segments
    "/__nlpdeck/live/./run",
    "/__NLPDECK/live/run",
    "/x/..%2f__nlpdeck/live/run",
    "/%5f%5fjupyter/api/contents",
]


@pytest.mark.devserver
@pytest.mark.kernel
@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_spellings_reach_nothing(presenting, path):
    """Each spelling, sent byte for byte, is answered by the dev server itself (404 or
    405), never forwarded: there is no proxy, and nothing Jupyter serves comes back."""
    own = presenting.deck_url
    host = own.removeprefix("http://")
    for method in ("GET", "POST"):
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"Origin: {own}"]
        body = json.dumps(RUN).encode() if method == "POST" else b""
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        answer = raw_http(presenting.port, lines, body)
        assert re.match(r"HTTP/1.1 (400|403|404|405)", answer), (method, path, answer)
    assert " 101 " not in upgrade(presenting.port, path, host, own), path


@pytest.mark.devserver
@pytest.mark.kernel
def test_token_is_not_served_nor_in_the_repository(presenting):
    token = presenting.token
    addon = f"/@fs{env.ROOT}/slidev-addon-nlpdeck"
    pages = ("/", "/1", f"{addon}/client/python-runner.ts", f"{addon}/client/live-state.ts")
    for path in pages:
        with urllib.request.urlopen(presenting.deck_url + path, timeout=60) as response:
            assert token not in response.read().decode(errors="replace"), path
    assert request(presenting.deck_url + "/@fs/proc/self/environ")[0] != 200
    assert token not in LOG.read_text(errors="replace")  # the log names the file, not the token
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
    environments = [p for p in presenting.processes() if token in str(p.environ())]
    assert environments == []  # read from its file, never passed in an environment


# ---- in a browser ----


@pytest.mark.browser
@pytest.mark.devserver
@pytest.mark.kernel
def test_presenter_runs_raises_interrupts_and_recovers_from_the_standby(presenting, tmp_path):
    slide, code = block_code(DECK, "bank.py")
    SHOTS.mkdir(parents=True, exist_ok=True)
    config = {
        "base": presenting.deck_url,
        "mode": "live",
        "slide": slide,
        "code": code,
        "expect": "河岸",
        "probe": 'print(f"still here: {type(encoder).__name__}")',
        "probeExpect": "still here: SentenceTransformer",
        "timeout": {"step": 300_000, "recover": 2_000},
        "shot": str(SHOTS / "live-runner.png"),
    }
    report = run_script(BROWSER / "live_runner.mjs", config, tmp_path)
    failed = [s for s in report["steps"] if not s["ok"]]
    assert report["opened"] and not failed, json.dumps(report, ensure_ascii=False, indent=1)
    steps = {s["name"]: s for s in report["steps"]}
    assert "\x1b[" not in steps["run code that raises"]["output"]  # colours stripped
    assert "fresh" in steps["the next run answers from the standby"]["text"].lower() or (
        "新内核" in steps["the next run answers from the standby"]["text"]
    )
    assert not report["placeholder"], "Slidev's English placeholder is shown"
    assert report["console"] == [], report["console"]
    recovered = steps["the next run answers from the standby"]["ms"]
    print(f"recovery after a kernel death: {recovered} ms")


@pytest.mark.browser
@pytest.mark.devserver
@pytest.mark.kernel
def test_every_window_shows_one_run(presenting, tmp_path):
    """Presenter view and audience window: each shows what the other edits and runs
    within a second, an interrupt from either stops the run, and each click executes
    the code once in the kernel (counted from the kernel's own messages)."""
    slide, _ = block_code(DECK, "bank.py")
    block = next(b for b in recorded.live_blocks(project.load(DECK).deck) if b.slide == slide)
    code = 'print("MARKER", word_vector("The bank was closed.").shape)'
    config = {
        "base": presenting.deck_url,
        "slide": slide,
        "code": code,
        "deckLines": block.code.count("\n") + 1,  # Monaco's lines of the code Slidev hands it
        "timeout": {"step": 300_000, "window": 1_000},
        "shots": [str(SHOTS / "live-presenter.png"), str(SHOTS / "live-audience.png")],
    }
    with KernelWatch(presenting.private) as watch:
        report = run_script(BROWSER / "live_windows.mjs", config, tmp_path)
    failed = [s for s in report["steps"] if not s["ok"]]
    assert report["opened"] and not failed, json.dumps(report, ensure_ascii=False, indent=1)
    for marker in ("from-the-presenter", "from-the-audience"):
        assert watch.count(code.replace("MARKER", marker)) == 1, watch.executed
    assert report["console"] == [], report["console"]
    for s in report["steps"]:
        if "latencyMs" in s:
            print(f"{s['name']}: output +{s['latencyMs']} ms, editor +{s['editLatencyMs']} ms")


@pytest.mark.devserver
@pytest.mark.kernel
def test_ctrl_c_stops_the_dev_server_the_jupyter_server_and_both_kernels(presenting):
    """Runs last: Ctrl-C (SIGINT to the terminal's process group) stops everything."""
    processes = presenting.processes()
    assert len(kernels(processes)) == 2, "the active kernel and its standby"
    os.killpg(presenting.served.process.pid, signal.SIGINT)
    assert presenting.served.process.wait(60) in (0, 130), presenting.served.output()
    assert gone(processes, 30) == []
    assert not presenting.private.exists()
    assert any("live Python stopped" in line for line in presenting.served.lines)
