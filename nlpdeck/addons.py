"""A deck's Slidev addons, found the way Slidev finds them, and what they declare.

Slidev resolves each name in the headmatter's ``addons:`` list relative to the deck's
folder: a path (starting with ``.`` or ``/``, or containing ``/`` without a scope) is
a folder; ``@/x`` is relative to the deck; any other name is a package looked up in
``node_modules`` from the deck's folder upwards, as ``@slidev/addon-NAME``,
``slidev-addon-NAME`` or ``NAME`` (``packages/slidev/node/resolver.ts``,
``createResolver``). An addon tells the toolkit which fence languages its code runners
handle in its ``package.json``::

    "nlpdeck": {"runners": ["python", "py"]}

so the deck lint knows what runs without reading TypeScript.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def addon_folder(name: str, deck_dir: Path) -> Path | None:
    """The folder of one addon the deck names, or None when Slidev would not find it."""
    if name.startswith("/"):
        return Path(name)
    if name.startswith("@/"):
        return deck_dir / name[2:]
    if name.startswith(".") or (not name.startswith("@") and "/" in name):
        return (deck_dir / name).resolve()
    candidates = [name] if "/" in name else [f"@slidev/addon-{name}", f"slidev-addon-{name}", name]
    for folder in [deck_dir, *deck_dir.parents]:
        for package in candidates:
            found = folder / "node_modules" / package
            if (found / "package.json").is_file():
                return found.resolve()
    return None


def manifest(folder: Path) -> dict[str, Any]:
    """An addon's package.json (empty if it has none)."""
    path = folder / "package.json"
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else {}


def enabled(headmatter: dict[str, Any], deck_dir: Path) -> dict[str, Path | None]:
    """Each addon the headmatter names, with its folder (None: Slidev will not find it)."""
    names = headmatter.get("addons") or []
    return {
        str(n): addon_folder(str(n), deck_dir) for n in (names if isinstance(names, list) else [])
    }


def runner_languages(headmatter: dict[str, Any], deck_dir: Path) -> set[str]:
    """Fence languages the deck's addons run."""
    found: set[str] = set()
    for folder in enabled(headmatter, deck_dir).values():
        if folder is not None:
            found |= set(manifest(folder).get("nlpdeck", {}).get("runners", []))
    return found
