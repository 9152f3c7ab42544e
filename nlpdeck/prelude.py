"""A deck's kernel prelude: Python run in the deck's kernel before any slide code.

The prelude is ``demos/prelude.py`` in the deck's folder (where kernels run). The live
kernel of ``make present`` runs it when it starts (nlpdeck.present), the slide-code
check runs it before the deck's blocks (nlpdeck.kernel), and the deck lint counts the
names it defines as defined (:func:`names`).

    >>> path = find(Path("slides/part2"))                 # doctest: +SKIP
    >>> client.execute(code(path))                        # doctest: +SKIP
"""

from __future__ import annotations

import ast
import symtable
from pathlib import Path

from nlpdeck.deck import show_path

PRELUDE = Path("demos") / "prelude.py"
"""A deck's prelude, relative to the deck's folder."""


class PreludeError(RuntimeError):
    """The deck's prelude failed in the kernel; the message shows the traceback."""

    def __init__(self, path: Path, traceback: str) -> None:
        self.path, self.traceback = path, traceback
        super().__init__(
            f"{show_path(path)}: the deck's kernel prelude failed, so no slide code can run; "
            f"fix it (it runs alone as `python {PRELUDE}` in the deck's folder):\n{traceback}"
        )


def find(deck_dir: Path) -> Path | None:
    """The deck's prelude, if it has one."""
    path = deck_dir / PRELUDE
    return path if path.is_file() else None


def code(path: Path) -> str:
    """Code that runs a prelude file in the kernel's own namespace (like ``%run -i``),
    compiled under its real path so tracebacks show the prelude's lines."""
    name = str(path.resolve())
    return f"exec(compile(open({name!r}, encoding='utf-8').read(), {name!r}, 'exec'))"


def names(path: Path) -> set[str]:
    """Names the prelude defines, found without running it; a star import of a module
    beside it (``from bank import *`` with ``bank.py`` next to the prelude) brings that
    module's public names."""
    source = path.read_text(encoding="utf-8")
    found = _bindings(source)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.names[0].name == "*":
            module = path.parent / f"{node.module}.py"
            if module.is_file():
                public = _bindings(module.read_text(encoding="utf-8"))
                found |= {name for name in public if not name.startswith("_")}
    return found


def _bindings(source: str) -> set[str]:
    table = symtable.symtable(source, "<prelude>", "exec")
    return {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
