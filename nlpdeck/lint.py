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
from urllib.parse import unquote

from nlpdeck import addons, prelude, recorded
from nlpdeck.figures.target import Target
from nlpdeck.project import DeckProject
from nlpdeck.reader import Asset, CodeBlock, Deck, show_path
from nlpdeck.reader.model import place

BUILTIN_RUNNERS = {"js", "javascript", "ts", "typescript"}  # Slidev's own
KERNEL_NAMES = {"display", "get_ipython", "In", "Out", "exit", "quit"}  # IPython adds these
RE_NO_AUTORUN = re.compile(r"\bautorun\s*:\s*false\b")


PENDING_FILE = "figures-pending.txt"
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
    between: bool = False  # the line is between slides (after slide ``slide``)

    def __str__(self) -> str:
        # slide 0: not on a slide (a figure target's line)
        where = f" ({place(self.slide, self.between)})" if self.slide or self.between else ""
        return f"{show_path(self.path)}:{self.line}{where}: {self.message}"


def lint(project: DeckProject) -> list[Finding]:
    """Every finding of every check, in file order."""
    deck = project.deck
    findings = [
        Finding(p.path, p.line, p.slide, p.message, between=p.between) for p in deck.problems
    ]
    findings += assets(project)
    findings += unshown_figures(project)
    findings += web_fonts(deck)
    findings += mislabelled_python(deck)
    findings += missing_addons(deck)
    findings += runnerless_monaco(project)
    findings += live_blocks(project)
    findings += undefined_names(project)
    return sorted(findings, key=lambda f: (str(f.path), f.line, f.message))


