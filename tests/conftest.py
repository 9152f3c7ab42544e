"""Shared fixtures. The nlpdeck pytest plugin activates the offline environment at
configure time, before any test module imports a Hugging Face library."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from nlpdeck import env


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the toolkit at an empty Hugging Face cache for one test."""
    monkeypatch.setenv("NLPDECK_HF_HOME", str(tmp_path / "hf"))  # the project's cache, moved
    yield tmp_path / "hf"


class DeckBuild(NamedTuple):
    dist: Path
    token: str  # a kernel server's token, readable from its file during the build
    url: str  # and the server's address, configured in the environment


@pytest.fixture(scope="session")
def deck_build(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], DeckBuild]:
    """``deck_build(deck_file)``: `slidev build` of a deck, once per deck and session (a
    build takes minutes), made while a kernel server's URL and token file are configured
    (as for a remote server): tests check that neither reaches the build."""
    slidev = env.ROOT / "node_modules" / ".bin" / "slidev"
    if not slidev.exists():
        pytest.fail(f"{slidev.relative_to(env.ROOT)} missing: run `make setup` (npm ci)")
    done: dict[Path, DeckBuild] = {}

    def built(deck: Path) -> DeckBuild:
        if deck in done:
            return done[deck]
        canary = DeckBuild(
            tmp_path_factory.mktemp(f"build-{deck.parent.name}") / "dist",
            "canary-token-" + "0" * 40,
            "http://127.0.0.1:59999/",
        )
        token_file = canary.dist.parent / "token"
        token_file.write_text(canary.token)
        result = subprocess.run(
            [str(slidev), "build", str(deck), "--out", str(canary.dist)],
            cwd=env.ROOT,
            capture_output=True,
            text=True,
            timeout=1500,
            stdin=subprocess.DEVNULL,
            env={
                **env.subprocess_environ(),
                "NLPDECK_KERNEL_URL": canary.url,
                "NLPDECK_KERNEL_TOKEN_FILE": str(token_file),
            },
        )
        assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
        done[deck] = canary
        return canary

    return built
