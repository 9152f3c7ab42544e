"""Pre-training, shown on the project's own Chinese BERT (``nlpdeck/bert-mini-chinese``).

``draw_curve`` plots what ``training.json`` recorded while :mod:`course.pretrain` trained
the model: the masked-LM loss and the held-out accuracy beside the most-frequent-character
baseline. ``draw_fill_mask`` asks the trained model, through transformers' ``fill-mask``
pipeline, for the hidden character of a few sentences and draws its top-k with their
probabilities, misses included: a 4-layer model trained for a quarter of an hour gets
common newspaper collocations and little else, and the figure says so.

    >>> from part2.figures import pretraining
    >>> pretraining.shown("北[MASK]")
    '北＿'
"""

from __future__ import annotations

import json
from typing import Any

from nlpdeck.figures import style
from nlpdeck.figures.target import Job

RECORD = "../../models/bert-mini-chinese/training.json"  # from the deck's folder
HIT, MISS = style.PALETTE[2], style.PALETTE[1]


def shown(sentence: str) -> str:
    """The sentence as the slide prints it: the mask as a blank."""
    return sentence.replace("[MASK]", "＿")


def draw_curve(job: Job) -> None:
    record = json.loads(job.file(RECORD).read_text(encoding="utf-8"))
    steps_total = record["settings"]["steps"]
    full, subset = record["evaluation"]["full"], record["evaluation"]["subset"]
    fig, (loss_ax, acc_ax) = style.figure(style.FULL, ncols=2)

    train = record["loss_curve"]
    probes = record["heldout_curve"]
    loss_ax.plot([s for s, _ in train], [v for _, v in train], label="训练集（每 20 步平均）")
    loss_ax.plot(
        [p["step"] for p in probes],
        [p["loss"] for p in probes],
        "o-",
        markersize=4,
        label="留出集（64 段）",
    )
    loss_ax.set(xlabel="训练步数", ylabel="交叉熵（nats）", title="掩码语言模型的损失")
    loss_ax.legend(frameon=False, loc="upper right")
    loss_ax.grid(alpha=0.3)

    acc_ax.plot(
        [p["step"] for p in probes],
        [p["accuracy"] * 100 for p in probes],
        "o-",
        color=style.PALETTE[0],
        markersize=4,
        label="模型：第 1 候选猜中",
    )
    acc_ax.axhline(
        subset["baseline"] * 100,
        color=style.MUTED,
        linestyle="--",
        label=f"基线：总猜最常见的字「{record['vocabulary']['most_frequent']}」",
    )
    acc_ax.plot(steps_total, full["accuracy"] * 100, "*", color=style.PALETTE[3], markersize=14)
    acc_ax.annotate(
        f"全部留出集 {full['masked']:,} 个字：{full['accuracy']:.1%}\n基线 {full['baseline']:.1%}",
        xy=(steps_total, full["accuracy"] * 100),
        xytext=(0.04, 0.62),
        textcoords="axes fraction",
        fontsize=12,
        arrowprops={"arrowstyle": "->", "color": style.MUTED},
    )
    acc_ax.set(
        xlabel="训练步数",
        ylabel="准确率（%）",
        title="留出集上猜中被遮住的字",
        ylim=(0, max(25.0, full["accuracy"] * 100 * 1.3)),
    )
    acc_ax.legend(frameon=False, loc="upper left")
    acc_ax.grid(alpha=0.3)
    model, settings = record["model"], record["settings"]
    fig.suptitle(
        f"{record['hub_id']}：{model['layers']} 层、{model['parameters'] / 1e6:.1f}M 参数；"
        f"人民日报 1998 年 1 月；{record['training']['threads']} 核 CPU "
        f"{record['training']['wall_clock_seconds'] / 60:.0f} 分钟"
        f"（{steps_total:,} 步 × {settings['batch_size']} 段 × {settings['block']} 字）",
        fontsize=13,
    )
    style.save(fig, job.output("pretraining_curve.png"))


def predict(hub_id: str, sentences: list[dict[str, str]], top_k: int) -> list[dict[str, Any]]:
    """Top-k of the fill-mask pipeline per sentence, and the expected character's rank
    (the pipeline asked for every vocabulary entry, so one forward pass gives both)."""
    from transformers import pipeline

    fill = pipeline("fill-mask", model=hub_id, device="cpu")
    tokenizer = fill.tokenizer
    assert tokenizer is not None  # fill-mask pipelines always carry one
    found = []
    for item in sentences:
        text, answer = item["text"], item["answer"]
        ranked = fill(text, top_k=len(tokenizer))
        guesses = [p["token_str"] for p in ranked]
        tokens = tokenizer.tokenize(text.replace("[MASK]", answer))
        if answer not in guesses:
            raise ValueError(
                f"the answer {answer!r} of {text!r} is not a "
                f"character of {hub_id}'s vocabulary: choose another sentence in targets.py"
            )
        found.append(
            {
                "text": text,
                "answer": answer,
                "answer_in_vocabulary": tokenizer.unk_token not in tokens,
                "answer_rank": 1 + guesses.index(answer),
                "top": [
                    {"token": p["token_str"], "score": round(p["score"], 4)} for p in ranked[:top_k]
                ],
            }
        )
    return found


def draw_fill_mask(job: Job) -> None:
    params = job.params
    hub_id = job.model(job.target.models[0])
    results = predict(hub_id, list(params["sentences"]), params["top_k"])
    hits = sum(r["answer_rank"] == 1 for r in results)
    summary = {
        "model": hub_id,
        "top_k": params["top_k"],
        "hits": hits,
        "sentences": results,
    }
    job.output("fill_mask.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )

    columns = 3
    rows = -(-len(results) // columns)
    fig, axes = style.figure((10.0, 2.45 * rows + 0.6), nrows=rows, ncols=columns)
    for ax, result in zip(axes.flat, results, strict=False):
        top = result["top"]
        tokens = [p["token"] for p in top]
        colours = [HIT if t == result["answer"] else style.PALETTE[0] for t in tokens]
        ax.barh(range(len(top)), [p["score"] for p in top], color=colours)
        ax.set_yticks(range(len(top)), tokens, fontsize=14)
        ax.invert_yaxis()
        ax.set_xlim(0, 0.5)
        ax.tick_params(axis="x", labelsize=10)
        for i, p in enumerate(top):
            ax.text(p["score"] + 0.01, i, f"{p['score']:.2f}", va="center", fontsize=10)
        hit = result["answer_rank"] == 1
        verdict = "猜中" if hit else f"答案「{result['answer']}」排第 {result['answer_rank']}"
        ax.set_title(f"{shown(result['text'])}\n{verdict}", fontsize=12, color=HIT if hit else MISS)
    for ax in list(axes.flat)[len(results) :]:
        ax.axis("off")
    fig.suptitle(
        f"{hub_id} 填空：前 {params['top_k']} 个候选及概率（{len(results)} 句中猜中 {hits} 句）",
        fontsize=14,
    )
    style.save(fig, job.output("fill_mask.png"))