def pending_figures(deck: Deck) -> set[str]:
    """File names listed in the deck's figures-pending.txt: figures no target builds yet."""
    listing = deck.dir / PENDING_FILE
    if not listing.exists():
        return set()
    lines = listing.read_text(encoding="utf-8", errors="replace").split("\n")
    return {ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")}


def assets(project: DeckProject, targets: list[Target] | None = None) -> Iterator[Finding]:
    """Images, videos and iframes that are missing, fetched from the web, or found in the
    figure folder although no figure target makes them.

    A missing file named in figures-pending.txt is a *pending* finding; a listed file
    that now exists is a finding too, so the list only ever shrinks to empty."""
    pending = pending_figures(project.deck)
    made = {
        out: t.name
        for t in (project.targets() if targets is None else targets)
        for out in t.outputs
    }
    for slide in project.deck.slides:
        for asset in slide.assets:
            problem = _asset_problem(asset, project, pending, made)
            if problem:
                yield Finding(asset.path, asset.line, slide.number, *problem)


def _asset_problem(
    asset: Asset, project: DeckProject, pending: set[str], made: dict[str, str]
) -> tuple[str, str | None] | None:
    """What is wrong with one asset, and the pending file name that excuses it, if any."""
    if re.match(r"^(https?:)?//", asset.url):
        message = "is fetched from the internet when the deck is shown: make it a local file"
        return f"{asset.kind} {asset.url} {message}", None
    target = resolve_asset(asset, project)
    listed = target.name in pending
    figures = project.figures
    figure = target.relative_to(figures).as_posix() if target.is_relative_to(figures) else None
    if not target.exists():
        if figure in made:
            fix = f"run `make figures` (figure target {made[figure]} makes it)"
        else:
            fix = "fix the path"
        message = f"{asset.kind} {asset.url} not found (looked for {show_path(target)}): {fix}"
        return message, target.name if listed else None
    if listed:
        return f"{target.name} exists now: remove it from {PENDING_FILE}", None
    if figure is not None and figure not in made:
        message = (
            f"is in the figure folder but no figure target makes it: declare one in "
            f"{show_path(project.targets_file)} (every figure is made by the project, none "
            "is copied in)"
        )
        return f"{asset.kind} {asset.url} {message}", None
    return None


def unshown_figures(project: DeckProject, targets: list[Target] | None = None) -> Iterator[Finding]:
    """Pictures (:data:`MEDIA`) a figure target makes that no slide shows; a finding
    points at the target in the deck's targets file."""
    shown = {resolve_asset(a, project) for s in project.deck.slides for a in s.assets}
    for t in project.targets() if targets is None else targets:
        for out in t.outputs:
            if Path(out).suffix.lower() in MEDIA and project.figures / out not in shown:
                yield Finding(
                    project.targets_file,
                    declared_at(t.name, project.targets_file),
                    0,
                    f"{out} (figure target {t.name}) is shown on no slide: show it, or "
                    "stop making it",
                )


def declared_at(name: str, path: Path) -> int:
    """The line of the targets file that names the target (1 if not found)."""
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n") if path.is_file() else []
    quoted = (f'"{name}"', f"'{name}'")
    return next((n for n, line in enumerate(lines, 1) if any(q in line for q in quoted)), 1)


def web_fonts(deck: Deck) -> Iterator[Finding]:
    """Slidev loads fonts from Google Fonts unless the headmatter says ``provider: none``."""
    fonts = deck.headmatter.get("fonts")
    if isinstance(fonts, dict) and fonts.get("provider", "google") != "none":
        yield Finding(
            deck.path,
            deck.headmatter_lines.get("fonts", 1),
            deck.headmatter_slide,
            "fonts are fetched from Google Fonts when the deck is shown: set "
            "`provider: none` under fonts and name locally installed fonts",
        )


PAGES = frozenset({".html", ".js", ".css"})
"""Files of the figure folder the addon serves at their own URL (an iframe's page)."""


def resolve_asset(asset: Asset, project: DeckProject) -> Path:
    """Where the deck's server finds it: ``/x`` in the deck's public/, or a page of the
    figure folder at its path from the deck (``/image/interactive/view.html``, served by
    the addon); anything else relative to the markdown. A URL is a path once decoded
    (``a%20b.png`` is ``a b.png``, as the server reads the browser's request)."""
    url = unquote(asset.url.split("#")[0].split("?")[0])
    if not url.startswith("/"):
        return (asset.path.parent / url).resolve()
    public = project.dir / "public" / url.lstrip("/")
    page = (project.dir / url.lstrip("/")).resolve()
    if not public.exists() and page.suffix in PAGES and page.is_relative_to(project.figures):
        return page
    return public


NOT_CODE = frozenset(
    "text txt plain plaintext output log console terminal shell sh bash zsh powershell "
    "yaml yml json jsonc json5 toml ini conf csv tsv md markdown mdc html xml svg css "
    "diff mermaid plantuml latex tex math katex".split()
)
"""Labels of data, prose, markup and shell sessions: a block so labelled is meant as
such, whatever Python would make of it."""

PYTHON_ONLY = (
    ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
    ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try, ast.TryStar,
    ast.Match, ast.Lambda, ast.Raise, ast.Assert, ast.Pass, ast.Delete, ast.Global,
    ast.Nonlocal, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.JoinedStr,
)  # fmt: skip
"""Syntax no other language a slide shows shares: an import statement, a colon-suite,
a comprehension, an f-string (``a = 1`` or ``f(x)`` is JavaScript as well)."""


def mislabelled_python(deck: Deck) -> Iterator[Finding]:
    """Blocks labelled another programming language (or none) whose code is Python by
    syntax no other language shares (:data:`PYTHON_ONLY`)."""
    for block in deck.blocks():
        if block.is_python or not _looks_like_python(block):
            continue
        yield Finding(
            block.markdown,
            block.fence_line,
            block.slide,
            f"this {block.lang or 'unlabelled'} block is Python: label the fence "
            "```python so it is highlighted as Python and checked",
        )


def _looks_like_python(block: CodeBlock) -> bool:
    if block.lang in NOT_CODE or not block.closed:
        return False
    try:
        tree = ast.parse(block.code)
    except (SyntaxError, ValueError):
        return False
    return any(isinstance(node, PYTHON_ONLY) for node in ast.walk(tree))


def missing_addons(deck: Deck) -> Iterator[Finding]:
    """Addons the headmatter enables that Slidev will not find."""
    for name, folder in addons.enabled(deck.headmatter, deck.dir).items():
        if folder is None or not folder.is_dir():
            yield Finding(
                deck.path,
                deck.headmatter_lines.get("addons", 1),
                deck.headmatter_slide,
                f"addon {name!r} not found: Slidev looks for slidev-addon-{name} in node_modules "
                "from the deck's folder up (run `make setup` in the repository), or give the "
                "addon's folder as a path",
            )


def runnerless_monaco(project: DeckProject) -> Iterator[Finding]:
    """``{monaco-run}`` blocks in a language neither Slidev nor the deck's addons run."""
    deck = project.deck
    runners = BUILTIN_RUNNERS | addons.runner_languages(deck.headmatter, deck.dir)
    runners |= set(project.runners)
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


def live_blocks(project: DeckProject) -> Iterator[Finding]:
    """Live Python blocks must run only on a click, and have a recorded output for the
    decks shown without a kernel (a static build, an export)."""
    records = recorded.load(project.records)
    for block in recorded.live_blocks(project.deck):
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
                f"live block has no recorded output in {show_path(project.records)}, so a "
                "built or exported deck shows none: run `make check` and commit the file",
            )


