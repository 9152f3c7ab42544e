"""Plain Slidev is live: the addon's Vite plugin starts the deck's Jupyter server with the
dev server and stops it with it, whatever stops the dev server; without a Python
environment the deck says what to run; the kernels may live on another Jupyter server;
devices following over `--remote` see the runs but cannot start them. (A build and an
export start no kernel: tests/test_new_deck.py.)

All on a small deck (tests/live_tools.py: one live block, a prelude of one line), so
each dev server is ready in seconds. Headless Chromium drives tests/browser/live_runner.mjs.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from browser_tools import run_script
from live_tools import (
    EXPECTED,
    LIVE_SLIDE,
    argv,
    gone,
    kernels,
    launchers,
    live_deck,
    npx_slidev,
    private_folder,
    ready,
)

from nlpdeck import present, project

SCRIPT = Path(__file__).parent / "browser" / "live_runner.mjs"
FOLLOWER_HOST = "192.0.2.2"  # the test machine's own non-loopback address (see non_loopback)


def descendants(served: present.Served) -> list[psutil.Process]:
    root = psutil.Process(served.process.pid)
    return [root, *root.children(recursive=True)]


def browse(url: str, tmp_path: Path, mode: str = "once", **config: Any) -> dict[str, Any]:
    report = run_script(
        SCRIPT,
        {
            "base": url.rstrip("/"),
            "slide": LIVE_SLIDE,
            "mode": mode,
            "expect": EXPECTED,
            "timeout": {"step": 180_000, "recover": 2_000},
            **config,
        },
        tmp_path,
    )
    assert report["opened"] and all(s["ok"] for s in report["steps"]), json.dumps(report, indent=1)
    return report


@pytest.mark.devserver
@pytest.mark.kernel
def test_a_killed_dev_server_leaves_no_jupyter_server_nor_kernel(tmp_path):
    with live_deck() as deck, npx_slidev(deck) as (served, _):
        ready(served)
        processes = descendants(served)
        assert len(kernels(processes)) >= 1
        nodes = [(p, argv(p)) for p in processes if p.name() == "node"]
        (dev_server,) = [p for p, a in nodes if a[1:] and "npx" not in a[1]]
        dev_server.kill()  # a crash: SIGKILL, no handler runs
        assert gone(processes, 30) == []


@pytest.mark.browser
@pytest.mark.devserver
def test_without_python_the_deck_shows_recorded_outputs_and_what_to_run(tmp_path):
    missing = tmp_path / "no-venv" / "bin" / "python"
    with live_deck() as deck, npx_slidev(deck, NLPDECK_PYTHON=str(missing)) as (served, port):
        line = served.wait_for(re.compile(r"nlpdeck: live Python is not available: (.*)"), 120)
        assert str(missing) in line.group(1) and "run `make setup`" in line.group(1)
        browse(f"http://localhost:{port}", tmp_path, "unavailable", fix="make setup")


@pytest.mark.devserver
@pytest.mark.kernel
def test_a_failing_prelude_is_named_and_leaves_no_kernel(tmp_path):
    prelude = "import os\nraise RuntimeError('no model here')\n"
    with live_deck(prelude) as deck, npx_slidev(deck) as (served, _):
        said = served.wait_for(re.compile(r"nlpdeck: live Python is not available: (.*)"), 300)
        assert "the deck's prelude failed (RuntimeError: no model here)" in said.group(1)
        (server,) = launchers(psutil.Process(served.process.pid))
        time.sleep(2)  # the failed kernel is shut down without waiting
        assert kernels([server]) == []
        log = project.load(deck / "slides.md").build_dir / "live.log"
        assert "prelude.py:2" in log.read_text()  # the traceback, in the log


RAISES = """
---

# A block that raises

```python {monaco-run} {autorun:false}
numbers = [1, 2]
print(numbers[5])
```
"""


@pytest.mark.browser
def non_loopback() -> str:
    """This machine's address on its network, which a following device would use."""
    addresses = {
        a.address
        for nic in psutil.net_if_addrs().values()
        for a in nic
        if a.family == socket.AF_INET and not a.address.startswith("127.")
    }
    if not addresses:
        pytest.fail("the follower test needs a non-loopback IPv4 address on this machine")
    return FOLLOWER_HOST if FOLLOWER_HOST in addresses else sorted(addresses)[0]


@pytest.mark.browser
@pytest.mark.devserver
@pytest.mark.kernel
def test_npx_slidev_in_a_deck_folder_is_live_and_ctrl_c_leaves_nothing(tmp_path):
    """One dev server (`--remote`, so devices may follow) for what a talk does in turn:
    the presenter runs a block, a follower sees runs but cannot start one, a block that
    raises names the slides.md line (live kernels install the check kernels' hooks,
    nlpdeck/kernel_hooks.py, given by `nlpdeck describe`), and Ctrl-C stops it all."""
    address = non_loopback()
    with live_deck(more=RAISES) as deck, npx_slidev(deck, "--remote") as (served, port):
        url = ready(served)
        browse(url, tmp_path)  # the presenter runs the block

        report = browse(f"http://{address}:{port}", tmp_path, "follower", readOnly="Read-only")
        assert [r for r in report["requests"] if r.startswith("POST")] == []

        lines = (deck / "slides.md").read_text(encoding="utf-8").splitlines()
        line = lines.index("print(numbers[5])") + 1
        report = browse(url, tmp_path, slide=3, state="error", expect=f"slides.md:{line}")
        (ran,) = [s for s in report["steps"] if s["name"] == "run the slide code"]
        assert "IndexError" in ran["output"], ran

        processes = descendants(served)
        (server,) = launchers(processes[0])
        (kernel, standby) = kernels([server])
        private = private_folder(kernel)
        os.killpg(served.process.pid, signal.SIGINT)  # Ctrl-C in a terminal
        assert served.process.wait(30) in (0, 130, -signal.SIGINT), served.output()
        assert gone(processes, 30) == []
        assert not private.exists()
        ours = [line.strip() for line in served.lines if "nlpdeck:" in line]
        assert ours[0].startswith("nlpdeck: live Python ready at")
        assert "live Python stopped" in ours[-1]
