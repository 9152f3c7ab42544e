"""Blocks run in one real kernel; failures point at the deck, slide and line."""

from pathlib import Path

import nbformat
import pytest

from nlpdeck import project
from nlpdeck.kernel import BlockTimeoutError, DeckRunner, KernelDiedError
from nlpdeck.reader import read_deck

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def broken_run():
    deck = project.load(FIXTURES / "broken_deck.md")
    with DeckRunner(deck, timeout=120) as runner:
        results = [runner.run(block) for block in runner.blocks]
        record = runner.save()
    return results, record


@pytest.mark.kernel
def test_outcomes_in_slide_order(broken_run):
    results, _ = broken_run
    assert [(r.block.slide, r.status) for r in results] == [
        (1, "passed"),
        (2, "passed"),
        (3, "failed"),
        (4, "timeout"),
        (4, "passed"),
        (5, "skipped"),
        (5, "skipped"),
    ]


@pytest.mark.kernel
def test_failure_names_slide_and_failing_statement_line(broken_run):
    error = broken_run[0][2].error
    assert error is not None
    assert error.headline().endswith(
        "broken_deck.md:29 (slide 3): AttributeError: 'int' object has no attribute 'missing'"
    )
    text = str(error)
    assert "   26 |     return v.missing" in text  # the code, numbered by markdown line
    assert "broken_deck.md:26, in f(v)" in text  # the kernel's traceback, mapped


@pytest.mark.kernel
def test_hung_block_is_interrupted_and_the_kernel_goes_on(broken_run):
    results, _ = broken_run
    assert isinstance(results[3].error, BlockTimeoutError)
    assert "still running after 2 s" in str(results[3].error)
    assert results[4].outputs[0]["text"] == "after 2\n"  # state survived the interrupt


@pytest.mark.kernel
def test_declared_exception_passes_and_absent_model_skips_naming_it(broken_run):
    results, _ = broken_run
    assert results[1].reason == "raised ZeroDivisionError as declared"
    assert "someone/not-cached-model" in results[5].reason
    assert results[6].reason == "shown only, not run"


def test_needed_models_are_read_from_string_literals_not_comments(tmp_path):
    from nlpdeck.kernel import needed_models

    deck = tmp_path / "slides.md"
    deck.write_text(
        "# A\n\n```python\n"
        'ckpt = "nlpdeck/bert-mini-chinese"  # or "bert-base-chinese" online\n'
        "```\n\n---\n\n# B\n\n```python\n"
        'ckpt = "bert-base-chinese"\n'
        "```\n\n---\n\n# C\n\n```python\n"
        'broken( "bert-base-chinese"\n'
        "```\n",
        encoding="utf-8",
    )
    blocks = list(read_deck(deck).blocks())
    assert [needed_models(b) for b in blocks] == [
        ["nlpdeck/bert-mini-chinese"],
        ["bert-base-chinese"],
        ["bert-base-chinese"],  # unparsable: judged by its text, it fails when run anyway
    ]


@pytest.mark.kernel
def test_outputs_recorded_as_a_notebook(broken_run):
    _, record = broken_run
    notebook = nbformat.read(record, as_version=4)  # the format nbconvert and the deck read
    cells = [c for c in notebook["cells"] if not c["metadata"]["nlpdeck"].get("setup")]
    assert [c["metadata"]["nlpdeck"]["status"] for c in cells][:3] == ["passed", "passed", "failed"]
    assert cells[4]["outputs"][0]["text"] == "after 2\n"
    assert cells[2]["metadata"]["nlpdeck"]["slide"] == 3


@pytest.mark.kernel
def test_unexpected_success_of_a_raises_block_fails(tmp_path):
    deck = tmp_path / "slides.md"
    deck.write_text("# A\n\n<!-- check: raises KeyError -->\n```python\nx = 1\n```\n")
    with DeckRunner(project.load(deck), timeout=60) as runner:
        result = runner.run(runner.blocks[0])
    assert result.status == "failed"
    assert "declared `raises KeyError`, got nothing" in result.reason


@pytest.mark.kernel
def test_snippet_block_runs_from_its_file_with_the_model_offline():
    deck = project.load(FIXTURES / "snippets" / "deck.md")
    with DeckRunner(deck, timeout=120) as runner:
        first = runner.run(runner.blocks[0])
    assert first.status == "passed"


@pytest.mark.kernel
def test_dead_kernel_is_named_and_later_blocks_fail_with_it(tmp_path):
    deck = tmp_path / "slides.md"
    deck.write_text(
        "# A\n\n```python\nimport os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n```\n\n"
        "---\n\n# B\n\n```python\nprint('never')\n```\n"
    )
    with DeckRunner(project.load(deck), timeout=60) as runner:
        results = [runner.run(block) for block in runner.blocks]
    assert [r.status for r in results] == ["failed", "failed"]
    assert isinstance(results[0].error, KernelDiedError)
    assert "kernel died" in str(results[1].error)
    assert results[1].block.slide == 2


@pytest.mark.kernel
def test_a_kernel_names_the_markdown_line_only_while_the_code_stands_there(tmp_path):
    """Live kernels outlive edits of the deck: a location the file no longer holds is
    not used (the traceback would show another line's text)."""
    deck = tmp_path / "slides.md"
    deck.write_text("# A\n\n```python\nnumbers = [1, 2]\nnumbers[5]\n```\n")
    with DeckRunner(project.load(deck), timeout=60) as runner:
        (block,) = runner.blocks
        before = runner.run(block)
        deck.write_text("# A\n\nnew text above the block\n\n" + deck.read_text()[5:])
        after = runner.run(block)
    assert before.error is not None and after.error is not None
    assert f"{deck}:5" in before.error.traceback
    assert str(deck) not in after.error.traceback and "IndexError" in after.error.traceback