SYNTAX_ERRORS = frozenset({"SyntaxError", "IndentationError", "TabError"})


def undefined_names(project: DeckProject) -> Iterator[Finding]:
    """Names a Python block reads that no earlier block (or earlier line), nor the
    deck's kernel prelude, defines; and Python that does not compile (unless the block
    says ``<!-- check: raises SyntaxError -->``: a slide showing the error on purpose).
    A fence that is not closed is left to the reader's finding about it."""
    defined = set(dir(builtins)) | KERNEL_NAMES
    if project.prelude is not None:
        defined |= prelude.names(project.prelude, project.dir)
    for block in project.deck.blocks():
        if not block.closed or not (block.is_python or _looks_like_python(block)):
            continue
        expected = block.directive.raises in SYNTAX_ERRORS
        try:
            tree = ast.parse(block.code)
        except (SyntaxError, ValueError) as error:
            if not expected:
                yield _syntax_error(block, error)
            continue
        try:
            symtable.symtable(block.code, "<block>", "exec")
        except SyntaxError as error:
            if block.is_python and not expected:
                yield _syntax_error(block, error)
        for name, offset in _reads_before_binding(tree, defined):
            yield Finding(
                block.path,
                block.line + offset - 1,
                block.slide,
                f"name {name!r} is used but no earlier block defines it: define it "
                "(or import it) in this block or one before",
            )
        defined |= _bindings(tree)


def _syntax_error(block: CodeBlock, error: SyntaxError | ValueError) -> Finding:
    """Where the code stops compiling, and what to do about it."""
    offset = (error.lineno or 1) if isinstance(error, SyntaxError) else 1
    line = block.line + offset - 1
    message = error.msg if isinstance(error, SyntaxError) else str(error)
    lines = block.code.split("\n")
    text = lines[offset - 1] if offset <= len(lines) else ""
    if text.startswith("---"):
        hint = (
            f"line {line} is a slide separator inside the fence opened on line "
            f"{block.fence_line}: close the fence before it"
        )
    else:
        hint = (
            "fix it, or if the slide shows the error on purpose, put "
            "`<!-- check: raises SyntaxError -->` before the block"
        )
    return Finding(block.path, line, block.slide, f"syntax error: {message}: {hint}")


def _bindings(tree: ast.Module) -> set[str]:
    """Names a module binds at its top level (each statement alone, so one that does
    not compile, such as ``def f(a, a)``, still binds its name)."""
    found: set[str] = set()
    for statement in tree.body:
        table = _table(ast.unparse(statement))
        if table is not None:
            symbols = table.get_symbols()
            found |= {s.get_name() for s in symbols if s.is_assigned() or s.is_imported()}
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(statement.name)
    return found


def _table(code: str) -> symtable.SymbolTable | None:
    """The symbol table, or None for code that parses but does not compile."""
    try:
        return symtable.symtable(code, "<block>", "exec")
    except SyntaxError:
        return None


def _reads_before_binding(tree: ast.Module, defined: set[str]) -> Iterator[tuple[str, int]]:
    """Global names read before anything binds them: at module level, statement by
    statement; inside functions, by the end of the block (they run when called).
    A statement that does not compile is skipped."""
    block_bound = _bindings(tree)
    bound = set(defined)
    reported: set[str] = set()
    for statement in tree.body:
        table = _table(ast.unparse(statement))
        if table is None:
            continue
        top, nested = _global_reads(table)
        missing = (top - bound) | (nested - bound - block_bound)
        for name in sorted(missing - reported):
            reported.add(name)
            yield name, _first_line(statement, name)
        bound |= _bindings(ast.Module(body=[statement], type_ignores=[]))


def _global_reads(module: symtable.SymbolTable) -> tuple[set[str], set[str]]:
    """Names read at module level, and names nested scopes read as globals."""
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
