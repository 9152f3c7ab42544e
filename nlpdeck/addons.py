"""A deck's Slidev addons, found the way Slidev finds them, and what they declare.

Slidev resolves each name in the headmatter's ``addons:`` list relative to the deck's
folder: a path (starting with ``.`` or ``/``, or containing ``/`` without a scope) is
a folder; ``@/x`` is relative to the deck; any other name is a package looked up in
``node_modules`` from the deck's folder upwards, as ``@slidev/addon-NAME``,
``slidev-addon-NAME`` or ``NAME`` (``packages/slidev/node/resolver.ts``,
``createResolver``). An addon tells the toolkit which fence languages its code runners
handle in its ``package.json``::

    "nlpdeck": {"runners": ["python", "py"]}

so the deck lint knows what runs without reading TypeScript. A theme, an addon or the
deck itself may define runners in ``setup/code-runners.ts`` (Slidev merges them all,
``node/virtual/setups.ts``); one that does not declare its languages so makes the set
of runners unknown (:func:`code_runners`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def addon_folder(name: str, deck_dir: Path, kind: str = "addon") -> Path | None:
    """The folder of one addon (or theme: ``kind="theme"``) the deck names, or None when
    Slidev would not find it."""
    if name.startswith("/"):
        return Path(name)
    if name.startswith("@/"):
        return deck_dir / name[2:]
    if name.startswith(".") or (not name.startswith("@") and "/" in name):
        return (deck_dir / name).resolve()
    candidates = (
        [name] if "/" in name else [f"@slidev/{kind}-{name}", f"slidev-{kind}-{name}", name]
    )
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


RUNNER_SETUP = ("mjs", "js", "mts", "ts")  # setup/code-runners.<ext>, as Slidev looks
BUNDLED_THEMES = ("default", "none")  # Slidev's own default theme defines no runners


def code_runners(
    headmatter: dict[str, Any], deck_dir: Path, declared: tuple[str, ...] = ()
) -> tuple[set[str], list[Path]]:
    """Fence languages known to have a code runner beyond Slidev's own (the addons'
    ``nlpdeck.runners`` and the deck's ``declared`` ones), and the places that may
    define runners whose languages are not known: a ``setup/code-runners`` file of the
    deck (unless it declares its runners), a theme or an addon that does not declare
    them, or a theme not installed."""
    known = set(declared)
    unknown: list[Path] = []
    own = _runner_setup(deck_dir)
    if own is not None and not declared:
        unknown.append(own)
    theme = str(headmatter.get("theme") or "default")
    roots: list[Path] = []
    if theme not in BUNDLED_THEMES:
        folder = addon_folder(theme, deck_dir, "theme")
        if folder is None:
            unknown.append(deck_dir / f"(theme {theme}, not installed)")
        else:
            roots.append(folder)
    roots += [f for f in enabled(headmatter, deck_dir).values() if f is not None]
    project = next(
        (d for d in [deck_dir, *deck_dir.parents] if (d / "package.json").is_file()), None
    )
    if project is not None:  # Slidev also enables the project's package.json `slidev.addons`
        names = manifest(project).get("slidev", {}).get("addons") or []
        roots += [f for n in names if (f := addon_folder(str(n), project)) is not None]
    seen: set[Path] = set()
    while roots:
        root = roots.pop()
        if root in seen:
            continue
        seen.add(root)
        package = manifest(root)
        runners = package.get("nlpdeck", {}).get("runners")
        setup = _runner_setup(root)
        if runners is not None:
            known |= set(runners)
        elif setup is not None:
            unknown.append(setup)
        nested = package.get("slidev", {}).get("addons") or []
        roots += [f for n in nested if (f := addon_folder(str(n), root)) is not None]
    return known, unknown


def _runner_setup(root: Path) -> Path | None:
    found = [root / "setup" / f"code-runners.{ext}" for ext in RUNNER_SETUP]
    return next((p for p in found if p.is_file()), None)
