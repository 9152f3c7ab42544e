"""Runs a deck's code blocks in one Jupyter kernel, in slide order, like a notebook.

nbclient owns the kernel (started with the offline environment, always shut down);
each block becomes a notebook cell, so the recorded outputs are an ordinary
executed notebook that nbconvert and the deck can read back.

    >>> with DeckRunner(project.find("slides/part2")) as runner:  # doctest: +SKIP
    ...     results = [runner.run(b) for b in runner.blocks]

A deck with a kernel prelude (nlpdeck.prelude) has it run in the kernel before any
block, exactly as the live kernel of ``make present`` runs it, so the check sees the
state the presenter's slides see. Kernels get the deck's environment
(:meth:`DeckProject.kernel_environ`: offline, the deck's folder importable).
"""

from __future__ import annotations

import ast
import json
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from nlpdeck import kernel_hooks, models, prelude, recorded
from nlpdeck.files import write_atomic
from nlpdeck.project import DeckProject
from nlpdeck.reader import CodeBlock, Deck, show_path

if TYPE_CHECKING:
    from traitlets.config import Config

# The Jupyter libraries are imported where a kernel is started or read: nbformat's schema
# validation takes seconds to import, and a check that reuses its record starts no kernel.

DEFAULT_TIMEOUT = 600.0
TIMEOUT_ENAME = "BlockTimeout"


class BlockError(Exception):
    """A block failed; the message shows where, the code and the kernel's traceback."""

    def __init__(self, block: CodeBlock, ename: str, evalue: str, traceback: str) -> None:
        self.block, self.ename, self.evalue, self.traceback = block, ename, evalue, traceback
        super().__init__(self.render())

    @property
    def line(self) -> int:
        """The failing statement's line: the block's outermost frame in the traceback."""
        last = self.block.line + self.block.code.count("\n")
        for match in re.finditer(rf"File {re.escape(str(self.block.path))}:(\d+)", self.traceback):
            if self.block.line <= int(match.group(1)) < last:
                return int(match.group(1))
        return self.block.fence_line

    def headline(self) -> str:
        where = f"{show_path(self.block.markdown)}:{self.line} (slide {self.block.slide})"
        if self.block.path != self.block.markdown:
            where = f"{show_path(self.block.path)}:{self.line}, shown at {self.block.where}"
        return f"{where}: {self.ename}: {self.evalue}"

    def render(self) -> str:
        numbered = [
            f"{self.block.line + i:>5} | {text}"
            for i, text in enumerate(self.block.code.rstrip("\n").splitlines())
        ]
        return "\n".join(
            [self.headline(), f"code ({self.block.path.name}):", *numbered, "", self.traceback]
        )


def _kernel_traceback(cell: Any) -> str:
    """The kernel's own traceback of a failed cell, colours stripped."""
    from nbconvert.filters import strip_ansi

    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    return strip_ansi("\n".join(errors[-1]["traceback"])) if errors else ""


class BlockTimeoutError(BlockError):
    """A block ran past its deadline and was interrupted."""


class KernelDiedError(BlockError):
    """The kernel process died while running a block."""


@dataclass
class BlockResult:
    block: CodeBlock
    status: str  # passed | failed | skipped | timeout
    seconds: float = 0.0
    reason: str = ""
    error: BlockError | None = None
    outputs: list[dict[str, Any]] = field(default_factory=list)


def python_blocks(deck: Deck) -> list[CodeBlock]:
    return [b for b in deck.blocks() if b.is_python]


def named_models(code: str) -> list[str]:
    """Catalog hub ids that Python code names in its string literals (a comment that
    mentions another checkpoint needs nothing)."""
    try:
        strings = [
            n.value
            for n in ast.walk(ast.parse(code))
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        ]
    except SyntaxError:  # the code fails when it runs; judge its text meanwhile
        strings = [code]
    return [e.hub_id for e in models.catalog().values() if any(e.hub_id in s for s in strings)]


