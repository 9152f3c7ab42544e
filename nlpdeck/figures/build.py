"""The figure build: rebuild exactly the targets whose inputs changed, atomically.

Staleness rules (written down, as doit does):

- a target is *fresh* when the manifest holds its fingerprint and every output file
  exists with the hash the manifest recorded;
- the fingerprint hashes the drawing code (its module and every module of the project
  it imports, transitively: toolkit, course content, the deck's own code), the cached
  revision of each model, the bytes of each corpus and data file, the hashes of the
  earlier outputs it needs, its params and seed;
- contents, never mtimes: a touched file rebuilds nothing, an edited one rebuilds.

A target's words (``describe``) are a step of their own, with their own fingerprint:
the describing code (found as the drawing code is), the drawing's fingerprint and the
hashes of the outputs it reads. A redrawn target is described again; an edit of the
describing code alone describes again and draws nothing. The words are kept in the
manifest entry and, for the addon and exports, in ``descriptions.json`` beside the
figures (``{output: text}``), both written by replace.

A drawing function writes into a fresh temporary folder beside the figures. Only
when it returns, with exactly its declared outputs, are the files moved into place
(``os.replace``) and the manifest rewritten (also by replace), so an interrupted or
failing build leaves the previous figures and their manifest entries intact.

    >>> from nlpdeck import project
    >>> from nlpdeck.figures import build
    >>> deck = project.find("slides/part2")
    >>> [s.target.name for s in build.plan(deck) if s.reason]   # doctest: +SKIP
    ['attention-it']
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib
import importlib.machinery
import importlib.metadata
import importlib.util
import json
import os
import random
import shutil
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlpdeck import env, models
from nlpdeck.figures.target import Finished, Job, Target
from nlpdeck.files import sha256_file, write_atomic
from nlpdeck.project import DeckProject

MANIFEST = "manifest.json"
DESCRIPTIONS = "descriptions.json"
PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".mp4", ".webm", ".html")
"""Outputs a reader sees, which a target's ``describe`` must put in words."""
VERSIONS = ("torch", "transformers", "sentence-transformers", "matplotlib", "numpy")
"""Recorded in the manifest for readers; not part of the fingerprint (the lock pins them)."""


