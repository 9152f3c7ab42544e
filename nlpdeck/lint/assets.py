"""Images, videos and iframes a slide shows, found where Slidev finds them; and the
pictures the deck's figure targets make.

Slidev 52 serves the deck's folder (its user root, Vite's ``root``) with ``public/``
(Vite's ``publicDir``) in front (``packages/slidev/node/commands/shared.ts``,
``vite/extendConfig.ts``): ``/image/x.png`` is ``public/image/x.png`` when that exists,
else ``image/x.png`` beside the deck; ``./x`` and ``../x`` are relative to the markdown
file that names them. What the dev server serves is not all a build has:

- Vue compiles ``<img>``, ``<video>`` and ``<source>`` (a markdown image too) into
  imports, so ``slidev build`` bundles the file, from public/ or the deck's folder; a
  path that is neither ``./``-relative nor root-absolute (``image/x.png``) is then read
  as a package name, and so is ``@/x.png`` (Slidev's ``@/`` is for ``<<<`` snippets,
  addons and themes, no Vite alias): the build fails to resolve it.
- A frontmatter picture or an ``<iframe>``/``<audio>`` is a plain URL: the build copies
  only public/, so a file beside the deck is missing from it (the nlpdeck addon
  writes the pages of the figure folder into the build itself).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from nlpdeck import addons
from nlpdeck.figures.target import Target
from nlpdeck.lint.finding import Finding
from nlpdeck.project import DeckProject
from nlpdeck.reader import Asset, Deck, show_path

PENDING_FILE = "figures-pending.txt"
MEDIA = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".mp4", ".webm"})
"""Figure outputs with these suffixes are pictures for slides, so some slide must show
each one; other outputs (``.json``, ``.html``, ``.js``) are data that tests, pages or
components read, and may go unreferenced."""


def pending_figures(deck: Deck) -> set[str]:
    """File names listed in the deck's figures-pending.txt: figures no target builds yet."""
    listing = deck.dir / PENDING_FILE
    if not listing.exists():
        return set()
    lines = listing.read_text(encoding="utf-8", errors="replace").split("\n")
    return {ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")}


def assets(project: DeckProject, targets: list[Target] | None = None) -> Iterator[Finding]:
    """Images, videos and iframes that are missing, fetched from the web, or (when the
    deck keeps to figure targets) found in the figure folder though no target makes them.

    A missing file named in figures-pending.txt is a *pending* finding; a listed file
    that now exists is a finding too, so the list only ever shrinks to empty."""
    pending = pending_figures(project.deck)
    deck = project.deck
    pages = any(  # the nlpdeck addon serves and builds the figure folder's pages
        addons.manifest(folder).get("name") == ADDON
        for folder in addons.enabled(deck.headmatter, deck.dir).values()
        if folder is not None
    )
    made = {
        out: t.name
        for t in (project.targets() if targets is None else targets)
        for out in t.outputs
    }
    for slide in project.deck.slides:
        for asset in slide.assets:
            problem = _asset_problem(asset, project, pending, made, pages)
            if problem:
                rule, message, listed = problem
                yield Finding(asset.path, asset.line, slide.number, message, rule, pending=listed)


def _asset_problem(
    asset: Asset, project: DeckProject, pending: set[str], made: dict[str, str], pages: bool
) -> tuple[str, str, str | None] | None:
    """What is wrong with one asset: the rule, the message, and the pending file name
    that excuses it, if any."""
    if RE_REMOTE.match(asset.url):
        message = "is fetched from the internet when the deck is shown: make it a local file"
        return "remote-asset", f"{asset.kind} {asset.url} {message}", None
    if asset.url.startswith("data:"):
        return None
    url = asset.url
    if asset.kind in BUNDLED and (url.startswith("@/") or not RE_PATH.match(url)):
        fix = f"/{url[2:]}" if url.startswith("@/") else f"./{url}"
        message = (
            f"{asset.kind} {url}: `slidev build` reads it as the name of a package and fails "
            f"to resolve it (a picture's path starts with ./, ../ or /): write {fix}"
        )
        return "asset-path", message, None
    places = candidates(asset, project)
    target = next((p for p in places if p.exists()), places[-1])
    listed = target.name in pending
    figures = project.figures
    figure = target.relative_to(figures).as_posix() if target.is_relative_to(figures) else None
    if not target.exists():
        if figure in made:
            fix = f"run `make figures` (figure target {made[figure]} makes it)"
        else:
            fix = "fix the path"
        looked = " or ".join(show_path(p) for p in places)
        message = f"{asset.kind} {asset.url} not found (looked for {looked}): {fix}"
        return "missing-file", message, target.name if listed else None
    if listed:
        return "figures-pending", f"{target.name} exists now: remove it from {PENDING_FILE}", None
    public = project.dir.resolve() / "public"
    page = pages and figure is not None and target.suffix in PAGES
    if url.startswith("/") and asset.kind not in BUNDLED and not page:
        if not target.is_relative_to(public):
            inside = show_path(public / url.lstrip("/"))
            message = (
                f"{asset.kind} {url} is served by the dev server from the deck's folder, but "
                f"`slidev build` copies only public/ for a URL it does not bundle: move it to "
                f"{inside}"
            )
            return "not-in-build", message, None
    if figure is not None and figure not in made:
        message = (
            f"is in the figure folder but no figure target makes it: declare one in "
            f"{show_path(project.targets_file)} (every figure is made by the project, none "
            "is copied in)"
        )
        return "figure-untracked", f"{asset.kind} {asset.url} {message}", None
    return None


RE_REMOTE = re.compile(r"^(https?:)?//", re.I)
RE_PATH = re.compile(r"^(\.{1,2}/|/)")
BUNDLED = frozenset({"img", "video", "source", "markdown-image"})
"""Kinds of asset Vue makes an import of (its ``transformAssetUrls``), so Vite bundles."""
ADDON = "slidev-addon-nlpdeck"
PAGES = frozenset({".html", ".js", ".css"})
"""Files of the figure folder the nlpdeck addon serves and builds at their own URL."""


def candidates(asset: Asset, project: DeckProject) -> list[Path]:
    """Where Slidev looks for the file, in order (see the module's docstring). A URL is
    a path once decoded (``a%20b.png`` is ``a b.png``, as the server reads the request)."""
    url = unquote(asset.url.split("#")[0].split("?")[0])
    if not url.startswith("/"):
        return [(asset.path.parent / url).resolve()]
    inside = url.lstrip("/")
    return [(project.dir / "public" / inside).resolve(), (project.dir / inside).resolve()]


def resolve_asset(asset: Asset, project: DeckProject) -> Path:
    """The file Slidev shows for the asset (the first place it looks, when none exists)."""
    places = candidates(asset, project)
    return next((p for p in places if p.exists()), places[0])


def described_figures(project: DeckProject) -> dict[str, str]:
    """The words of each described figure (``descriptions.json`` of the figure build)."""
    from nlpdeck.figures.build import DESCRIPTIONS

    try:
        found = json.loads((project.figures / DESCRIPTIONS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def missing_alt(project: DeckProject) -> Iterator[Finding]:
    """Images (``<img>``, markdown images) with no alt text, unless the picture is a
    figure its target describes and the nlpdeck addon, which puts the words in as the
    alt, is on. An explicit ``alt=""`` marks a picture as decoration, as in HTML."""
    deck = project.deck
    addon = any(
        addons.manifest(folder).get("name") == ADDON
        for folder in addons.enabled(deck.headmatter, deck.dir).values()
        if folder is not None
    )
    described = described_figures(project) if addon else {}
    made = {out: t.name for t in project.targets() for out in t.outputs}
    figures = project.figures.resolve()
    for slide in deck.slides:
        for asset in slide.assets:
            if asset.kind not in ("img", "markdown-image") or asset.alt is not None:
                continue
            if RE_REMOTE.match(asset.url) or asset.url.startswith("data:"):
                name = None
            else:
                target = resolve_asset(asset, project)
                name = (
                    target.relative_to(figures).as_posix()
                    if target.is_relative_to(figures)
                    else None
                )
            if name is not None and described.get(name, "").strip():
                continue
            maker = made.get(name or "")
            fix = (
                f"describe it (figure target {maker}: describe=, then `make figures`)"
                if maker
                else 'write what it shows as its alt text (alt="" if it is decoration)'
            )
            yield Finding(
                asset.path,
                asset.line,
                slide.number,
                f"{asset.kind} {asset.url} has no alt text, so a screen reader and the "
                f"exported PDF say nothing of it: {fix}",
                "img-alt",
            )


def unshown_figures(project: DeckProject, targets: list[Target] | None = None) -> Iterator[Finding]:
    """Pictures (:data:`MEDIA`) a figure target makes that no slide shows; a finding
    points at the target in the deck's targets file."""
    shown = {resolve_asset(a, project) for s in project.deck.slides for a in s.assets}
    figures = project.figures.resolve()
    for t in project.targets() if targets is None else targets:
        for out in t.outputs:
            if Path(out).suffix.lower() in MEDIA and figures / out not in shown:
                yield Finding(
                    project.targets_file,
                    declared_at(t.name, project.targets_file),
                    0,
                    f"{out} (figure target {t.name}) is shown on no slide: show it, or "
                    "stop making it",
                    "figure-unshown",
                )


def declared_at(name: str, path: Path) -> int:
    """The line of the targets file that names the target (1 if not found)."""
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n") if path.is_file() else []
    quoted = (f'"{name}"', f"'{name}'")
    return next((n for n, line in enumerate(lines, 1) if any(q in line for q in quoted)), 1)
