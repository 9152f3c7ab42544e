"""Deterministic H.264 videos of matplotlib figures, through Debian's ffmpeg.

Frames are drawn by a callback and piped to ffmpeg (matplotlib's ``FFMpegWriter``).
The encoder settings make the same frames give the same bytes: one encoder thread
(x264's output depends on its thread count), no creation time, no encoder version
string (``+bitexact``), no metadata. ``yuv420p`` and ``+faststart`` so every browser
plays it and starts before the whole file has arrived.

    >>> from nlpdeck.figures import video
    >>> video.record(fig, path, fps=10, frames=30, draw=lambda i: ...)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from matplotlib.animation import FFMpegWriter
from matplotlib.figure import Figure

ENCODER_ARGS = [
    "-preset", "medium", "-crf", "24", "-tune", "animation", "-threads", "1",
    "-pix_fmt", "yuv420p", "-movflags", "+faststart",
    "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
    "-map_metadata", "-1",
]  # fmt: skip


def record(fig: Figure, path: Path, fps: int, frames: int, draw: Callable[[int], None]) -> Path:
    """Call ``draw(i)`` for each frame ``i`` and write the frames as an H.264 mp4.

    The figure's size in pixels (inches x dpi) must be even in both directions.
    """
    width, height = (round(v) for v in fig.get_size_inches() * fig.dpi)
    if width % 2 or height % 2:
        raise ValueError(f"video frames must have even sizes for yuv420p, not {width}x{height}")
    writer = FFMpegWriter(fps=fps, codec="h264", extra_args=ENCODER_ARGS)
    with writer.saving(fig, str(path), dpi=fig.dpi):
        for i in range(frames):
            draw(i)
            writer.grab_frame(facecolor="white")
    return path
