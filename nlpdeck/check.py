"""``make check [DECK=...]``: lint a deck, run its Python blocks, print a per-slide table.

Exit status 1 on any lint error (warnings too with ``strict`` or the deck's
``warnings: error``; pending figures aside) or any failed block. A deck with no Python
blocks is linted only: no kernel is started.
"""

from __future__ import annotations

from pathlib import Path

from tqdm import tqdm

from nlpdeck import lint, project
from nlpdeck.kernel import BlockResult, DeckRunner, python_blocks
from nlpdeck.reader import show_path


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


def main(given: str | Path | None, timeout: float, strict: bool = False) -> int:
    deck = project.find(given)
    findings = lint.lint(deck)
    failing = lint.failing(deck, findings, strict)
    for finding in findings:
        print(finding)
    print(lint.summary(findings, failing))
    if not python_blocks(deck.deck):
        print(
            f"{show_path(deck.path)} shows no Python block: nothing to run, no kernel "
            f"started; {len(failing)} failing lint findings"
        )
        return 1 if failing else 0
    with DeckRunner(deck, timeout=timeout) as runner:
        for block in tqdm(runner.blocks, desc=show_path(deck.path), unit="block"):
            runner.run(block)
        record = runner.save()
    print(table(runner.results))
    for result in runner.results:
        if result.error is not None and result.status != "passed":
            print("\n" + str(result.error))
    failed = [r for r in runner.results if r.status in ("failed", "timeout")]
    counts = {
        s: sum(r.status == s for r in runner.results)
        for s in ("passed", "failed", "timeout", "skipped")
    }
    print(
        f"\n{', '.join(f'{n} {s}' for s, n in counts.items())}; "
        f"{len(failing)} failing lint findings; outputs recorded in {show_path(record)}"
    )
    if deck.records.exists():
        print(f"live blocks' outputs, shown where no kernel runs: {show_path(deck.records)}")
    return 1 if failed or failing else 0
