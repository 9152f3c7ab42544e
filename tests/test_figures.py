"""The figure build: content-hash staleness, atomic outputs, manifest, determinism."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nlpdeck import env, project
from nlpdeck.figures import build
from nlpdeck.figures.target import Target
from nlpdeck.project import DeckProject

DECK = project.load(Path(__file__).parent / "fixtures" / "figure_deck" / "slides.md")
"""A deck whose figures package holds small real drawing functions (figures/drawers.py)."""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "sentences.txt"
    path.write_text("the bank of the river\n", encoding="utf-8")
    return path


@pytest.fixture
def targets(data: Path) -> list[Target]:
    return [
        Target(
            "line",
            "drawers:line",
            ("line.png", "data.txt"),
            files=(str(data),),
            params={"slope": 2},
        ),
        Target("upper", "drawers:upper", ("upper.txt",), needs=("data.txt",)),
    ]


def rebuilt(targets: list[Target], out: Path, *only: str) -> list[str]:
    built = build.build(DECK, out, only=only, progress=False, targets=targets)
    return [t.name for t, _ in built]


def plan(targets: list[Target], out: Path) -> list[build.Step]:
    return build.plan(DECK, out, targets=targets)


def test_builds_then_nothing_is_stale(targets, tmp_path):
    out = tmp_path / "image"
    assert rebuilt(targets, out) == ["line", "upper"]
    assert (out / "upper.txt").read_text(encoding="utf-8") == "THE BANK OF THE RIVER\n"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["targets"]["line"]
    assert entry["inputs"]["params"] == {"slope": 2}
    assert set(entry["outputs"]) == {"line.png", "data.txt"}
    assert entry["inputs"]["code"]["tests/fixtures/figure_deck/figures/drawers.py"]
    assert entry["seconds"] >= 0
    assert [s.reason for s in plan(targets, out)] == ["", ""]
    assert rebuilt(targets, out) == []


def test_same_inputs_give_identical_bytes(targets, tmp_path):
    rebuilt(targets, tmp_path / "a")
    rebuilt(targets, tmp_path / "b")
    assert (tmp_path / "a" / "line.png").read_bytes() == (tmp_path / "b" / "line.png").read_bytes()


def test_changed_param_rebuilds_only_that_target(targets, tmp_path):
    out = tmp_path / "image"
    rebuilt(targets, out)
    steeper = [dataclasses.replace(targets[0], params={"slope": 3}), targets[1]]
    assert [s.reason for s in plan(steeper, out)] == ["changed: params", ""]
    # data.txt is unchanged, so the target that needs it stays fresh
    assert rebuilt(steeper, out) == ["line"]


def test_changed_data_file_rebuilds_the_targets_that_read_it(targets, data, tmp_path):
    out = tmp_path / "image"
    rebuilt(targets, out)
    data.touch()  # an mtime alone changes nothing
    assert rebuilt(targets, out) == []
    data.write_text("the bank of the money\n", encoding="utf-8")
    assert plan(targets, out)[0].reason == f"changed: files {data}"
    assert rebuilt(targets, out) == ["line", "upper"]
    assert (out / "upper.txt").read_text(encoding="utf-8") == "THE BANK OF THE MONEY\n"


def test_edited_or_deleted_output_is_rebuilt(targets, tmp_path):
    out = tmp_path / "image"
    rebuilt(targets, out)
    (out / "upper.txt").write_text("hand edit", encoding="utf-8")
    reason = plan(targets, out)[1].reason
    assert reason == "upper.txt differs from the one the manifest recorded"
    (out / "line.png").unlink()
    assert plan(targets, out)[0].reason == "line.png is missing"
    assert rebuilt(targets, out) == ["line", "upper"]


def test_one_target_with_what_it_needs(targets, tmp_path):
    out = tmp_path / "image"
    assert rebuilt(targets, out, "upper") == ["line", "upper"]
    assert rebuilt(targets, out, "line") == []
    unknown = "no figure target named linne; known: line, upper"
    with pytest.raises(build.FigureBuildError, match=unknown):
        rebuilt(targets, out, "linne")


def test_interrupted_build_leaves_previous_figures_intact(targets, tmp_path):
    out = tmp_path / "image"
    rebuilt(targets, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    ctrl_c = [dataclasses.replace(targets[0], draw="drawers:interrupted", params={"slope": 5})]
    with pytest.raises(KeyboardInterrupt):
        rebuilt(ctrl_c, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temp folder left


def test_failing_target_is_named_and_the_others_still_build(targets, tmp_path):
    out = tmp_path / "image"
    broken = Target("attention", "drawers:broken", ("attention.png",))
    with pytest.raises(build.FigureBuildError) as error:
        rebuilt([broken, *targets], out)
    assert str(error.value).splitlines() == [
        "figure target attention (drawers:broken) failed: ValueError: no such column: sense",
        "previous figures are intact",
    ]
    assert (out / "upper.txt").is_file()
    assert not (out / "attention.png").exists()


def test_missing_model_names_target_model_and_fix(targets, tmp_path):
    needs_model = Target(
        "hub",
        "drawers:line",
        ("line.png",),
        models=("org/absent-model",),
        params={"slope": 1},
    )
    expected = (
        "figure target hub cannot be built: model org/absent-model (not in the catalog) is "
        "not in the local cache"
    )
    with pytest.raises(build.FigureBuildError) as error:
        rebuilt([needs_model], tmp_path / "image")
    assert str(error.value).startswith(expected)
    assert "run `nlpdeck models fetch`" in str(error.value)
    assert not (tmp_path / "image" / "line.png").exists()


def test_undeclared_output_is_refused(tmp_path):
    sloppy = Target("sloppy", "drawers:sloppy", ("line.png",))
    with pytest.raises(build.FigureBuildError, match=r"wrote undeclared debug\.csv: declare"):
        rebuilt([sloppy], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_declarations_are_checked(targets):
    with pytest.raises(build.FigureBuildError, match="upper needs data.txt, which no earlier"):
        build.validate([targets[1], targets[0]])
    with pytest.raises(build.FigureBuildError, match="line.png is an output of both line and"):
        build.validate([targets[0], dataclasses.replace(targets[0], name="copy")])


def test_code_inputs_follow_project_imports():
    code = build.code_files("nlpdeck.figures.encoder")
    files = {p.relative_to(env.ROOT).as_posix() for p in code}
    assert {"nlpdeck/figures/encoder.py", "nlpdeck/models.py", "nlpdeck/env.py"} <= files
    assert not any("transformers" in f for f in files)


def test_a_decks_own_code_is_hashed_through_its_relative_imports(tmp_path):
    deck_dir = tmp_path / "lecture"  # outside the repository, as `make check DECK=…` allows
    (deck_dir / "figures").mkdir(parents=True)
    (deck_dir / "demos").mkdir()
    (deck_dir / "slides.md").write_text("# A\n")
    (deck_dir / "figures" / "targets.py").write_text(
        "from nlpdeck.figures.target import Target\n"
        "TARGETS = [Target('t', 'draw:run', ('t.txt',))]\n"
    )
    (deck_dir / "figures" / "draw.py").write_text(
        "from nlpdeck.figures.target import Job\n\nfrom . import helper\n"
        "from ..demos.counts import COUNT\n\n\ndef run(job: Job):\n"
        "    job.output('t.txt').write_text(helper.TEXT * COUNT)\n"
    )
    (deck_dir / "figures" / "helper.py").write_text("TEXT = 'x'\n")
    (deck_dir / "demos" / "counts.py").write_text("COUNT = 3\n")
    deck = project.load(deck_dir / "slides.md")
    assert [t.name for t, _ in build.build(deck, progress=False)] == ["t"]
    assert (deck.figures / "t.txt").read_text() == "xxx"
    code = build.read_manifest(deck.figures)["targets"]["t"]["inputs"]["code"]
    assert {"figures/draw.py", "figures/helper.py", "demos/counts.py"} <= set(code)
    # the toolkit is no code of this deck's project (it is installed for it): not hashed
    assert not any(name.startswith("nlpdeck/") or "site-packages" in name for name in code)
    (deck_dir / "demos" / "counts.py").write_text("COUNT = 4\n")
    assert build.plan(deck)[0].reason == "changed: code demos/counts.py"


def test_planning_reads_a_targets_code_and_imports_none_of_it(tmp_path):
    """A drawing module's imports are read from its source, never run: planning finds
    its helper (which would exit if imported) and passes over a package no one has."""
    deck_dir = tmp_path / "unimported"
    (deck_dir / "figures").mkdir(parents=True)
    (deck_dir / "slides.md").write_text("# A\n")
    (deck_dir / "figures" / "targets.py").write_text(
        "from nlpdeck.figures.target import Target\n"
        "TARGETS = [Target('t', 'draw:run', ('t.txt',))]\n"
    )
    (deck_dir / "figures" / "draw.py").write_text(
        "import a_package_nobody_installed\nfrom .helper import TEXT\nfrom json import dumps\n"
    )
    (deck_dir / "figures" / "helper.py").write_text("raise SystemExit('imported')\nTEXT = 1\n")
    deck = project.load(deck_dir / "slides.md")
    target = deck.targets()[0]
    code = build.inputs(deck, target, deck.figures)["code"]
    assert {"figures/draw.py", "figures/helper.py"} <= set(code)
    assert "nlpdeck/figures/target.py" not in code  # targets.py is not the drawing code
    assert deck.draw_module(target) not in sys.modules
    assert build.plan(deck)[0].reason == "never built"


def test_code_files_are_found_once_per_plan_and_only_the_projects():
    finder = build.CodeFinder((env.ROOT,))
    first = build.code_files("nlpdeck.figures.encoder", finder=finder)
    assert build.code_files("nlpdeck.figures.encoder", finder=finder) == first
    assert finder.file("torch") is None and finder.file("torch.nn") is None
    assert finder.file("nlpdeck.figures.target.Job") is None  # a name, not a module


def test_parsed_imports_are_kept_by_content_so_an_edit_is_read_again(tmp_path):
    package = tmp_path / "kept"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("")
    (package / "c.py").write_text("")
    cache = tmp_path / "imports.json"

    def closure() -> list[str]:
        finder = build.CodeFinder((tmp_path,), path=(tmp_path,), cache=cache)
        found = finder.closure(["kept", "kept.a"])
        finder.save()
        return [p.name for p in found]

    assert closure() == ["__init__.py", "a.py", "b.py"]
    assert len(json.loads(cache.read_text())) == 2  # __init__.py and b.py are one content
    assert closure() == ["__init__.py", "a.py", "b.py"]
    (package / "a.py").write_text("from . import c\n")
    assert closure() == ["__init__.py", "a.py", "c.py"]


# ---- describing: a target's words are a build step of their own


def words_deck(tmp_path: Path, name: str) -> DeckProject:
    """A deck outside the repository whose one target draws a picture from its JSON and
    describes it; the drawing logs each run to draws.log (beside the deck)."""
    deck_dir = tmp_path / name
    (deck_dir / "figures").mkdir(parents=True)
    (deck_dir / "slides.md").write_text("# A\n")
    (deck_dir / "figures" / "targets.py").write_text(
        "from nlpdeck.figures.target import Target\n"
        "TARGETS = [Target('dots', 'draw:run', ('dots.png', 'dots.json'), params={'n': 3},"
        " describe='words:say')]\n"
    )
    (deck_dir / "figures" / "draw.py").write_text(
        "import json\nfrom pathlib import Path\n\n\ndef run(job):\n"
        "    job.output('dots.json').write_text(json.dumps({'n': job.params['n']}))\n"
        "    job.output('dots.png').write_bytes(b'png' * job.params['n'])\n"
        "    with (job.deck / 'draws.log').open('a') as log:\n        log.write('drawn\\n')\n"
    )
    say("{n} 个点", deck_dir)
    return project.load(deck_dir / "slides.md")


def say(template: str, deck_dir: Path, body: str = "") -> None:
    """(Re)write the deck's describing module; forget the imported one."""
    words = deck_dir / "figures" / "words.py"
    words.write_text(
        "import json\n\n\ndef say(done):\n"
        + (body or f"    n = json.loads(done.output('dots.json').read_text())['n']\n"
           f"    return {{'dots.png': f'{template}'}}\n")
    )  # fmt: skip
    for name in [m for m in sys.modules if m.endswith(".figures.words")]:
        del sys.modules[name]


