"""The project a deck belongs to, and the environment every part of the toolkit runs in.

A deck's project is found as Slidev finds its user root: from the deck's folder up to
the first folder with a ``package.json``, or with a project config (``nlpdeck.toml``, or
a ``[tool.nlpdeck]`` table in ``pyproject.toml``). From its root come ``build/``,
``node_modules/.bin/slidev``, the model catalog and the model cache. The config says
what differs from the defaults (paths relative to the project root)::

    [tool.nlpdeck]
    catalog = "models/catalog.toml"   # model roles -> hub ids (this is the default)
    hf_home = ".cache/huggingface"    # a project-local Hugging Face cache
    offline = true                    # Hugging Face libraries use only that cache
    decks = "slides"                  # where the decks are (default: the whole project)

Without ``hf_home`` the Hugging Face cache is the standard one (``$HF_HOME``, else
``~/.cache/huggingface``). Hugging Face libraries read ``HF_HOME`` and
``HF_HUB_OFFLINE`` when they are first imported, so :func:`activate` must run before
``transformers`` or ``sentence_transformers`` is imported; kernels and subprocesses get
the same variables from :func:`subprocess_environ`.

    >>> from nlpdeck import env
    >>> project = env.activate(env.find_project("slides/part2"))  # before any HF import
    >>> project.hf_home.name
    'huggingface'
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

CONFIG_FILE = "nlpdeck.toml"
DECK_FILE = "slides.md"
SKIPPED = {"node_modules", "build", "dist", "__pycache__"}
"""Folders no deck lives in (besides hidden ones), left out of :meth:`Project.decks`."""


class ProjectConfigError(ValueError):
    """A project config that cannot be read; the message names the file and the fix."""


@dataclass(frozen=True)
class Project:
    """A presenter's Slidev project: its root folder and its nlpdeck config."""

    root: Path
    config: Mapping[str, Any] = field(default_factory=dict)
    config_file: Path | None = None  # where the config was read, if anywhere

    def _path(self, key: str, default: str | None) -> Path | None:
        value = self.config.get(key, default)
        return None if value is None else (self.root / str(value)).resolve()

    @property
    def build(self) -> Path:
        """Where the toolkit keeps what it makes for the project's decks."""
        return self.root / "build"

    @property
    def node_modules(self) -> Path:
        return self.root / "node_modules"

    @property
    def slidev(self) -> Path:
        return self.node_modules / ".bin" / "slidev"

    @property
    def catalog(self) -> Path:
        """The model catalog (it need not exist: a project without models)."""
        found = self._path("catalog", "models/catalog.toml")
        assert found is not None
        return found

    @property
    def hf_home(self) -> Path | None:
        """The project-local Hugging Face cache, or None: the standard one.
        ``NLPDECK_HF_HOME`` moves it (tests, doctor)."""
        moved = os.environ.get("NLPDECK_HF_HOME")
        return Path(moved) if moved else self._path("hf_home", None)

    @property
    def offline(self) -> bool:
        return bool(self.config.get("offline", False))

    def environ(self) -> dict[str, str]:
        """What Hugging Face libraries and kernels of this project must see."""
        found = {
            "HF_HUB_DISABLE_TELEMETRY": "1",
            # Tokenizers' thread pool warns (and can deadlock) after a fork, as kernels do.
            "TOKENIZERS_PARALLELISM": "false",
        }
        if self.hf_home is not None:
            found["HF_HOME"] = str(self.hf_home)
        if self.offline:
            found.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_DATASETS_OFFLINE="1")
        return found

    @property
    def decks_dir(self) -> Path:
        found = self._path("decks", ".")
        assert found is not None
        return found

    def decks(self) -> list[Path]:
        """Every deck of the project: each ``slides.md`` in its decks' folder."""
        return sorted(_walk(self.decks_dir))


def _walk(folder: Path) -> Iterator[Path]:
    for here, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if f not in SKIPPED and not f.startswith(".")]
        if DECK_FILE in files:
            yield (Path(here) / DECK_FILE).resolve()


def read_config(folder: Path) -> tuple[dict[str, Any], Path] | None:
    """The project config in ``folder`` (``nlpdeck.toml``, else ``[tool.nlpdeck]``)."""
    own, pyproject = folder / CONFIG_FILE, folder / "pyproject.toml"
    for path in (own, pyproject):
        if not path.is_file():
            continue
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ProjectConfigError(f"{path}: not valid TOML ({error}): fix it") from None
        if path == own:
            return table, path
        if "nlpdeck" in table.get("tool", {}):
            return dict(table["tool"]["nlpdeck"]), path
    return None


@cache
def _find(folder: Path) -> Project:
    for place in [folder, *folder.parents]:
        config = read_config(place)
        if config is not None:
            return Project(place, *config)
        if (place / "package.json").is_file():
            return Project(place)
    return Project(folder)  # no project around: the deck's own folder stands for one


def find_project(start: str | Path) -> Project:
    """The project holding ``start`` (a deck file or any folder inside the project)."""
    path = Path(start).resolve()
    return _find(path if path.is_dir() or not path.exists() else path.parent)


_active: Project | None = None


def activate(project: Project | None = None) -> Project:
    """Put the project's variables into ``os.environ`` (idempotent) and make it the one
    :func:`project` answers; without one, the project of the working folder."""
    global _active
    _active = project or find_project(Path.cwd())
    os.environ.update(_active.environ())
    return _active


def project() -> Project:
    """The activated project, else the one holding the working folder."""
    return _active or find_project(Path.cwd())


def hf_home(of: Project | None = None) -> Path:
    """The Hugging Face cache the project's code uses."""
    local = (of or project()).hf_home
    if local is not None:
        return local
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "huggingface"


def subprocess_environ(of: Project | None = None) -> dict[str, str]:
    """This process's environment with the project's variables: what subprocesses get."""
    return {**os.environ, **(of or project()).environ()}


def __getattr__(name: str) -> Path:
    # ``env.ROOT``: the root of the project in use (tests and scripts of a project)
    if name == "ROOT":
        return project().root
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
