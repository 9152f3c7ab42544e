"""The pre-stage check: everything a deck needs, offline, in one table.

    $ nlpdeck doctor [DECK]   # exits 1 and says how to fix each missing piece

Each check returns a :class:`Finding`; a failed required check makes the exit code 1.
What is the deck's own (the corpora its figure targets read, its kernel prelude) comes
from the deck; the rest (packages, models, fonts, chromium) is the toolkit's.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from nlpdeck import models, project
from nlpdeck.project import DeckProject
from nlpdeck.reader import show_path


@dataclass(frozen=True)
class Finding:
    """One line of the doctor's table."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True

    @property
    def mark(self) -> str:
        return "ok" if self.ok else ("MISSING" if self.required else "optional")


ADDON_PACKAGE = "slidev-addon-nlpdeck"


def check_python(deck: DeckProject) -> Iterator[Finding]:
    """The interpreter, and every distribution nlpdeck requires at a version it accepts
    (the ``nlp`` extra's only where the deck's project names models)."""
    from packaging.requirements import Requirement

    yield Finding("python", sys.version_info[:2] == (3, 11), sys.version.split()[0], "")
    wrong: dict[str, list[str]] = {"": [], "nlp": []}
    for line in importlib.metadata.requires("nlpdeck") or []:
        wanted = Requirement(line)
        extra = "nlp" if wanted.marker and wanted.marker.evaluate({"extra": "nlp"}) else ""
        if wanted.marker and extra != "nlp" and not wanted.marker.evaluate({"extra": ""}):
            continue  # another extra (dev)
        try:
            have = importlib.metadata.version(wanted.name)
        except importlib.metadata.PackageNotFoundError:
            have = "absent"
        if have == "absent" or not wanted.specifier.contains(have, prereleases=True):
            wrong[extra].append(f"{wanted.name} {have} (want {wanted.specifier})")
    version = importlib.metadata.version("nlpdeck")
    fix = f"pip install 'nlpdeck=={version}'"
    detail = "; ".join(wrong[""]) or f"nlpdeck {version} and what it requires"
    yield Finding("python packages", not wrong[""], detail, fix)
    nlp = "; ".join(wrong["nlp"]) or "the NLP stack (torch, transformers, …)"
    needed = bool(models.catalog())
    fix = f"pip install 'nlpdeck[nlp]=={version}'"
    yield Finding("nlpdeck[nlp]", not wrong["nlp"], nlp, fix, needed)


def _installed(folder: Path) -> str:
    manifest = folder / "package.json"
    return str(json.loads(manifest.read_text())["version"]) if manifest.is_file() else "absent"


def check_node(deck: DeckProject) -> Iterator[Finding]:
    """The project's node_modules holds the Slidev its package.json pins, and the addon of
    this very nlpdeck version."""
    root = deck.project.root
    manifest = root / "package.json"
    where = f" in {show_path(root)}" if root.resolve() != Path.cwd().resolve() else ""
    if not manifest.is_file():
        yield Finding("node_modules", False, f"no package.json in {root}", f"npm init{where}")
        return
    declared = json.loads(manifest.read_text(encoding="utf-8"))
    pinned = {**declared.get("devDependencies", {}), **declared.get("dependencies", {})}
    want = pinned.get("@slidev/cli", "any")
    have = _installed(deck.project.node_modules / "@slidev" / "cli")
    ok = have != "absent" and (want == "any" or want.lstrip("^~=") == have or want[0] in "^~>")
    yield Finding("node_modules", ok, f"@slidev/cli {have} (want {want})", f"npm install{where}")
    version = importlib.metadata.version("nlpdeck")
    addon = _installed(deck.project.node_modules / ADDON_PACKAGE)
    detail = f"{ADDON_PACKAGE} {addon}, nlpdeck {version}"
    fix = f"npm install -D {ADDON_PACKAGE}@{version}{where} (or pip install 'nlpdeck=={addon}')"
    if addon == "absent":
        fix = f"nlpdeck init {show_path(root)}"
    yield Finding("addon version", addon == version, detail, fix)


def check_models(deck: DeckProject) -> Iterator[Finding]:
    """Every catalog model resolves in the local cache and loads offline."""
    for entry in models.catalog().values():
        name = f"model {entry.role}"
        try:
            found = models.require(entry.hub_id)
            from transformers import AutoConfig, AutoTokenizer

            config = AutoConfig.from_pretrained(entry.hub_id)
            AutoTokenizer.from_pretrained(entry.hub_id)
        except models.ModelNotCachedError as error:
            detail = f"{entry.hub_id}: not in the local cache {error.cache}"
            yield Finding(name, False, detail, entry.fix, entry.required)
            continue
        except Exception as error:  # any failure to load is the finding itself
            yield Finding(name, False, f"{entry.hub_id}: {error}", entry.fix, entry.required)
            continue
        detail = f"{entry.hub_id} @ {found.revision[:12]} ({config.model_type})"
        yield Finding(name, True, detail, required=entry.required)


