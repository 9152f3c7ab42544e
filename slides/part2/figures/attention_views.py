"""bertviz's head view and model view of the "it" sentences, as pages that work offline.

bertviz writes HTML that loads require.js, d3 and jQuery from a CDN, so on conference
Wi-Fi (or none) it shows a blank page. We ask it for the HTML (``html_action="return"``),
point those three scripts at copies of the same libraries from npm, written beside the
pages, and put both sentences on one page. The deck serves ``image/interactive/`` at
``/interactive/`` (``slides/part2/public/interactive`` links to it).

    >>> from bertviz import head_view
    >>> found = head_view(attentions, tokens, html_action="return")        # doctest: +SKIP
    >>> localise(found.data, "bertviz-head-0")                              # doctest: +SKIP
    '... <div id="bertviz-head-0" ... d3: 'js/d3.min', jquery: 'js/jquery.min' ...'
"""

from __future__ import annotations

import html
import json
import re
import shutil
from dataclasses import dataclass
from typing import Any

import numpy as np

from nlpdeck.figures.target import Job

from .attention import JSON as IT_JSON
from .attention import attention_maps

FOLDER = "interactive"
CDN = "https://cdnjs.cloudflare.com/ajax/libs/"


@dataclass(frozen=True)
class Script:
    """A library bertviz loads from a CDN, and the npm file we serve in its place."""

    cdn: str  # as bertviz writes it (require.js paths have no ".js")
    npm: str  # from the deck's folder, installed by `npm ci`
    local: str  # the output, relative to the figure folder


REQUIRE = Script(
    f"{CDN}require.js/2.3.6/require.min.js",
    "../../node_modules/requirejs/require.js",
    "js/require.js",
)
D3 = Script(f"{CDN}d3/5.7.0/d3.min", "../../node_modules/d3-v5/dist/d3.min.js", "js/d3.min.js")
JQUERY = Script(
    f"{CDN}jquery/2.0.0/jquery.min",
    "../../node_modules/jquery/dist/jquery.min.js",
    "js/jquery.min.js",
)
SCRIPTS = (REQUIRE, D3, JQUERY)
PAGES = {"head": f"{FOLDER}/head_view.html", "model": f"{FOLDER}/model_view.html"}
DECIMALS = 4  # weights in the pages: enough for the eye, a third of the bytes
RE_VIS_ID = re.compile(r"bertviz-[0-9a-f]{32}")  # uuid4 per call: would change every build
# bertviz substitutes its data for every "PYTHON_PARAMS", also the one in this comment:
RE_PARAMS_COMMENT = re.compile(
    r"// HACK: [^\n]* is a template marker that is replaced by actual params\."
)


class OfflineError(ValueError):
    """bertviz's HTML no longer has the CDN addresses we replace (bertviz changed)."""


def localise(page: str, vis_id: str) -> str:
    """One bertviz fragment without CDN scripts: require.js is loaded once by the page,
    d3 and jQuery from ``js/``; the random element id becomes ``vis_id``."""
    tag = f'<script src="{REQUIRE.cdn}"></script>'
    for needle in (tag, D3.cdn, JQUERY.cdn):
        if needle not in page:
            raise OfflineError(f"bertviz HTML has no {needle!r}: update {__name__}")
    page = page.replace(tag, "")
    for script in (D3, JQUERY):
        page = page.replace(script.cdn, script.local.removesuffix(".js"))
    page = RE_PARAMS_COMMENT.sub("// (bertviz's data, written in by Python)", page)
    return RE_VIS_ID.sub(vis_id, page)


def _layers(maps: np.ndarray) -> list[Any]:
    """bertviz's input: one ``(1, heads, n, n)`` tensor per layer, rounded."""
    import torch

    return [torch.from_numpy(np.round(m.astype(np.float64), DECIMALS))[None] for m in maps]


def head_view(maps: np.ndarray, tokens: list[str], layer: int, head: int, vis_id: str) -> str:
    from bertviz import head_view as bertviz_head_view

    found = bertviz_head_view(
        _layers(maps), tokens, layer=layer, heads=[head], html_action="return"
    )
    return localise(found.data, vis_id)


def model_view(maps: np.ndarray, tokens: list[str], vis_id: str) -> str:
    from bertviz import model_view as bertviz_model_view

    found = bertviz_model_view(_layers(maps), tokens, display_mode="light", html_action="return")
    return localise(found.data, vis_id)


# require.js gives up on a script after 7 s; Slidev mounts this frame in the background
# at a deck's first load, when Vite and the kernels keep the cores busy, and d3 took
# longer there: the scripts are local, so wait for them however long it takes.
PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="icon" href="data:,">
<script src="{require}"></script>
<script>require.config({{ waitSeconds: 0 }})</script>
<style>
  body {{ margin: 8px 12px; color: #1f2328; background: white;
         font-family: "Noto Sans CJK SC", "Helvetica Neue", Arial, sans-serif; }}
  .note {{ margin: 0 0 6px; font-size: 13px; color: #6e7781; }}
  .views {{ display: flex; flex-direction: {direction}; gap: 8px 28px; }}
  .views > section {{ flex: 1 1 0; min-width: 380px; }}
  h2 {{ margin: 4px 0; font-size: 14px; font-weight: normal; white-space: nowrap; }}
</style>
</head>
<body>
<p class="note">{note}</p>
<div class="views">
{sections}
</div>
</body>
</html>
"""


def page(title: str, note: str, sections: list[tuple[str, str]], direction: str = "row") -> str:
    """A standalone page: the note line, then one section per sentence, side by side
    (``direction="row"``) or one under the other (``"column"``)."""
    body = "\n".join(
        f"<section>\n<h2>{html.escape(heading)}</h2>\n{view}\n</section>"
        for heading, view in sections
    )
    return PAGE.format(
        title=html.escape(title),
        require=REQUIRE.local,
        note=note,
        sections=body,
        direction=direction,
    )


def draw(job: Job) -> None:
    """Target ``attention-views``: both pages, and the three scripts they load."""
    hub_id = job.model(job.target.models[0])
    it = json.loads(job.need(IT_JSON).read_text(encoding="utf-8"))
    layer, head = it["layer"], it["head"]
    heads, models = [], []
    for i, sentence in enumerate(it["sentences"]):
        tokens, maps = attention_maps(hub_id, sentence["text"])
        heads.append((sentence["text"], head_view(maps, tokens, layer, head, f"bertviz-head-{i}")))
        models.append((sentence["text"], model_view(maps, tokens, f"bertviz-model-{i}")))
    model = html.escape(hub_id)
    head_note = (
        f"bertviz head view · {model} · 层、头从 0 编号，先显示第 {layer} 层第 {head} 个头 · "
        "色块 = 12 个头：单击增减，双击只看一个"
    )
    model_note = (
        f"bertviz model view · {model} · 6 层 × 12 个头，每格是一个头的注意力"
        "（左边的词关注右边的词）；单击一格放大。"
    )
    pages = {
        "head": page("bertviz head view: it", head_note, heads),
        "model": page("bertviz model view: it", model_note, models, direction="column"),
    }
    for kind, text in pages.items():
        job.output(PAGES[kind]).write_text(text, encoding="utf-8")
    for script in SCRIPTS:
        shutil.copyfile(job.file(script.npm), job.output(f"{FOLDER}/{script.local}"))
