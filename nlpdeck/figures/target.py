"""What a figure target declares, and what its drawing function receives.

A drawing function only computes and draws into ``job.out``; the build decides when it
runs (by content hash of everything declared here) and moves its files into place. A
describing function reads the finished outputs and says in words what each picture
shows; it runs after the drawing, or alone when only its own code changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


class CorpusSource(Protocol):
    """A corpus as a target declares it (shared course content provides these): its
    name, a hash of the bytes it is read from, its loader and its documented size."""

    name: str
    documents: int

    def sha256(self) -> str: ...

    def load(self) -> Any: ...


@dataclass(frozen=True)
class Target:
    """One figure target: code, declared inputs, output files.

    ``draw``     ``"module:function"``, the module in the deck's figures package (the
                 folder of its targets file); it and every module of the project it
                 imports are hashed as code.
    ``outputs``  file names relative to the deck's figure folder (``image/``).
    ``models``   catalog roles or hub ids; their cached revision is an input.
    ``corpora``  :class:`CorpusSource` objects; the bytes they are read from are inputs.
    ``files``    data files, relative to the deck's folder (e.g. a sentence list).
    ``needs``    outputs of earlier targets this one reads (from the same figure folder).
    ``params``   plain JSON values handed to the drawing function.
    ``describe`` ``"module:function"`` like ``draw``: gets a :class:`Finished` and returns
                 ``{output: text}``, a sentence or two in the deck's language for each
                 picture, video or page the target draws, built from the data it draws.
                 Kept out of ``draw``'s code so editing the words redraws nothing.
    """

    name: str
    draw: str
    outputs: tuple[str, ...]
    models: tuple[str, ...] = ()
    corpora: tuple[CorpusSource, ...] = ()
    files: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    seed: int = 0
    about: str = ""
    describe: str = ""


@dataclass(frozen=True)
class Job:
    """What a drawing function gets: where to write, and its target's declared inputs."""

    target: Target
    out: Path  # a fresh folder; write exactly the target's outputs here
    figures: Path  # the figure folder, to read ``needs`` from
    deck: Path  # the deck's folder, to read ``files`` from

    @property
    def params(self) -> Mapping[str, Any]:
        return self.target.params

    @property
    def seed(self) -> int:
        return self.target.seed

    def output(self, name: str) -> Path:
        """Where to write one declared output."""
        if name not in self.target.outputs:
            raise KeyError(f"{name} is not an output of figure target {self.target.name}")
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def need(self, name: str) -> Path:
        """An earlier target's output this target declared in ``needs``."""
        if name not in self.target.needs:
            raise KeyError(f"{name} is not declared in needs= of figure target {self.target.name}")
        return self.figures / name

    def file(self, name: str) -> Path:
        """A data file this target declared in ``files`` (relative to the deck's folder)."""
        if name not in self.target.files:
            raise KeyError(f"{name} is not declared in files= of figure target {self.target.name}")
        return (self.deck / name).resolve()

    def model(self, name: str) -> str:
        """The hub id of a declared model (a catalog role or a hub id)."""
        from nlpdeck import models

        if name not in self.target.models:
            raise KeyError(f"{name} is not declared in models= of figure target {self.target.name}")
        entry = models.lookup(name)
        return entry.hub_id if entry else name


@dataclass(frozen=True)
class Finished:
    """What a describing function gets: its target's built outputs and inputs, to read."""

    target: Target
    figures: Path  # the figure folder, where outputs and ``needs`` are
    deck: Path  # the deck's folder, to read ``files`` from

    @property
    def params(self) -> Mapping[str, Any]:
        return self.target.params

    def output(self, name: str) -> Path:
        """One of the target's built outputs (e.g. the JSON its picture was drawn from)."""
        if name not in self.target.outputs:
            raise KeyError(f"{name} is not an output of figure target {self.target.name}")
        return self.figures / name

    def need(self, name: str) -> Path:
        """An earlier target's output this target declared in ``needs``."""
        if name not in self.target.needs:
            raise KeyError(f"{name} is not declared in needs= of figure target {self.target.name}")
        return self.figures / name

    def file(self, name: str) -> Path:
        """A data file this target declared in ``files`` (relative to the deck's folder)."""
        if name not in self.target.files:
            raise KeyError(f"{name} is not declared in files= of figure target {self.target.name}")
        return (self.deck / name).resolve()
