"""Plotly figures in two forms: figure JSON for the deck, and a static PNG of the same.

The addon's ``PlotlyFigure`` component (slidev-addon-nlpdeck/components/) draws
``NAME.plotly.json`` with plotly.js from npm, offline; the PNG ``NAME.png`` is the
slide's static image (PDF export, or before plotly.js has loaded). Kaleido renders the
PNG with the same plotly.js in Debian's chromium, all figures in one browser session,
without MathJax (which it would load from a CDN). Same figure, same bytes: kaleido's
PNGs carry no timestamp.

    >>> from nlpdeck.figures import plotly_export
    >>> plotly_export.outputs("bertopic/barchart")
    ('bertopic/barchart.plotly.json', 'bertopic/barchart.png')
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from typing import Any

from nlpdeck.figures import style
from nlpdeck.figures.target import Job

FONT = f"{style.FONT}, DejaVu Sans, sans-serif"
SCALE = 2  # PNG pixels per CSS pixel: sharp on the slide and in the PDF


def outputs(name: str) -> tuple[str, str]:
    """The two files one interactive figure is written as (declare both in the target)."""
    return f"{name}.plotly.json", f"{name}.png"


def deck_layout(fig: Any, width: int, height: int, **layout: Any) -> Any:
    """The deck's fonts and colours, and the size the slide shows it at (CSS pixels)."""
    fig.update_layout(
        width=width,
        height=height,
        font={"family": FONT, "size": 13, "color": style.INK},
        hoverlabel={"font_family": FONT, "font_size": 13, "bgcolor": "white"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        **layout,
    )
    return fig


def browser() -> str:
    """The Chrome kaleido drives: $BROWSER_PATH, else Debian's chromium."""
    found = os.environ.get("BROWSER_PATH") or shutil.which("chromium")
    if not found:
        raise RuntimeError("kaleido needs Chromium: install it (make system) or set BROWSER_PATH")
    return found


def write(job: Job, figures: Mapping[str, Any]) -> None:
    """Write each ``name -> plotly figure`` as ``name.plotly.json`` and ``name.png``."""
    import kaleido

    os.environ["BROWSER_PATH"] = browser()
    specs = []
    for name, fig in figures.items():
        json_name, png_name = outputs(name)
        job.output(json_name).write_text(fig.to_json(), encoding="utf-8")
        opts = {"format": "png", "width": fig.layout.width, "height": fig.layout.height}
        specs.append({"fig": fig, "path": job.output(png_name), "opts": {**opts, "scale": SCALE}})
    kaleido.write_fig_from_object_sync(specs, kopts={"mathjax": False}, cancel_on_error=True)
