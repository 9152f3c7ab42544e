"""Runs inside the kernel: makes tracebacks of slide code name the markdown file and line.

IPython names each cell after a temporary file. For code whose location was
registered, the compiler's cache step returns the real file instead (the markdown, or
a snippet's source) and an AST transformer moves line numbers to where the code
stands in it, so tracebacks show ``slides.md:531`` with that line's text, read from disk.

Check kernels (nlpdeck.kernel) and the live kernels of the dev server (the addon runs
:func:`setup_code` from ``nlpdeck describe``) install the same hooks. A live kernel
lives while the presenter edits the deck, so a location is used only while the file
still holds the code there; otherwise the cell keeps IPython's own name.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the kernel imports only this module
    from nlpdeck.reader import CodeBlock

_locations: dict[str, tuple[str, int]] = {}


def code_key(code: str) -> str:
    """A block's key; the end is trimmed, as Slidev trims a runner's code."""
    return hashlib.sha1(code.rstrip().encode()).hexdigest()


def setup_code(blocks: Iterable[CodeBlock]) -> str:
    """Code a kernel runs (before the prelude) to install the hooks for ``blocks``."""
    locations = {code_key(b.code): (str(b.path), b.line) for b in blocks}
    return (
        "from nlpdeck.kernel_hooks import install as _nlpdeck_install\n"
        f"_nlpdeck_install(get_ipython(), {locations!r})\n"
        "del _nlpdeck_install"
    )


def _stands_at(code: str, path: str, first_line: int) -> bool:
    """Whether ``path`` still holds ``code`` from ``first_line`` (what precedes a line's
    code in the file aside: indentation, a blockquote's ``>``)."""
    wanted = [line.strip() for line in code.rstrip().splitlines()]
    try:
        with open(path, encoding="utf-8") as file:
            lines = file.read().splitlines()
    except OSError:
        return False
    found = lines[first_line - 1 : first_line - 1 + len(wanted)]
    return len(found) == len(wanted) and all(
        there.rstrip().endswith(line) for there, line in zip(found, wanted, strict=True)
    )


class _Relocate(ast.NodeTransformer):
    """Shifts a cell's line numbers by the offset chosen for the cell being compiled."""

    offset = 0

    def visit(self, node: ast.AST) -> ast.AST:
        if self.offset:
            ast.increment_lineno(node, self.offset)
        return node


def install(shell: Any, locations: dict[str, tuple[str, int]]) -> None:
    """Register code -> (file, first line); idempotent for a shell."""
    _locations.update(locations)
    if getattr(shell.compile, "_nlpdeck_installed", False):
        return
    relocate = _Relocate()
    original = shell.compile.cache

    def cache(transformed_code: str, number: int = 0, raw_code: str | None = None) -> str:
        code = raw_code if raw_code is not None else transformed_code
        where = _locations.get(code_key(code))
        if where is None or not _stands_at(code, *where):
            relocate.offset = 0
            return str(original(transformed_code, number, raw_code))
        path, first_line = where
        relocate.offset = first_line - 1
        return path  # not put in linecache: tracebacks read the real file

    shell.compile.cache = cache
    shell.compile._nlpdeck_installed = True
    shell.ast_transformers.append(relocate)
