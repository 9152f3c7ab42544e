"""A deck's check record: what its slide-code check depended on, and what it found.

``make check`` and the pytest items reuse a deck's last results, without starting a
kernel, when nothing the check depends on changed (contents, by sha256; never mtimes):

- ``blocks``   every Python block's code and check comment, in order (not its line:
               text added above a block runs nothing again);
- ``code``     snippet files, the prelude, the demos, and every module of the project
               the blocks, prelude and demos import, transitively, with the toolkit's
               own check code (found as the figure build finds a target's code);
- ``locks``    the lock files of the repository and the deck;
- ``models``   the model catalog and every revision in the local model cache (its
               ``refs``): a block that needs an absent model is skipped until it is there;
- ``environment`` the interpreter (path, version), platform, host and the installed
               distributions with their versions: a record from another machine or
               environment is never trusted;
- ``reads``    the data files the deck's code opened for reading in the last run (the
               kernel reports them: :mod:`nlpdeck.reads`), under the deck's folder or
               the repository, outside the environment, the model cache and build/,
               its markdown aside (its blocks stand for it): an edited or removed one
               runs the deck again. Whatever the code reads, declared or not, counts;
               a corpus read from an installed package counts through the
               distributions' versions.

A run that did not pass (a block failed or timed out) is recorded with its times but
never reused. The record lives in the deck's build folder (gitignored): a clean clone
runs everything.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import platform
import socket
import sys
import sysconfig
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from nlpdeck import models, recorded
from nlpdeck.figures.build import CodeFinder, imported, imports_cache
from nlpdeck.files import sha256_file, write_atomic
from nlpdeck.project import DeckProject
from nlpdeck.reader import CodeBlock

LOCK_FILES = ("requirements.lock", "package-lock.json")
TOOLKIT = ("nlpdeck.kernel", "nlpdeck.kernel_hooks", "nlpdeck.reads")  # how blocks are run
PASSING = ("passed", "skipped")
SLOWER = 1.5  # a block this many times slower than in the previous record (and by 0.5 s)


def path(project: DeckProject) -> Path:
    return project.build_dir / f"check-{project.path.stem}.json"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _label(file: Path, project: DeckProject) -> str:
    """A file as the record names it: from the repository, else from the deck."""
    file = file.resolve()
    for base in (project.project.root, project.dir.resolve()):
        if file.is_relative_to(base):
            return file.relative_to(base).as_posix()
    return str(file)


def environment() -> dict[str, str]:
    """What makes results of one machine and environment not those of another."""
    where = sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})
    found = sorted(  # the environment's own packages, whatever sys.path a process adds
        {f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions(path=where)}
    )
    return {
        "python": sys.executable,
        "version": sys.version,
        "platform": platform.platform(),
        "host": socket.gethostname(),
        "distributions": _sha256("\n".join(found)),
    }


def _block(block: CodeBlock) -> dict[str, Any]:
    found = {"code": _sha256(block.code), "directive": asdict(block.directive)}
    return dict(json.loads(json.dumps(found)))


def code_files(project: DeckProject, blocks: Sequence[CodeBlock]) -> list[Path]:
    """Snippet files, prelude, demos and the project's modules they import (the deck's
    folder comes first on the kernel's path, as ``kernel_environ`` puts it)."""
    finder = CodeFinder(
        (project.project.root, project.dir), path=(project.dir,), cache=imports_cache()
    )
    own = [b.path for b in blocks if b.path != b.markdown]
    if project.demos_dir.is_dir():
        own += sorted(project.demos_dir.rglob("*.py"))
    if project.prelude:
        own.append(project.prelude)
    names = [*TOOLKIT]
    for source in [*(b.code for b in blocks), *(p.read_text(encoding="utf-8") for p in own)]:
        names += imported(source)
    found = finder.closure(names)
    finder.save()
    return sorted({p.resolve() for p in own} | set(found))


def depends(project: DeckProject, blocks: Sequence[CodeBlock], timeout: float) -> dict[str, Any]:
    """Everything the check of these blocks depends on, but the files its code reads."""
    root, catalog = project.project.root, project.project.catalog
    locks = [d / n for d in dict.fromkeys((root, project.dir.resolve())) for n in LOCK_FILES]
    hub = models.hub_dir()
    refs = sorted(hub.glob("models--*/refs/*")) if hub.is_dir() else []
    found = {
        "blocks": [_block(b) for b in blocks],
        "code": {_label(p, project): sha256_file(p) for p in code_files(project, blocks)},
        "locks": {_label(p, project): sha256_file(p) for p in locks if p.is_file()},
        "models": {
            "catalog": sha256_file(catalog)
            if (catalog := project.project.catalog).is_file()
            else "",
            **{r.relative_to(hub).as_posix(): r.read_text(encoding="ascii") for r in refs},
        },
        "environment": environment(),
        "timeout": timeout,
    }
    return dict(json.loads(json.dumps(found)))  # as a record reads back: tuples as lists


