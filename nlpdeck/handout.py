"""Take-home notebooks: a deck's code as Jupyter notebooks a participant downloads from
the deck and runs at home, with nothing of this project installed.

``make handout`` (and ``make demos``, ``make present``, ``make export``) writes into the
deck's ``public/notebooks/``, served by the deck at ``/notebooks/``:

- ``<demo>.ipynb`` for each live demo, beside its ``<demo>.html`` page;
- ``<deck>.ipynb`` (``slides.ipynb`` for ``slides.md``): the code of every slide in slide
  order, slide titles as headings, magic-move's final step, ``<<<`` snippets expanded,
  after the deck's prelude.

A notebook stands alone. The project's own modules it imports (a demo's shared helpers,
course code) are inlined as cells before the code that uses them; an import of the
toolkit itself is an error unless it is optional (inside ``try: ... except
ImportError:``). Each notebook is executed once, in a fresh kernel in an empty folder,
offline: the outputs it carries are real, and what it needs is what it used. Its first
cells say so and install it: the distributions its code imports or reads data files of
(pinned to the versions it ran with), and the models it
names by hub id, with, for a model this project made, where its files are and a cell
that puts them into the Hugging Face cache.

    >>> written = write(deck)                                  # doctest: +SKIP
    >>> [p.name for p in written]                              # doctest: +SKIP
    ['bank.ipynb', 'bank.html', ..., 'slides.ipynb']
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import re
import sys
import sysconfig
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.machinery import ModuleSpec, PathFinder
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager
from nbclient import NotebookClient
from nbformat import NotebookNode
from packaging.requirements import Requirement
from packaging.version import Version

from nlpdeck import demos, env, kernel, models, recorded
from nlpdeck.files import write_atomic
from nlpdeck.project import DeckProject
from nlpdeck.reader import CodeBlock, show_path

TOOLKIT = "nlpdeck"
KEY = "nlpdeck_handout"  # notebook metadata: the content key of the unexecuted notebook
PROBE = "nlpdeck_probe"  # cell metadata: a cell of ours around the execution, removed after


class HandoutError(RuntimeError):
    """A notebook cannot stand alone: says which file and line, and what to change."""


# --- inlining the project's own modules -------------------------------------------------


def _installed_roots() -> tuple[Path, ...]:
    paths = sysconfig.get_paths()
    return tuple(Path(paths[k]).resolve() for k in ("stdlib", "platstdlib", "purelib", "platlib"))


@dataclass(frozen=True)
class LocalModule:
    """A module of the project (not installed, not the standard library) that code imports."""

    name: str
    path: Path


def _find_spec(name: str, search: list[str]) -> ModuleSpec | None:
    """Where ``name`` would be imported from, first on ``search``, without importing
    anything (``importlib.util.find_spec`` imports a submodule's parents)."""
    top, *rest = name.split(".")
    spec = PathFinder.find_spec(top, search)
    for finder in sys.meta_path if spec is None else ():
        find = getattr(finder, "find_spec", None)
        spec = find(top, None) if find is not None else None
        if spec is not None:
            break
    for depth in range(1, len(rest) + 1):
        if spec is None or not spec.submodule_search_locations:
            return None
        spec = PathFinder.find_spec(
            ".".join([top, *rest[:depth]]), list(spec.submodule_search_locations)
        )
    return spec


def _local(name: str, search: list[str]) -> LocalModule | None:
    """``name`` as a module of the project, found on ``search`` (the deck's folder) and
    ``sys.path``; None for installed and standard modules."""
    spec = _find_spec(name, search)
    if spec is None or not spec.origin or not spec.has_location:
        return None
    origin = Path(spec.origin).resolve()
    if origin.is_relative_to(Path(sys.prefix).resolve()) or any(
        origin.is_relative_to(root) for root in _installed_roots()
    ):
        return None
    return LocalModule(name, origin)


def _optional(tree: ast.Module) -> set[int]:
    """Line numbers of imports inside ``try: ... except ImportError``: code that runs
    without them."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
            for h in node.handlers
        ):
            for inner in node.body:
                lines |= {
                    n.lineno for n in ast.walk(inner) if isinstance(n, ast.Import | ast.ImportFrom)
                }
    return lines


@dataclass
class Inliner:
    """Rewrites code so it needs none of the project's own modules: their imports are
    removed and the modules become cells, each once, before the first code that needs it."""

    search: list[str]  # where the project's modules are found: the deck's folder
    cells: list[NotebookNode] = field(default_factory=list)  # the modules, in order
    done: set[Path] = field(default_factory=set)

    def code(self, source: str, where: str) -> str:
        """``source`` (shown in errors as ``where``) with the project's imports inlined."""
        tree = ast.parse(source)
        optional = _optional(tree)
        lines = source.splitlines()
        drop: list[tuple[int, int, str]] = []  # (first, last) line of an import, what replaces it
        for node in tree.body:
            if not isinstance(node, ast.Import | ast.ImportFrom) or node.lineno in optional:
                continue
            replacement = self._import(node, f"{where}:{node.lineno}")
            if replacement is not None:
                drop.append((node.lineno, node.end_lineno or node.lineno, replacement))
        for first, last, replacement in reversed(drop):
            lines[first - 1 : last] = [replacement] if replacement else []
        return "\n".join(lines).strip("\n")

    def _import(self, node: ast.Import | ast.ImportFrom, where: str) -> str | None:
        """What replaces an import of the project's code ("" or aliases); None: keep it."""
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == TOOLKIT:
                    raise self._toolkit(where)
                if _local(alias.name, self.search):
                    raise HandoutError(
                        f"{where}: `import {alias.name}` imports the project's own module as a "
                        f"name, which a notebook cannot inline; write `from {alias.name} import …`"
                    )
            return None
        if node.level or not node.module:
            raise HandoutError(f"{where}: a relative import cannot stand alone in a notebook")
        if node.module.split(".")[0] == TOOLKIT:
            raise self._toolkit(where)
        module = _local(node.module, self.search)
        if module is None:
            return None
        self._add(module)
        aliases = [f"{a.asname} = {a.name}" for a in node.names if a.asname and a.name != "*"]
        return "\n".join(aliases)

    @staticmethod
    def _toolkit(where: str) -> HandoutError:
        return HandoutError(
            f"{where}: imports {TOOLKIT}, which a participant does not have; make the import "
            "optional (try: … except ImportError:) or move what it gives into the deck's code"
        )

    def _add(self, module: LocalModule) -> None:
        """The module's cells: its percent cells if it is written as a notebook (a demo),
        else its whole text; headings demoted below the notebook's own."""
        if module.path in self.done:
            return
        self.done.add(module.path)
        where = show_path(module.path)
        pending, cells = self.take(), []
        for cell in demos.notebook(module.path).cells:
            if cell.cell_type == "code":
                cell.source = self.code(cell.source, where)
                cells += self.take()
            else:
                cell.source = re.sub(r"(?m)^(#+) ", r"##\1 ", cell.source)
            cells.append(cell)
        intro = f"The project's module `{module.name}` (`{module.path.name}`), inlined:"
        self.cells = [*pending, nbformat.v4.new_markdown_cell(intro), *cells]

    def take(self) -> list[NotebookNode]:
        """The module cells added since the last call."""
        cells, self.cells = self.cells, []
        return cells


# --- what a notebook needs --------------------------------------------------------------


@cache
def _distributions_of() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def imported_distributions(code: str) -> set[str]:
    """Installed distributions whose modules ``code`` imports (anywhere in it; a notebook's
    IPython syntax, such as its ``%pip install`` cell, read as IPython reads it)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(TransformerManager().transform_cell(code))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    found = {_canonical(d) for n in names for d in _distributions_of().get(n, [])}
    return found - {TOOLKIT}


def read_distributions(paths: Iterable[str]) -> set[str]:
    """Installed distributions that own any of ``paths`` (data files the code read)."""
    roots = [Path(p).resolve() for p in (sysconfig.get_paths()[k] for k in ("purelib", "platlib"))]
    found: set[str] = set()
    for raw in paths:
        path = Path(raw)
        for root in roots:
            if path.is_relative_to(root):
                top = path.relative_to(root).parts[0].removesuffix(".py")
                found |= {_canonical(d) for d in _distributions_of().get(top, [])}
    return found - {TOOLKIT}


def _requirements(name: str) -> list[Requirement]:
    try:
        return [Requirement(line) for line in importlib.metadata.requires(name) or []]
    except importlib.metadata.PackageNotFoundError:
        return []


def _installed_with(used: set[str]) -> set[str]:
    """``used`` and everything pip installs with them (requirements outside extras)."""
    seen: set[str] = set()
    todo = list(used)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += [
            _canonical(r.name)
            for r in _requirements(name)
            if r.marker is None or r.marker.evaluate({"extra": ""})
        ]
    return seen


def backend_distributions(used: set[str], loaded: Iterable[str]) -> set[str]:
    """Distributions that ``used`` ones ran on through an extra, among the top-level
    modules the run ``loaded`` and not installed with them anyway: transformers' pipeline
    runs on torch, which transformers names only in its ``torch`` extra."""
    ran = {_canonical(d) for name in loaded for d in _distributions_of().get(name, [])}
    extras = {
        _canonical(r.name)
        for name in used
        for r in _requirements(name)
        if r.marker is not None and not r.marker.evaluate({"extra": ""})
    }
    return (extras & ran) - _installed_with(used) - {TOOLKIT}


def pinned(used: set[str]) -> list[str]:
    """``name==version`` for each distribution, as the notebook ran with it (its public
    version: ``torch==2.13.0``, not the local build ``2.13.0+cpu`` that PyPI lacks)."""
    return sorted(f"{name}=={Version(importlib.metadata.version(name)).public}" for name in used)


ADD_TO_CACHE = '''\
import hashlib, shutil
from pathlib import Path
from huggingface_hub import try_to_load_from_cache
from huggingface_hub.constants import HF_HUB_CACHE


def add_to_cache(folder: str, hub_id: str) -> None:
    """Put a model's files into the Hugging Face cache under its hub id (once)."""
    if isinstance(try_to_load_from_cache(hub_id, "config.json"), str):
        return  # already there
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file())
    if not files:
        raise FileNotFoundError(f"no model files in {folder}: download them first (see above)")
    revision = hashlib.sha1(b"".join(p.read_bytes() for p in files)).hexdigest()
    repo = Path(HF_HUB_CACHE) / ("models--" + hub_id.replace("/", "--"))
    for p in files:
        target = repo / "snapshots" / revision / p.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, target)
    (repo / "refs").mkdir(exist_ok=True)
    (repo / "refs" / "main").write_text(revision)  # no newline: the Hub's lookups need that
