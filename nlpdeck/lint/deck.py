"""What the headmatter makes Slidev fetch or look for: web fonts, addons."""

from __future__ import annotations

from collections.abc import Iterator

from nlpdeck import addons
from nlpdeck.lint.finding import Finding
from nlpdeck.reader import Deck


def web_fonts(deck: Deck) -> Iterator[Finding]:
    """Fonts Slidev loads from Google Fonts: its ``webfonts`` (``resolveFonts`` in
    ``@slidev/parser``): those named, less the ``local`` ones, unless the headmatter
    says ``provider: none``."""
    fonts = deck.headmatter.get("fonts")
    if not isinstance(fonts, dict) or fonts.get("provider", "google") == "none":
        return
    if "webfonts" in fonts:
        fetched = _names(fonts["webfonts"])
    elif fonts.get("fallbacks", True) is not False:
        named = [n for key in ("sans", "serif", "mono", "custom") for n in _names(fonts.get(key))]
        local = set(_names(fonts.get("local")))
        fetched = [n for n in named if n not in local]
    else:
        fetched = []
    if fetched:
        yield Finding(
            deck.path,
            deck.headmatter_lines.get("fonts", 1),
            deck.headmatter_slide,
            f"fonts are fetched from Google Fonts when the deck is shown ({', '.join(fetched)}): "
            "set `provider: none` under fonts and name locally installed fonts (or list "
            "them under `local:`)",
            "web-fonts",
        )


def _names(value: object) -> list[str]:
    """Font names as Slidev splits them: a list, or one string separated by commas."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    return [n.strip() for item in items for n in str(item).split(",") if n.strip()]


def missing_addons(deck: Deck) -> Iterator[Finding]:
    """Addons the headmatter enables that Slidev will not find."""
    for name, folder in addons.enabled(deck.headmatter, deck.dir).items():
        if folder is None or not folder.is_dir():
            yield Finding(
                deck.path,
                deck.headmatter_lines.get("addons", 1),
                deck.headmatter_slide,
                f"addon {name!r} not found: Slidev looks for slidev-addon-{name} in node_modules "
                f"from the deck's folder up: install it (`npm i -D slidev-addon-{name}`), or "
                "give the addon's folder as a path",
                "missing-addon",
            )
