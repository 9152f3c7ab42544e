"""Every rule lint applies: its id, its default severity and what it checks.

An *error* breaks the deck on stage or in CI (a missing file, a fence never closed,
frontmatter that loses a key, code that cannot run): ``check`` fails on it. A
*warning* is advice (something fetched from the internet, a mislabelled fence, a live
block that runs by itself): reported, and failing only under ``--strict`` or the deck's
``warnings: error``. A rule that is ``off`` by default is a policy a deck opts into.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING, OFF = "error", "warning", "off"
SEVERITIES = (ERROR, WARNING, OFF)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # by default
    checks: str


RULES = {
    r.id: r
    for r in [
        # what the reader cannot make sense of (nlpdeck.reader)
        Rule("file-encoding", ERROR, "the file is UTF-8 text with LF or CRLF line ends, no BOM"),
        Rule("frontmatter", ERROR, "frontmatter is YAML Slidev reads whole: no key given twice"),
        Rule("unclosed-fence", ERROR, "every code fence is closed before the slide ends"),
        Rule("slide-import", ERROR, "every `src:` import names a file and slides it has"),
        Rule("snippet", ERROR, "every `<<<` snippet's file and region exist"),
        Rule("check-directive", ERROR, "every `<!-- check: ... -->` comment is understood"),
        Rule("lint-config", ERROR, "the deck's `nlpdeck: lint:` settings are known ones"),
        # files the deck shows
        Rule("missing-file", ERROR, "every image, video and iframe is where Slidev looks"),
        Rule("asset-path", ERROR, "a picture's path is one `slidev build` can resolve"),
        Rule("not-in-build", ERROR, "a file named by a plain URL is in public/, so builds have it"),
        Rule("remote-asset", WARNING, "no image, video or page is fetched from the internet"),
        Rule("web-fonts", WARNING, "no font is fetched from Google Fonts"),
        Rule("missing-addon", ERROR, "every addon the headmatter enables is installed"),
        Rule("figures-pending", ERROR, "figures-pending.txt lists only figures not built yet"),
        Rule("figure-untracked", OFF, "every picture in the figure folder is a target's output"),
        Rule("figure-unshown", WARNING, "every picture a figure target makes is shown"),
        Rule("img-alt", WARNING, "an image has alt text, or is a figure its target describes"),
        # code the deck shows
        Rule("syntax-error", ERROR, "every Python block compiles"),
        Rule("undefined-name", ERROR, "a Python block reads only names defined before it"),
        Rule("no-runner", ERROR, "a `{monaco-run}` block's language has a code runner"),
        Rule("mislabelled-fence", WARNING, "a block of Python is labelled as Python"),
        Rule("live-autorun", WARNING, "a live Python block runs only when clicked"),
        Rule("live-unrecorded", WARNING, "a live Python block has a recorded output"),
    ]
}

OFFLINE = ("remote-asset", "web-fonts")
"""Rules ``offline: true`` makes errors: the deck must show without the internet."""
