"""Runs inside the kernel: makes tracebacks of slide code name the markdown file and line.

IPython names each cell after a temporary file. For code whose location was
registered, the compiler's cache step returns the real file instead (the markdown, or
a snippet's source) and an AST transformer moves line numbers to where the code
stands in it, so tracebacks show ``slides.md:531`` with that line's text, read from disk.
"""

from __future__ import annotations

import ast
import hashlib
from typing import Any

_locations: dict[str, tuple[str, int]] = {}


def code_key(code: str) -> str:
    return hashlib.sha1(code.encode()).hexdigest()


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
        where = _locations.get(code_key(raw_code if raw_code is not None else transformed_code))
        if where is None:
            relocate.offset = 0
            return str(original(transformed_code, number, raw_code))
        path, first_line = where
        relocate.offset = first_line - 1
        return path  # not put in linecache: tracebacks read the real file

    shell.compile.cache = cache
    shell.compile._nlpdeck_installed = True
    shell.ast_transformers.append(relocate)
