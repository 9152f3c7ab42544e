"""A deck as the toolkit sees it: its markdown, and the files its headmatter declares.

Every command is handed one :class:`DeckProject`, built by :func:`load` from the deck's
path; the toolkit asks it for the deck's slides, figure targets, prelude, demos, figure
folder and records, and imports nothing of any particular deck. A deck declares what
differs from the defaults under ``nlpdeck:`` in its headmatter (paths are relative to
the deck's folder)::

    nlpdeck:
      figures: image                  # figure outputs and their manifest.json
      targets: figures/targets.py     # the module whose TARGETS list the figure targets
      prelude: demos/prelude.py       # run in every kernel before any slide code
      demos: demos                    # live demos, exported to public/notebooks/
      records: recorded-outputs.json  # live blocks' outputs, shown where no kernel runs
      runners: [sql]                  # languages of the deck's own code runners
      lint: {warnings: error}         # lint settings and rule severities (nlpdeck.lint.config)
      kernel:                         # read by the addon: kernels on another Jupyter server
        url: https://gpu.example.org/ #   (its token file, and the deck's folder there)
        token_file: ~/.config/nlpdeck/gpu-token

The deck's own Python (figure drawing code, demos) is imported as a package named
after the deck's folder (``part2.figures.embeddings`` for ``slides/part2``), whatever
folder holds the deck, so two decks never share a module.

    >>> deck = load(resolve("slides/part2"))              # doctest: +SKIP
    >>> deck.figures, [t.name for t in deck.targets()][:1]  # doctest: +SKIP
    (PosixPath('…/slides/part2/image'), ['static-word'])
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import os
import re
import sys
import types
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nlpdeck import env
from nlpdeck.reader import Deck, read_deck, show_path

if TYPE_CHECKING:
    from nlpdeck.figures.target import Target

DECK_FILE = env.DECK_FILE
DEFAULTS = {
    "figures": "image",
    "targets": "figures/targets.py",
    "prelude": "demos/prelude.py",
    "demos": "demos",
    "records": "recorded-outputs.json",
}


class DeckNotFoundError(LookupError):
    """No deck at the path given, or no single deck to default to; says what to give."""


@dataclass(frozen=True)
class DeckProject:
    """One deck: its parsed slides and where its own files are."""

    deck: Deck
    figures: Path  # figure folder: outputs and manifest.json
    targets_file: Path  # declares TARGETS (may not exist: a deck without figures)
    prelude_file: Path  # may not exist
    demos_dir: Path  # may not exist
    records: Path  # recorded-outputs.json
    runners: tuple[str, ...] = ()  # languages of the deck's own code runners
    project: env.Project = field(default_factory=lambda: env.project())  # its Slidev project
    lint: dict[str, Any] = field(default_factory=dict)  # lint settings, read by nlpdeck.lint

    @property
    def path(self) -> Path:
        return self.deck.path

    @property
    def dir(self) -> Path:
        return self.deck.dir

    @property
    def name(self) -> str:
        return self.dir.name

    @property
    def lang(self) -> str:
        """Slidev's ``lang`` headmatter key (``en`` when absent)."""
        return str(self.deck.headmatter.get("lang") or "en")

    @property
    def prelude(self) -> Path | None:
        return self.prelude_file if self.prelude_file.is_file() else None

    @property
    def notebooks(self) -> Path:
        """Where the demos are exported as HTML: served by the deck at /notebooks/."""
        return self.dir / "public" / "notebooks"

    @property
    def package(self) -> str:
        """The name the deck's own Python is imported under (its folder, as an identifier)."""
        name = re.sub(r"\W", "_", self.name)
        return f"_{name}" if name[0].isdigit() else name

    @property
    def build_dir(self) -> Path:
        """The deck's records under its project's build/: ``build/slides/part2`` for
        ``slides/part2``; a deck outside its project's folder (given another project's
        config) is keyed by its folder's name and path, so two decks never share records."""
        where, root = self.dir.resolve(), self.project.root
        if where.is_relative_to(root):
            return self.project.build / where.relative_to(root)
        digest = hashlib.sha256(str(where).encode()).hexdigest()[:8]
        return self.project.build / "outside" / f"{self.name}-{digest}"

    def demo_files(self) -> list[Path]:
        """The deck's live demos, by name; the prelude is not a demo, nor is a module
        whose name starts with ``_`` (what the demos share, e.g. ``_shared.py``)."""
        if not self.demos_dir.is_dir():
            return []
        return sorted(
            p
            for p in self.demos_dir.glob("*.py")
            if p != self.prelude_file and not p.name.startswith("_")
        )

    def kernel_environ(self) -> dict[str, str]:
        """The environment of the deck's kernels: offline, working in the deck's folder,
        which is importable (``from demos.bank import *`` in the prelude)."""
        paths = [str(self.dir), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        return {**env.subprocess_environ(self.project), "PYTHONPATH": os.pathsep.join(paths)}

    def module(self, name: str) -> types.ModuleType:
        """A module of the deck's own Python, e.g. ``figures.embeddings``."""
        _register_package(self.package, self.dir)
        return importlib.import_module(f"{self.package}.{name}")

    def targets(self) -> list[Target]:
        """The deck's figure targets (none when it declares no targets file)."""
        return list(self._targets)

    @cached_property
    def _targets(self) -> tuple[Target, ...]:
        if not self.targets_file.is_file():
            return ()
        relative = self.targets_file.relative_to(self.dir).with_suffix("")
        return tuple(self.module(".".join(relative.parts)).TARGETS)

    def draw_module(self, target: Target) -> str:
        """The full module name of a target's drawing function (``draw`` names a module
        of the deck's figures package: ``"embedding_figures:draw_static"``)."""
        return self.figures_module(target.draw)

    def figures_module(self, function: str) -> str:
        """The full module name of ``"module:function"`` in the deck's figures package
        (a target's ``draw`` or ``describe``)."""
        _register_package(self.package, self.dir)  # so the module can be found, then imported
        package = ".".join(self.targets_file.relative_to(self.dir).parent.parts)
        return f"{self.package}.{package}.{function.partition(':')[0]}"


def _register_package(name: str, folder: Path) -> None:
    """Make ``folder`` importable as package ``name`` (a namespace, like a folder on
    sys.path), refusing a second deck folder under the same name."""
    known = sys.modules.get(name)
    if known is None:
        package = types.ModuleType(name)
        package.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=True)
        package.__spec__.submodule_search_locations = package.__path__ = [str(folder)]
        sys.modules[name] = package
        return
    places = [str(Path(p).resolve()) for p in getattr(known, "__path__", [])]
    if str(folder.resolve()) not in places:
        raise DeckNotFoundError(
            f"two decks are named {name!r} in one process ({', '.join(places)} and {folder}): "
            "run them one at a time"
        )