'''


def setup_cells(packages: list[str], hub_ids: list[str]) -> list[NotebookNode]:
    """The notebook's first cells: what it needs, and the cells that install it."""
    entries = {e.hub_id: e for e in models.catalog().values()}
    made_here = [entries[h] for h in hub_ids if h in entries and entries[h].kind == "repo"]
    from_hub = [h for h in hub_ids if h not in {e.hub_id for e in made_here}]
    lines = [
        "**What this notebook needs.** Python 3.11 and these packages, pinned to the versions "
        "it was run with (the next cell installs them; run it once):",
        "",
        *(f"- `{p}`" for p in packages),
    ]
    if from_hub:
        lines += [
            "",
            "Models, loaded by their Hugging Face hub id (downloaded on first use, then cached):",
            "",
            *(f"- `{h}`" for h in from_hub),
        ]
    for entry in made_here:
        folder = entry.source.partition(":")[2]
        lines += [
            "",
            f"`{entry.hub_id}` is a model this project made ({entry.about}); it is not on the "
            f"Hub. Its files are the folder `{folder}` of the project's repository: put that "
            f"folder beside this notebook as `{Path(folder).name}/`, and the cell after the "
            "install puts it into your Hugging Face cache, so the code loads it by its hub id.",
        ]
    cells = [
        nbformat.v4.new_markdown_cell("\n".join(lines)),
        nbformat.v4.new_code_cell("%pip install --quiet " + " ".join(packages)),
    ]
    if made_here:
        calls = "\n".join(
            f"add_to_cache({Path(e.source.partition(':')[2]).name!r}, {e.hub_id!r})"
            for e in made_here
        )
        cells.append(nbformat.v4.new_code_cell(ADD_TO_CACHE + "\n\n" + calls))
    return cells


# --- the notebooks ----------------------------------------------------------------------


def demo_notebook(path: Path, deck: DeckProject) -> NotebookNode:
    """A demo with the project's modules it imports inlined (setup cells come after it runs)."""
    book = demos.notebook(path)
    inliner = Inliner([str(deck.dir)])
    cells: list[NotebookNode] = []
    for cell in book.cells:
        if cell.cell_type == "code":
            cell.source = inliner.code(cell.source, show_path(path))
            cells += inliner.take()
        cells.append(cell)
    book.cells = cells
    return book


def _final_steps(blocks: list[CodeBlock]) -> list[CodeBlock]:
    """Each block once: a magic-move by its final step (steps follow each other, 1, 2, …)."""
    kept: list[CodeBlock] = []
    for block in blocks:
        previous = kept[-1] if kept else None
        if (
            block.step is not None
            and block.step > 1
            and previous is not None
            and previous.slide == block.slide
            and previous.step == block.step - 1
        ):
            kept[-1] = block
        else:
            kept.append(block)
    return kept


def deck_notebook(deck: DeckProject) -> NotebookNode:
    """The code of every slide in slide order, after the deck's prelude, with the live
    blocks' recorded outputs."""
    title = str(deck.deck.headmatter.get("title") or deck.name)
    cells = [
        nbformat.v4.new_markdown_cell(
            f"# {title}\n\nThe code of the slides, in slide order. Run it top to bottom."
        )
    ]
    inliner = Inliner([str(deck.dir)])
    if deck.prelude is not None:
        code = inliner.code(deck.prelude.read_text(encoding="utf-8"), show_path(deck.prelude))
        cells.append(
            nbformat.v4.new_markdown_cell(
                "## Set-up\n\nWhat every slide's code assumes: the deck's prelude "
                f"(`{deck.prelude.relative_to(deck.dir).as_posix()}`) and the demos it loads."
            )
        )
        cells += inliner.take()
        if code.strip() and not _only_docstring(code):
            cells.append(nbformat.v4.new_code_cell(code))
    records = recorded.load(deck.records)
    titles = {s.number: s.title for s in deck.deck.slides}
    slide = 0
    for block in _final_steps(kernel.python_blocks(deck.deck)):
        if block.slide != slide:
            slide = block.slide
            heading = titles.get(slide) or ""
            cells.append(nbformat.v4.new_markdown_cell(f"## Slide {slide}. {heading}".rstrip(". ")))
        code = inliner.code(block.code, block.where)
        cells += inliner.take()
        cell = nbformat.v4.new_code_cell(code, metadata={"nlpdeck": {"slide": block.slide}})
        if block.directive.raises:
            cell.metadata["tags"] = ["raises-exception"]  # the slide shows the error
        elif block.directive.skip or kernel.missing_models(block):
            cell.metadata["tags"] = ["skip-execution"]  # as the slide-code check skips it
        entry = records.get(recorded.key(block.code))
        if entry is not None:
            cell.outputs = [_output(o) for o in entry["outputs"]]
        cells.append(cell)
    book = nbformat.v4.new_notebook(cells=cells)
    book.metadata["kernelspec"] = dict(demos.KERNELSPEC)
    return book


def _output(recorded_output: dict[str, object]) -> NotebookNode:
    """A recorded output as a notebook holds it (records drop execution counts)."""
    output = nbformat.from_dict(recorded_output)
    if output.output_type == "execute_result":
        output.execution_count = None
    return output


def _only_docstring(code: str) -> bool:
    body = ast.parse(code).body
    return all(isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) for n in body)


# --- running a notebook alone -----------------------------------------------------------

_PROBE_START = """\
import sys as _s, sysconfig as _c


class _OnlyInstalled:
    \"\"\"Refuse the project's own modules (not installed, not standard): a participant
    has none of them.\"\"\"

    roots = (_s.prefix, *{_c.get_paths()[k] for k in ("stdlib", "platstdlib")})

    def find_spec(self, name, path=None, target=None):
        if "." in name:
            return None
        for finder in _s.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.has_location and spec.origin and not spec.origin.startswith(self.roots):
                    raise ModuleNotFoundError(
                        f"No module named {name!r}: the project's own, not in the notebook"
                    )
                return None
        return None


_s.meta_path.insert(0, _OnlyInstalled())
_STANDARD = ("<frozen", *_OnlyInstalled.roots[1:])
_nlpdeck_read = set()


def _nlpdeck_audit(event, args):
    # files the notebook's own code opens (the first caller outside the standard
    # library is a cell, and no import is under way): data it reads from packages
    if event != "open" or not isinstance(args[0], str):
        return
    frame = _s._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_STANDARD):
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return
        frame = frame.f_back
    if frame is not None and not frame.f_code.co_filename.startswith(_OnlyInstalled.roots):
        _nlpdeck_read.add(args[0])


_s.addaudithook(_nlpdeck_audit)
"""
_PROBE_END = """\
import json as _j

_loaded = sorted({m.split(".")[0] for m in _s.modules})
print(_j.dumps({"read": sorted(_nlpdeck_read), "loaded": _loaded}))
"""


def _probe(source: str) -> NotebookNode:
    return nbformat.v4.new_code_cell(source, metadata={PROBE: True})


def execute_alone(book: NotebookNode, timeout: int = 900) -> tuple[NotebookNode, set[str]]:
    """Run the notebook top to bottom in a fresh kernel in an empty folder, offline, with
    nothing of the project importable; returns it with its outputs, and the installed
    distributions it needs beyond those its code imports: whose data files its own code
    read, and the backends its packages loaded through an extra. Raises nbclient's
    CellExecutionError, naming the cell, if one fails."""
    book.cells = [_probe(_PROBE_START), *book.cells, _probe(_PROBE_END)]
    environ = {k: v for k, v in env.subprocess_environ().items() if k != "PYTHONPATH"}
    with tempfile.TemporaryDirectory(prefix="nlpdeck-handout-") as folder:
        client = NotebookClient(
            book,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": folder}},
            config=kernel.ipc_config(folder),
        )
        client.execute(env=environ)
    end = book.cells[-1]
    ran = json.loads("".join(o.get("text", "") for o in end.outputs if o.output_type == "stream"))
    book.cells = [c for c in book.cells if not c.metadata.get(PROBE)]
    read = read_distributions(ran["read"])
    code = "\n".join(c.source for c in book.cells if c.cell_type == "code")
    return book, read | backend_distributions(imported_distributions(code) | read, ran["loaded"])


def finish(book: NotebookNode, read: set[str]) -> NotebookNode:
    """The executed notebook with its setup cells first (after its title, if it has one):
    what it imports, what its run needed beside (``read``: see execute_alone), the models
    it names."""
    code = "\n".join(c.source for c in book.cells if c.cell_type == "code")
    used = imported_distributions(code) | read
    hub_ids = kernel.named_models(code)
    at = 1 if book.cells and book.cells[0].cell_type == "markdown" else 0
    book.cells[at:at] = setup_cells(pinned(used), hub_ids)
    nbformat.validate(book)
    return book


def content_key(book: NotebookNode) -> str:
    """What the notebook is made of, before it runs: an executed notebook is current while
    this matches."""
    cells = [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in book.cells]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


def _current(target: Path, key: str) -> bool:
    if not target.is_file():
        return False
    try:
        return nbformat.read(target, as_version=4).metadata.get(KEY) == key
    except (ValueError, OSError):
        return False


def build(book: NotebookNode, target: Path, html: bool, force: bool = False) -> list[Path]:
    """Execute ``book`` alone and write it to ``target`` (and its HTML beside it), unless
    the one there was made from the same cells. Returns what was written."""
    key = content_key(book)
    page = target.with_suffix(".html")
    if not force and _current(target, key) and (page.is_file() or not html):
        return []
    executed, used = execute_alone(book)
    done = finish(executed, used)
    done.metadata[KEY] = key
    write_atomic(target, nbformat.writes(done))
    if not html:
        return [target]
    write_atomic(page, demos.to_html(done))
    return [target, page]


def write(deck: DeckProject, force: bool = False) -> list[Path]:
    """Every take-home notebook of the deck whose code changed (all with ``force``)."""
    written: list[Path] = []
    for path in deck.demo_files():
        target = deck.notebooks / f"{path.stem}.ipynb"
        written += build(demo_notebook(path, deck), target, html=True, force=force)
    if kernel.python_blocks(deck.deck):
        target = deck.notebooks / f"{deck.path.stem}.ipynb"
        written += build(deck_notebook(deck), target, html=False, force=force)
    return written
