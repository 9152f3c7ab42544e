"""The code blocks a slide shows: labelled as what they are, runnable, and (Python)
reading only names defined before them."""

from __future__ import annotations

import ast
import builtins
import re
import symtable
from collections.abc import Iterator

from nlpdeck import addons, prelude, recorded
from nlpdeck.lint.finding import Finding
from nlpdeck.project import DeckProject
from nlpdeck.reader import CodeBlock, Deck, show_path

BUILTIN_RUNNERS = {"js", "javascript", "ts", "typescript"}  # Slidev's own
KERNEL_NAMES = {"display", "get_ipython", "In", "Out", "exit", "quit"}  # IPython adds these
RE_NO_AUTORUN = re.compile(r"\bautorun\s*:\s*false\b")


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
            "mislabelled-fence",
        )


def _looks_like_python(block: CodeBlock) -> bool:
    if block.lang in NOT_CODE or not block.closed:
        return False
    try:
        tree = ast.parse(block.code)
    except (SyntaxError, ValueError):
        return False
    return any(isinstance(node, PYTHON_ONLY) for node in ast.walk(tree))


def runnerless_monaco(project: DeckProject) -> Iterator[Finding]:
    """``{monaco-run}`` blocks in a language neither Slidev nor the deck's addons run;
    none when a theme, addon or the deck has a code-runner setup of languages not known
    (:func:`nlpdeck.addons.code_runners`): lint cannot tell what it runs."""
    deck = project.deck
    known, unknown = addons.code_runners(deck.headmatter, deck.dir, project.runners)
    if unknown:
        return
    runners = BUILTIN_RUNNERS | known
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
                "no-runner",
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
                "live-autorun",
            )
        if recorded.key(block.code) not in records:
            yield Finding(
                block.markdown,
                block.fence_line,
                block.slide,
                f"live block has no recorded output in {show_path(project.records)}, so a "
                "built or exported deck shows none: run `make check` and commit the file",
                "live-unrecorded",
            )


COMPOUND = (
    ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try, ast.TryStar,
    ast.Match,
)  # fmt: skip
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
        code = kernel_source(block.code) if block.is_python else block.code
        if code is None:
            continue
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError) as error:
            if not expected:
                yield _syntax_error(block, error)
            continue
        try:
            symtable.symtable(code, "<block>", "exec")
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
                "undefined-name",
                fence=block.fence_line if block.path == block.markdown else None,
            )
        defined |= _bindings(tree)


PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
"""Cell magics whose body is Python run in the kernel's namespace."""


def kernel_source(code: str) -> str | None:
    """The Python a Jupyter kernel runs for a cell, line for line: IPython's own
    transforms turn ``%magic``, ``!shell`` and ``name?`` lines into calls; a cell magic
    that runs its body as Python (``%%time``) leaves the body; None for a cell magic
    whose body is something else (``%%bash``, ``%%writefile``)."""
    from IPython.core.inputtransformer2 import TransformerManager

    body = code.lstrip("\n")
    blank = "\n" * (len(code) - len(body))  # IPython drops leading blank lines: keep them
    first, _, rest = body.partition("\n")
    if first.startswith("%%"):
        if first[2:].split(" ")[0] not in PYTHON_CELL_MAGICS:
            return None
        body = "pass\n" + rest
    return blank + str(TransformerManager().transform_cell(body))


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
    fence = block.fence_line if block.path == block.markdown else None
    return Finding(
        block.path,
        line,
        block.slide,
        f"syntax error: {message}: {hint}",
        "syntax-error",
        fence=fence,
    )


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
    A compound statement (a loop, ``if``, ``with``, ``try``, ``match``) may read what
    it binds itself (``for x in xs: print(x)``): lint does not follow its flow, so such
    names count as bound. A statement that does not compile is skipped."""
    block_bound = _bindings(tree)
    bound = set(defined)
    reported: set[str] = set()
    for statement in tree.body:
        table = _table(ast.unparse(statement))
        if table is None:
            continue
        top, nested = _global_reads(table)
        if isinstance(statement, COMPOUND):
            top -= _bindings(ast.Module(body=[statement], type_ignores=[]))
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