def draws(deck: DeckProject) -> int:
    log = deck.dir / "draws.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def built_words(deck: DeckProject) -> dict[str, str]:
    return dict(json.loads((deck.figures / build.DESCRIPTIONS).read_text(encoding="utf-8")))


def test_a_target_is_described_from_what_it_drew(tmp_path):
    deck = words_deck(tmp_path, "described")
    assert [(s.reason, s.words) for s in build.plan(deck)] == [("never built", "drawn anew")]
    assert [t.name for t, _ in build.build(deck, progress=False)] == ["dots"]
    assert built_words(deck) == {"dots.png": "3 个点"}
    entry = build.read_manifest(deck.figures)["targets"]["dots"]
    assert entry["description"]["texts"] == {"dots.png": "3 个点"}
    assert "figures/words.py" in entry["description"]["inputs"]["code"]
    assert "figures/words.py" not in entry["inputs"]["code"]  # the drawing's code
    assert [(s.reason, s.words) for s in build.plan(deck)] == [("", "")]
    assert list(build.build(deck, progress=False)) == [] and draws(deck) == 1


def test_new_words_describe_again_and_draw_nothing(tmp_path):
    deck = words_deck(tmp_path, "reworded")
    list(build.build(deck, progress=False))
    picture = (deck.figures / "dots.png").read_bytes()
    say("图中有 {n} 个点", deck.dir)
    assert [(s.reason, s.words) for s in build.plan(deck)] == [
        ("", "changed: code figures/words.py")
    ]
    assert [r for _, r in build.build(deck, progress=False)] == [
        build.WORDS + "changed: code figures/words.py"
    ]
    assert built_words(deck) == {"dots.png": "图中有 3 个点"}
    assert draws(deck) == 1 and (deck.figures / "dots.png").read_bytes() == picture


