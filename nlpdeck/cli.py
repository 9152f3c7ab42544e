"""Command line: ``python -m nlpdeck doctor | check | figures | handout | present | export |
new | init | models | kernel-server | describe``.

Every deck command takes the deck as ``[DECK]``: a Slidev markdown file or a deck's
folder; without it, the one deck of the project here (with several, the error lists
them). The project is found from the deck (:mod:`nlpdeck.env`).
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

    from nlpdeck import project
    from nlpdeck.figures import build

    deck = project.find(args.deck)
    figures = Path(args.out).resolve() if args.out else deck.figures
    try:
        if args.list:
            for step in build.plan(deck, figures, only=args.target):
                state = f"stale: {step.reason}" if step.reason else "fresh"
                if step.words and not step.reason:
                    state += f"; description stale: {step.words}"
                print(f"{step.target.name:26} {state}")
            return 0
        rebuilt = described = 0
        for target, reason in build.build(deck, figures, only=args.target, force=args.force):
            if reason.startswith(build.WORDS):
                described += 1
                print(f"described {target.name} ({reason.removeprefix(build.WORDS)})")
            else:
                rebuilt += 1
                print(f"built {target.name} ({reason}): {', '.join(target.outputs)}")
    except build.FigureBuildError as error:
        print(error, file=sys.stderr)
        return 1
    if not deck.targets():
        print(f"{deck.name} declares no figure targets ({deck.targets_file} is absent)")
    else:
        done = [f"{rebuilt} figure target(s) rebuilt"] if rebuilt else []
        done += [f"{described} described again"] if described else []
        print(", ".join(done) if done else "figures are up to date")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from nlpdeck import doctor

    return doctor.main(args.deck)


def _present(args: argparse.Namespace) -> int:
    from nlpdeck import present, project

    try:
        return present.present(project.find(args.deck), args.port, args.slidev_options)
    except (RuntimeError, TimeoutError) as error:
        print(f"nlpdeck present: {error}", file=sys.stderr)
        return 1


def _kernel_server(args: argparse.Namespace) -> int:
    from pathlib import Path

    from nlpdeck import kernel_server, project

    return kernel_server.serve(project.find(args.deck), Path(args.log))


def _describe(args: argparse.Namespace) -> int:
    import json

    from nlpdeck import describe, project

    description = describe.describe(project.find(args.deck))
    if args.json:
        print(json.dumps(description, ensure_ascii=False))
    else:
        for key, value in description.items():
            if key != "kernel_setup":
                print(f"{key:10} {value}")
    return 0


def _handout(args: argparse.Namespace) -> int:
    from nlpdeck import handout, project
    from nlpdeck.reader import show_path

    deck = project.find(args.deck)
    try:
        written = handout.write(deck, force=args.force)
    except handout.HandoutError as error:
        print(f"handout: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {show_path(path)}")
    if not written:
        print(f"take-home notebooks in {show_path(deck.notebooks)} are current")
    return 0


def _export(args: argparse.Namespace) -> int:
    from nlpdeck import export, project

    return export.export(project.find(args.deck))


def _new(args: argparse.Namespace) -> int:
    from pathlib import Path

    from nlpdeck import scaffold

    return scaffold.main(Path(args.folder), args.lang, args.title)


def _init(args: argparse.Namespace) -> int:
    from pathlib import Path

    from nlpdeck import init

    return init.main(Path(args.folder))


def _check(args: argparse.Namespace) -> int:
    from nlpdeck import check

    return check.main(args.deck, args.timeout, force=args.force, strict=args.strict)


def _deck_argument(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "deck", nargs="?", help="the deck: its slides.md or its folder (default: the only deck)"
    )


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="nlpdeck", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    doctor = commands.add_parser("doctor", help="check everything a deck needs")
    _deck_argument(doctor)
    doctor.set_defaults(run=_doctor)
    check = commands.add_parser("check", help="lint a deck and run its Python blocks")
    _deck_argument(check)
    check.add_argument("--timeout", type=float, default=600.0, help="seconds per block")
    check.add_argument(
        "--force", action="store_true", help="run the blocks even if nothing they depend on changed"
    )
    check.add_argument("--strict", action="store_true", help="lint warnings fail the check too")
    check.set_defaults(run=_check)
    present = commands.add_parser(
        "present",
        help="a deck with a live Python kernel",
        usage="nlpdeck present [deck] [--port PORT] [-- SLIDEV_OPTION ...]",
        description="Slidev's dev server on the deck, with live Python. Options after `--` "
        "go to slidev: `nlpdeck present -- --open`.",
    )
    _deck_argument(present)
    present.add_argument(
        "--port", type=int, help="the deck's port (default: 3030 or the next free)"
    )
    present.set_defaults(run=_present)
    server = commands.add_parser(
        "kernel-server",
        help="the deck's Jupyter server, run by the addon's dev server (stops at stdin EOF)",
    )
    _deck_argument(server)
    server.add_argument("--log", required=True, help="file for the server's and kernels' logs")
    server.set_defaults(run=_kernel_server)
    describe = commands.add_parser(
        "describe", help="a deck's folders, prelude, records and kernel settings"
    )
    _deck_argument(describe)
    describe.add_argument(
        "--json", action="store_true", help="one JSON object, as the addon reads it"
    )
    describe.set_defaults(run=_describe)
    hand = commands.add_parser(
        "handout",
        help="take-home notebooks: each demo (.ipynb and .html) and the deck's code, "
        "run alone (those whose code changed)",
    )
    _deck_argument(hand)
    hand.add_argument("--force", action="store_true", help="write every notebook again")
    hand.set_defaults(run=_handout)
    figures = commands.add_parser("figures", help="rebuild a deck's stale figures")
    _deck_argument(figures)
    figures.add_argument(
        "--target", action="append", default=[], help="one target (and what it needs); repeat"
    )
    figures.add_argument("--force", action="store_true", help="rebuild even if fresh")
    figures.add_argument("--list", action="store_true", help="show each target's state")
    figures.add_argument("--out", help="figure folder (default: the deck's)")
    figures.set_defaults(run=_figures)
    export = commands.add_parser("export", help="a deck as PDF and one PNG per slide")
    _deck_argument(export)
    export.set_defaults(run=_export)
    new = commands.add_parser("new", help="start a deck: live Python, a figure, checked code")
    new.add_argument("folder", help="the new deck's folder, e.g. slides/part3")
    new.add_argument("--lang", choices=("en", "zh-CN"), default="en", help="the deck's language")
    new.add_argument("--title", help="the deck's title (default: from the folder name)")
    new.set_defaults(run=_new)
    init = commands.add_parser(
        "init", help="add nlpdeck to a Slidev project: the addon, a prelude, the npm package"
    )
    init.add_argument(
        "folder", nargs="?", default=".", help="the project's folder or a deck (default: here)"
    )
    init.set_defaults(run=_init)
    model_cmd = commands.add_parser("models", help="the local model cache")
    model_sub = model_cmd.add_subparsers(dest="action", required=True)
    model_sub.add_parser(
        "install", help="register models shipped in packages or committed here"
    ).set_defaults(run=_models_install)
    fetch = model_sub.add_parser("fetch", help="download hub-only models (needs the Hub)")
    fetch.add_argument("ids", nargs="*", help="hub ids or roles (default: all hub-only)")
    fetch.set_defaults(run=_models_fetch)
    model_sub.add_parser("list", help="catalog and cache state").set_defaults(run=_models_list)
    return top


def main(argv: list[str] | None = None) -> int:
    from nlpdeck import project

    argv = sys.argv[1:] if argv is None else list(argv)
    # `nlpdeck present DECK -- --open`: what follows `--` is slidev's own
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser().parse_args(argv[:split])
    args.slidev_options = argv[split + 1 :]
    if args.slidev_options and args.command != "present":
        parser().error(
            f"only `present` passes options after `--` on (to slidev); `{args.command}` "
            f"takes none: leave out `-- {' '.join(args.slidev_options)}`"
        )
    # the deck's project (else the working folder's), before any Hugging Face import;
    # `models fetch` lifts HF_HUB_OFFLINE itself
    given = getattr(args, "deck", None) or getattr(args, "folder", None)
    env.activate(env.find_project(given or os.getcwd()))
    try:
        return int(args.run(args))
    except project.DeckNotFoundError as error:
        print(f"nlpdeck {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
