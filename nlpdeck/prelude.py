"""A deck's kernel prelude: Python run in the deck's kernel before any slide code.

The prelude (``demos/prelude.py`` unless the deck declares another) runs in every kernel
of the deck before any slide code: the live kernel runs it when it starts, the
slide-code check before the deck's blocks (nlpdeck.kernel), and the deck lint counts
the names it defines as defined (:func:`names`). Kernels work in the deck's folder,
which is importable, so a prelude imports the deck's demos as ``from demos.bank import *``.

    >>> client.execute(code(deck.prelude))                # doctest: +SKIP
"""

from __future__ import annotations

import ast
import symtable
from pathlib import Path

from nlpdeck.reader import show_path


class PreludeError(RuntimeError):
    """The deck's prelude failed in the kernel; the message shows the traceback."""

    def __init__(self, path: Path, traceback: str) -> None:
        self.path, self.traceback = path, traceback
        super().__init__(
            f"{show_path(path)}: the deck's kernel prelude failed, so no slide code can run; "
            "fix it (run it alone in the deck's folder: "
            f"`PYTHONPATH=. python {path.parent.name}/{path.name}`):\n{traceback}"
        )


def code(path: Path) -> str:
    """Code that runs a prelude file in the kernel's own namespace (like ``%run -i``),
    compiled under its real path so tracebacks show the prelude's lines."""
    name = str(path.resolve())
    return f"exec(compile(open({name!r}, encoding='utf-8').read(), {name!r}, 'exec'))"


def names(path: Path, root: Path) -> set[str]:
    """Names the prelude defines, found without running it; a star import of one of the
    deck's modules (``from demos.bank import *``, ``root`` being the deck's folder, or a
    module beside the prelude) brings that module's public names."""
    source = path.read_text(encoding="utf-8")
    found = _bindings(source)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.names[0].name == "*":
            relative = Path(*node.module.split(".")).with_suffix(".py")
            module = next(
                (m for m in (root / relative, path.parent / relative) if m.is_file()), None
            )
            if module is not None:
                public = _bindings(module.read_text(encoding="utf-8"))
                found |= {name for name in public if not name.startswith("_")}
    return found


def _bindings(source: str) -> set[str]:
    table = symtable.symtable(source, "<prelude>", "exec")
    return {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