def needed_models(block: CodeBlock) -> list[str]:
    """Catalog hub ids the block names (:func:`named_models`), plus those its directive
    declares."""
    return list(dict.fromkeys([*named_models(block.code), *block.directive.needs]))


def missing_models(block: CodeBlock) -> list[str]:
    return [hub_id for hub_id in needed_models(block) if models.cached(hub_id) is None]


def ipc_config(folder: str) -> Config:
    """Kernel-manager config for Unix sockets in ``folder`` (a private temporary one), not
    TCP ports: no other user reaches the kernel, and ipykernel prints no warning about
    unencrypted TCP into the author's terminal."""
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "ipc", "ip": str(Path(folder) / "kernel")}})


class DeckRunner:
    """One kernel for one deck; :meth:`run` executes one block and records its outcome."""

    def __init__(
        self, project: DeckProject, timeout: float = DEFAULT_TIMEOUT, with_prelude: bool = True
    ) -> None:
        import nbformat
        from nbclient import NotebookClient

        self.project = project
        self.deck = project.deck
        self.blocks = python_blocks(self.deck)
        self.timeout = timeout
        self.prelude = project.prelude if with_prelude else None
        self.results: list[BlockResult] = []
        self.notebook = nbformat.v4.new_notebook()
        self.notebook.metadata["kernelspec"] = {
            "name": "python3",
            "language": "python",
            "display_name": "Python 3",
        }
        self._sockets = tempfile.TemporaryDirectory(prefix="nlpdeck-kernel-")
        self.client = NotebookClient(
            self.notebook,
            config=ipc_config(self._sockets.name),
            timeout=int(timeout),
            timeout_func=self._timeout_for,
            kernel_name="python3",
            interrupt_on_timeout=True,
            error_on_timeout={"ename": TIMEOUT_ENAME, "evalue": "interrupted", "traceback": []},
            resources={"metadata": {"path": str(project.dir)}},
        )
        self._kernel: Any = None
        self._dead: BlockResult | None = None
        self.setup_seconds = 0.0  # kernel start, hooks and prelude

    def __enter__(self) -> DeckRunner:
        from nbclient.exceptions import CellExecutionError

        started = time.perf_counter()
        self._kernel = self.client.setup_kernel(env=self.project.kernel_environ())
        self._kernel.__enter__()
        # data files the deck's code reads
        watched = [str(self.project.dir), str(self.project.project.root)]
        self.execute_setup(
            kernel_hooks.setup_code(self.blocks) + "\n"
            "from nlpdeck.reads import watch as _nlpdeck_watch\n"
            f"_nlpdeck_watch({watched!r})\n"
            "del _nlpdeck_watch"
        )
        if self.prelude is not None:
            try:
                self.execute_setup(prelude.code(self.prelude))
            except CellExecutionError:
                traceback = _kernel_traceback(self.notebook.cells[-1])
                self.__exit__(None, None, None)
                raise prelude.PreludeError(self.prelude, traceback) from None
        self.setup_seconds = time.perf_counter() - started
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._kernel is not None:
            self._kernel.__exit__(kind, exc, tb)
            self._kernel = None
        self._sockets.cleanup()

    def opened(self) -> list[str] | None:
        """The files under the deck's folder or the repository that the kernel opened for
        reading since it started (:mod:`nlpdeck.reads`); None if it cannot say (it died)."""
        from nbclient.exceptions import CellExecutionError, DeadKernelError

        if self._kernel is None or self._dead is not None:
            return None
        try:
            self.execute_setup("from nlpdeck.reads import report as _r\n_r()\ndel _r")
        except (CellExecutionError, DeadKernelError):
            return None
        text = "".join(
            o.get("text", "") for o in self.notebook.cells[-1].outputs if o.get("name") == "stdout"
        )
        found = json.loads(text or "null")
        return [str(f) for f in found] if isinstance(found, list) else None

    def _timeout_for(self, cell: Any) -> int:
        return int(cell.metadata.get("nlpdeck", {}).get("timeout") or self.timeout)

    def execute_setup(self, code: str) -> None:
        """Run code that is not a slide's (kept out of history; raises CellExecutionError)."""
        import nbformat

        cell = nbformat.v4.new_code_cell(code, metadata={"nlpdeck": {"setup": True}})
        self.notebook.cells.append(cell)
        self.client.execute_cell(cell, len(self.notebook.cells) - 1, store_history=False)

    def run(self, block: CodeBlock) -> BlockResult:
        """Run one block (or skip it, saying why) and record the outcome."""
        result = self._run(block)
        self.results.append(result)
        return result

    def _run(self, block: CodeBlock) -> BlockResult:
        import nbformat
        from nbclient.exceptions import CellExecutionError, DeadKernelError

        cell = nbformat.v4.new_code_cell(block.code)
        cell.metadata["nlpdeck"] = {
            "slide": block.slide,
            "block": block.index,
            "line": block.fence_line,
            "file": str(block.path),
            "timeout": block.directive.timeout,
        }
        self.notebook.cells.append(cell)
        absent = missing_models(block)
        if block.directive.skip or absent:
            reason = block.directive.skip or (
                f"needs model {', '.join(absent)}, not in the local cache: run `make models-fetch`"
            )
            return self._record(cell, BlockResult(block, "skipped", reason=reason))
        if self._dead is not None:
            return self._record(
                cell, BlockResult(block, "failed", reason=self._dead.reason, error=self._dead.error)
            )
        started = time.perf_counter()
        try:
            self.client.execute_cell(cell, len(self.notebook.cells) - 1)
            error = None
        except CellExecutionError as raised:
            error = self._error(block, raised.ename, raised.evalue, _kernel_traceback(cell))
        except DeadKernelError as died:
            error = KernelDiedError(
                block,
                "DeadKernelError",
                str(died),
                "the kernel died; later blocks of this deck are not run",
            )
        seconds = time.perf_counter() - started
        result = self._outcome(block, error, seconds)
        if isinstance(error, KernelDiedError):
            self._dead = result
        return self._record(cell, result)

    def _error(self, block: CodeBlock, ename: str, evalue: str, traceback: str) -> BlockError:
        if ename == TIMEOUT_ENAME:
            limit = block.directive.timeout or self.timeout
            hint = "if the block needs longer, put <!-- check: timeout N --> before it"
            return BlockTimeoutError(
                block, "Timeout", f"still running after {limit:g} s; interrupted", hint
            )
        return BlockError(block, ename, evalue, traceback)

    def _outcome(self, block: CodeBlock, error: BlockError | None, seconds: float) -> BlockResult:
        expected = block.directive.raises
        if expected:
            if error is not None and error.ename == expected:
                return BlockResult(
                    block, "passed", seconds, reason=f"raised {expected} as declared"
                )
            got = f"{error.ename}: {error.evalue}" if error else "nothing"
            unmet = BlockError(
                block,
                "ExpectedException",
                f"declared `raises {expected}`, got {got}",
                error.traceback if error else "",
            )
            return BlockResult(block, "failed", seconds, error=unmet, reason=unmet.headline())
        if error is None:
            return BlockResult(block, "passed", seconds)
        status = "timeout" if isinstance(error, BlockTimeoutError) else "failed"
        return BlockResult(block, status, seconds, error=error, reason=error.headline())

    def _record(self, cell: Any, result: BlockResult) -> BlockResult:
        cell.metadata["nlpdeck"].update(
            status=result.status, reason=result.reason, seconds=round(result.seconds, 3)
        )
        result.outputs = [dict(o) for o in cell.get("outputs", [])]
        return result

    def save(self) -> Path:
        """Write the executed blocks and their outcomes as a notebook in the deck's build
        folder (returns its path), and the outputs of the deck's live blocks to its
        records."""
        import nbformat

        target = self.project.build_dir / f"check-{self.deck.path.stem}.ipynb"
        write_atomic(target, nbformat.writes(self.notebook))
        passed = [r for r in self.results if r.status == "passed" and r.block.monaco_run]
        recorded.update(self.project, {recorded.key(r.block.code): r.outputs for r in passed})
        return target