def reads(project: DeckProject, opened: Sequence[str]) -> dict[str, str]:
    """Hashes of the data files the kernel opened, leaving out what other inputs cover:
    the environment, the model cache, build output, code, and the deck's markdown (the
    toolkit reads it to find the deck; its blocks are an input of their own)."""
    root = project.project.root
    skip = [Path(sys.prefix).resolve(), models.hub_dir().resolve(), project.project.build]
    skip += [project.project.node_modules, root / ".venv", root / ".cache"]
    markdown = {project.path.resolve(), *(s.path.resolve() for s in project.deck.slides)}
    found: dict[str, str] = {}
    for name in opened:
        file = Path(name)
        if any(file.is_relative_to(s) for s in skip) or file.suffix in (".py", ".pyc"):
            continue
        if file.is_file() and file not in markdown:  # (an open that failed read nothing)
            found[name] = sha256_file(file)
    return found


def _now_reads(before: dict[str, str | None]) -> dict[str, str | None]:
    return {name: sha256_file(Path(name)) if Path(name).is_file() else None for name in before}


def load(project: DeckProject) -> dict[str, Any] | None:
    file = path(project)
    if not file.is_file():
        return None
    try:
        found = json.loads(file.read_text(encoding="utf-8"))
    except ValueError:  # a half-written or hand-edited record: run again
        return None
    return found if isinstance(found, dict) else None


def changed(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Readable names of what differs, e.g. ``code slides/x/demos/prelude.py``."""
    names = []
    for kind in sorted(set(old) | set(new)):
        a, b = old.get(kind), new.get(kind)
        if kind == "blocks" and isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                names.append(f"blocks ({len(a)} before, {len(b)} now)")
            names += [f"block {i}" for i, (x, y) in enumerate(zip(a, b, strict=False), 1) if x != y]
        elif isinstance(a, dict) and isinstance(b, dict):
            names += [f"{kind} {k}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        elif a != b:
            names.append(kind)
    return names


def stale(project: DeckProject, record: dict[str, Any] | None, now: dict[str, Any]) -> str:
    """Why the record cannot stand for a run now, or ``""`` when it can."""
    if record is None:
        return "no earlier check here"
    if not record.get("reusable"):
        return "the last check did not pass"
    differs = changed(record.get("depends", {}), now)
    if differs:
        return "changed: " + ", ".join(differs)
    before = record.get("reads", {})
    differs = changed({"reads": before}, {"reads": _now_reads(before)})
    if differs:
        return "changed: " + ", ".join(differs)
    live = recorded.load(project.records)
    if any(recorded.key(b.code) not in live for b in recorded.live_blocks(project.deck)):
        return f"a live block has no recorded output in {project.records.name}"
    return ""


def write(
    project: DeckProject,
    now: dict[str, Any],
    results: Sequence[Any],
    opened: Sequence[str] | None,
    setup_seconds: float = 0.0,
) -> Path:
    """Record a complete run (``results``: one BlockResult per block, in order);
    ``opened`` None (the kernel could not say what it read) makes it not reusable."""
    passed = all(r.status in PASSING for r in results)
    record = {
        "finished": time.time(),
        "reusable": passed and opened is not None,
        "depends": now,
        "reads": reads(project, opened or []),
        "setup_seconds": round(setup_seconds, 3),
        "blocks": [
            {
                "slide": r.block.slide,
                "index": r.block.index,
                "line": r.block.fence_line,
                "step": r.block.step,
                "status": r.status,
                "seconds": round(r.seconds, 3),
                "reason": r.reason,
            }
            for r in results
        ],
    }
    write_atomic(path(project), json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    return path(project)


def when(record: dict[str, Any]) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(record["finished"])))


def slower(
    previous: dict[str, Any] | None, blocks: Sequence[CodeBlock], seconds: Sequence[float]
) -> list[tuple[CodeBlock, float, float]]:
    """Blocks slower than in the previous record (same code in the same place), with
    their time then and now."""
    if previous is None:
        return []
    before = previous.get("depends", {}).get("blocks", [])
    times = [b["seconds"] for b in previous.get("blocks", [])]
    found = []
    for i, (block, now) in enumerate(zip(blocks, seconds, strict=True)):
        if i < len(before) and i < len(times) and before[i] == _block(block):
            was = float(times[i])
            if now > was * SLOWER and now - was > 0.5:
                found.append((block, was, now))
    return found
