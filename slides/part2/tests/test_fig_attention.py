"""Attention figures (slides "注意力模型" and "自注意力机制"): the numbers they draw are
the embedded MiniLM's own, recomputed here with the plain transformers API, and the
bertviz pages load nothing from the web."""

from __future__ import annotations

import functools
import http.server
import json
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from figure_tags import read_json
from part2.figures import attention, attention_steps, attention_views
from part2.figures.targets import TARGETS

from nlpdeck import env, models

NAMES = ("attention-it", "attention-steps", "attention-views")


@pytest.fixture(scope="module")
def encoder(english_encoder: models.CachedModel):
    from nlpdeck.figures import encoder

    return encoder.load(english_encoder.hub_id)


@pytest.fixture(scope="module")
def it_figure(built_figures: Path) -> dict:
    return read_json(built_figures, attention.JSON)


@pytest.fixture(scope="module")
def steps(built_figures: Path) -> dict:
    return read_json(built_figures, attention_steps.JSON)


def run_model(encoder, text: str) -> tuple[list[str], object]:
    import torch

    tokenizer, model = encoder
    batch = tokenizer(text, return_tensors="pt")
    with torch.no_grad():
        out = model(**batch, output_attentions=True, output_hidden_states=True)
    return tokenizer.convert_ids_to_tokens(batch["input_ids"][0].tolist()), out


def test_builder_writes_every_declared_output(built_figures):
    from PIL import Image

    for target in (t for t in TARGETS if t.name in NAMES):
        for name in target.outputs:
            assert (built_figures / name).is_file(), f"{target.name} did not write {name}"
    for name in attention_steps.FRAMES:
        assert Image.open(built_figures / name).size == (2000, 880)  # 10 x 4.4 in at 200 dpi


def test_it_weights_drawn_are_the_models(it_figure, encoder):
    layer, head, query = it_figure["layer"], it_figure["head"], it_figure["query"]
    for sentence in it_figure["sentences"]:
        tokens, out = run_model(encoder, sentence["text"])
        assert sentence["tokens"] == tokens
        assert tokens[query] == "it"
        model_row = out.attentions[layer][0, head, query].numpy()
        np.testing.assert_allclose(sentence["weights"], model_row, atol=1e-6)
        assert abs(sum(sentence["weights"]) - 1) < 1e-5


def test_chosen_head_is_the_argmax_of_the_stated_criterion(it_figure, encoder):
    query, (first, second) = it_figure["query"], it_figure["contrast"]
    assert [it_figure["sentences"][0]["tokens"][i] for i in (first, second)] == ["animal", "street"]
    diffs = []
    for sentence in it_figure["sentences"]:
        _, out = run_model(encoder, sentence["text"])
        maps = np.stack([a[0].numpy() for a in out.attentions])  # layers, heads, n, n
        diffs.append(maps[:, :, query, first] - maps[:, :, query, second])
    change = diffs[0] - diffs[1]
    best = np.unravel_index(np.argmax(np.abs(change)), change.shape)
    assert (it_figure["layer"], it_figure["head"]) == tuple(int(i) for i in best)
    np.testing.assert_allclose(it_figure["change"], change, atol=1e-6)
    # the figure's footnote prints this change; the runner-up is far behind
    assert sorted(np.abs(change).ravel())[-2] < 0.5 * np.abs(change).max()


@pytest.fixture(scope="module")
def hooked(steps, encoder) -> dict:
    """The layer's own Q, K, V projections and context (all heads), caught by forward
    hooks while the model runs, plus its attentions and hidden states."""
    tokenizer, model = encoder
    self_attention = model.encoder.layer[steps["layer"]].attention.self
    caught: dict = {}

    def keep(name):
        def hook(module, args, output):
            caught[name] = (output[0] if isinstance(output, tuple) else output)[0].numpy()

        return hook

    handles = [
        getattr(self_attention, part).register_forward_hook(keep(name))
        for name, part in (("q", "query"), ("k", "key"), ("v", "value"))
    ]
    handles.append(self_attention.register_forward_hook(keep("context")))
    try:
        _, caught["out"] = run_model(encoder, steps["text"])
    finally:
        for handle in handles:
            handle.remove()
    return caught


