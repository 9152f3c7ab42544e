"""Retrain the project's Chinese BERT: ``python -m course.pretrain [--steps N] [--out DIR]``.

Without ``--out`` the folder goes to build/models/bert-mini-chinese; publishing it means
copying it over models/bert-mini-chinese and putting its weights' sha256 in the catalog.
"""

from __future__ import annotations

from nlpdeck import env

env.activate()  # before torch and transformers are imported: they read the variables once

import argparse  # noqa: E402
from pathlib import Path  # noqa: E402

from course.pretrain import published  # noqa: E402
from course.pretrain.run import pretrain  # noqa: E402
from course.pretrain.settings import Settings  # noqa: E402
from nlpdeck.files import sha256_file  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Train into ``--out`` (default: build/models/bert-mini-chinese) and say how it did."""
    parser = argparse.ArgumentParser(prog="python -m course.pretrain", description=__doc__)
    parser.add_argument("--steps", type=int, help="training steps (default: the recorded run's)")
    parser.add_argument("--out", help="output folder (default: build/models/bert-mini-chinese)")
    args = parser.parse_args(argv)
    settings = Settings() if args.steps is None else Settings(steps=args.steps)
    out = Path(args.out) if args.out else published.DEFAULT_OUT
    record = pretrain(out, settings)
    full, seconds = record["evaluation"]["full"], record["training"]["wall_clock_seconds"]
    print(
        f"saved {out}: held-out accuracy {full['accuracy']:.4f} on {full['masked']} masked "
        f"characters (most frequent character: {full['baseline']:.4f}); {seconds:.0f} s"
    )
    print(
        f"model.safetensors sha256 {sha256_file(out / 'model.safetensors')}\nto publish: copy "
        f"the folder to {published.committed_dir().relative_to(env.ROOT)}/, put the sha256 in "
        f"{env.project().catalog.relative_to(env.ROOT)}, run `make models`"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
