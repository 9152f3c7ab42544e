"""``make check [DECK=...]``: lint a deck, run its Python blocks, print a per-slide table.

Exit status 1 on any lint error (warnings too with ``strict`` or the deck's
``warnings: error``; pending figures aside) or any failed block. A deck with no Python
blocks is linted only: no kernel is started. A deck whose blocks and everything they
depend on are unchanged since a passing check is not run again: its recorded results
are shown, and said to be (:mod:`nlpdeck.check_record`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tqdm import tqdm

from nlpdeck import check_record, lint, project, recorded
from nlpdeck.kernel import BlockResult, DeckRunner, python_blocks
from nlpdeck.reader import CodeBlock, show_path


def table(results: list[BlockResult]) -> str:
    rows = [("slide", "block", "line", "status", "seconds", "")]
    for r in results:
        step = f" step {r.block.step}" if r.block.step else ""
        rows.append(
            (
                str(r.block.slide),
                f"{r.block.index}{step}",
                str(r.block.fence_line),
                r.status,
                f"{r.seconds:.2f}",
                r.reason,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row[:5], widths, strict=True)) + "  " + row[5]
        for row in rows
    ).rstrip()


def timing(
    results: list[BlockResult], setup: float, slower: list[tuple[CodeBlock, float, float]]
) -> str:
    """Where the time went: the total, the slowest blocks, and blocks slower than in the
    previous record."""
    total = sum(r.seconds for r in results)
    started = f", after {setup:.1f} s to start the kernel and run the prelude" if setup else ""
    lines = [f"time: {total:.1f} s in {len(results)} blocks{started}"]
    ran = sorted((r for r in results if r.seconds), key=lambda r: r.seconds, reverse=True)
    if ran:
        lines.append(
            "slowest: " + "; ".join(f"{_name(r.block)} {r.seconds:.2f} s" for r in ran[:3])
        )
    lines += [
        f"slower than the previous check: {_name(b)} {now:.2f} s, was {was:.2f} s"
        for b, was, now in slower
    ]
    return "\n".join(lines)


def _name(block: CodeBlock) -> str:
    step = f" step {block.step}" if block.step else ""
    return f"slide {block.slide} block {block.index}{step} (line {block.fence_line})"


def main(
    given: str | Path | None, timeout: float, force: bool = False, strict: bool = False
) -> int:
    deck = project.find(given)
    findings = lint.lint(deck)
    failing = lint.failing(deck, findings, strict)
    for finding in findings:
        print(finding)
    print(lint.summary(findings, failing))
    blocks = python_blocks(deck.deck)
    if not blocks:
        print(
            f"{show_path(deck.path)} shows no Python block: nothing to run, no kernel "
            f"started; {len(failing)} failing lint findings"
        )
        return 1 if failing else 0
    previous = check_record.load(deck)
    now = check_record.depends(deck, blocks, timeout)
    why = "forced (--force)" if force else check_record.stale(deck, previous, now)
    if not why and previous is not None:
        return reuse(deck, blocks, previous, failing)
    print(f"{show_path(deck.path)}: running {len(blocks)} blocks; {why}")
    with DeckRunner(deck, timeout=timeout) as runner:
        for block in tqdm(runner.blocks, desc=show_path(deck.path), unit="block"):
            runner.run(block)
        notebook = runner.save()
        opened = runner.opened()
    check_record.write(deck, now, runner.results, opened, runner.setup_seconds)
    print(table(runner.results))
    for result in runner.results:
        if result.error is not None and result.status != "passed":
            print("\n" + str(result.error))
    seconds = [r.seconds for r in runner.results]
    print(
        "\n"
        + timing(
            runner.results, runner.setup_seconds, check_record.slower(previous, blocks, seconds)
        )
    )
    failed = [r for r in runner.results if r.status in ("failed", "timeout")]
    print(
        f"\n{_counts(runner.results)}; {len(failing)} failing lint findings; "
        f"outputs recorded in {show_path(notebook)}"
    )
    if deck.records.exists():
        print(f"live blocks' outputs, shown where no kernel runs: {show_path(deck.records)}")
    return 1 if failed or failing else 0


def reuse(
    deck: project.DeckProject,
    blocks: list[CodeBlock],
    record: dict[str, Any],
    failing: list[lint.Finding],
) -> int:
    """Report the recorded outcomes of a deck whose check depends on nothing changed."""
    results = [
        BlockResult(b, e["status"], e["seconds"], e["reason"])
        for b, e in zip(blocks, record["blocks"], strict=True)
    ]
    recorded.update(deck, {})  # the live blocks' places, should text above them have moved
    print(table(results))
    print("\n" + timing(results, record.get("setup_seconds", 0.0), []))
    print(
        f"\n{show_path(deck.path)}: {len(blocks)} blocks unchanged, results from "
        f"{check_record.when(record)} (`make check FORCE=1` runs them again)"
    )
    print(f"{_counts(results)}; {len(failing)} failing lint findings")
    return 1 if failing else 0


def _counts(results: list[BlockResult]) -> str:
    counts = {
        s: sum(r.status == s for r in results) for s in ("passed", "failed", "timeout", "skipped")
    }
    return ", ".join(f"{n} {s}" for s, n in counts.items())
