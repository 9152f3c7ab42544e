"""Transfer learning with BERT (Devlin et al. 2019): pre-trained once on unlabelled
text, then the same weights fine-tuned with a small new head for each labelled task.

    >>> from part2.figures import transfer_learning
    >>> transfer_learning.transfer_learning(job)  # doctest: +SKIP  bert-transfer-learning.png
"""

from __future__ import annotations

from nlpdeck.figures import style
from nlpdeck.figures.diagram import BLUE, GREEN, ORANGE, arrow, box, canvas, path, text
from nlpdeck.figures.target import Job


def transfer_learning(job: Job) -> None:
    """bert-transfer-learning.png: pre-training on unlabelled text (masked words, next
    sentence), then the same weights fine-tuned with a small new head on labelled data."""
    p = job.params
    fig, ax = canvas(5.4, 4.7)
    text(
        ax,
        0.1,
        4.5,
        "① 预训练 Pre-training：无标注文本，自监督",
        13,
        ha="left",
        weight="bold",
        color=BLUE,
    )
    box(
        ax,
        1.2,
        3.75,
        2.1,
        0.72,
        "大规模无标注文本",
        p["corpus"],
        color=style.MUTED,
        size=12,
        fill="#f6f8fa",
    )
    arrow(ax, (2.27, 3.75), (2.9, 3.75), head=10)
    box(ax, 3.55, 3.75, 1.25, 0.72, "BERT", "学习语言知识", color=BLUE, size=15, weight="bold")
    box(ax, 2.7, 2.9, 5.0, 0.52, "", color=BLUE, fill="white", lw=0.8)
    text(ax, 0.35, 3.02, "掩码语言模型 MLM：", 11, ha="left", color=BLUE)
    text(ax, 0.35, 2.78, p["masked"], 11, ha="left")
    arrow(ax, (3.55, 3.38), (3.55, 3.17), head=7, color=BLUE)
    # the same weights are the starting point of every task
    path(ax, [(4.18, 3.75), (5.25, 3.75), (5.25, 1.45), (4.25, 1.45)], color=BLUE, lw=2.2, head=12)
    text(ax, 5.18, 2.25, "复制\n参数", 11, ha="right", color=BLUE, linespacing=1.1)
    text(
        ax,
        0.1,
        2.2,
        "② 微调 Fine-tuning：有标注的任务数据",
        13,
        ha="left",
        weight="bold",
        color=ORANGE,
    )
    box(
        ax,
        1.2,
        1.45,
        2.1,
        0.72,
        "有标注的数据",
        p["labelled"],
        color=style.MUTED,
        size=12,
        fill="#f6f8fa",
    )
    arrow(ax, (2.27, 1.45), (2.9, 1.45), head=10)
    box(ax, 3.55, 1.45, 1.25, 0.72, "BERT", "预训练参数", color=BLUE, size=15, weight="bold")
    box(ax, 3.55, 0.72, 1.6, 0.42, "分类层（新）", color=GREEN, size=11.5)
    arrow(ax, (3.55, 1.09), (3.55, 0.94), head=7)
    arrow(ax, (3.55, 0.51), (3.55, 0.36), head=7)
    text(ax, 3.55, 0.2, p["label"], 12, color=GREEN, weight="bold")
    text(
        ax,
        1.2,
        0.55,
        "预训练：一次，成本高\n微调：每个任务一次，成本低",
        10.5,
        color=style.MUTED,
        linespacing=1.4,
    )
    style.save(fig, job.output("bert-transfer-learning.png"))
