"""Frontmatter YAML read as Slidev reads it: YAML 1.2, core schema, with recovery.

Slidev parses frontmatter with the ``yaml`` npm package (``YAML.parseDocument``, then
``toJSON``): YAML 1.2, so ``no``, ``off``, ``yes`` and ``2024-01-01`` are strings,
``1_000`` and ``1:20`` too, and ``017`` is 17. ruamel.yaml parses the YAML 1.2 syntax
(its composer gives each key's line); plain scalars are then typed by the core schema's
own patterns (those of the ``yaml`` package), so no YAML 1.1 rule leaks in.

Two places where ruamel's scanner is stricter than YAML 1.2 (and than Slidev) are
relaxed: a tab may separate tokens on a line (``key:<TAB>value``), and a tab inside a
plain scalar is part of it. A document with an error keeps what parses: each top-level
entry is read on its own, and the broken ones are reported (Slidev also keeps what it
can; its guess at a broken entry's value is not copied).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scanner import Scanner
from ruamel.yaml.tag import Tag

from nlpdeck.reader.js import to_string

PLAIN = "tag:nlpdeck,2024:plain"  # a plain scalar, typed below by the core schema
STR = "tag:yaml.org,2002:str"
CORE_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
}
RE_NULL = re.compile(r"(?:~|[Nn]ull|NULL)?")
RE_BOOL = re.compile(r"[Tt]rue|TRUE|[Ff]alse|FALSE")
RE_OCT = re.compile(r"0o[0-7]+")
RE_INT = re.compile(r"[-+]?[0-9]+")
RE_HEX = re.compile(r"0x[0-9a-fA-F]+")
RE_SPECIAL = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN")
RE_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)"
)
MAX_SAFE = 2**53  # beyond it a JavaScript number is a float


@dataclass(frozen=True)
class Loaded:
    """A YAML document's value with where its top-level keys are and what went wrong."""

    value: Any = None
    key_lines: dict[str, int] = field(default_factory=dict)  # 0-based line in the text
    errors: tuple[tuple[int, str], ...] = ()  # (0-based line in the text, message)


def core_scalar(text: str) -> Any:
    """A plain scalar typed by the YAML 1.2 core schema (the ``yaml`` package's tests)."""
    if RE_NULL.fullmatch(text):
        return None
    if RE_BOOL.fullmatch(text):
        return text[0] in "tT"
    if RE_OCT.fullmatch(text):
        return _js_int(int(text[2:], 8))
    if RE_INT.fullmatch(text):
        return _js_int(int(text))
    if RE_HEX.fullmatch(text):
        return _js_int(int(text[2:], 16))
    if RE_SPECIAL.fullmatch(text):
        return float(text.lower().replace(".", ""))
    if RE_FLOAT.fullmatch(text):
        return float(text)
    return text


def _js_int(value: int) -> int | float:
    return value if abs(value) <= MAX_SAFE else float(value)


def load(text: str) -> Loaded:
    """The document in ``text``; on an error, what its top-level entries give alone."""
    try:
        return _construct(_compose(text))
    except YAMLError as error:
        first = (_error_line(error), _message(error))
    except RecursionError:  # an alias inside itself used as a key, or nesting past reason
        first = (0, "frontmatter nests too deep to read (an alias inside itself?): simplify it")
    chunks = _entries(text)
    if len(chunks) < 2:
        return Loaded(None, {}, (first,))
    value: dict[str, Any] = {}
    lines: dict[str, int] = {}
    errors: list[tuple[int, str]] = []
    for offset, chunk in chunks:
        try:
            part = _construct(_compose(chunk))
        except YAMLError as error:
            errors.append((offset + _error_line(error), _message(error)))
            continue
        except RecursionError:
            continue
        errors += [(offset + line, message) for line, message in part.errors]
        if isinstance(part.value, dict):
            value.update(part.value)
            lines.update({key: offset + line for key, line in part.key_lines.items()})
    return Loaded(value, lines, tuple(errors) or (first,))


