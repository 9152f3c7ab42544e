"""A deck's lint settings, under ``nlpdeck: lint:`` in its headmatter::

    nlpdeck:
      lint:
        warnings: error         # warnings fail `check` too (as `nlpdeck check --strict`)
        offline: true           # remote-asset and web-fonts are errors
        figure-targets: true    # every picture in the figure folder is a target's output
        mislabelled-fence: off  # any rule: off, warning or error

``figure-targets`` is on by default for a deck that declares figure targets, off for
any other deck (a folder of pictures copied in is no error of its own).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from nlpdeck.lint.finding import Finding
from nlpdeck.lint.rules import ERROR, OFF, OFFLINE, RULES, SEVERITIES, WARNING
from nlpdeck.project import DeckProject

SETTINGS = {
    "warnings": "`error` (warnings fail the check) or `warning`",
    "offline": "true or false",
    "figure-targets": "true or false",
}


@dataclass(frozen=True)
class Config:
    severity: dict[str, str]  # rule id: error, warning or off
    strict: bool = False  # warnings fail the check
    problems: list[Finding] = field(default_factory=list)  # settings not understood

    def fails(self, finding: Finding, strict: bool = False) -> bool:
        """Whether the finding makes ``check`` (and the pytest ``::lint`` item) fail."""
        if finding.pending:
            return False
        warnings_fail = self.strict or strict
        return finding.severity == ERROR or (warnings_fail and finding.severity == WARNING)


def read(project: DeckProject) -> Config:
    """The deck's settings over the rules' defaults; a setting not understood keeps the
    default and is a ``lint-config`` finding."""
    settings = project.lint
    severity = {rule.id: rule.severity for rule in RULES.values()}
    problems = list(_problems(settings, project))
    if settings.get("offline") is True:
        severity.update(dict.fromkeys(OFFLINE, ERROR))
    targets = settings.get("figure-targets", project.targets_file.is_file())
    severity["figure-untracked"] = ERROR if targets is True else OFF
    for key, value in settings.items():
        if key in RULES and (value is False or value in SEVERITIES):
            severity[key] = OFF if value is False else str(value)
    return Config(severity, strict=settings.get("warnings") == ERROR, problems=problems)


def _problems(settings: Mapping[str, Any], project: DeckProject) -> Iterator[Finding]:
    deck = project.deck
    where = (deck.path, deck.headmatter_lines.get("nlpdeck", 1), deck.headmatter_slide)
    declared = deck.headmatter.get("nlpdeck")
    given = declared.get("lint") if isinstance(declared, dict) else None
    if given is not None and not isinstance(given, dict):
        yield Finding(*where, f"lint: {given!r} is not a mapping of settings", "lint-config")
    for key, value in settings.items():
        if key in RULES:
            if value is not False and value not in SEVERITIES:
                yield Finding(
                    *where,
                    f"lint: {key}: {value!r} is not a severity: give one of "
                    f"{', '.join(SEVERITIES)}",
                    "lint-config",
                )
        elif key not in SETTINGS:
            yield Finding(
                *where,
                f"lint: {key!r} is neither a setting ({', '.join(SETTINGS)}) nor a rule "
                "(the README's lint section lists them)",
                "lint-config",
            )
        elif (key == "warnings" and value not in (ERROR, WARNING)) or (
            key != "warnings" and not isinstance(value, bool)
        ):
            yield Finding(*where, f"lint: {key}: {value!r}: give {SETTINGS[key]}", "lint-config")
