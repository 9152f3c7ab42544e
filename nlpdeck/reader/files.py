"""Reading a file the deck names as Slidev does (UTF-8, bad bytes replaced), and
saying what is wrong when it is not UTF-8 text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

ICONV_NAMES = {
    "gb2312": "GBK",
    "gbk": "GBK",
    "gb18030": "GB18030",
    "big5": "BIG5",
    "big5hkscs": "BIG5-HKSCS",
    "cp932": "CP932",
    "shift_jis": "SHIFT_JIS",
    "euc_jp": "EUC-JP",
    "euc_kr": "EUC-KR",
    "cp949": "CP949",
    "latin_1": "ISO-8859-1",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16LE",
    "utf_16_be": "UTF-16BE",
    "utf_32": "UTF-32",
}


@dataclass(frozen=True)
class Source:
    """A file's text, and what is wrong with its bytes: (1-based line, what to do)."""

    text: str
    problem: tuple[int, str] | None = None


def read_source(path: Path) -> Source:
    """The file's text as Slidev reads it (Node's UTF-8 decoding: a bad byte becomes
    U+FFFD), and, when it is not UTF-8 text, which encoding it looks like."""
    data = path.read_bytes()
    try:
        return Source(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        text = data.decode("utf-8", errors="replace")
    best = charset_normalizer.from_bytes(data).best()
    encoding = best.encoding if best is not None else None
    if encoding is None or (b"\0" in data and not encoding.startswith("utf")):
        nul = data.find(b"\0")
        at = data[:nul].count(b"\n") + 1 if nul >= 0 else line
        message = (
            f"{path.name} is not text (binary data from line {at}): Slidev reads it as "
            "garbled text; give a Slidev markdown file"
        )
        return Source(text, (at, message))
    name = ICONV_NAMES.get(encoding, encoding.upper().replace("_", "-"))
    looks = "GB18030 (GBK)" if name == "GB18030" else name
    message = (
        f"{path.name} is not UTF-8 (it looks like {looks}; the first bad byte is on line "
        f"{line}): Slidev shows \ufffd for its characters; convert it: "
        f"`iconv -f {name} -t UTF-8 {path.name} > utf8.md && mv utf8.md {path.name}`"
    )
    return Source(text, (line, message))
