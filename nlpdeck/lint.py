"""Deck lint: what would break on stage, found without running anything.

Each finding names the file, line and slide, and what to do:

    slides/part2/slides.md:94 (slide 3): image ./image/static_word.png not found
        (looked for slides/part2/image/static_word.png): run `make figures` or fix the path

Every asset a slide shows is either a figure target's output (in ``image/``, made by
``make figures``) or a source file of the repository (``slides/<deck>/public/``); and
every picture a figure target makes is shown by some slide.
"""

from __future__ import annotations

import ast
import builtins
import re
import symtable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nlpdeck import addons, env, prelude, recorded
from nlpdeck.deck import Asset, CodeBlock, Deck, read_deck, show_path
from nlpdeck.figures.target import Target

BUILTIN_RUNNERS = {"js", "javascript", "ts", "typescript"}  # Slidev's own
KERNEL_NAMES = {"display", "get_ipython", "In", "Out", "exit", "quit"}  # IPython adds these
RE_NO_AUTORUN = re.compile(r"\bautorun\s*:\s*false\b")


PENDING_FILE = "figures-pending.txt"
TARGETS_FILE = env.SLIDES_DIR / "part2" / "figures" / "targets.py"
MEDIA = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".mp4", ".webm"})
"""Figure outputs with these suffixes are pictures for slides, so some slide must show
each one; other outputs (``.json``, ``.html``, ``.js``) are data that tests, pages or
components read, and may go unreferenced."""


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    slide: int
    message: str
    pending: str | None = None  # file name of a missing figure listed as not yet built

    def __str__(self) -> str:
        where = f" (slide {self.slide})" if self.slide else ""  # 0: not on a slide
        return f"{show_path(self.path)}:{self.line}{where}: {self.message}"


def lint(deck: Deck) -> list[Finding]:
    """Every finding of every check, in file order."""
    findings = [Finding(p.path, p.line, p.slide, p.message) for p in deck.problems]
    findings += assets(deck)
    findings += unshown_figures(deck)
    findings += web_fonts(deck)
    findings += mislabelled_python(deck)
    findings += runnerless_monaco(deck)
    findings += live_blocks(deck)
    findings += undefined_names(deck)
    return sorted(findings, key=lambda f: (str(f.path), f.line, f.message))


