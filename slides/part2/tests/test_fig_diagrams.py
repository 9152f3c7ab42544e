"""Diagrams and animations of the Transformer and BERT slides: the numbers they draw are
recounted here from the models, the installed packages and a retrained toy model, and
the videos are H.264 of the declared length that Chromium can decode."""

from __future__ import annotations

import importlib.metadata
import json
import math
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from figure_tags import PART2, read_json
from part2.figures import ecosystem, seq2seq
from part2.figures.targets import TARGETS

from nlpdeck import env

NAMES = (
    "transformer", "encoder-decoder-blocks", "teacher-forcing-video", "bottleneck",
    "attention-scheme", "self-attention-video", "encoder-vs-decoder", "transformer-families",
    "bert-sizes", "transfer-learning", "hf-ecosystem",
)  # fmt: skip
BY_NAME = {t.name: t for t in TARGETS}


def probe(path: Path) -> dict[str, Any]:
    """The video stream as ffprobe sees it, frames counted by decoding."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
         "stream=codec_name,pix_fmt,width,height,nb_read_frames,duration,avg_frame_rate",
         "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    stream: dict[str, Any] = json.loads(result.stdout)["streams"][0]
    return stream


def test_every_declared_output_is_written(built_figures):
    from PIL import Image

    for name in NAMES:
        for out in BY_NAME[name].outputs:
            assert (built_figures / out).is_file(), f"{name} did not write {out}"
            if out.endswith(".png"):
                width, height = Image.open(built_figures / out).size
                assert 700 <= width <= 1800 and 500 <= height <= 1300, (out, width, height)


# ---- bert-base-bert-large-encoders.png ----


def count_published(config: dict[str, Any]) -> dict[str, int]:
    import torch
    from transformers import BertConfig, BertModel

    with torch.device("meta"):
        model = BertModel(BertConfig(**config))
    return {
        "parameters": sum(p.numel() for p in model.parameters()),
        "embeddings": sum(p.numel() for p in model.embeddings.parameters()),
        "per_layer": sum(p.numel() for p in model.encoder.layer[0].parameters()),
    }


def test_bert_parameter_counts_are_those_of_the_published_configs(built_figures):
    drawn = read_json(built_figures, "bert-sizes.json")
    published = BY_NAME["bert-sizes"].params["published"]
    for name, config in published.items():
        assert {k: drawn[name][k] for k in ("parameters", "embeddings", "per_layer")} == (
            count_published(config)
        )
        assert drawn[name]["layers"] == config["num_hidden_layers"]
        assert drawn[name]["hidden_size"] == config["hidden_size"]
        assert drawn[name]["heads"] == config["num_attention_heads"]
    # the totals BERT's authors report as 110M and 340M (with the pooler)
    assert drawn["BERT-base"]["parameters"] == 109_482_240
    assert drawn["BERT-large"]["parameters"] == 335_141_888


def test_minilm_numbers_come_from_its_cached_config_and_weights(built_figures, english_encoder):
    from safetensors import safe_open

    drawn = read_json(built_figures, "bert-sizes.json")["MiniLM-L6"]
    config = read_json(english_encoder.path, "config.json")
    assert (drawn["layers"], drawn["hidden_size"], drawn["heads"]) == (
        config["num_hidden_layers"], config["hidden_size"], config["num_attention_heads"]
    )  # fmt: skip
    with safe_open(english_encoder.path / "model.safetensors", "np") as weights:
        shapes = {k: weights.get_slice(k).get_shape() for k in weights.keys()}
    # position_ids is a stored buffer, not a parameter
    counted = sum(math.prod(s) for k, s in shapes.items() if not k.endswith("position_ids"))
    assert drawn["parameters"] == counted == 22_713_216
    assert drawn["embeddings"] + 6 * drawn["per_layer"] + drawn["pooler"] == counted


# ---- hf-ecosystem.png ----


def test_hf_ecosystem_versions_are_the_installed_and_locked_ones(built_figures):
    drawn = read_json(built_figures, "hf-ecosystem.json")
    rows = BY_NAME["hf-ecosystem"].params["rows"]
    assert list(drawn) == [name for row in rows for name, _ in row]
    assert drawn == {name: importlib.metadata.version(name) for name in drawn}
    pins = ecosystem.pinned(env.ROOT / "requirements.lock")
    assert all(pins[ecosystem.normalize(name)] == v for name, v in drawn.items())


def test_ecosystem_refuses_versions_the_lock_does_not_pin(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("transformers==0.0.1\nhuggingface_hub==2.4.0\n", encoding="utf-8")
    ecosystem.check_lock({"huggingface-hub": "2.4.0"}, lock)
    with pytest.raises(RuntimeError, match=r"transformers 5\.\S+ \(lock: 0\.0\.1\).*make setup"):
        ecosystem.check_lock(ecosystem.installed(["transformers"]), lock)


# ---- the videos ----


@pytest.mark.parametrize(
    ("video", "record"),
    [("seq2seq_training_with_target.mp4", "seq2seq_training.json"),
     ("encoder_self_attention.mp4", "encoder_self_attention.json")],
)  # fmt: skip
def test_videos_are_h264_of_the_declared_length(built_figures, video, record):
    stream, drawn = probe(built_figures / video), read_json(built_figures, record)
    assert (stream["codec_name"], stream["pix_fmt"]) == ("h264", "yuv420p")
    assert stream["width"] % 2 == 0 and stream["height"] % 2 == 0
    assert int(stream["nb_read_frames"]) == drawn["frames"]
    assert stream["avg_frame_rate"] == f"{drawn['fps']}/1"
    assert float(stream["duration"]) == pytest.approx(drawn["frames"] / drawn["fps"], abs=0.01)
    assert 3 <= drawn["frames"] / drawn["fps"] <= 15
    assert (built_figures / video).stat().st_size < 500_000


def test_self_attention_video_shows_the_models_weights(built_figures, english_encoder):
    import torch
    from transformers import AutoModel, AutoTokenizer

    drawn = read_json(built_figures, "encoder_self_attention.json")
    params = BY_NAME["self-attention-video"].params
    assert (drawn["sentence"], drawn["layer"]) == (params["sentence"], params["layer"])
    assert drawn["revision"] == english_encoder.revision
    tokenizer = AutoTokenizer.from_pretrained(english_encoder.hub_id)
    model = AutoModel.from_pretrained(english_encoder.hub_id, attn_implementation="eager")
    batch = tokenizer(params["sentence"], return_tensors="pt")
    with torch.no_grad():
        attentions = model.eval()(**batch, output_attentions=True).attentions
    assert drawn["tokens"] == tokenizer.convert_ids_to_tokens(batch["input_ids"][0].tolist())
    expected = attentions[params["layer"] - 1][0].mean(0).numpy()
    np.testing.assert_allclose(np.array(drawn["weights"]), expected, atol=1e-6)
    np.testing.assert_allclose(np.array(drawn["weights"]).sum(1), 1, atol=1e-4)
    per_token = round(params["seconds_per_token"] * params["fps"])
    assert drawn["frames"] == len(drawn["tokens"]) * per_token + round(
        params["seconds_matrix"] * params["fps"]
    )


def test_teacher_forcing_video_numbers_are_a_real_training_run(built_figures):
    target = BY_NAME["teacher-forcing-video"]
    params, drawn = target.params, read_json(built_figures, "seq2seq_training.json")
    pairs = seq2seq.sentence_pairs(params["grammar"])
    run = seq2seq.train(pairs, params["steps"], target.seed, keep=params["checkpoints"])
    assert drawn["pairs"] == len(pairs) == 144
    assert drawn["losses"] == [round(v, 4) for v in run.losses]
    assert drawn["losses"][-1] < 0.1 * drawn["losses"][0]  # it learned
    source, wanted = (s.split() for s in params["example"])
    for c in params["checkpoints"]:
        steps = drawn["steps"][str(c)]
        assert steps == seq2seq.teacher_forced(run.models[c], run.vocab, (source, wanted))
        # teacher forcing: the decoder is fed the correct previous word, whatever it guessed
        assert [s["input"] for s in steps] == [seq2seq.BOS, *wanted]
        assert [s["target"] for s in steps] == [*wanted, seq2seq.EOS]
        for s in steps:
            assert s["loss"] == pytest.approx(-math.log(s["p_target"]), abs=2e-3)
    first = drawn["steps"][str(params["checkpoints"][0])]
    assert any(s["guesses"][0][0] != s["target"] for s in first)  # early on, some are wrong


def test_toy_grammar_agrees_subject_and_tense():
    grammar = BY_NAME["teacher-forcing-video"].params["grammar"]
    pairs = {" ".join(zh): " ".join(en) for zh, en in seq2seq.sentence_pairs(grammar)}
    assert pairs["她 昨天 看见 狗"] == "she saw dogs yesterday"
    assert pairs["他 喜欢 音乐"] == "he likes music"
    assert pairs["我们 讨厌 书"] == "we hate books"


@pytest.mark.browser
def test_videos_play_in_chromium(built_figures, tmp_path):
    """Chromium decodes both videos (a <video> gets their size once loaded)."""
    for video in ("seq2seq_training_with_target.mp4", "encoder_self_attention.mp4"):
        (tmp_path / video).symlink_to(built_figures / video)
    page = tmp_path / "page.html"
    page.write_text(
        "<body><script>let n=0;const out=[];for(const v of "
        '["seq2seq_training_with_target.mp4","encoder_self_attention.mp4"]){'
        "const e=document.createElement('video');e.muted=true;e.src=v;"
        "e.onloadeddata=()=>{out.push(e.videoWidth+'x'+e.videoHeight);"
        "if(++n===2){document.title='sizes '+out.sort().join(' ')}};"
        "e.onerror=()=>{document.title='error '+v};document.body.append(e)}</script>",
        encoding="utf-8",
    )
    result = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--autoplay-policy="
         "no-user-gesture-required", "--allow-file-access-from-files",
         "--virtual-time-budget=10000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "<title>sizes 720x480 960x540</title>" in result.stdout, result.stderr[-2000:]


def test_teacher_forcing_video_bytes_are_reproducible(built_figures, tmp_path):
    from nlpdeck.figures import build

    target = BY_NAME["teacher-forcing-video"]
    list(build.build(PART2, tmp_path, progress=False, targets=[target]))
    for out in target.outputs:
        assert (tmp_path / out).read_bytes() == (built_figures / out).read_bytes(), out