def head_columns(steps: dict) -> slice:
    d = steps["shape"]["d"]
    return slice(steps["head"] * d, (steps["head"] + 1) * d)


def test_steps_softmax_weights_are_the_models_attention(steps, hooked):
    model_weights = hooked["out"].attentions[steps["layer"]][0, steps["head"]].numpy()
    np.testing.assert_allclose(steps["weights"], model_weights, atol=1e-6)


def test_steps_head_output_is_the_models_context_layer(steps, hooked):
    np.testing.assert_allclose(
        steps["output"], hooked["context"][:, head_columns(steps)], atol=1e-5
    )


def test_steps_projections_scores_and_inputs_are_the_models(steps, hooked, encoder):
    cols = head_columns(steps)
    for name in "qkv":
        np.testing.assert_allclose(steps["qkv"][name], hooked[name][:, cols], atol=1e-5)
    q, k = np.array(steps["qkv"]["q"]), np.array(steps["qkv"]["k"])
    np.testing.assert_allclose(steps["scores"], q @ k.T, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(
        steps["scaled"], np.array(steps["scores"]) / np.sqrt(32), rtol=1e-6, atol=1e-6
    )
    shown = np.array(steps["x"])
    inputs = hooked["out"].hidden_states[steps["layer"]][0].numpy()
    np.testing.assert_allclose(shown, inputs[:, : shown.shape[1]], atol=1e-6)
    assert steps["shape"] == {"x": [len(steps["tokens"]), 384], "w": [384, 32], "d": 32}
    _, model = encoder
    query = model.encoder.layer[steps["layer"]].attention.self.query
    corner = query.weight.detach().numpy()[cols].T[: steps["shown"], : steps["shown"]]
    np.testing.assert_allclose(steps["w"]["q"], corner, atol=0)


def test_steps_head_is_the_most_spread_one(steps, hooked):
    maps = hooked["out"].attentions[steps["layer"]][0].numpy()
    entropy = -(maps * np.log(maps)).sum(axis=-1).mean(axis=-1)
    assert steps["head"] == int(np.argmax(entropy))


def web_references(page: str) -> list[str]:
    """http(s) addresses outside comments: what a browser could fetch."""
    code = re.sub(r"/\*.*?\*/|<!--.*?-->", "", page, flags=re.S)
    return re.findall(r"(?:https?:)?//[\w.-]+\.\w+/[^\s'\"]*", code)


@pytest.mark.parametrize("kind", ["head", "model"])
def test_bertviz_pages_reference_no_web_address(built_figures, kind):
    page_path = built_figures / attention_views.PAGES[kind]
    page = page_path.read_text(encoding="utf-8")
    assert web_references(page) == []
    sources = re.findall(r'<script src="([^"]+)"', page)
    paths = re.findall(r"(?:d3|jquery): '([^']+)'", page)
    assert sources == ["js/require.js"] and paths == ["js/d3.min", "js/jquery.min"] * 2
    for local in [*sources, *(p + ".js" for p in paths)]:
        assert (page_path.parent / local).is_file()


def test_localise_refuses_html_without_the_cdn_addresses():
    with pytest.raises(attention_views.OfflineError, match="update part2.figures.attention_views"):
        attention_views.localise("<div>no scripts</div>", "bertviz-head-0")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(built_figures: Path) -> Iterator[str]:
    """The built figure folder over HTTP on localhost, as the deck serves it."""
    handler = functools.partial(QuietHandler, directory=str(built_figures))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["head", "model"])
def test_bertviz_page_draws_offline_in_chromium(served, kind):
    url = f"{served}/{attention_views.PAGES[kind]}"
    result = subprocess.run(
        ["node", "scripts/page-requests.mjs", url, "#vis svg"],
        capture_output=True,
        text=True,
        cwd=env.ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert [r for r in found["requests"] if not r.startswith(served + "/")] == []
    assert found["errors"] == []
    assert found["matches"] == 2  # one drawing per sentence
