"""Small real drawing functions for the figure-build tests (matplotlib, no model)."""

from __future__ import annotations

from nlpdeck.figures import style
from nlpdeck.figures.target import Job


def line(job: Job) -> None:
    """A line plot whose slope is a param; also copies a data file's text."""
    fig, ax = style.figure(style.HALF)
    ax.plot([0, 1], [0, job.params["slope"]])
    ax.set_title("斜率 slope")
    style.save(fig, job.output("line.png"))
    if job.target.files:
        text = job.file(job.target.files[0]).read_text(encoding="utf-8")
        job.output("data.txt").write_text(text, encoding="utf-8")


def upper(job: Job) -> None:
    """Reads an earlier target's output."""
    text = job.need("data.txt").read_text(encoding="utf-8")
    job.output("upper.txt").write_text(text.upper(), encoding="utf-8")


def interrupted(job: Job) -> None:
    """Writes half its outputs, then the user presses Ctrl-C."""
    job.output("line.png").write_bytes(b"half a png")
    raise KeyboardInterrupt


def broken(job: Job) -> None:
    raise ValueError("no such column: sense")


def sloppy(job: Job) -> None:
    """Writes a file it did not declare."""
    job.output("line.png").write_bytes(b"png")
    (job.out / "debug.csv").write_text("x", encoding="utf-8")