def check_corpora(deck: DeckProject) -> Iterator[Finding]:
    """Each corpus the deck's figure targets read loads from its package with the
    documented number of documents."""
    sources = {c.name: c for t in deck.targets() for c in t.corpora}
    for name, source in sorted(sources.items()):
        try:
            count = len(source.load())
        except Exception as error:
            yield Finding(f"corpus {name}", False, str(error), "install the deck's requirements")
            continue
        want = source.documents
        yield Finding(f"corpus {name}", count == want, f"{count} documents (want {want})")


def check_font(deck: DeckProject) -> Iterator[Finding]:
    """matplotlib finds the figure style's font (a CJK font: Chinese labels are not tofu
    boxes)."""
    from matplotlib import font_manager

    from nlpdeck.figures.style import FONT

    try:
        path = font_manager.findfont(FONT, fallback_to_default=False)
    except ValueError:
        # matplotlib caches the font list once; fonts installed since need a rescan
        font_manager.fontManager = font_manager._load_fontmanager(  # type: ignore[attr-defined]
            try_read_cache=False
        )
        try:
            path = font_manager.findfont(FONT, fallback_to_default=False)
        except ValueError:
            fix = "apt-get install fonts-noto-cjk"
            yield Finding("CJK font", False, f"{FONT} not found", fix)
            return
    yield Finding("CJK font", True, f"{FONT}: {path}")


def check_chromium(deck: DeckProject) -> Iterator[Finding]:
    """Debian's chromium, for export and the browser tests."""
    exe = shutil.which("chromium")
    fix = "apt-get install chromium"
    if exe is None:
        yield Finding("chromium", False, "not on PATH", fix)
        return
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
    version = re.sub(r"\s+", " ", out.stdout).strip()
    yield Finding("chromium", out.returncode == 0, version or out.stderr.strip(), fix)


def check_kernel(deck: DeckProject) -> Iterator[Finding]:
    """The deck's kernel starts through the layer the slide check uses, runs the deck's
    prelude (offline, in a project that says so), and runs code."""
    from nlpdeck.kernel import DeckRunner

    code = "import os; assert os.environ['HF_HUB_OFFLINE'] == '1'" if deck.project.offline else ""
    started = time.perf_counter()
    try:
        with DeckRunner(deck) as runner:
            runner.execute_setup(code or "pass")
    except Exception as error:
        yield Finding(
            "jupyter kernel",
            False,
            f"did not start or run: {error}",
            "the packages above, then the deck's prelude (it runs first in every kernel)",
        )
        return
    seconds = time.perf_counter() - started
    prelude = "with its prelude " if deck.prelude else ""
    yield Finding("jupyter kernel", True, f"started {prelude}and ran a cell in {seconds:.1f} s")


CHECKS: list[Callable[[DeckProject], Iterator[Finding]]] = [
    check_python,
    check_node,
    check_models,
    check_corpora,
    check_font,
    check_chromium,
    check_kernel,
]


def run(deck: DeckProject) -> list[Finding]:
    """Every check, in order; a check that crashes is itself a finding."""
    findings: list[Finding] = []
    for check in CHECKS:
        try:
            findings += list(check(deck))
        except Exception as error:
            findings.append(Finding(check.__name__.removeprefix("check_"), False, repr(error)))
    return findings


def report(findings: list[Finding]) -> str:
    """The table a presenter reads, then what to do about each failure."""
    width = max(len(f.name) for f in findings)
    lines = [f"{f.mark:8}  {f.name:{width}}  {f.detail}" for f in findings]
    todo = [f for f in findings if not f.ok]
    if todo:
        lines += ["", "To fix:"]
        lines += [f"  {f.name}: {f.fix or 'see detail above'}" for f in todo]
    failed = [f for f in todo if f.required]
    lines.append("")
    lines.append(f"{len(failed)} missing" if failed else "ready to present")
    return "\n".join(lines)


def main(given: str | None = None) -> int:
    deck = project.find(given)
    findings = run(deck)
    print(f"deck {show_path(deck.path)}")
    print(report(findings))
    return 1 if any(not f.ok and f.required for f in findings) else 0