def test_a_redrawn_figure_is_described_again(tmp_path):
    deck = words_deck(tmp_path, "redrawn")
    list(build.build(deck, progress=False))
    more = [dataclasses.replace(deck.targets()[0], params={"n": 4})]
    assert [s.words for s in build.plan(deck, targets=more)] == ["drawn anew"]
    list(build.build(deck, progress=False, targets=more))
    assert built_words(deck) == {"dots.png": "4 个点"} and draws(deck) == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "    raise KeyError('n')\n",
            "figure target dots (words:say) failed to describe its figures: KeyError: 'n'",
        ),
        (
            "    return {'dots.png': 'x', 'dot.png': 'y'}\n",
            "figure target dots (words:say) described dot.png, not its outputs: "
            "its outputs are dots.png, dots.json",
        ),
        (
            "    return {'dots.json': 'x'}\n",
            "figure target dots (words:say) gave no text for dots.png: "
            "its outputs are dots.png, dots.json",
        ),
    ],
)
def test_a_failing_description_is_named_and_the_previous_words_kept(tmp_path, body, message):
    deck = words_deck(tmp_path, f"fails{len(body)}")
    list(build.build(deck, progress=False))
    before = (deck.figures / build.DESCRIPTIONS).read_bytes()
    say("", deck.dir, body)
    with pytest.raises(build.FigureBuildError) as error:
        list(build.build(deck, progress=False))
    assert str(error.value).splitlines() == [message, "previous figures are intact"]
    assert (deck.figures / build.DESCRIPTIONS).read_bytes() == before
    assert build.plan(deck)[0].words.startswith("changed: code figures/words.py")


def test_an_interrupted_description_leaves_the_previous_words_whole(tmp_path):
    deck = words_deck(tmp_path, "interrupted")
    list(build.build(deck, progress=False))
    before = {p.name: p.read_bytes() for p in deck.figures.iterdir()}
    say("", deck.dir, "    raise KeyboardInterrupt\n")
    with pytest.raises(KeyboardInterrupt):
        list(build.build(deck, progress=False))
    assert {p.name: p.read_bytes() for p in deck.figures.iterdir()} == before  # no temp file


def test_the_figures_command_lists_stale_words_and_describes_them(tmp_path):
    deck = words_deck(tmp_path, "listed")
    list(build.build(deck, progress=False))
    say("{n} dots", deck.dir)

    def figures(*args: str) -> list[str]:
        command = [sys.executable, "-m", "nlpdeck", "figures", str(deck.path), *args]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=120, env=env.subprocess_environ()
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout.splitlines()

    assert figures("--list")[0].split()[:5] == [
        "dots",
        "fresh;",
        "description",
        "stale:",
        "changed:",
    ]
    assert figures() == ["described dots (changed: code figures/words.py)", "1 described again"]
    assert built_words(deck) == {"dots.png": "3 dots"} and draws(deck) == 1
