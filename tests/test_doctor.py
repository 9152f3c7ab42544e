import importlib.metadata
import json
import os
import subprocess
import sys

import pytest

from nlpdeck import doctor, env, project


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
    assert "model english-encoder: nlpdeck models install" in result.stdout
    assert "model chinese-small: nlpdeck models install" in result.stdout


def test_report_lists_each_fix():
    findings = [
        doctor.Finding("a", True, "fine"),
        doctor.Finding("b", False, "gone", "do b"),
        doctor.Finding("c", False, "absent", "do c", required=False),
    ]
    text = doctor.report(findings)
    assert "b: do b" in text and "c: do c" in text and text.endswith("1 missing")


def test_doctor_says_when_the_addon_and_the_python_package_differ(tmp_path):
    version = importlib.metadata.version("nlpdeck")
    (tmp_path / "package.json").write_text('{"devDependencies": {"@slidev/cli": "^52.14.1"}}')
    for name, have in (("@slidev/cli", "52.14.1"), ("slidev-addon-nlpdeck", "0.1.0")):
        (tmp_path / "node_modules" / name).mkdir(parents=True)
        manifest = tmp_path / "node_modules" / name / "package.json"
        manifest.write_text(json.dumps({"version": have}))
    (tmp_path / "slides.md").write_text("# A deck\n")
    findings = {f.name: f for f in doctor.check_node(project.load(tmp_path / "slides.md"))}
    assert findings["node_modules"].ok
    addon = findings["addon version"]
    assert not addon.ok and addon.detail == f"slidev-addon-nlpdeck 0.1.0, nlpdeck {version}"
    assert addon.fix.startswith(f"npm install -D slidev-addon-nlpdeck@{version} in ")
    assert "pip install 'nlpdeck==0.1.0'" in addon.fix


def test_doctor_finds_this_repository_s_addon_at_the_python_package_s_version():
    findings = {f.name: f for f in doctor.check_node(project.find(None))}
    assert findings["addon version"].ok, findings["addon version"]
