"""`make bench`: speed figures as ratios against a baseline measured in the same run.

deck check: every runnable Python block of the deck in one kernel (DeckRunner),
against the same blocks run in one plain Python process; the kernel's start-up is
measured on its own and reported beside the ratio (target: at most 1.5x plus one
kernel start).

live blocks: the deck under Slidev's dev server with a presenter and an audience window
in Chromium (bench_live_runner): a trivial cell through the runner's path against
jupyter_client on the same kernel; the audience's view of a run against the presenter's;
the next run after a kernel death (the standby) against a cold kernel and prelude; the
time to "ready" against a bare kernel start plus the deck's model loads; the resident
memory of the kernel pair against one kernel.

live faults: the small live deck of the fault tests (tests/test_live_faults.py), kernels
on a second jupyter-server on loopback, then local (bench_live_faults): the time from a
fault's end (a kernel killed from a slide; the server started again after a kill; the
local kernel server killed) to the next successful run, against a bare kernel start.

pre-training: the project's Chinese BERT retrained from scratch with its recorded settings
and seed (about a quarter of an hour): held-out MLM accuracy against the recorded one
(target: within 1 point) and against always answering the most frequent character.

test suite: `make test` (the full suite, the baseline) and `make test-fast` (no browser,
dev server, full figure build, export or packaging) as a ratio of it. The full suite is
long (12 to 16 minutes on a 2-core machine), as are the live and pre-training benches:
`--skip suite` leaves it out (then `make test-fast` is printed on its own).

slide check, reused: `make check FORCE=1` (every block in a kernel) is the baseline; a
`make check` right after it, nothing changed (the check record's results, no kernel), as
a ratio of it (target: at most 2 s).

figure build: `make figures` cold (every target, into an empty folder, in a fresh
process) is the baseline; a no-op run against the committed image/ and a one-target
rebuild are printed as ratios of it (target: no-op under 1 s).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from nlpdeck import env

env.activate()

import dataclasses  # noqa: E402

from nlpdeck import prelude, project  # noqa: E402
from nlpdeck.kernel import DeckRunner, missing_models, python_blocks  # noqa: E402

DECK = project.find("slides/part2")  # the deck whose speed is measured


def seconds(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def plain_process(code: str) -> None:
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=DECK.dir,
        env=DECK.kernel_environ(),
    )


def kernel_start() -> None:
    """Start and stop a kernel through DeckRunner, as the check does, with no blocks."""
    empty = dataclasses.replace(DECK, deck=dataclasses.replace(DECK.deck, slides=()))
    with DeckRunner(empty, with_prelude=False):
        pass


def deck_check() -> None:
    with DeckRunner(DECK) as runner:
        for block in runner.blocks:
            runner.run(block)
    failed = [r for r in runner.results if r.status not in ("passed", "skipped")]
    if failed:
        raise SystemExit(f"bench needs a passing deck: {failed[0].reason}")


def figures_command(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "nlpdeck", "figures", str(DECK.path), *args],
        check=True,
        cwd=env.ROOT,
        env=env.subprocess_environ(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def bench_figures() -> None:
    targets = DECK.targets()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "image"
        cold = seconds(lambda: figures_command("--out", str(out)))
        noop = min(seconds(lambda: figures_command()) for _ in range(3))
        one = targets[0].name
        single = seconds(lambda: figures_command("--out", str(out), "--force", "--target", one))
    print(f"figure build ({len(targets)} targets)")
    print(f"  cold make figures      {cold:7.2f} s   (baseline)")
    print(f"  no-op make figures     {noop:7.2f} s   ratio {noop / cold:.3f}x (target < 1 s)")
    print(f"  one target ({one})  {single:7.2f} s   ratio {single / cold:.3f}x")


TOPIC_GROUP = (
    "abc-news-embeddings",
    "bertopic",
    "lda",
    "polarity-embeddings",
    "fine-tuning",
    "classification",
)


def bench_topic_group() -> None:
    """The BERTopic / LDA / classification figures cold, and BERTopic fitted on the cached
    sentence vectors against BERTopic encoding the 300 stories itself (same encoder
    instance, loaded before timing; UMAP's numba code compiled by a first fit)."""
    import numpy as np

    from course import corpora
    from nlpdeck import models

    sentence_vectors, topics = (
        DECK.module("figures.sentence_vectors"),
        DECK.module("figures.topics"),
    )
    group = [arg for name in TOPIC_GROUP for arg in ("--target", name)]
    with tempfile.TemporaryDirectory() as tmp:
        cold = seconds(lambda: figures_command("--out", str(Path(tmp) / "image"), *group))
    target = next(t for t in DECK.targets() if t.name == "bertopic")
    docs = corpora.abc_news().documents
    vectors = np.load(DECK.figures / "data" / "abc_news_embeddings.npy")
    encoder = sentence_vectors.sentence_model(models.require("english-encoder").hub_id)
    topics.fit(docs, vectors, target.params, target.seed)
    cached = min(
        seconds(lambda: topics.fit(docs, vectors, target.params, target.seed)) for _ in range(3)
    )
    itself = seconds(
        lambda: topics.fit(docs, None, target.params, target.seed, embedding_model=encoder)
    )
    print(f"topic and classification figures ({len(TOPIC_GROUP)} targets)")
    print(f"  cold build of the group {cold:7.2f} s")
    print(f"  BERTopic, cached vectors {cached:6.2f} s   (baseline)")
    print(f"  BERTopic encodes itself {itself:7.2f} s   ratio {itself / cached:.1f}x")


def bench_deck_check() -> None:
    blocks = [b for b in python_blocks(DECK.deck) if not missing_models(b)]
    setup = [prelude.code(p) for p in [DECK.prelude] if p]  # the check runs it
    code = "\n".join(setup + [b.code for b in blocks if not b.directive.skip])
    plain = min(seconds(lambda: plain_process(code)) for _ in range(3))
    start = min(seconds(kernel_start) for _ in range(3))
    check = min(seconds(deck_check) for _ in range(3))
    print(f"deck check ({len(blocks)} runnable blocks of {DECK.path.relative_to(env.ROOT)})")
    print(f"  plain python process   {plain:7.2f} s   (baseline)")
    print(f"  kernel start alone     {start:7.2f} s")
    print(
        f"  deck check in kernel   {check:7.2f} s   ratio {check / plain:.2f}x; "
        f"without one kernel start {(check - start) / plain:.2f}x (target <= 1.5x)"
    )


# What the deck's demos load, and nothing else: the baseline of a ready kernel.
MODEL_LOADS = """
from sentence_transformers import SentenceTransformer
from transformers import AutoModel, AutoTokenizer, pipeline
SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2", local_files_only=True)
AutoTokenizer.from_pretrained("sentence-transformers/all-MiniLM-L6-v2")
AutoModel.from_pretrained("sentence-transformers/all-MiniLM-L6-v2", attn_implementation="eager")
pipeline("fill-mask", model="nlpdeck/bert-mini-chinese", device="cpu")
"""


def kernel_with(code: str) -> tuple[float, float, int]:
    """Seconds to start a kernel (jupyter_client, until it answers) and to run ``code``
    in it, and the kernel's resident memory after."""
    import psutil
    from jupyter_client.manager import start_new_kernel

    started = time.perf_counter()
    manager, client = start_new_kernel(cwd=str(DECK.dir), env=DECK.kernel_environ())
    start = time.perf_counter() - started
    try:
        started = time.perf_counter()
        reply = client.execute_interactive(code, output_hook=lambda m: None, timeout=900)
        assert reply["content"]["status"] == "ok", reply["content"]
        ran = time.perf_counter() - started
        rss = psutil.Process(manager.provisioner.pid).memory_info().rss  # type: ignore[union-attr]
        return start, ran, rss
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def direct_round_trips(connection_file: Path, rounds: int) -> list[float]:
    """Milliseconds per trivial execute, jupyter_client talking to the kernel directly."""
    from jupyter_client import BlockingKernelClient

    client = BlockingKernelClient(connection_file=str(connection_file))
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        times = []
        for i in range(rounds + 5):
            started = time.perf_counter()
            client.execute_interactive("1", output_hook=lambda m: None)
            if i >= 5:  # the first few warm up, as in the browser
                times.append((time.perf_counter() - started) * 1000)
        return times
    finally:
        client.stop_channels()


def deck_kernels(served: Any) -> list[Any]:
    """The dev server's kernels (active first): ipykernel processes under it."""
    import psutil

    root = psutil.Process(served.process.pid)
    found = [p for p in root.children(recursive=True) if "ipykernel_launcher" in p.cmdline()[2:3]]
    return sorted(found, key=lambda p: p.create_time())


def standby_ready(log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while "standby kernel" not in log.read_text(errors="replace"):
        if time.monotonic() > deadline:
            raise SystemExit(f"no standby kernel ready in {seconds:.0f} s: see {log}")
        time.sleep(0.5)


def bench_live_runner(rounds: int = 40) -> None:
    """Live blocks under the dev server, two windows open (presenter and audience):
    a trivial cell through the runner's path (the page's POST, the dev server, the
    kernel, Vite's WebSocket back, the page's DOM) against jupyter_client on the same
    kernel; the audience window against the presenter's; a run after a kernel death
    against starting a kernel and its prelude cold; the time until the dev server says
    ready against a bare kernel start plus loading the deck's models; the resident
    memory of the kernel pair against one kernel with the prelude."""
    import json
    import re
    import statistics

    from nlpdeck import present, recorded

    cold_start, prelude_seconds, one_rss = kernel_with(prelude.code(DECK.prelude_file))
    bare_start, model_seconds, _ = kernel_with(MODEL_LOADS)
    demo = recorded.live_blocks(DECK.deck)[0]
    log = DECK.build_dir / "live.log"
    started = time.perf_counter()
    with present.serve(DECK.path, present.free_port()) as served:
        said = served.wait_for(present.READY, 900)
        ready = time.perf_counter() - started
        url = said.group(1)
        live_part = float(re.search(r" in ([\d.]+) s", said.string).group(1))  # type: ignore[union-attr]
        standby_ready(log, 900)
        kernels = deck_kernels(served)
        pair_rss = sum(k.memory_info().rss for k in kernels)
        argv = kernels[0].cmdline()
        connection = Path(argv[argv.index("-f") + 1])
        direct = direct_round_trips(connection, rounds)
        config = {"base": url.rstrip("/"), "slide": demo.slide, "rounds": rounds, "demo": demo.code}
        out = subprocess.run(
            ["node", "scripts/live-bench.mjs", json.dumps(config)],
            cwd=env.ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=1800,
        )
        browser = json.loads(out.stdout)
    base = statistics.median(direct)
    runner = statistics.median(r["presenterMs"] for r in browser["trivial"])
    audience = statistics.median(r["audienceMs"] for r in browser["trivial"])
    extra = statistics.median(r["audienceMs"] - r["presenterMs"] for r in browser["trivial"])
    cold = cold_start + prelude_seconds
    recovered = browser["recovered"]["presenterMs"] / 1000
    floor = bare_start + model_seconds
    gb = 1024**3
    print("live blocks (dev server; presenter and audience windows)")
    print(f"  trivial cell, jupyter_client direct      {base:7.1f} ms  (baseline, median)")
    print(
        f"  trivial cell, through the runner         {runner:7.1f} ms  ratio {runner / base:.2f}x"
    )
    print(
        f"  the same run seen in the audience window {audience:7.1f} ms  "
        f"ratio {audience / runner:.2f}x of the presenter's (+{extra:.0f} ms; target < 1 s)"
    )
    first = browser["demo"]["firstOutputMs"] / 1000
    print(f"  first live demo (slide {demo.slide}, {demo.path.name}): first output {first:.2f} s")
    print(f"  cold kernel + prelude                    {cold:7.2f} s   (baseline)")
    noticed = browser["kill"]["presenterMs"] / 1000
    print(f"  a killed kernel shown dead after         {noticed:7.2f} s")
    print(
        f"  run after a kernel death (standby)       {recovered:7.2f} s   "
        f"ratio {recovered / cold:.3f}x (target <= 2 s)"
    )
    print(f"  bare kernel start + the deck's model loads {floor:5.2f} s   (baseline)")
    print(f"  dev server start to 'ready'              {ready:7.2f} s   ratio {ready / floor:.2f}x")
    print(
        f"    of which kernel server, kernel, prelude {live_part:6.2f} s   "
        f"ratio {live_part / floor:.2f}x"
    )
    print(f"  one kernel with the prelude              {one_rss / gb:7.2f} GB  (baseline, RSS)")
    print(
        f"  the kernel pair (active + standby)       {pair_rss / gb:7.2f} GB  "
        f"ratio {pair_rss / one_rss:.2f}x"
    )


def bench_live_faults() -> None:
    """Recovery of live Python from its faults, on the fault tests' small deck: seconds
    from the fault (or the server answering again) to the next run that succeeds, against
    a bare kernel start measured here (jupyter_client)."""
    import os
    import re
    import signal
    import tempfile

    import psutil

    sys.path.insert(0, str(env.ROOT / "tests"))
    from live_tools import (  # the fault tests' own tools
        RemoteJupyter,
        launchers,
        live_deck,
        live_state,
        npx_slidev,
        ready,
        run_block,
        wait_state,
    )

    kill = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
    bare, _, _ = kernel_with("pass")
    took: dict[str, float] = {}

    def ok(port: int, since: float, what: str) -> None:
        wait_state(port, lambda s: s["kernel"]["phase"] == "ready", 300, "a kernel")
        block = run_block(port, seconds=300)
        assert block["state"] == "ok", block
        took[what] = time.perf_counter() - since

    with tempfile.TemporaryDirectory() as folder, live_deck() as deck:
        server = RemoteJupyter(Path(folder))
        server.start()
        environ = {
            "NLPDECK_KERNEL_URL": server.url,
            "NLPDECK_KERNEL_TOKEN_FILE": str(server.token_file),
        }
        try:
            with npx_slidev(deck, **environ) as (served, port):
                ready(served)
                run_block(port, kill, 300)
                ok(port, time.perf_counter(), "remote kernel killed from a slide")
                server.kill()
                wait_state(
                    port, lambda s: s["kernel"].get("missing") == "unreachable", 120, "outage"
                )
                server.start()
                ok(port, time.perf_counter(), "remote server killed, started again")
                os.killpg(served.process.pid, signal.SIGINT)
                served.process.wait(60)
        finally:
            server.stop()
        with npx_slidev(deck) as (served, port):
            ready(served)
            (launcher,) = launchers(psutil.Process(served.process.pid))
            launcher.kill()
            since = time.perf_counter()
            assert served.wait_for(re.compile("the Jupyter server stopped"), 60)
            ok(port, since, "local kernel server killed")
            assert live_state(port)["kernel"]["phase"] == "ready"
    print("live faults (small deck; seconds from the fault to the next successful run)")
    print(f"  bare kernel start (jupyter_client)       {bare:7.2f} s   (baseline)")
    for what, seconds in took.items():
        print(f"  {what:<40} {seconds:7.2f} s   ratio {seconds / bare:.2f}x")


def bench_pretraining() -> None:
    from course.pretrain import published, run

    record = published.recorded()
    started = time.perf_counter()
    accuracy = run.reproduce(record)
    took = time.perf_counter() - started
    recorded, baseline = (record["evaluation"]["full"][k] for k in ("accuracy", "baseline"))
    gap = (accuracy - recorded) * 100
    print(f"pre-training {published.hub_id()} from scratch ({took:.0f} s)")
    print(f"  most frequent character {baseline:7.4f}     (baseline, held-out MLM accuracy)")
    print(f"  recorded run           {recorded:7.4f}     ratio {recorded / baseline:.1f}x")
    print(
        f"  this run               {accuracy:7.4f}     ratio {accuracy / baseline:.1f}x; "
        f"{gap:+.2f} points from the record (target within 1)"
    )


def make(*args: str) -> float:
    """Seconds a make target takes from the repository's root, its output hidden (a failing
    target stops the bench with its last lines)."""
    started = time.perf_counter()
    done = subprocess.run(["make", *args], cwd=env.ROOT, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-20:])
        raise SystemExit(f"make {' '.join(args)} failed ({done.returncode}):\n{tail}")
    return took


def bench_suite(full: bool) -> None:
    fast = make("test-fast")
    print("test suite")
    if not full:
        print(f"  make test-fast          {fast:7.1f} s   (full suite skipped: --skip suite)")
        return
    whole = make("test")
    print(f"  make test (full suite)  {whole:7.1f} s   (baseline)")
    print(f"  make test-fast          {fast:7.1f} s   ratio {fast / whole:.3f}x (target <= 180 s)")


def bench_check_reuse() -> None:
    deck = f"DECK={DECK.dir.relative_to(env.ROOT)}"
    full = make("check", deck, "FORCE=1")
    reused = min(make("check", deck) for _ in range(3))
    print(f"slide check reused ({DECK.path.relative_to(env.ROOT)})")
    print(f"  make check FORCE=1      {full:7.2f} s   (baseline: every block in a kernel)")
    print(f"  make check, no change   {reused:7.2f} s   ratio {reused / full:.3f}x (target <= 2 s)")


BENCHES = (
    "suite",
    "check-reuse",
    "deck-check",
    "figures",
    "topics",
    "live",
    "live-faults",
    "pretraining",
)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument(
        "--skip",
        default="",
        help=f"comma-separated benches to leave out, of: {', '.join(BENCHES)}",
    )
    skip = {s for s in parser.parse_args().skip.split(",") if s}
    if skip - set(BENCHES):
        parser.error(f"no bench named {', '.join(sorted(skip - set(BENCHES)))}")
    bench_suite(full="suite" not in skip)  # test-fast always: it is the tier people run
    runs = {
        "check-reuse": bench_check_reuse,
        "deck-check": bench_deck_check,
        "figures": bench_figures,
        "topics": bench_topic_group,
        "live": bench_live_runner,
        "live-faults": bench_live_faults,
        "pretraining": bench_pretraining,
    }
    for name, bench in runs.items():
        if name not in skip:
            bench()


if __name__ == "__main__":
    main()
