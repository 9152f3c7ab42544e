"""What the headmatter makes Slidev fetch or look for: web fonts, addons."""

from __future__ import annotations

from collections.abc import Iterator

from nlpdeck import addons
from nlpdeck.lint.finding import Finding
from nlpdeck.reader import Deck


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
            "web-fonts",
        )


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
                "missing-addon",
            )