def pending_figures(deck: Deck) -> set[str]:
    """File names listed in the deck's figures-pending.txt: figures no target builds yet."""
    listing = deck.dir / PENDING_FILE
    if not listing.exists():
        return set()
    lines = listing.read_text(encoding="utf-8").splitlines()
    return {ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")}


def figure_targets() -> list[Target]:
    from nlpdeck.figures.build import deck_targets

    return deck_targets()


def assets(
    deck: Deck, targets: list[Target] | None = None, figures: Path = env.IMAGE_DIR
) -> Iterator[Finding]:
    """Images, videos and iframes that are missing, fetched from the web, or found in the
    figure folder although no figure target makes them.

    A missing file named in figures-pending.txt is a *pending* finding; a listed file
    that now exists is a finding too, so the list only ever shrinks to empty."""
    pending = pending_figures(deck)
    made = {
        out: t.name for t in (figure_targets() if targets is None else targets) for out in t.outputs
    }
    for slide in deck.slides:
        for asset in slide.assets:
            problem = _asset_problem(asset, deck, pending, made, figures)
            if problem:
                yield Finding(asset.path, asset.line, slide.number, *problem)


def _asset_problem(
    asset: Asset, deck: Deck, pending: set[str], made: dict[str, str], figures: Path
) -> tuple[str, str | None] | None:
    """What is wrong with one asset, and the pending file name that excuses it, if any."""
    if re.match(r"^(https?:)?//", asset.url):
        message = "is fetched from the internet when the deck is shown: make it a local file"
        return f"{asset.kind} {asset.url} {message}", None
    target = resolve_asset(asset, deck, figures)
    listed = target.name in pending
    figures = figures.resolve()
    figure = target.relative_to(figures).as_posix() if target.is_relative_to(figures) else None
    if not target.exists():
        maker = f" (figure target {made[figure]} makes it)" if figure in made else ""
        message = f"not found (looked for {show_path(target)}): run `make figures`{maker}"
        return (
            f"{asset.kind} {asset.url} {message} or fix the path",
            target.name if listed else None,
        )
    if listed:
        return f"{target.name} exists now: remove it from {PENDING_FILE}", None
    if figure is not None and figure not in made:
        message = (
            f"is in the figure folder but no figure target makes it: declare one in "
            f"{show_path(TARGETS_FILE)} (every figure is made by the project, none is copied in)"
        )
        return f"{asset.kind} {asset.url} {message}", None
    return None


def unshown_figures(
    deck: Deck, targets: list[Target] | None = None, figures: Path = env.IMAGE_DIR
) -> Iterator[Finding]:
    """Pictures (:data:`MEDIA`) a figure target makes that no slide shows.

    Checked for decks that show the project's figure folder, against every such deck
    under ``slides/``; a finding points at the target in ``targets.py``."""
    figures = figures.resolve()
    if (deck.dir / "image").resolve() != figures:
        return
    decks = [deck] + [
        read_deck(path)
        for path in sorted(env.SLIDES_DIR.glob("*/slides.md"))
        if path.resolve() != deck.path.resolve() and (path.parent / "image").resolve() == figures
    ]
    shown = {resolve_asset(a, d, figures) for d in decks for s in d.slides for a in s.assets}
    for t in figure_targets() if targets is None else targets:
        for out in t.outputs:
            if Path(out).suffix.lower() in MEDIA and figures / out not in shown:
                yield Finding(
                    TARGETS_FILE,
                    declared_at(t.name),
                    0,
                    f"{out} (figure target {t.name}) is shown on no slide: show it, or "
                    "stop making it",
                )


def declared_at(name: str, path: Path = TARGETS_FILE) -> int:
    """The line of ``targets.py`` that names the target (1 if not found)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    quoted = (f'"{name}"', f"'{name}'")
    return next((n for n, line in enumerate(lines, 1) if any(q in line for q in quoted)), 1)


def web_fonts(deck: Deck) -> Iterator[Finding]:
    """Slidev loads fonts from Google Fonts unless the headmatter says ``provider: none``."""
    fonts = deck.headmatter.get("fonts")
    if isinstance(fonts, dict) and fonts.get("provider", "google") != "none":
        first = deck.slides[0]
        yield Finding(
            first.path,
            first.start,
            1,
            "fonts are fetched from Google Fonts when the deck is shown: set "
            "`provider: none` under fonts and name locally installed fonts",
        )


PAGES = frozenset({".html", ".js", ".css"})
"""Files of the figure folder the addon serves at their own URL (an iframe's page)."""


def resolve_asset(asset: Asset, deck: Deck, figures: Path = env.IMAGE_DIR) -> Path:
    """Where the deck's server finds it: ``/x`` in the deck's public/, or a page of the
    figure folder at its path from the deck (``/image/interactive/view.html``, served by
    the addon); anything else relative to the markdown."""
    url = asset.url.split("#")[0].split("?")[0]
    if not url.startswith("/"):
        return (asset.path.parent / url).resolve()
    public = deck.dir / "public" / url.lstrip("/")
    page = (deck.dir / url.lstrip("/")).resolve()
    if not public.exists() and page.suffix in PAGES and page.is_relative_to(figures.resolve()):
        return page
    return public


def mislabelled_python(deck: Deck) -> Iterator[Finding]:
    """Blocks labelled another language whose code parses as Python with an import,
    a def or several statements (JavaScript and TypeScript almost never do)."""
    for block in deck.blocks():
        if block.is_python or not _looks_like_python(block.code):
            continue
        yield Finding(
            block.markdown,
            block.fence_line,
            block.slide,
            f"this {block.lang or 'unlabelled'} block is Python: label the fence "
            "```python so it is highlighted as Python and checked",
        )


def _looks_like_python(code: str) -> bool:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    kinds = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
    return any(isinstance(node, kinds) for node in tree.body) or len(tree.body) >= 3


def runnerless_monaco(deck: Deck) -> Iterator[Finding]:
    """``{monaco-run}`` blocks in a language neither Slidev nor the deck's addons run."""
    runners = BUILTIN_RUNNERS | addons.runner_languages(deck.headmatter, deck.dir)
    for block in deck.blocks():
        if block.monaco_run and block.lang not in runners:
            yield Finding(
                block.markdown,
                block.fence_line,
                block.slide,
                f"{{monaco-run}} block in {block.lang!r} has no code runner: enable an addon "
                "that runs it in the headmatter (`addons: [nlpdeck]` runs Python), or list "
                "the deck's own runner under `nlpdeck: runners:` "
                f"(runners: {', '.join(sorted(runners))})",
            )


def live_blocks(deck: Deck) -> Iterator[Finding]:
    """Live Python blocks must run only on a click, and have a recorded output for the
    decks shown without a kernel (a static build, an export)."""
    records = recorded.load(deck.dir)
    for block in recorded.live_blocks(deck):
        if not RE_NO_AUTORUN.search(block.options):
            yield Finding(
                block.markdown,
                block.fence_line,
                block.slide,
                "{monaco-run} Python block runs on every keystroke and on every visit: "
                "add {autorun:false} so it runs only when the presenter clicks run",
            )
        if recorded.key(block.code) not in records:
            yield Finding(
                block.markdown,
                block.fence_line,
                block.slide,
                f"live block has no recorded output in {recorded.RECORD_NAME}, so a built "
                "or exported deck shows none: run `make check` and commit the file",
            )


def undefined_names(deck: Deck) -> Iterator[Finding]:
    """Names a Python block reads that no earlier block (or earlier line), nor the
    deck's kernel prelude, defines."""
    defined = set(dir(builtins)) | KERNEL_NAMES
    kernel_prelude = prelude.find(deck.dir)
    if kernel_prelude is not None:
        defined |= prelude.names(kernel_prelude)
    for block in deck.blocks():
        if not block.is_python and not _looks_like_python(block.code):
            continue
        try:
            tree = ast.parse(block.code)
        except SyntaxError as error:
            line = block.line + (error.lineno or 1) - 1
            yield Finding(block.path, line, block.slide, f"syntax error: {error.msg}")
            continue
        for name, offset in _reads_before_binding(block, tree, defined):
            yield Finding(
                block.path,
                block.line + offset - 1,
                block.slide,
                f"name {name!r} is used but no earlier block defines it: define it "
                "(or import it) in this block or one before",
            )
        defined |= _module_bindings(block.code)


def _module_bindings(code: str) -> set[str]:
    table = symtable.symtable(code, "<block>", "exec")
    return {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}


def _reads_before_binding(
    block: CodeBlock, tree: ast.Module, defined: set[str]
) -> Iterator[tuple[str, int]]:
    """Global names read before anything binds them: at module level, statement by
    statement; inside functions, by the end of the block (they run when called)."""
    block_bound = _module_bindings(block.code)
    bound = set(defined)
    reported: set[str] = set()
    for statement in tree.body:
        code = ast.unparse(statement)
        top, nested = _global_reads(code)
        missing = (top - bound) | (nested - bound - block_bound)
        for name in sorted(missing - reported):
            reported.add(name)
            yield name, _first_line(statement, name)
        bound |= _module_bindings(code)


def _global_reads(code: str) -> tuple[set[str], set[str]]:
    """Names read at module level, and names nested scopes read as globals."""
    module = symtable.symtable(code, "<block>", "exec")
    top = {s.get_name() for s in module.get_symbols() if s.is_referenced()}
    nested: set[str] = set()
    pending = list(module.get_children())
    while pending:
        table = pending.pop()
        nested |= {s.get_name() for s in table.get_symbols() if s.is_referenced() and s.is_global()}
        pending.extend(table.get_children())
    return top, nested


def _first_line(statement: ast.stmt, name: str) -> int:
    lines = [n.lineno for n in ast.walk(statement) if isinstance(n, ast.Name) and n.id == name]
    return min(lines, default=statement.lineno)
