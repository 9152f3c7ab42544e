"""The slide-code check reuses a deck's last results exactly when nothing it depends on
changed: a real kernel runs a small real deck, twice, then once per kind of edit."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nlpdeck import check, check_record, env, project
from nlpdeck.kernel import DEFAULT_TIMEOUT

pytestmark = pytest.mark.kernel

SLIDES = """\
---
title: A deck whose check is recorded
nlpdeck:
  runners: [python]
---

# Words

```python
words = load_words()
print(len(words))
```

---

# Count

<<< @/snippets/count.py

---

# Live

```python {monaco-run} {autorun:false}
print(sorted(words)[0])
```
"""


def make_deck(folder: Path) -> Path:
    (folder / "demos").mkdir(parents=True)
    (folder / "snippets").mkdir()
    (folder / "data").mkdir()
    (folder / "slides.md").write_text(SLIDES, encoding="utf-8")
    (folder / "demos" / "prelude.py").write_text(
        "from demos.helpers import load_words\n", encoding="utf-8"
    )
    (folder / "demos" / "helpers.py").write_text(
        "from pathlib import Path\n\n\ndef load_words():\n"
        "    return Path('data/words.txt').read_text(encoding='utf-8').split()\n",
        encoding="utf-8",
    )
    (folder / "snippets" / "count.py").write_text("total = len(words)\n", encoding="utf-8")
    (folder / "data" / "words.txt").write_text("pear apple fig\n", encoding="utf-8")
    return folder / "slides.md"


@pytest.fixture
def deck(tmp_path: Path) -> Iterator[Path]:
    path = make_deck(tmp_path / "recorded")
    yield path
    shutil.rmtree(project.load(path).build_dir, ignore_errors=True)


def run(path: Path, capsys: pytest.CaptureFixture[str], force: bool = False) -> str:
    status = check.main(path, timeout=120, force=force)
    out = capsys.readouterr().out
    assert status == 0, out
    return out


def first_run(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A new deck's first check: its live block has no recorded output until this run
    writes one, which lint (run first) reports; nothing else may fail."""
    check.main(path, timeout=120)
    out = capsys.readouterr().out
    assert "3 passed, 0 failed" in out and "0 failing lint findings" in out, out
    assert "warning live-unrecorded" in out, out  # lint runs before the run that records
    return out


def ran(out: str) -> bool:
    """The check started a kernel (else it reused and said so)."""
    if "running 3 blocks" in out:
        return True
    assert "3 blocks unchanged, results from" in out, out
    return False


def test_a_second_check_reuses_and_each_input_runs_it_again(deck, capsys):
    first = first_run(deck, capsys)
    assert ran(first) and "no earlier check here" in first
    record = json.loads(check_record.path(project.load(deck)).read_text(encoding="utf-8"))
    assert record["reusable"]
    assert [b["status"] for b in record["blocks"]] == ["passed"] * 3
    data = str((deck.parent / "data" / "words.txt").resolve())
    assert data in record["reads"]  # found by what the kernel opened, not declared
    assert "demos/prelude.py" in record["depends"]["code"]
    assert "demos/helpers.py" in record["depends"]["code"]

    second = run(deck, capsys)
    assert not ran(second)
    assert "slide 1 block 1" in second  # the recorded times, slowest first

    # text around the blocks is not what they depend on
    text = deck.read_text(encoding="utf-8").replace("# Count", "# Counting the words")
    deck.write_text(text, encoding="utf-8")
    assert not ran(run(deck, capsys))

    edits = {
        "block 1": (deck, "print(len(words))", "print(len(words), 'words')"),
        "code demos/prelude.py": (
            deck.parent / "demos" / "prelude.py",
            "load_words\n",
            "load_words\nLIMIT = 3\n",
        ),
        "code demos/helpers.py": (deck.parent / "demos" / "helpers.py", ".split()", ".split() "),
        "code snippets/count.py": (
            deck.parent / "snippets" / "count.py",
            "len(words)",
            "len(words) + 0",
        ),
        "reads": (deck.parent / "data" / "words.txt", "fig", "fig plum"),
    }
    for said, (file, old, new) in edits.items():
        file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        out = run(deck, capsys)
        assert ran(out) and said in out, (said, out)
        assert not ran(run(deck, capsys)), said

    assert ran(run(deck, capsys, force=True))


def test_a_failing_check_is_never_reused(deck, capsys):
    first_run(deck, capsys)
    text = deck.read_text(encoding="utf-8").replace("print(len(words))", "print(len(wordz))")
    deck.write_text(text, encoding="utf-8")
    for _ in range(2):
        assert check.main(deck, timeout=120) == 1
        out = capsys.readouterr().out
        assert "running 3 blocks" in out and "NameError" in out
    record = json.loads(check_record.path(project.load(deck)).read_text(encoding="utf-8"))
    assert not record["reusable"]
    assert "the last check did not pass" in out


def test_another_environment_is_not_trusted(deck, capsys):
    first_run(deck, capsys)
    where = check_record.path(project.load(deck))
    record = json.loads(where.read_text(encoding="utf-8"))
    record["depends"]["environment"]["host"] = "another-machine"
    where.write_text(json.dumps(record), encoding="utf-8")
    out = run(deck, capsys)
    assert ran(out) and "environment" in out


def test_pytest_items_reuse_the_record_and_force_runs_them(deck, capsys):
    def pytest_run(*args: str, select: str = "block") -> str:  # lint wants a live record
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-k", select, str(deck)]
            + list(args),
            cwd=env.ROOT,
            capture_output=True,
            text=True,
            env=env.subprocess_environ(),
            timeout=600,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    some = pytest_run(select="slide-1 or slide-2")  # blocks 1 and 2 only: no record
    assert "2 passed" in some and not check_record.path(project.load(deck)).exists()
    first = pytest_run()
    assert "3 passed" in first and "blocks unchanged" not in first
    second = pytest_run("-n", "2")  # as make test runs: the workers' reports say it
    assert "3 passed" in second and "3 blocks unchanged, results from" in second
    forced = pytest_run("--force-check")
    assert "3 passed" in forced and "blocks unchanged" not in forced
    (deck.parent / "data" / "words.txt").write_text("kiwi\n", encoding="utf-8")
    assert check.main(deck, timeout=DEFAULT_TIMEOUT) == 0  # as make check runs it
    assert "running 3 blocks; changed: reads" in capsys.readouterr().out
    assert "3 blocks unchanged, results from" in pytest_run()  # one record serves both


def test_the_check_ends_with_times_and_names_a_block_that_became_slower(tmp_path, capsys):
    folder = tmp_path / "timed"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "pause.txt").write_text("0", encoding="utf-8")
    (folder / "slides.md").write_text(
        "# Wait\n\n```python\nimport time\nfrom pathlib import Path\n\n"
        "time.sleep(float(Path('data/pause.txt').read_text()))\n```\n\n---\n\n"
        "# Then\n\n```python\nprint('done')\n```\n",
        encoding="utf-8",
    )
    deck = folder / "slides.md"
    try:
        first = run(deck, capsys)
        assert "slowest: slide 1 block 1 (line 3)" in first or "slowest: slide 2" in first
        assert "slower than the previous check" not in first
        (folder / "data" / "pause.txt").write_text("1.5", encoding="utf-8")
        second = run(deck, capsys)
        assert "changed: reads" in second
        assert "slowest: slide 1 block 1 (line 3) 1." in second
        assert "slower than the previous check: slide 1 block 1 (line 3) 1." in second
        assert "slide 2 block" not in second.partition("slower than")[2]
    finally:
        shutil.rmtree(project.load(deck).build_dir, ignore_errors=True)