def load(path: str | Path) -> DeckProject:
    """The deck at ``path`` (its markdown file), with what its headmatter declares."""
    deck = read_deck(path)
    declared = deck.headmatter.get("nlpdeck")
    declared = declared if isinstance(declared, dict) else {}

    def place(key: str) -> Path:
        value = declared.get(key, DEFAULTS[key])
        return (deck.dir / str(value)).resolve()

    runners = declared.get("runners") or []
    lint = declared.get("lint")
    return DeckProject(
        deck=deck,
        figures=place("figures"),
        targets_file=place("targets"),
        prelude_file=place("prelude"),
        demos_dir=place("demos"),
        records=place("records"),
        runners=tuple(str(r) for r in runners) if isinstance(runners, list) else (),
        project=env.find_project(deck.dir),
        lint=dict(lint) if isinstance(lint, dict) else {},
    )


def repository_decks() -> list[Path]:
    """Every deck of the project in use (see :meth:`env.Project.decks`)."""
    return env.project().decks()


def resolve(given: str | Path | None) -> Path:
    """The deck file a command works on: ``given`` (a markdown file, or a deck's folder),
    or, when nothing is given, the one deck of the project in use."""
    if given is None or str(given) == "":
        decks = repository_decks()
        if len(decks) == 1:
            return decks[0]
        if not decks:
            raise DeckNotFoundError(
                f"no deck under {show_path(env.project().decks_dir)}/: "
                "start one with `nlpdeck new <folder>`"
            )
        listed = "\n".join(f"  DECK={show_path(d)}" for d in decks)
        raise DeckNotFoundError(f"{len(decks)} decks here; name one:\n{listed}")
    path = Path(given)
    if path.is_dir():
        path = path / DECK_FILE
    if not path.is_file():
        raise DeckNotFoundError(
            f"deck {given} not found: give a Slidev markdown file or a deck's folder, "
            "e.g. slides/<name>"
        )
    return path.resolve()


def find(given: str | Path | None) -> DeckProject:
    """:func:`load` of :func:`resolve`: what every command starts with."""
    return load(resolve(given))
