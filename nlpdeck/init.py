"""``nlpdeck init [FOLDER]``: add nlpdeck to an existing Slidev project, disturbing nothing.

For each deck of the project (or the deck given) it enables the addon in the headmatter
(``addons: [nlpdeck]``: one line is added where ruamel.yaml's round trip places it, so
comments, quotes, indents and key order stay) and writes the deck's kernel prelude if it
has none; for the project it adds the addon as an npm dev dependency (``package.json``
keeps its indent and key order). pytest needs nothing more: nlpdeck's plugin collects
every ``slides.md`` (``node_modules`` and hidden folders are never searched). It prints
each change and the next command; a second run changes nothing.

    $ nlpdeck init lecture-1
    lecture-1/slides.md: enabled the addon (addons: nlpdeck)
    lecture-1/demos/prelude.py: written (runs in the deck's kernels before slide code)
    lecture-1/package.json: added slidev-addon-nlpdeck@^0.2.0 to devDependencies
    next: cd lecture-1 && npm install && nlpdeck check
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import re
import shlex
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from nlpdeck import env, project
from nlpdeck.addons import addon_folder
from nlpdeck.reader import show_path
from nlpdeck.reader.split import RE_FRONTMATTER, split

ADDON = "nlpdeck"
PACKAGE = "slidev-addon-nlpdeck"
PRELUDE = '''"""The deck's kernel prelude: runs in every kernel of the deck before any slide code
(the slide check's, pytest's and the live kernels of `nlpdeck present`).

Kernels work in the deck's folder, which is importable: put shared code in demos/ and
import it here (`from demos.data import *`).
"""
'''


class InitError(RuntimeError):
    """The project cannot be changed safely; the message says why and what to do."""


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line
    yaml.indent(mapping=2, sequence=4, offset=2)  # `addons:` then `  - nlpdeck`, as Slidev writes
    return yaml


def names_addon(name: object) -> bool:
    """Whether an ``addons:`` entry is nlpdeck (by name, package or a path to it)."""
    text = str(name).rstrip("/")
    return text in (ADDON, PACKAGE) or text.endswith(f"/{PACKAGE}")


def enable_addon(text: str, where: Path) -> str | None:
    """The deck's text with nlpdeck in its headmatter's ``addons``; None when it is there.

    ruamel.yaml reads the headmatter (round trip, so it knows each item's line); the new
    item is written as a line of its own, so nothing else of the file changes."""
    slides = split(text).slides
    first = slides[0] if slides else None
    match = RE_FRONTMATTER.match(text) if first and first.start == 0 else None
    if match is None:
        if first is not None and first.frontmatter:
            raise InitError(
                f"{where}: the headmatter is a ```yaml block: add `addons: [{ADDON}]` to it by hand"
            )
        return f"---\naddons:\n  - {ADDON}\n---\n\n{text}"
    block = match.group(1)
    head: Any = _yaml().load(block) or CommentedMap()
    if not isinstance(head, CommentedMap):
        raise InitError(f"{where}: the headmatter is not a mapping of keys: fix it, then run again")
    addons = head.get("addons")
    if isinstance(addons, list) and any(names_addon(a) for a in addons):
        return None
    if addons is not None and not isinstance(addons, list):
        raise InitError(f"{where}: `addons:` is not a list: make it one, then run again")
    start, end = match.span(1)
    lines = block.splitlines(keepends=True)
    if addons is None and "addons" not in head:  # a new key, last
        lines.append(f"addons:\n  - {ADDON}\n")
    elif isinstance(addons, CommentedSeq) and addons and not addons.fa.flow_style():
        # a block list: one more item under the last, indented as it is
        line, _ = addons.lc.item(len(addons) - 1)
        dash = re.match(r"\s*-\s*", lines[line])
        assert dash is not None
        lines.insert(line + 1, f"{dash.group(0)}{ADDON}\n")
    else:  # a flow list or an empty key: ruamel's round trip writes the block
        if addons is None:
            head["addons"] = CommentedSeq([ADDON])
        else:
            addons.append(ADDON)
        out = io.StringIO()
        _yaml().dump(head, out)
        lines = [out.getvalue()]
    return text[:start] + "".join(lines) + text[end:]


def add_dependency(path: Path, version: str) -> str | None:
    """``package.json``'s text with the addon as a dev dependency; None when it has it."""
    text = path.read_text(encoding="utf-8")
    try:
        manifest: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError as error:
        raise InitError(f"{path}: not valid JSON ({error}): fix it, then run again") from None
    if any(PACKAGE in manifest.get(k, {}) for k in ("dependencies", "devDependencies")):
        return None
    manifest.setdefault("devDependencies", {})[PACKAGE] = f"^{version}"
    indent = re.search(r"^([ \t]+)\"", text, re.MULTILINE)
    written = json.dumps(manifest, indent=indent.group(1) if indent else 2, ensure_ascii=False)
    return written + ("\n" if text.endswith("\n") else "")


def _decks(folder: Path) -> tuple[env.Project, list[Path]]:
    given = project.resolve(folder) if folder.suffix == ".md" else folder / project.DECK_FILE
    if given.is_file():
        return env.find_project(given.parent), [given.resolve()]
    found = env.find_project(folder)
    decks = found.decks()
    if not decks:
        raise InitError(
            f"no Slidev deck ({project.DECK_FILE}) in {show_path(folder)}: give the deck's "
            "folder or its markdown file"
        )
    return found, decks


def init(folder: Path) -> list[str]:
    """Change what is missing; returns one line per change (none: nothing to change)."""
    version = importlib.metadata.version("nlpdeck")
    root, decks = _decks(folder)
    changes: list[tuple[Path, str, str]] = []  # (file, new text, what changed)
    for path in decks:
        text = path.read_text(encoding="utf-8")
        enabled = enable_addon(text, path)
        if enabled is not None:
            changes.append((path, enabled, f"enabled the addon (addons: {ADDON})"))
        prelude = project.load(path).prelude_file
        if not prelude.exists():
            changes.append((prelude, PRELUDE, "written (runs in the deck's kernels first)"))
    manifest = root.root / "package.json"
    if not manifest.is_file():
        raise InitError(
            f"no package.json from {show_path(folder)} up: this is not a Slidev project "
            "(`npm init slidev` makes one), or give the folder that has one"
        )
    dependency = add_dependency(manifest, version)
    if dependency is not None:
        what = f"added {PACKAGE}@^{version} to devDependencies"
        changes.append((manifest, dependency, what))
    for path, text, _ in changes:  # all checked first: a refusal leaves every file as it was
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [f"{show_path(path)}: {what}" for path, _, what in changes]


def next_step(folder: Path) -> str:
    """What to run next, from where the user stands."""
    root, decks = _decks(folder)
    installed = addon_folder(ADDON, decks[0].parent) is not None
    there = show_path(root.root)
    steps = [] if there == "." else [f"cd {shlex.quote(there)}"]
    steps += [] if installed else ["npm install"]
    steps += ["nlpdeck check", "nlpdeck present"]
    return " && ".join(steps)


def main(folder: Path) -> int:
    try:
        changed = init(folder)
        step = next_step(folder)
    except (InitError, project.DeckNotFoundError) as error:
        print(f"nlpdeck init: {error}")
        return 2
    print("\n".join(changed) if changed else "nothing to change: nlpdeck is set up here")
    print(f"next: {step}")
    return 0
