"""pytest collects every deck (``slides.md``) as one item per Python block.

Ids read ``slides/part2/slides.md::slide-21-block-1-line-573``. A deck's blocks run in
one kernel, in order; the kernel starts with the deck's first selected block and
stops after its last, and the outcomes are recorded in the deck's build folder
(``build/slides/<deck>/check-slides.ipynb``). Deck lint findings are one more item per
deck, ``::lint``. When nothing a deck's check depends on changed since its last passing
check (:mod:`nlpdeck.check_record`), its items take their outcomes from that record and
no kernel starts; the summary says so, and ``--force-check`` runs them anyway. A run of
every block, in order, writes the record; a run of some (``-k``) does not.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nlpdeck import check_record, env, lint, project
from nlpdeck.kernel import DEFAULT_TIMEOUT, BlockError, DeckRunner, python_blocks
from nlpdeck.reader import CodeBlock, show_path

REUSED = pytest.StashKey[list[str]]()
REUSED_PROPERTY = "nlpdeck: slide checks reused"
"""A report's user property with the summary line: reports reach pytest-xdist's
controller, which prints the summary, from the workers that reused a record."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--force-check",
        action="store_true",
        help="nlpdeck: run every deck's blocks, even where nothing they depend on changed "
        "since the deck's last passing check",
    )


def pytest_configure(config: pytest.Config) -> None:
    # the project pytest runs in (its root folder), before any test imports Hugging Face
    env.activate(env.find_project(config.rootpath))
    config.stash[REUSED] = []
    config.pluginmanager.register(_ReusedSummary(config.stash[REUSED]), "nlpdeck-reused")


class _ReusedSummary:
    """The summary lines, read from every report: under pytest-xdist the reports of the
    workers reach the controller, which prints the summary."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, line in report.user_properties:
            if name == REUSED_PROPERTY and isinstance(line, str) and line not in self.lines:
                self.lines.append(line)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if config.stash.get(REUSED, []):
        terminalreporter.section("slide checks reused")
        for line in config.stash[REUSED]:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def figures_built(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[project.DeckProject], Path]:
    """``figures_built(deck)``: the deck's figure targets built by the real drawing code
    into a temporary folder, once per session, however many tests ask; a broken figure
    script fails the first of them."""
    from nlpdeck.figures import build

    done: dict[Path, Path] = {}

    def built(deck: project.DeckProject) -> Path:
        if deck.path not in done:
            out = tmp_path_factory.mktemp(f"figures-{deck.name}")
            list(build.build(deck, out, progress=False))
            done[deck.path] = out
        return done[deck.path]

    return built


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name == "slides.md":
        return DeckFile.from_parent(parent, path=file_path)
    return None


class DeckFile(pytest.File):
    """A Slidev deck, read once; owns the kernel its blocks share."""

    deck: project.DeckProject
    runner: DeckRunner | None = None
    blocks: list[CodeBlock]
    record: dict[str, Any] | None = None  # the check record these items reuse, if any
    depends: dict[str, Any] | None = None  # what this check depends on, once known
    reused_line: str | None = None  # the summary's line, when the record is reused

    def collect(self) -> Any:
        self.deck = project.load(self.path)
        self.blocks = python_blocks(self.deck.deck)
        yield LintItem.from_parent(self, name="lint")
        for block in python_blocks(self.deck.deck):
            name = f"slide-{block.slide}-block-{block.index}-line-{block.fence_line}"
            if block.step:
                name += f"-step-{block.step}"
            yield BlockItem.from_parent(self, name=name, block=block)

    def reused(self, block: CodeBlock) -> dict[str, Any] | None:
        """The block's outcome in the deck's last passing check, when nothing the check
        depends on changed since (decided once, at the deck's first block item)."""
        if self.depends is None:
            self.depends = check_record.depends(self.deck, self.blocks, DEFAULT_TIMEOUT)
            record = check_record.load(self.deck)
            force = self.config.getoption("force_check")
            if not force and not check_record.stale(self.deck, record, self.depends):
                self.record = record
                self.reused_line = (
                    f"{show_path(self.path)}: {len(self.blocks)} blocks unchanged, results from "
                    f"{check_record.when(record or {})} (--force-check runs them)"
                )
        if self.record is None:
            return None
        entry: dict[str, Any] = self.record["blocks"][self.blocks.index(block)]
        return entry

    def kernel(self) -> DeckRunner:
        if self.runner is None:
            self.runner = DeckRunner(self.deck).__enter__()
        return self.runner

    def teardown(self) -> None:
        if self.runner is not None:
            self.runner.save()
            ran = [r.block for r in self.runner.results]
            if ran == self.blocks and self.depends is not None:  # every block, in order
                opened = self.runner.opened()
                check_record.write(
                    self.deck, self.depends, self.runner.results, opened, self.runner.setup_seconds
                )
            self.runner.__exit__(None, None, None)
            self.runner = None


class LintItem(pytest.Item):
    def runtest(self) -> None:
        assert isinstance(self.parent, DeckFile)
        findings = lint.lint(self.parent.deck)
        failing = lint.failing(self.parent.deck, findings)
        if failing:
            raise LintFailure(failing)
        for finding in findings:  # advice: in pytest's warnings summary
            if not finding.pending:
                warnings.warn_explicit(str(finding), LintWarning, str(finding.path), finding.line)
        pending = [f for f in findings if f.pending]
        if pending:
            names = ", ".join(sorted({str(f.pending) for f in pending}))
            pytest.xfail(
                f"{len(pending)} figures listed in {lint.PENDING_FILE} are not built yet: {names}"
            )

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, LintFailure):
            return "\n".join(str(f) for f in excinfo.value.findings)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.path.name}::lint"


class LintWarning(UserWarning):
    """A deck lint warning that does not fail the deck (see ``nlpdeck.lint.rules``)."""


class LintFailure(Exception):
    def __init__(self, findings: list[Any]) -> None:
        self.findings = findings
        super().__init__(f"{len(findings)} lint findings")


class BlockItem(pytest.Item):
    def __init__(self, *, block: CodeBlock, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.block = block

    def runtest(self) -> None:
        assert isinstance(self.parent, DeckFile)
        entry = self.parent.reused(self.block)
        if entry is not None:
            if self.parent.reused_line:  # each reused item carries it; the summary keeps one
                self.user_properties.append((REUSED_PROPERTY, self.parent.reused_line))
            if entry["status"] == "skipped":
                pytest.skip(f"{self.block.where}: {entry['reason']} (recorded)")
            return
        result = self.parent.kernel().run(self.block)
        if result.status == "skipped":
            pytest.skip(f"{self.block.where}: {result.reason}")
        if result.error is not None and result.status != "passed":
            raise result.error

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, BlockError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.block.markdown, self.block.fence_line - 1, self.block.where
