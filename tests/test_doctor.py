import os
import subprocess
import sys

import pytest

from nlpdeck import doctor, env


def run_doctor(**extra_env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nlpdeck", "doctor"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=env.ROOT,
        env={**os.environ, **extra_env},
    )


@pytest.mark.kernel
def test_doctor_passes_on_a_set_up_machine():
    result = run_doctor()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ready to present" in result.stdout
    for name in (
        "python packages",
        "node_modules",
        "model english-encoder",
        "model chinese-small",
        "CJK font",
        "chromium",
        "jupyter kernel",
        "corpus peoples_daily",
    ):
        assert name in result.stdout


@pytest.mark.kernel
def test_doctor_names_the_missing_model_when_the_cache_is_moved(tmp_path):
    result = run_doctor(NLPDECK_HF_HOME=str(tmp_path / "elsewhere"), HF_HOME=str(tmp_path))
    assert result.returncode == 1
    missing = [line for line in result.stdout.splitlines() if line.startswith("MISSING")]
    assert "model english-encoder" in missing[0]
    assert "sentence-transformers/all-MiniLM-L6-v2" in missing[0]
    assert "model chinese-small" in missing[1] and "nlpdeck/bert-mini-chinese" in missing[1]
    # the kernel check runs the deck's prelude, which loads a model: it fails too, and
    # nothing else does
    assert [("jupyter kernel" in m) for m in missing[2:]] == [True], missing
    assert "model english-encoder: make models" in result.stdout
    assert "model chinese-small: make models" in result.stdout


def test_report_lists_each_fix():
    findings = [
        doctor.Finding("a", True, "fine"),
        doctor.Finding("b", False, "gone", "do b"),
        doctor.Finding("c", False, "absent", "do c", required=False),
    ]
    text = doctor.report(findings)
    assert "b: do b" in text and "c: do c" in text and text.endswith("1 missing")
