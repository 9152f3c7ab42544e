"""A deck's project is found from the deck, as Slidev finds its user root, and gives the
paths and the Hugging Face environment the toolkit uses."""

import json
import os
from pathlib import Path

import pytest

from nlpdeck import env, models, project


def test_this_repository_is_an_offline_project_with_a_local_cache():
    here = env.find_project("slides/part2/slides.md")
    assert here.root == Path(__file__).resolve().parent.parent
    assert here.config_file == here.root / "pyproject.toml"
    assert here.offline and here.hf_home is not None
    assert here.hf_home.is_relative_to(here.root) or "NLPDECK_HF_HOME" in os.environ
    assert here.catalog == here.root / "models" / "catalog.toml"
    assert here.slidev == here.root / "node_modules" / ".bin" / "slidev"
    variables = here.environ()
    assert variables["HF_HUB_OFFLINE"] == "1" and variables["TRANSFORMERS_OFFLINE"] == "1"
    assert variables["HF_HOME"] == str(here.hf_home)
    assert here.decks() == [here.root / "slides" / "part2" / "slides.md"]


def test_the_pytest_session_activated_this_project():
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["HF_HOME"] == str(env.project().hf_home)
    assert models.hub_dir() == env.project().hf_home / "hub"


def test_huggingface_hub_sees_offline_mode():
    import huggingface_hub.constants as hub

    assert hub.HF_HUB_OFFLINE is True
    assert hub.HF_HOME == str(env.project().hf_home)


def test_a_project_is_the_nearest_folder_with_a_package_json(tmp_path):
    lecture = tmp_path / "course" / "lecture-1"
    (lecture / "image").mkdir(parents=True)
    (tmp_path / "course" / "package.json").write_text("{}")
    (lecture / "package.json").write_text(json.dumps({"name": "lecture-1"}))
    (lecture / "slides.md").write_text("# One\n")
    found = env.find_project(lecture / "slides.md")
    assert found.root == lecture.resolve() and found.config == {}
    # a stranger's project: the standard cache, not forced offline, no catalog
    assert found.hf_home is None or "NLPDECK_HF_HOME" in os.environ
    assert not found.offline and "HF_HUB_OFFLINE" not in found.environ()
    assert models.catalog(found.catalog) == {}
    deck = project.load(lecture / "slides.md")
    assert deck.project == found
    assert deck.build_dir == lecture.resolve() / "build"
    assert deck.kernel_environ()["TOKENIZERS_PARALLELISM"] == "false"


def test_a_project_config_names_its_cache_and_catalog(tmp_path):
    (tmp_path / "nlpdeck.toml").write_text(
        'hf_home = "hf"\noffline = true\ncatalog = "m/catalog.toml"\ndecks = "talks"\n'
    )
    deck = tmp_path / "talks" / "a" / "slides.md"
    deck.parent.mkdir(parents=True)
    deck.write_text("# A\n")
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "slides.md").write_text("# not a deck\n")
    found = env.find_project(deck.parent)
    assert found.root == tmp_path.resolve() and found.config_file == tmp_path / "nlpdeck.toml"
    assert found.catalog == tmp_path.resolve() / "m" / "catalog.toml"
    assert found.decks() == [deck.resolve()]
    if "NLPDECK_HF_HOME" not in os.environ:
        assert found.environ()["HF_HOME"] == str(tmp_path.resolve() / "hf")
    assert project.load(deck).build_dir == tmp_path.resolve() / "build" / "talks" / "a"


def test_a_broken_project_config_names_its_file(tmp_path):
    (tmp_path / "nlpdeck.toml").write_text("hf_home = \n")
    with pytest.raises(env.ProjectConfigError, match=r"nlpdeck\.toml: not valid TOML"):
        env.find_project(tmp_path / "deck")


def test_the_toolkit_resolves_no_path_from_its_install_location():
    toolkit = Path(env.__file__).parent
    for path in toolkit.rglob("*.py"):
        if "templates" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert "__file__" not in text or path.name in {"scaffold.py"}, path


def test_the_toolkit_never_imports_the_course_content():
    toolkit = Path(env.__file__).parent
    for path in toolkit.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import course" not in text and "from course" not in text, path