def _entries(text: str) -> list[tuple[int, str]]:
    """Top-level entries: a line that starts in column 0 starts one (comments, blank
    lines, sequence items and closing brackets belong to the entry above)."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line and line[0] not in " \t#-]}" or i == 0]
    bounds = [*starts, len(lines)]
    return [(a, "\n".join(lines[a:b])) for a, b in zip(bounds, bounds[1:], strict=False)]


def _compose(text: str) -> Node | None:
    parser = YAML(typ="safe", pure=True)
    parser.Scanner = _Scanner
    parser.Resolver = _Resolver
    with warnings.catch_warnings():  # a reused anchor: the yaml package takes the last too
        warnings.simplefilter("ignore")
        return parser.compose(text)


def _error_line(error: YAMLError) -> int:
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        if mark is not None:
            return int(mark.line)
    return 0


def _message(error: YAMLError) -> str:
    if isinstance(error, MarkedYAMLError):
        detail = "; ".join(str(p) for p in (error.context, error.problem) if p)
    else:
        detail = str(error).split("\n")[0]
    return (
        f"frontmatter is not valid YAML ({detail}): fix this line (Slidev keeps the keys "
        "that parse, and guesses or drops this one)"
    )


def _construct(node: Node | None) -> Loaded:
    builder = _Builder()
    value = builder.build(node)
    return Loaded(value, builder.last_lines, tuple(builder.errors))


class _Builder:
    """Plain Python values, as ``toJSON`` gives them, from a composed node tree."""

    def __init__(self) -> None:
        self.done: dict[int, Any] = {}
        self.errors: list[tuple[int, str]] = []
        self.last_lines: dict[str, int] = {}  # top level: the line of a key's last use
        self.depth = 0

    def build(self, node: Node | None) -> Any:
        if node is None:
            return None
        if id(node) in self.done:
            return self.done[id(node)]
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            items: list[Any] = []
            self.done[id(node)] = items
            items.extend(self.build(item) for item in node.value)
            return items
        assert isinstance(node, MappingNode)
        mapping: dict[str, Any] = {}
        self.done[id(node)] = mapping
        top = self.depth == 0
        self.depth += 1
        for key_node, value_node in node.value:
            key = _key(self.build(key_node))
            line = key_node.start_mark.line
            if key in mapping:
                message = (
                    f"frontmatter key {key!r} is given twice: Slidev uses the last; remove one"
                )
                self.errors.append((line, message))
            if top:
                self.last_lines[key] = line
            mapping[key] = self.build(value_node)
        self.depth -= 1
        return mapping

    @staticmethod
    def scalar(node: ScalarNode) -> Any:
        tag = node.tag
        if tag == PLAIN:
            return core_scalar(node.value)
        if tag in CORE_TAGS:
            typed = core_scalar(node.value)
            return typed if typed is not node.value else node.value
        return node.value


def _key(value: Any) -> str:
    """How a JavaScript object names a key (``String(key)``; null is "")."""
    return "" if value is None else to_string(value)


class _Resolver(VersionedResolver):
    """Tags a plain scalar as such, for the core schema to type it."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            return Tag(suffix=PLAIN)
        return super().resolve(kind, value, implicit)


class _Scanner(Scanner):
    """ruamel's scanner, with YAML 1.2's tabs: a tab may separate tokens on a line, and
    stands inside a plain scalar like a space (only indentation must be spaces)."""

    def scan_to_next_token(self) -> Any:
        srp, srf = self.reader.peek, self.reader.forward
        if self.reader.index == 0 and srp() == "\ufeff":
            srf()
        while True:
            while srp() == " " or (srp() == "\t" and (self.flow_level or self._separates())):
                srf()
            if srp() == "#":
                while srp() not in "\0\r\n\x85\u2028\u2029":
                    srf()
            if self.scan_line_break():
                if not self.flow_level:
                    self.allow_simple_key = True
            else:
                return None

    def _separates(self) -> bool:
        """Whether a tab here separates (after something on its line, or before a
        comment or the line's end) rather than indents."""
        reader = self.reader
        before = reader.buffer[reader.pointer - reader.column : reader.pointer]
        if before.strip(" \t"):
            return True
        length = 0
        while reader.peek(length) in " \t":
            length += 1
        return reader.peek(length) in "#\0\r\n\x85\u2028\u2029"

    def scan_plain_spaces(self, indent: Any, start_mark: Any) -> Any:
        srp = self.reader.peek
        length = 0
        while srp(length) in " \t":
            length += 1
        if length and srp(length) not in "\r\n\x85\u2028\u2029":
            whitespace = self.reader.prefix(length)
            self.reader.forward(length)
            return [whitespace]
        return super().scan_plain_spaces(indent, start_mark)
