"""`make bench`: speed figures as ratios against a baseline measured in the same run.

deck check: every runnable Python block of the deck in one kernel (DeckRunner),
against the same blocks run in one plain Python process; the kernel's start-up is
measured on its own and reported beside the ratio (target: at most 1.5x plus one
kernel start).

figure build: `make figures` cold (every target, into an empty folder, in a fresh
process) is the baseline; a no-op run against the committed image/ and a one-target
rebuild are printed as ratios of it (target: no-op under 2 s).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nlpdeck import env

env.activate()

from nlpdeck.deck import Deck, read_deck  # noqa: E402
from nlpdeck.kernel import DeckRunner, missing_models, python_blocks  # noqa: E402

DECK = env.ROOT / "slides" / "part2" / "slides.md"


def seconds(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def plain_process(code: str) -> None:
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=DECK.parent,
        env={**os.environ, **env.offline_environ()},
    )


def kernel_start() -> None:
    """Start and stop a kernel through DeckRunner, as the check does, with no blocks."""
    with DeckRunner(Deck(DECK, {}, ())):
        pass


def deck_check() -> None:
    deck = read_deck(DECK)
    with DeckRunner(deck) as runner:
        for block in runner.blocks:
            runner.run(block)
    failed = [r for r in runner.results if r.status not in ("passed", "skipped")]
    if failed:
        raise SystemExit(f"bench needs a passing deck: {failed[0].reason}")


def figures_command(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "nlpdeck", "figures", *args],
        check=True,
        cwd=env.ROOT,
        env={**os.environ, **env.offline_environ()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def bench_figures() -> None:
    from nlpdeck.figures.targets import TARGETS

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "image"
        cold = seconds(lambda: figures_command("--out", str(out)))
        noop = min(seconds(lambda: figures_command()) for _ in range(3))
        one = TARGETS[0].name
        single = seconds(lambda: figures_command("--out", str(out), "--force", one))
    print(f"figure build ({len(TARGETS)} targets)")
    print(f"  cold make figures      {cold:7.2f} s   (baseline)")
    print(f"  no-op make figures     {noop:7.2f} s   ratio {noop / cold:.3f}x (target < 2 s)")
    print(f"  one target ({one})  {single:7.2f} s   ratio {single / cold:.3f}x")


def bench_deck_check() -> None:
    blocks = [b for b in python_blocks(read_deck(DECK)) if not missing_models(b)]
    code = "\n".join(b.code for b in blocks if not b.directive.skip)
    plain = min(seconds(lambda: plain_process(code)) for _ in range(3))
    start = min(seconds(kernel_start) for _ in range(3))
    check = min(seconds(deck_check) for _ in range(3))
    print(f"deck check ({len(blocks)} runnable blocks of {DECK.relative_to(env.ROOT)})")
    print(f"  plain python process   {plain:7.2f} s   (baseline)")
    print(f"  kernel start alone     {start:7.2f} s")
    print(
        f"  deck check in kernel   {check:7.2f} s   ratio {check / plain:.2f}x; "
        f"without one kernel start {(check - start) / plain:.2f}x (target <= 1.5x)"
    )


def main() -> None:
    bench_deck_check()
    bench_figures()


if __name__ == "__main__":
    main()
