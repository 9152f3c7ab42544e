"""``nlpdeck new <folder> [--lang en|zh-CN]``: a new deck that is live from its first
run, with no file to edit.

The deck is written from ``templates/deck/`` in the deck's language: a title slide, a
``{monaco-run}`` Python block whose demo the prelude loads, a figure drawn by a figure
target from real text (the Zen of Python, which ships with Python, written into the
deck's ``data/``), and a ``magic-move`` code block. Then its figure is built and its
slide code checked, so its recorded output exists and ``nlpdeck check``, ``nlpdeck
export`` and ``nlpdeck present`` work at once. It names the addon as any deck names an
installed addon (``addons: [nlpdeck]``); ``nlpdeck init`` installs it where it is not.
"""

from __future__ import annotations

import contextlib
import io
import tomllib
from pathlib import Path
from string import Template

from nlpdeck import addons, project
from nlpdeck.reader import show_path

ADDON = "nlpdeck"
TEMPLATE = Path(__file__).with_name("templates") / "deck"
STRINGS = TEMPLATE / "strings.toml"
LANGS = ("en", "zh-CN")


class ScaffoldError(RuntimeError):
    """The deck cannot be written where asked; the message says why and what to do."""


def words(lang: str, title: str, addon: str) -> dict[str, str]:
    """Every placeholder of the templates, in ``lang``."""
    table = tomllib.loads(STRINGS.read_text(encoding="utf-8"))
    if lang not in LANGS:
        raise ScaffoldError(f"no deck template in {lang!r}: choose one of {', '.join(LANGS)}")
    corpus = table["corpus"][lang]
    found = {"title": title, "lang": lang, "addon": addon, **corpus}
    found.update({k: Template(v).substitute(corpus) for k, v in table[lang].items()})
    return found


def zen_of_python() -> str:
    """The text the new deck counts: ``import this``, without its printing."""
    with contextlib.redirect_stdout(io.StringIO()):
        import this
    return "".join(this.d.get(c, c) for c in this.s) + "\n"


def write(folder: Path, lang: str, title: str) -> list[Path]:
    """Write the deck's files into ``folder`` (which must be empty or absent)."""
    if folder.exists() and any(folder.iterdir()):
        raise ScaffoldError(f"{show_path(folder)} is not empty: choose a new folder for the deck")
    values = words(lang, title, ADDON)
    written = []
    for source in sorted(TEMPLATE.rglob("*")):
        if source.is_dir() or source == STRINGS or "__pycache__" in source.parts:
            continue
        target = folder / source.relative_to(TEMPLATE)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = Template(source.read_text(encoding="utf-8")).substitute(values)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    data = folder / "data" / "zen-of-python.txt"
    data.parent.mkdir(exist_ok=True)
    data.write_text(zen_of_python(), encoding="utf-8")
    ignore = folder / ".gitignore"
    ignore.write_text(
        "# take-home notebooks written by `nlpdeck handout`\npublic/notebooks/\n",
        encoding="utf-8",
    )
    return [*written, data, ignore]


def main(folder: Path, lang: str, title: str | None) -> int:
    """Write the deck, build its figures and record its live outputs."""
    from nlpdeck.figures import build
    from nlpdeck.kernel import DeckRunner

    name = folder.resolve().name
    try:
        written = write(folder, lang, title or name.replace("-", " ").replace("_", " ").title())
    except ScaffoldError as error:
        print(f"nlpdeck new: {error}")
        return 2
    print(f"wrote {len(written)} files into {show_path(folder)}/")
    deck = project.load(folder / project.DECK_FILE)
    for target, _ in build.build(deck, progress=False):
        print(f"built figure target {target.name}: {', '.join(target.outputs)}")
    with DeckRunner(deck) as runner:
        failed = [r for r in map(runner.run, runner.blocks) if r.status != "passed"]
        runner.save()
    for result in failed:
        print(f"{result.block.where}: {result.status}: {result.reason}")
    if failed:
        return 1
    print(
        f"checked {len(runner.results)} code blocks; live outputs recorded in "
        f"{show_path(deck.records)}"
    )
    print(f"next: {next_step(folder)}")
    return 0


def next_step(folder: Path) -> str:
    """The command that shows the deck, from where the user stands: ``nlpdeck present``
    where Slidev finds the addon, else ``nlpdeck init`` first, in a Slidev project (a
    folder up from the deck with a package.json) that may have to be made."""
    shown = show_path(folder)
    if addons.addon_folder(ADDON, folder.resolve()) is not None:
        return f"nlpdeck present {shown}"
    then = f"nlpdeck init {shown} (adds the addon), then nlpdeck present {shown}"
    here = folder.resolve()
    if any((d / "package.json").is_file() for d in (here, *here.parents)):
        return then
    return f"`npm i -D @slidev/cli` in {shown} (a Slidev project needs a package.json), {then}"