class FigureBuildError(RuntimeError):
    """A target failed; the previous figures are intact. The message says which and why."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_files(
    module: str, roots: tuple[Path, ...] | None = None, finder: CodeFinder | None = None
) -> list[Path]:
    """The module's file and, transitively, every module of the project it imports: the
    toolkit, shared course content and the deck's own code, never installed packages.

    Read with :mod:`ast` and found on disk, never imported, so planning a build imports
    no torch (nor a drawing module's own imports). ``finder`` keeps what one run found.
    """
    finder = CodeFinder(roots or (env.project().root,)) if finder is None else finder
    parts = module.split(".")
    return finder.closure([".".join(parts[:i]) for i in range(1, len(parts) + 1)])


class CodeFinder:
    """Where the project's modules are, and what each imports, found once per run.

    A module is the project's when its top-level package lives under one of ``roots``
    and not among installed packages; its submodules are looked up in that package's
    folders (:class:`importlib.machinery.PathFinder`), which imports nothing: finding
    ``part2.figures.x.draw`` the usual way would import ``part2.figures.x`` and its torch.
    """

    def __init__(
        self, roots: tuple[Path, ...], path: tuple[Path, ...] = (), cache: Path | None = None
    ) -> None:
        self.roots = tuple(root.resolve() for root in roots)
        self.path = [str(p) for p in path]  # searched first for top-level names (PYTHONPATH)
        self._files: dict[str, Path | None] = {}
        self._imports: dict[tuple[Path, str], list[str]] = {}
        self.cache = cache
        self._statements: dict[str, list[Any]] = _read_json(cache) if cache else {}
        self._used: set[str] = set()
        self._closures: dict[tuple[str, ...], list[Path]] = {}
        self._hashes: dict[tuple[Path, Path], tuple[str, str]] = {}

    def hashes(self, files: list[Path], deck: DeckProject) -> dict[str, str]:
        """Each code file as the manifest names it, with the hash of its bytes; each file
        read once per run (every target of a deck shares most of its code)."""
        found = {}
        for path in files:
            key = (path, deck.dir)
            if key not in self._hashes:
                self._hashes[key] = (_label(path, deck), sha256_file(path))
            label, digest = self._hashes[key]
            found[label] = digest
        return found

    def closure(self, names: list[str]) -> list[Path]:
        """The files of the project's modules among ``names`` and, transitively, of the
        project's modules they import. Packages first: ``names`` is worked from its end."""
        key = tuple(names)
        if key not in self._closures:
            self._closures[key] = self._closure(names)
        return self._closures[key]

    def _closure(self, names: list[str]) -> list[Path]:
        seen: dict[str, Path] = {}
        todo = list(names)
        while todo:
            name = todo.pop()
            path = None if name in seen else self.file(name)
            if path is None:
                continue
            seen[name] = path
            package = name if path.name == "__init__.py" else name.rpartition(".")[0]
            todo += self.imports(path, package)
        return sorted(set(seen.values()))

    def file(self, name: str) -> Path | None:
        """The file of a module that belongs to the project, else None (an installed
        package, a name imported from a module, a namespace package)."""
        if name not in self._files:
            self._files[name] = self._find(name)
        return self._files[name]

    def _find(self, name: str) -> Path | None:
        top, *rest = name.split(".")
        try:  # a top-level name: nothing is imported to find it
            spec = importlib.machinery.PathFinder.find_spec(top, self.path) if self.path else None
            spec = spec or importlib.util.find_spec(top)
        except (ImportError, ValueError):
            return None
        if spec is None or not any(self._in_project(Path(p)) for p in _places(spec)):
            return None
        prefix = top
        for part in rest:
            locations = spec.submodule_search_locations
            if locations is None:  # ``from module import Name``: Name is no module
                return None
            prefix = f"{prefix}.{part}"
            spec = importlib.machinery.PathFinder.find_spec(prefix, list(locations))
            if spec is None:
                return None
        if not spec.has_location or spec.origin is None:
            return None
        return Path(spec.origin)

    def _in_project(self, path: Path) -> bool:
        path = path.resolve()
        inside = any(path.is_relative_to(root) for root in self.roots)
        return inside and not any(path.is_relative_to(d) for d in _installed())

    def imports(self, path: Path, package: str) -> list[str]:
        """Every module name the file imports (``from m import n`` gives ``m`` and ``m.n``),
        relative imports resolved against ``package``."""
        key = (path, package)
        if key not in self._imports:
            data = path.read_bytes()
            digest = _sha256(data)
            if digest not in self._statements:
                self._statements[digest] = statements(data.decode("utf-8"))
            self._used.add(digest)
            self._imports[key] = _names(self._statements[digest], package)
        return self._imports[key]

    def save(self) -> None:
        """Keep what this run parsed for the next (by content hash, so an edited file is
        parsed again): parsing is most of a no-op build's time."""
        if self.cache is None:
            return
        kept = _read_json(self.cache)
        if self._used <= set(kept):
            return
        if len(kept) > 5000:  # old versions of files pile up: keep this run's
            kept = {}
        kept.update({k: self._statements[k] for k in self._used})
        write_atomic(self.cache, json.dumps(kept, sort_keys=True))


def imports_cache() -> Path:
    """What each code file imports, by the hash of its bytes: a no-op build parses nothing."""
    return env.project().build / "code-imports.json"


def _read_json(path: Path) -> dict[str, Any]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def statements(source: str) -> list[Any]:
    """The import statements of Python source as plain data, ``[level, module, names]``
    (``import a.b`` is ``[-1, "", ["a.b"]]``); none if it does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found: list[Any] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.append([node.level, node.module or "", [a.name for a in node.names]])
        elif isinstance(node, ast.Import):
            found.append([-1, "", [a.name for a in node.names]])
    return found


def _names(found: list[Any], package: str) -> list[str]:
    names: list[str] = []
    for level, module, imported_names in found:
        if level < 0:
            names += imported_names
            continue
        try:
            base = importlib.util.resolve_name("." * level + module, package)
        except ImportError:  # a relative import outside a package
            continue
        names += [base] + [f"{base}.{name}" for name in imported_names]
    return names


def imported(source: str, package: str = "") -> list[str]:
    """Every module name Python source imports (``from m import n`` gives ``m`` and
    ``m.n``), relative imports resolved against ``package``; none if it does not parse."""
    return _names(statements(source), package)


def _places(spec: importlib.machinery.ModuleSpec) -> list[str]:
    """Where a module lives: its file, or a namespace package's folders."""
    if spec.has_location and spec.origin:
        return [spec.origin]
    return list(spec.submodule_search_locations or [])


@functools.cache
def _installed() -> frozenset[Path]:
    """Where installed packages live (the project's repository may hold the venv)."""
    return frozenset(Path(sysconfig.get_path(k)).resolve() for k in ("purelib", "platlib"))


def _label(path: Path, deck: DeckProject) -> str:
    """How the manifest names a code file: from the project's root, else from the deck."""
    path, root = path.resolve(), deck.project.root
    base = root if path.is_relative_to(root) else deck.dir.resolve()
    return path.relative_to(base).as_posix()


def inputs(
    deck: DeckProject, target: Target, figures: Path, finder: CodeFinder | None = None
) -> dict[str, Any]:
    """Everything the target's outputs depend on, as hashes and plain values."""
    finder = finder or CodeFinder((deck.project.root, deck.dir))
    code = code_files(deck.draw_module(target), finder.roots, finder)
    return {
        "code": finder.hashes(code, deck),
        "models": {m: _model_revision(target, m) for m in target.models},
        "corpora": {c.name: c.sha256() for c in target.corpora},
        "files": {f: _file_sha256(deck, target, f) for f in target.files},
        "needs": {n: _need_sha256(target, figures, n) for n in target.needs},
        "params": dict(target.params),
        "seed": target.seed,
    }


def _file_sha256(deck: DeckProject, target: Target, name: str) -> str:
    path = deck.dir / name
    if not path.is_file():
        raise FigureBuildError(
            f"figure target {target.name} reads {name}, which is not there "
            f"(looked for {path.resolve()}); fix files= in {deck.targets_file.name}"
        )
    return sha256_file(path)


def _model_revision(target: Target, name: str) -> str:
    try:
        return models.require(name).revision
    except models.ModelNotCachedError as error:
        raise FigureBuildError(f"figure target {target.name} cannot be built: {error}") from None


def _need_sha256(target: Target, figures: Path, name: str) -> str:
    path = figures / name
    if not path.is_file():
        raise FigureBuildError(
            f"figure target {target.name} needs {name}, which is not built: "
            f"run `make figures` (it builds the target that makes {name} first)"
        )
    return sha256_file(path)


def fingerprint(found: dict[str, Any]) -> str:
    return _sha256(json.dumps(found, sort_keys=True, ensure_ascii=False).encode())


def read_manifest(figures: Path) -> dict[str, Any]:
    path = figures / MANIFEST
    if not path.is_file():
        return {"targets": {}}
    return dict(json.loads(path.read_text(encoding="utf-8")))


def write_manifest(figures: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomic(figures / MANIFEST, text)


@dataclass(frozen=True)
class Step:
    """A target and why it must be rebuilt (``reason`` is empty when it is fresh), and
    why its words must be written again (``words``, empty when they are current)."""

    target: Target
    reason: str
    words: str = ""


def staleness(
    deck: DeckProject,
    target: Target,
    figures: Path,
    manifest: dict[str, Any],
    finder: CodeFinder | None = None,
) -> str:
    """Why ``target`` must be rebuilt, or ``""`` when its outputs are current."""
    entry = manifest["targets"].get(target.name)
    if entry is None:
        return "never built"
    try:
        found = inputs(deck, target, figures, finder)
    except FigureBuildError as error:
        return str(error)
    if fingerprint(found) != entry["fingerprint"]:
        return "changed: " + ", ".join(changed_inputs(entry["inputs"], found))
    for name in target.outputs:
        path = figures / name
        if not path.is_file():
            return f"{name} is missing"
        if sha256_file(path) != entry["outputs"].get(name):
            return f"{name} differs from the one the manifest recorded"
    return ""


def changed_inputs(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Readable names of the inputs that differ, e.g. ``models.sentence-transformers/…``."""
    changed = []
    for kind in sorted(set(old) | set(new)):
        a, b = old.get(kind), new.get(kind)
        if isinstance(a, dict) and isinstance(b, dict) and kind != "params":
            changed += [f"{kind} {k}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        elif a != b:
            changed.append(kind)
    return changed or ["fingerprint"]


def select(targets: Iterable[Target], only: Iterable[str] = ()) -> list[Target]:
    """Targets in declared order; with ``only``, those and the targets they need."""
    targets = list(targets)
    wanted = set(only)
    known = {t.name for t in targets}
    unknown = wanted - known
    if unknown:
        raise FigureBuildError(
            f"no figure target named {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(known))}"
        )
    if not wanted:
        return targets
    by_name = {t.name: t for t in targets}
    producer = {out: t.name for t in targets for out in t.outputs}
    todo = list(wanted)
    while todo:
        for need in by_name[todo.pop()].needs:
            if producer[need] not in wanted:
                wanted.add(producer[need])
                todo.append(producer[need])
    return [t for t in targets if t.name in wanted]


def validate(targets: Iterable[Target]) -> None:
    """Unique names and outputs; every need is made by an earlier target."""
    made: dict[str, str] = {}
    names: set[str] = set()
    for t in targets:
        if t.name in names:
            raise FigureBuildError(f"two figure targets are named {t.name}")
        names.add(t.name)
        for need in t.needs:
            if need not in made:
                raise FigureBuildError(
                    f"figure target {t.name} needs {need}, which no earlier target outputs"
                )
        for out in t.outputs:
            if out in made or out in (MANIFEST, DESCRIPTIONS):
                raise FigureBuildError(f"{out} is an output of both {made.get(out)} and {t.name}")
            made[out] = t.name


def plan(
    deck: DeckProject,
    figures: Path | None = None,
    only: Iterable[str] = (),
    targets: Iterable[Target] | None = None,
) -> list[Step]:
    """Each selected target of the deck (or ``targets``) with the reason it is stale
    (``""`` when fresh); ``figures`` defaults to the deck's figure folder."""
    targets = deck.targets() if targets is None else list(targets)
    figures = deck.figures if figures is None else figures
    validate(targets)
    manifest = read_manifest(figures)
    # each module found once
    finder = CodeFinder((deck.project.root, deck.dir), cache=imports_cache())
    steps = []
    for target in select(targets, only):
        reason = staleness(deck, target, figures, manifest, finder)
        words = "drawn anew" if reason and target.describe else ""
        entry = manifest["targets"].get(target.name)
        if not reason and entry is not None:
            words = words_staleness(deck, target, entry, finder)
        steps.append(Step(target, reason, words))
    finder.save()
    return steps


def describe_inputs(
    deck: DeckProject, target: Target, entry: dict[str, Any], finder: CodeFinder | None = None
) -> dict[str, Any]:
    """What a target's words depend on: the describing code, the drawing's fingerprint
    (its data inputs and params) and the outputs as the manifest recorded them."""
    finder = finder or CodeFinder((deck.project.root, deck.dir))
    code = code_files(deck.figures_module(target.describe), finder.roots, finder)
    return {
        "code": finder.hashes(code, deck),
        "function": target.describe,
        "drawn": entry["fingerprint"],
        "outputs": entry["outputs"],
    }


def words_staleness(
    deck: DeckProject, target: Target, entry: dict[str, Any], finder: CodeFinder | None = None
) -> str:
    """Why a drawn target's words must be written again, or ``""``."""
    if not target.describe:
        return ""
    kept = entry.get("description")
    if kept is None:
        return "no description yet"
    found = describe_inputs(deck, target, entry, finder)
    if fingerprint(found) != kept["fingerprint"]:
        return "changed: " + ", ".join(changed_inputs(kept["inputs"], found))
    return ""


DATA_INPUTS = ("models", "corpora", "files", "needs", "params", "seed")
"""The inputs that decide what data a target computes (its code aside)."""


def reusable_output(name: str, deck: DeckProject | str | Path = ".") -> Path | None:
    """An output of the deck's figure build (``data/x.npy``, relative to its figure
    folder) that code outside the build may use instead of computing it again: the
    target that made it was built from the same corpus bytes, model revisions, data
    files, parameters and seed as now, and the file is as built. Otherwise (or when no
    target makes it) None, and the caller computes it itself.

    The target's code is not compared, unlike for a rebuild: an edit anywhere in the
    toolkit (a docstring of ``nlpdeck/__init__.py``) would discard every cached vector.
    A code change that does change the data goes with ``make figures``, which the test
    of committed figures enforces.

    Live demos take their corpus vectors from here instead of encoding again at every
    kernel start; ``deck`` is a deck's file or folder, by default the working folder
    (a deck's kernels work in its folder)."""
    from nlpdeck import project

    found = deck if isinstance(deck, DeckProject) else project.find(deck)
    target = next((t for t in found.targets() if name in t.outputs), None)
    entry = read_manifest(found.figures)["targets"].get(target.name) if target else None
    path = found.figures / name
    if target is None or entry is None or not path.is_file():
        return None
    try:
        now = inputs(found, target, found.figures)
    except FigureBuildError:  # a model or data file is missing
        return None
    same = json.loads(json.dumps({k: now[k] for k in DATA_INPUTS}))  # tuples as JSON lists
    if any(same[k] != entry["inputs"].get(k) for k in DATA_INPUTS):
        return None
    return path if sha256_file(path) == entry["outputs"].get(name) else None


def _seed(seed: int) -> None:
    random.seed(seed)
    import numpy

    numpy.random.seed(seed)
    if "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)


def _versions() -> dict[str, str]:
    found = {}
    for name in VERSIONS:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return found


def draw_function(deck: DeckProject, target: Target) -> Callable[[Job], None]:
    function = target.draw.partition(":")[2]
    drawer: Callable[[Job], None] = getattr(
        importlib.import_module(deck.draw_module(target)), function
    )
    return drawer


def describe(
    deck: DeckProject, target: Target, figures: Path, entry: dict[str, Any]
) -> dict[str, Any]:
    """Put a drawn target's pictures in words; returns the manifest's ``description``.

    The describing function must name only the target's outputs and must describe each
    picture, video or page among them (:data:`PICTURES`) in non-empty text.
    """
    found = describe_inputs(deck, target, entry)
    where = f"figure target {target.name} ({target.describe})"
    try:
        module = importlib.import_module(deck.figures_module(target.describe))
        describer: Callable[[Finished], Any] = getattr(module, target.describe.partition(":")[2])
        texts = describer(Finished(target, figures, deck.dir))
    except Exception as error:
        raise FigureBuildError(
            f"{where} failed to describe its figures: {type(error).__name__}: {error}"
        ) from error
    if not isinstance(texts, dict):
        raise FigureBuildError(f"{where} returned {type(texts).__name__}, not {{output: text}}")
    unknown = sorted(set(texts) - set(target.outputs))
    undescribed = [
        n
        for n in target.outputs
        if n.endswith(PICTURES) and not (isinstance(texts.get(n), str) and texts[n].strip())
    ]
    if unknown or undescribed:
        raise FigureBuildError(
            f"{where} "
            + _joined(
                f"described {', '.join(unknown)}, not its outputs" if unknown else "",
                f"gave no text for {', '.join(undescribed)}" if undescribed else "",
            )
            + f": its outputs are {', '.join(target.outputs)}"
        )
    return {
        "fingerprint": fingerprint(found),
        "inputs": found,
        "texts": {name: " ".join(str(text).split()) for name, text in sorted(texts.items())},
    }


def _joined(*parts: str) -> str:
    """The parts of an error that apply (the others are empty), as one clause."""
    return "; ".join(part for part in parts if part)


def descriptions(manifest: dict[str, Any], targets: Iterable[Target]) -> dict[str, str]:
    """Every described output of ``targets``, ``{output: text}``, as the manifest holds them."""
    found: dict[str, str] = {}
    for target in targets:
        entry = manifest["targets"].get(target.name) or {}
        if target.describe and "description" in entry:
            found.update(entry["description"]["texts"])
    return dict(sorted(found.items()))


def write_descriptions(figures: Path, texts: dict[str, str]) -> None:
    """``descriptions.json``, rewritten (by replace) only when its words changed."""
    path = figures / DESCRIPTIONS
    if _read_json(path) == texts and path.is_file():
        return
    write_atomic(path, json.dumps(texts, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def run_target(deck: DeckProject, target: Target, figures: Path) -> dict[str, Any]:
    """Draw one target into a temporary folder, then move its outputs into place.

    Returns its manifest entry. On any failure (or Ctrl-C) the temporary folder is
    removed and nothing in ``figures`` has changed.
    """
    found = inputs(deck, target, figures)
    figures.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".build-{target.name}-", dir=figures))
    try:
        drawer = draw_function(deck, target)
        _seed(target.seed)
        started = time.perf_counter()
        try:
            drawer(Job(target, work, figures, deck.dir))
        except Exception as error:
            raise FigureBuildError(
                f"figure target {target.name} ({target.draw}) failed: "
                f"{type(error).__name__}: {error}"
            ) from error
        seconds = time.perf_counter() - started
        written = {p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file()}
        missing, extra = set(target.outputs) - written, written - set(target.outputs)
        if missing or extra:
            raise FigureBuildError(
                f"figure target {target.name} ({target.draw}) wrote "
                + _joined(
                    f"no {', '.join(sorted(missing))}" if missing else "",
                    f"undeclared {', '.join(sorted(extra))}" if extra else "",
                )
                + f": declare every output in {deck.targets_file}"
            )
        outputs = {name: sha256_file(work / name) for name in target.outputs}
        for name in target.outputs:
            (figures / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(work / name, figures / name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "fingerprint": fingerprint(found),
        "inputs": found,
        "outputs": outputs,
        "seconds": round(seconds, 2),
        "versions": _versions(),
        "about": target.about,
    }


WORDS = "words only: "
"""How :func:`build` marks a target whose description alone was written again."""


def _describe_into_manifest(
    deck: DeckProject, target: Target, figures: Path, every: list[Target]
) -> None:
    """Describe a drawn target, keep the words in its manifest entry and in
    ``descriptions.json`` (the words of ``every`` target of the build)."""
    manifest = read_manifest(figures)
    entry = manifest["targets"][target.name]
    entry["description"] = describe(deck, target, figures, entry)
    write_manifest(figures, manifest)
    write_descriptions(figures, descriptions(manifest, every))


def build(
    deck: DeckProject,
    figures: Path | None = None,
    only: Iterable[str] = (),
    force: bool = False,
    progress: bool = True,
    targets: Iterable[Target] | None = None,
) -> Iterator[tuple[Target, str]]:
    """Rebuild stale targets in declared order; yields each rebuilt target and why
    (a target whose words alone were written again, with a reason that starts with
    :data:`WORDS`).

    The manifest is rewritten after every target, so a later failure keeps earlier
    work. A failing target raises :class:`FigureBuildError` once the others have run.
    """
    from tqdm import tqdm

    figures = deck.figures if figures is None else figures
    every = deck.targets() if targets is None else list(targets)
    steps = plan(deck, figures, only, every)
    stale = {s.target.name: s.reason or "forced" for s in steps if force or s.reason}
    words = {s.target.name: s.words for s in steps if s.words and s.target.name not in stale}
    made_by = {out: s.target.name for s in steps for out in s.target.outputs}
    rebuilt: set[str] = set()
    failures = []
    bar = tqdm(total=len(stale), desc="figures", unit="target", disable=not progress or not stale)
    for step in steps:
        target = step.target
        reason = stale.get(target.name, "")
        if not reason and any(made_by.get(n) in rebuilt for n in target.needs):
            # an output it reads was just rebuilt: stale only if its content changed
            reason = staleness(deck, target, figures, read_manifest(figures))
        if not reason:
            if target.name in words:
                try:
                    _describe_into_manifest(deck, target, figures, every)
                except FigureBuildError as error:
                    failures.append(str(error))
                    continue
                yield target, WORDS + words[target.name]
            continue
        if target.name not in stale:  # made stale by an upstream rebuilt just now
            bar.total += 1
        bar.set_postfix_str(target.name)
        try:
            entry = run_target(deck, target, figures)
        except FigureBuildError as error:
            failures.append(str(error))
            continue
        finally:
            bar.update()
        manifest = read_manifest(figures)
        manifest["targets"][target.name] = entry
        write_manifest(figures, manifest)
        rebuilt.add(target.name)
        if target.describe:
            try:
                _describe_into_manifest(deck, target, figures, every)
            except FigureBuildError as error:
                failures.append(str(error))
        yield target, reason
    bar.close()
    if any(t.describe for t in every):
        write_descriptions(figures, descriptions(read_manifest(figures), every))
    if failures:
        raise FigureBuildError("\n".join(failures) + "\nprevious figures are intact")
