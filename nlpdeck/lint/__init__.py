"""Deck lint: what would break on stage, found without running anything.

Each finding names the file and line, how grave it is, its rule, what to do, and the
slide, as linters print them::

    slides.md:94: error missing-file: img ./image/x.png not found (looked for
        image/x.png): fix the path (slide 3)

An *error* breaks the deck on stage or in CI and fails ``check``; a *warning* is advice
and fails it only under ``--strict`` or the deck's ``warnings: error``
(:mod:`nlpdeck.lint.rules` lists every rule). A deck sets rules' severities under
``nlpdeck: lint:`` (:mod:`nlpdeck.lint.config`) and turns a finding off with an HTML
comment (:mod:`nlpdeck.lint.disable`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from nlpdeck.lint import config, disable
from nlpdeck.lint.assets import (
    MEDIA,
    PENDING_FILE,
    assets,
    declared_at,
    described_figures,
    missing_alt,
    pending_figures,
    resolve_asset,
    unshown_figures,
)
from nlpdeck.lint.code import live_blocks, mislabelled_python, runnerless_monaco, undefined_names
from nlpdeck.lint.deck import missing_addons, web_fonts
from nlpdeck.lint.finding import Finding
from nlpdeck.lint.rules import ERROR, OFF, RULES, WARNING
from nlpdeck.project import DeckProject

__all__ = [
    "MEDIA",
    "PENDING_FILE",
    "RULES",
    "Finding",
    "assets",
    "declared_at",
    "described_figures",
    "failing",
    "lint",
    "live_blocks",
    "pending_figures",
    "resolve_asset",
    "summary",
    "unshown_figures",
]


def lint(project: DeckProject) -> list[Finding]:
    """Every finding of every rule the deck has on, in file order, each with the
    severity the deck's config gives its rule; findings a comment turns off left out."""
    deck = project.deck
    settings = config.read(project)
    findings = list(settings.problems)
    findings += [
        Finding(p.path, p.line, p.slide, p.message, p.rule, between=p.between)
        for p in deck.problems
    ]
    findings += assets(project)
    findings += unshown_figures(project)
    findings += missing_alt(project)
    findings += web_fonts(deck)
    findings += mislabelled_python(deck)
    findings += missing_addons(deck)
    findings += runnerless_monaco(project)
    findings += live_blocks(project)
    findings += undefined_names(project)
    graded = [replace(f, severity=settings.severity.get(f.rule, ERROR)) for f in findings]
    kept = disable.keep([f for f in graded if f.severity != OFF])
    return sorted(kept, key=lambda f: (str(f.path), f.line, f.message))


def failing(project: DeckProject, findings: list[Finding], strict: bool = False) -> list[Finding]:
    """The findings that fail ``check``: errors, and warnings too under ``strict`` or
    the deck's ``warnings: error`` (a figure listed as pending fails nothing)."""
    settings = config.read(project)
    return [f for f in findings if settings.fails(f, strict)]


def summary(findings: list[Finding], failed: list[Finding]) -> str:
    """One line: how many findings of each severity, and how many fail."""
    counts = Counter("pending" if f.pending else f.severity for f in findings)
    parts = [
        f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'pending' else ''}"
        for s in (ERROR, WARNING, "pending")
        if counts[s] or s != "pending"
    ]
    verdict = f"{len(failed)} failing" if failed else "none failing"
    return f"lint: {', '.join(parts)} ({verdict})"
