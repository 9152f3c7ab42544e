"""``nlpdeck describe --json DECK``: a deck's description, for the addon.

The addon's Vite plugin runs this once when Slidev starts (dev server, build or export)
and uses the answer everywhere it needs the deck's files, so the deck's headmatter is
read by one set of rules (:mod:`nlpdeck.project`), not again in TypeScript. The JSON
object (``DESCRIPTION_VERSION`` 1), every path absolute::

    version       1: the shape of this object
    entry         the deck's markdown file
    dir           the deck's folder (Slidev's user root)
    name          the folder's name
    lang          Slidev's ``lang`` (``en`` when absent)
    figures       the figure folder: figure outputs and their manifest.json
    targets       the module that lists the figure targets (may not exist)
    public        the deck's public/ folder (may not exist)
    notebooks     where the demos are exported as HTML (public/notebooks)
    build         the deck's build folder: check notebooks, the live log
    prelude       the kernel prelude, or null when the deck has none
    demos_dir     the demos' folder (may not exist)
    demos         the live demos' files, by name
    records       recorded-outputs.json: live blocks' outputs where no kernel runs
    runners       languages of the deck's own code runners (headmatter ``runners``)
    kernel        where live kernels run:
      url         a Jupyter server's URL, or null: a local server the dev server starts
      token_file  the file holding that server's token (null when local); its path only
      dir         the deck's folder on the kernels' machine
    kernel_setup  Python a local live kernel runs first: the hooks that make tracebacks
                  name slides.md lines, as in check kernels (nlpdeck.kernel_hooks)

A remote server is named under ``nlpdeck: kernel:`` (``url``, ``token_file``, ``dir``)
or in the environment, which wins: ``NLPDECK_KERNEL_URL``, ``NLPDECK_KERNEL_TOKEN_FILE``,
``NLPDECK_KERNEL_DIR``. A token file's path is relative to the deck's folder (``~``
expands); a token's value is never read here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nlpdeck import kernel_hooks
from nlpdeck.project import DeckProject

DESCRIPTION_VERSION = 1


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def kernel(deck: DeckProject, environ: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """Where the deck's live kernels run (see the module's docstring)."""
    environ = os.environ if environ is None else environ
    declared = deck.deck.headmatter.get("nlpdeck")
    declared = declared if isinstance(declared, dict) else {}
    settings = declared.get("kernel")
    settings = settings if isinstance(settings, dict) else {}
    url = _text(environ.get("NLPDECK_KERNEL_URL")) or _text(settings.get("url"))
    token_file = _text(environ.get("NLPDECK_KERNEL_TOKEN_FILE")) or _text(
        settings.get("token_file")
    )
    where = _text(environ.get("NLPDECK_KERNEL_DIR")) or _text(settings.get("dir"))
    return {
        "url": url if url is None or url.endswith("/") else f"{url}/",
        "token_file": str(deck.dir / Path(token_file).expanduser()) if url and token_file else None,
        "dir": where if url and where else str(deck.dir),
    }


def describe(deck: DeckProject, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The deck's description: the JSON object of the module's docstring."""
    return {
        "version": DESCRIPTION_VERSION,
        "entry": str(deck.path.resolve()),
        "dir": str(deck.dir.resolve()),
        "name": deck.name,
        "lang": deck.lang,
        "figures": str(deck.figures),
        "targets": str(deck.targets_file),
        "public": str(deck.dir.resolve() / "public"),
        "notebooks": str(deck.notebooks.resolve()),
        "build": str(deck.build_dir),
        "prelude": str(deck.prelude) if deck.prelude else None,
        "demos_dir": str(deck.demos_dir),
        "demos": [str(p) for p in deck.demo_files()],
        "records": str(deck.records),
        "runners": list(deck.runners),
        "kernel": kernel(deck, environ),
        "kernel_setup": kernel_hooks.setup_code(b for b in deck.deck.blocks() if b.is_python),
    }
