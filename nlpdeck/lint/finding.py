"""One lint finding: where, under which rule, how grave, and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nlpdeck.reader import show_path
from nlpdeck.reader.model import place


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    slide: int
    message: str
    rule: str
    severity: str = "error"  # set from the rule and the deck's config (nlpdeck.lint.config)
    pending: str | None = None  # file name of a missing figure listed as not yet built
    between: bool = False  # the line is between slides (after slide ``slide``)
    fence: int | None = None  # the fence line of the block it is in (in ``path``'s markdown)

    def __str__(self) -> str:
        """``file:line: severity rule: message (slide N)``, as compilers and linters
        print, so editors jump to it; a pending figure says ``pending``."""
        # slide 0: not on a slide (a figure target's line)
        where = f" ({place(self.slide, self.between)})" if self.slide or self.between else ""
        grade = "pending" if self.pending else self.severity
        return f"{show_path(self.path)}:{self.line}: {grade} {self.rule}: {self.message}{where}"
