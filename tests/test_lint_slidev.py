"""What lint says of a deck's paths, confirmed by Slidev itself: the dev server and
``slidev build`` of a small lecture project (its own package.json, pictures in
``image/`` named ``/image/x.png``, no public/), in a folder of the repository's build/
so Slidev finds the repository's node_modules as a project's own."""

from __future__ import annotations

import os
import random
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_tools import free_port

from nlpdeck import env, lint, project

LECTURE = Path(__file__).parent / "fixtures" / "strangers" / "lecture"
SLIDEV = env.ROOT / "node_modules" / ".bin" / "slidev"


def noise_png(seed: int, side: int = 48) -> bytes:
    """A picture too big for Vite to inline (over 4 KiB), so a build emits a file."""
    rows = random.Random(seed)
    raw = b"".join(b"\x00" + rows.randbytes(side * 3) for _ in range(side))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))


@pytest.fixture
def lecture() -> Iterator[Path]:
    """A copy of the lecture fixture with real-size pictures, and a cover picture named
    in a frontmatter (a plain URL, served but not bundled)."""
    if not SLIDEV.exists():
        pytest.fail(f"{SLIDEV.relative_to(env.ROOT)} missing: run `make setup` (npm ci)")
    (env.ROOT / "build").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="lint-lecture-", dir=env.ROOT / "build"))
    try:
        shutil.copytree(LECTURE, folder, dirs_exist_ok=True)
        for seed, name in enumerate(["tokens.png", "pipeline.png", "cover.png"]):
            (folder / "image" / name).write_bytes(noise_png(seed))
        deck = folder / "slides.md"
        deck.write_text(
            deck.read_text(encoding="utf-8")
            + "\n---\nlayout: cover\nbackground: /image/cover.png\n---\n\n# The end\n",
            encoding="utf-8",
        )
        yield deck
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""
    except (urllib.error.URLError, ConnectionError):
        return 0, b""  # not listening yet


@pytest.mark.devserver
def test_the_dev_server_and_the_build_agree_with_lint(lecture: Path, tmp_path: Path) -> None:
    folder = lecture.parent
    (finding,) = lint.lint(project.load(lecture))
    assert (finding.rule, finding.severity) == ("not-in-build", "error")
    assert "background /image/cover.png" in finding.message

    dist = tmp_path / "dist"
    built = subprocess.run(
        [str(SLIDEV), "build", str(lecture), "--out", str(dist)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=900,
        stdin=subprocess.DEVNULL,
        env=env.subprocess_environ(),
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    emitted = {p.read_bytes() for p in (dist / "assets").glob("*.png")}
    for name in ("tokens.png", "pipeline.png"):  # /image/x.png without public/: bundled
        assert (folder / "image" / name).read_bytes() in emitted, name
    # not-in-build is true: the slide asks for /image/cover.png at run time (a preload
    # link may emit a hashed copy, which no slide asks for), and the build has no such file
    scripts = " ".join(p.read_text(errors="replace") for p in (dist / "assets").rglob("*.js"))
    assert '"/image/cover.png"' in scripts
    assert not (dist / "image" / "cover.png").exists()

    port = free_port()
    server = subprocess.Popen(
        [str(SLIDEV), str(lecture), "--port", str(port)],
        cwd=folder,
        env=env.subprocess_environ(),
        stdin=subprocess.PIPE,  # slidev quits when its stdin closes
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while get(base + "/")[0] != 200:
            assert server.poll() is None, "slidev exited before it served the deck"
            assert time.monotonic() < deadline, "slidev served nothing in 300 s"
            time.sleep(1)
        for name in ("tokens.png", "pipeline.png", "cover.png"):  # all served in dev
            assert get(f"{base}/image/{name}") == (200, (folder / "image" / name).read_bytes())
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@pytest.mark.devserver
def test_a_build_cannot_resolve_what_lint_calls_an_asset_path(lecture: Path) -> None:
    """``@/`` is no Vite alias in Slidev: the build fails on it, as lint says."""
    lecture.write_text(
        lecture.read_text(encoding="utf-8")
        + '\n---\n\n# Alias\n\n<img src="@/image/tokens.png" alt="Tokens">\n',
        encoding="utf-8",
    )
    assert [f.rule for f in lint.lint(project.load(lecture))] == ["not-in-build", "asset-path"]
    built = subprocess.run(
        [str(SLIDEV), "build", str(lecture), "--out", str(lecture.parent / "dist")],
        cwd=lecture.parent,
        capture_output=True,
        text=True,
        timeout=900,
        stdin=subprocess.DEVNULL,
        env=env.subprocess_environ(),
    )
    assert built.returncode != 0
    assert 'failed to resolve import "@/image/tokens.png"' in built.stdout + built.stderr
