"""Which files a deck's kernel opens for reading: the data files its code depends on.

The slide-code check installs :func:`watch` in its kernel before the prelude runs
(an audit hook: every ``open``, whoever calls it, pandas and numpy included), and asks
:func:`report` after the last block. The check record keeps the hash of each file so
read, and an edited data file runs the deck again. Imported only in the kernel, so it
imports nothing the kernel would not have.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

_opened: set[str] = set()


def watch(folders: list[str]) -> None:
    """Remember every file under ``folders`` opened for reading from now on (audit hooks
    cannot be removed: this lasts for the kernel's life, which is the check's)."""
    # as given and resolved: most opens (every import) are told apart by prefixes alone;
    # the environment may lie inside the repository (.venv): its files are no deck's data
    roots = tuple(
        {os.path.join(w(f), "") for f in folders for w in (os.path.abspath, os.path.realpath)}
    )
    environment = tuple({os.path.join(p, "") for p in (sys.prefix, sys.base_prefix)})
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event != "open" or isinstance(args[0], int) or args[0] is None:
            return
        mode, flags = args[1], args[2]
        if (mode is not None and any(c in mode for c in "wax+")) or (flags or 0) & writing:
            return
        path = os.path.abspath(os.fsdecode(args[0]))
        if (
            path.startswith(roots)
            and not path.startswith(environment)
            and "__pycache__" not in path
        ):
            _opened.add(os.path.realpath(path))

    sys.addaudithook(hook)


def report() -> None:
    """Print the files opened so far, as JSON (the check reads the cell's output)."""
    print(json.dumps(sorted(_opened)))
