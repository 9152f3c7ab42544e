"""JavaScript's string rules, where Slidev's parser relies on them and Python's differ.

Slidev reads a deck with JavaScript regular expressions and ``String.prototype.trim``:
``\\s`` and ``trim`` know a different set of spaces than Python's ``str.strip`` (the
byte-order mark is one, U+001C-U+001F are not), ``.`` stops at ``\\r``, U+2028 and
U+2029 as well as ``\\n``, and a value is true or false by JavaScript's truthiness
(``hide: no`` is the string "no", which is true).
"""

from __future__ import annotations

import math
import re
from typing import Any

SPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""The characters JavaScript's ``\\s`` and ``trim`` match."""

S = f"[{SPACE}]"  # JavaScript's \s, for patterns
DOT = r"[^\n\r\u2028\u2029]"  # JavaScript's . (without the s flag)
LINE_BREAKS = re.compile(r"[\n\r\u2028\u2029]")  # where ^ and $ match under the m flag


def trim(text: str) -> str:
    return text.strip(SPACE)


def trim_start(text: str) -> str:
    return text.lstrip(SPACE)


def trim_end(text: str) -> str:
    return text.rstrip(SPACE)


def truthy(value: Any) -> bool:
    """JavaScript's truthiness of a value read from YAML: empty lists and maps are true."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0 and not math.isnan(value)
    return True


def to_string(value: Any) -> str:
    """``String(value)`` for a value read from YAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, list):
        return ",".join("" if v is None else to_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def to_number(text: str) -> float:
    """``+text`` (``Number(text)``): NaN when it is not a number."""
    text = trim(text)
    if text == "":
        return 0.0
    sign, digits = (-1, text[1:]) if text[0] == "-" else (1, text.lstrip("+"))
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if text.lower().startswith(prefix):
            try:
                return float(int(text[2:], base))
            except ValueError:
                return math.nan
    if digits == "Infinity":
        return sign * math.inf
    if not re.fullmatch(r"(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", digits):
        return math.nan
    return sign * float(digits)
