"""The code points the deck's figure font (Noto Sans CJK SC, as matplotlib finds it) has
glyphs for: a character outside this set would be drawn as a tofu box."""

from __future__ import annotations

from functools import cache

from nlpdeck.figures import style


@cache
def covered() -> frozenset[int]:
    from fontTools.ttLib import TTCollection
    from matplotlib import font_manager

    path = font_manager.findfont(style.FONT, fallback_to_default=False)
    fonts = TTCollection(path).fonts
    (font,) = [f for f in fonts if f["name"].getDebugName(1) == style.FONT]
    return frozenset(font.getBestCmap())


def missing(text: str) -> list[str]:
    """Characters of ``text`` (whitespace aside) the font cannot draw."""
    return sorted({c for c in text if not c.isspace() and ord(c) not in covered()})
