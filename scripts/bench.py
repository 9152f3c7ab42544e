"""`make bench`: speed figures as ratios against a baseline measured in the same run.

deck check: every runnable Python block of the deck in one kernel (DeckRunner),
against the same blocks run in one plain Python process; the kernel's start-up is
measured on its own and reported beside the ratio (target: at most 1.5x plus one
kernel start).

live runner: a trivial cell through the deck's Python runner in Chromium
(@jupyterlab/services, the dev server's proxy, jupyter-server) against jupyter_client
executing on the same kernel directly (target: at most 1.5x); and the first live demo's
time to first output with the prelude loaded (target: at most 1 s).

pre-training: the project's Chinese BERT retrained from scratch with its recorded settings
and seed (about a quarter of an hour): held-out MLM accuracy against the recorded one
(target: within 1 point) and against always answering the most frequent character.

figure build: `make figures` cold (every target, into an empty folder, in a fresh
process) is the baseline; a no-op run against the committed image/ and a one-target
rebuild are printed as ratios of it (target: no-op under 2 s).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
    print(f"  no-op make figures     {noop:7.2f} s   ratio {noop / cold:.3f}x (target < 2 s)")
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


def kernel_and_prelude() -> tuple[float, float]:
    """Seconds to start a kernel (jupyter_client, until it answers) and to run the
    deck's prelude in it."""
    from jupyter_client.manager import start_new_kernel

    started = time.perf_counter()
    manager, client = start_new_kernel(cwd=str(DECK.dir), env=DECK.kernel_environ())
    start = time.perf_counter() - started
    try:
        path = DECK.prelude
        assert path is not None
        started = time.perf_counter()
        reply = client.execute_interactive(prelude.code(path), output_hook=lambda m: None)
        assert reply["content"]["status"] == "ok", reply["content"]
        return start, time.perf_counter() - started
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


def bench_live_runner(rounds: int = 40) -> None:
    """The live runner's path (browser, @jupyterlab/services, the dev server's proxy,
    jupyter-server) against jupyter_client on the same kernel; and the first live demo's
    time to first output with the prelude loaded."""
    import json
    import socket
    import statistics

    from nlpdeck import present, recorded

    start, prelude_seconds = kernel_and_prelude()
    demo = recorded.live_blocks(DECK.deck)[0]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with present.live_deck(DECK, port, quiet=True) as live:
        connection = live.jupyter.runtime / f"kernel-{live.kernel['id']}.json"
        direct = direct_round_trips(connection, rounds)
        config = {"base": live.url, "rounds": rounds, "demo": demo.code}
        out = subprocess.run(
            ["node", "scripts/live-bench.mjs", json.dumps(config)],
            cwd=env.ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=900,
        )
        browser = json.loads(out.stdout)
        direct += direct_round_trips(connection, rounds)
    base, runner = statistics.median(direct), statistics.median(browser["trivial"])
    print(f"live runner (one kernel, prelude {DECK.prelude_file.relative_to(DECK.dir)})")
    print(f"  kernel start           {start:7.2f} s")
    print(f"  prelude                {prelude_seconds:7.2f} s")
    print(f"  trivial cell, jupyter_client direct  {base:7.1f} ms  (baseline, median)")
    print(
        f"  trivial cell, through the runner     {runner:7.1f} ms  "
        f"ratio {runner / base:.2f}x (target <= 1.5x)"
    )
    first = browser["demoFirstOutputMs"] / 1000
    print(
        f"  first live demo (slide {demo.slide}, {demo.path.name}): first output {first:.2f} s, "
        f"done {browser['demoMs'] / 1000:.2f} s (target <= 1 s)"
    )


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


def main() -> None:
    bench_deck_check()
    bench_figures()
    bench_topic_group()
    bench_live_runner()
    bench_pretraining()


if __name__ == "__main__":
    main()
