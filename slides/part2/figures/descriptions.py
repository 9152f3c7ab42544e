"""Part 2's figures in words: each target's ``describe`` (see targets.py).

Each function reads what its target built (the JSON a figure is drawn from, else the
params or data file it draws) and says in Chinese, with the numbers, what each picture
shows: the ``alt`` text of the slide's image, the title of an interactive view and the
figure list of the PDF export. Editing the words here redraws nothing (``make figures``
only describes again), and no drawing module imports this one.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from nlpdeck.figures.target import Finished

SENSES = "figures/data/senses.tsv"


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def num(x: float, digits: int = 2) -> str:
    """A number as the words show it: ``0.84``."""
    return f"{x:.{digits}f}"


def pct(x: float) -> str:
    """A share as a percentage: ``72.5%``."""
    return f"{100 * x:.1f}%"


def interval(ci: list[float]) -> str:
    """A confidence interval of shares: ``[57.5%, 85.0%]``."""
    return f"[{pct(ci[0])}, {pct(ci[1])}]"


def words(items: list[str], n: int = 3) -> str:
    return "、".join(items[:n])


# ---- Embeddings and attention


def static_word(done: Finished) -> dict[str, str]:
    p = done.params
    with done.file(SENSES).open(encoding="utf-8") as f:
        rows = [
            r for r in csv.reader((line for line in f if not line.startswith("#")), delimiter="\t")
        ]
    senses = sorted({sense for word, sense, _ in rows[1:] if word == p["word"]})
    neighbours = "；".join(f"{sense}：{'、'.join(ws)}" for sense, ws in p["neighbours"].items())
    return {
        "static_word.png": f"“{p['word']}”在 {p['per_sense'] * len(senses)} 个句子里"
        f"（{'、'.join(senses)}两种词义各 {p['per_sense']} 句）都指向同一个静态词向量；"
        f"右侧 PCA 图把它和其他词的静态向量画在一起（{neighbours}）。"
    }


def context_word(done: Finished) -> dict[str, str]:
    found = read(done.output("contextual_embeddings.json"))
    shown = done.params["shown"]
    w = found["words"][shown]
    last = w["last_layer"]
    senses = "、".join(f"{s} {n} 句" for s, n in w["senses"].items())
    others = "；".join(
        f"“{name}”从第 0 层的 {num(v['separation_by_layer'][0], 4)} 到最后一层的 "
        f"{num(v['separation_by_layer'][-1], 4)}"
        for name, v in found["words"].items()
    )
    return {
        "context_word1.png": f"“{shown}”在 {sum(w['senses'].values())} 个句子里（{senses}）的"
        f"最后一层（第 {last['layer']} 层）向量，PCA 投影（两个主成分解释 "
        f"{pct(last['pca_explained_variance'][0])} 和 {pct(last['pca_explained_variance'][1])} "
        f"的方差）与余弦相似度热图：同义平均 {num(last['same_sense_cosine'], 4)}，"
        f"异义平均 {num(last['cross_sense_cosine'], 4)}。",
        "context_word2.png": f"每一层“同义余弦减异义余弦”的差值，越大两种词义分得越开：{others}。",
    }


def attention_it(done: Finished) -> dict[str, str]:
    found = read(done.output("transformer_self-attention_visualization.json"))
    a, b = (found["sentences"][0]["tokens"][i] for i in found["contrast"])
    parts = []
    for s in found["sentences"]:
        w = s["weights"]
        parts.append(
            f"“{s['text']}”中 it→{a} {num(w[found['contrast'][0]])}、it→{b} "
            f"{num(w[found['contrast'][1]])}"
        )
    return {
        "transformer_self-attention_visualization.png": f"第 {found['layer']} 层第 "
        f"{found['head']} 个头（从 0 数）里“it”对各词的注意力，两句只差最后一个词："
        + "；".join(parts)
        + "。"
    }


STEP_NAMES = ("输入 X", "查询 Q = XW_Q", "键 K = XW_K", "值 V = XW_V", "打分 QKᵀ",
              "缩放 QKᵀ/√d", "softmax 得到注意力权重", "输出 Z = 注意力权重 × V")  # fmt: skip


def attention_steps(done: Finished) -> dict[str, str]:
    found = read(done.output("self-attention-steps.json"))
    tokens = " ".join(found["tokens"])
    n, d = found["shape"]["x"][0], found["shape"]["d"]
    first = f"，[CLS] 一行的权重为 {', '.join(num(x) for x in found['weights'][0])}"
    common = (
        f"“{found['text']}”（词元 {tokens}）在第 {found['layer']} 层第 {found['head']} 个头的"
        f"自注意力，真实数值，{n} 个词元、每个头 {d} 维"
    )
    texts = {}
    for i, name in enumerate(STEP_NAMES):
        extra = (
            f"：打分 {num(found['scores'][0][0])} 缩放为 {num(found['scaled'][0][0])}"
            if i in (4, 5)
            else ""
        )
        extra = first if i == 6 else extra
        texts[f"{i + 1}-min.png"] = f"第 {i + 1} 步，{name}：{common}{extra}。"
    return texts


def attention_views(done: Finished) -> dict[str, str]:
    found = read(done.need("transformer_self-attention_visualization.json"))
    sentences = "”和“".join(s["text"] for s in found["sentences"])
    return {
        "interactive/head_view.html": f"bertviz head view（可交互）：MiniLM 对“{sentences}”"
        f"两句的注意力，可选层、点色块换头；第 {found['layer']} 层第 {found['head']} 个头"
        "最能区分 it 指向什么。",
        "interactive/model_view.html": f"bertviz model view（可交互）：MiniLM 全部层与头对“"
        f"{sentences}”的注意力一览。",
    }


# ---- Transformer and BERT diagrams, the two animations


def transformer(done: Finished) -> dict[str, str]:
    n = done.params["layers"]
    return {
        "transformer.png": "Transformer 编码器-解码器结构图（Vaswani 等 2017）："
        "输入嵌入加位置编码，"
        f"左边 N={n} 层编码器（多头自注意力、前馈网络），右边 N={n} 层解码器（带掩码的自注意力、"
        "对编码器输出的注意力、前馈网络），最后线性层和 softmax 输出下一个词的概率。"
    }


def encoder_decoder_blocks(done: Finished) -> dict[str, str]:
    p = done.params
    return {
        "encoder-and-decoder-transformers-blocks.png": f"seq2seq 示意图：编码器读入“"
        f"{' '.join(p['source'])}”，为每个词给出一个上下文向量；解码器读这些向量，逐词写出“"
        f"{' '.join(p['target'])}”。"
    }


def teacher_forcing(done: Finished) -> dict[str, str]:
    found = read(done.output("seq2seq_training.json"))
    src, tgt = found["example"]
    losses = found["losses"]
    after = "；".join(
        f"训练 {step} 步后第一个词“{rows[0]['target']}”的概率 {num(rows[0]['p_target'])}"
        for step, rows in found["steps"].items()
    )
    return {
        "seq2seq_training_with_target.mp4": f"动画：一个 GRU seq2seq 在 {found['pairs']} 对"
        f"玩具中译英句子上训练，用教师强制解码“{src}”→“{tgt}”，每一步显示前三个猜测和 −ln p；"
        f"{after}；训练损失从 {num(losses[0], 4)} 降到 {num(losses[-1], 4)}。"
    }


def bottleneck(done: Finished) -> dict[str, str]:
    p = done.params
    return {
        "bottleneck-min.png": f"RNN seq2seq 的瓶颈：编码器把整句“{' '.join(p['source'])}”"
        f"压进一个长度为 {p['size']} 的固定向量，解码器写“{' '.join(p['target'])}”时只能看到它。"
    }


def attention_scheme(done: Finished) -> dict[str, str]:
    import math

    p = done.params
    total = sum(math.exp(s) for s in p["scores"])
    weights = "、".join(
        f"{k} {num(math.exp(s) / total)}" for k, s in zip(p["keys"], p["scores"], strict=True)
    )
    return {
        "general_scheme-min.png": f"注意力的一般形式：查询（{p['query']}）与每个键打分，"
        f"softmax 得到权重（{weights}），再对值加权求和。"
    }


def self_attention_video(done: Finished) -> dict[str, str]:
    found = read(done.output("encoder_self_attention.json"))
    tokens, weights = found["tokens"], found["weights"]
    it = tokens.index("it") if "it" in tokens else 1
    row = weights[it]
    top = sorted(range(len(tokens)), key=lambda j: -row[j])[:2]
    most = "、".join(f"{tokens[j]}（{num(row[j])}）" for j in top)
    return {
        "encoder_self_attention.mp4": f"动画：MiniLM 最后一层（第 {found['layer']} 层，12 个头"
        f"平均）对“{found['sentence']}”的真实自注意力，逐个查询词显示它看向哪些词，最后显示整个 "
        f"{len(tokens)}×{len(tokens)} 矩阵；“{tokens[it]}”最关注 {most}。"
    }


def encoder_vs_decoder(done: Finished) -> dict[str, str]:
    p = done.params
    w = p["words"]
    focus = w[p["focus"]]
    return {
        "enc_dec-min.png": f"在“{' '.join(w)}”中第 {p['focus'] + 1} 个词“{focus}”能看到哪些词："
        f"编码器（BERT）两边都看，能看到全部 {len(w)} 个词；解码器（GPT）只看左边的 "
        f"{p['focus'] + 1} 个词，用来预测下一个词。"
    }


def families(done: Finished) -> dict[str, str]:
    parts = [
        f"{f['name']}（{f['english']}），如 {'、'.join(f['models'])}，"
        f"用于{''.join(f['use'].split())}"
        for f in done.params["families"]
    ]
    return {"transformer_bert_gpt.png": "Transformer 的三个模型家族：" + "；".join(parts) + "。"}


def bert_sizes(done: Finished) -> dict[str, str]:
    found = read(done.output("bert-sizes.json"))
    parts = [
        f"{name} {v['layers']} 层、{v['hidden_size']} 维、{v['heads']} 个头，"
        f"{v['parameters'] / 1e6:.1f}M 参数"
        for name, v in found.items()
    ]
    return {"bert-base-bert-large-encoders.png": "三种编码器的大小比较：" + "；".join(parts) + "。"}


def transfer_learning(done: Finished) -> dict[str, str]:
    p = done.params
    return {
        "bert-transfer-learning.png": f"迁移学习两步：先在无标注文本（{p['corpus']}）上预训练，"
        f"猜被遮住的词（{p['masked']}）；再把同一组权重加上新的输出层，在有标注数据上微调"
        f"（{p['labelled']}，标签 {p['label']}）。"
    }


def hf_ecosystem(done: Finished) -> dict[str, str]:
    versions = read(done.output("hf-ecosystem.json"))
    layers = [
        "、".join(f"{name} {versions[name]}（{role}）" for name, role in row)
        for row in done.params["rows"]
    ]
    return {
        "hf-ecosystem.png": "本项目用到的 Hugging Face 库，自上而下分层："
        + "；".join(layers)
        + f"；底层是 {done.params['hub']}。"
    }


# ---- Topics


def topic_list(topics: list[dict[str, Any]], n: int = 3) -> str:
    return "；".join(f"主题 {t['topic']}（{t['size']} 篇）{words(t['words'], n)}" for t in topics)


def bertopic(done: Finished) -> dict[str, str]:
    found = read(done.output("topics.json"))
    topics = found["topics"]
    docs, k = found["corpus"]["documents"], found["n_topics"]
    outliers = f"{found['outliers']} 篇（{found['outlier_percent']}%）未归入任何主题"
    return {
        "BERTopic.png": f"BERTopic 流程的小图：{docs} 篇 ABC 新闻的 {found['embedding_dim']} 维"
        f"句向量经 UMAP 降到二维，HDBSCAN 聚成 {k} 个主题（{outliers}），c-TF-IDF 给出主题词，"
        f"最大的是{topic_list(topics[:2])}。",
        "bertopic/barchart.png": f"{k} 个主题各自的前几个主题词（c-TF-IDF 得分）："
        f"{topic_list(topics)}。",
        "bertopic/topics.png": f"主题间距离图：{k} 个主题按 c-TF-IDF 相似度放在二维平面上，"
        f"圆的大小是主题的篇数，从 {found['smallest_topic']} 篇到 {found['largest_topic']} 篇。",
        "bertopic/documents.png": f"文档图：{docs} 篇新闻在 UMAP 二维平面上的位置，按 {k} 个主题"
        f"着色，{outliers}（灰色）。",
        "bertopic/hierarchy.png": f"主题层次图：{k} 个主题按相似度逐步合并成树，"
        f"叶子是{topic_list(topics, 2)}。",
    }


def lda(done: Finished) -> dict[str, str]:
    found = read(done.output("lda.json"))
    lda_top = "；".join(words(t["words"]) for t in found["lda"]["topics"][:3])
    return {
        "LDA.png": f"同样 {found['documents']} 篇新闻、同样的词计数，LDA 与 BERTopic 各 "
        f"{found['topics']} 个主题并排比较：NPMI 一致性平均 "
        f"LDA {num(found['lda']['npmi_mean'], 3)}、"
        f"BERTopic {num(found['bertopic']['npmi_mean'], 3)}；LDA 的前三个主题是 {lda_top}。"
    }


def bertopic_zh(done: Finished) -> dict[str, str]:
    found = read(done.output("chinese_topics.json"))
    topics, k = found["topics"], found["n_topics"]
    docs = found["corpus"]["documents"]
    coherence = found["coherence"]
    return {
        "bertopic_zh/barchart.png": f"{docs} 段 1998 年 1 月《人民日报》用本项目的小型中文 BERT "
        f"向量聚成的 {k} 个主题及主题词：{topic_list(topics)}；NPMI 平均 "
        f"{num(coherence['mean'], 3)}，打乱主题的对照为 {num(coherence['shuffled_mean'], 3)}。",
        "bertopic_zh/documents.png": f"文档图：{docs} 段《人民日报》在 UMAP 二维平面上的位置，"
        f"按 {k} 个主题着色，{found['outliers']} 段（{found['outlier_percent']}%）未归入任何主题；"
        f"最大的主题 {found['largest_topic']} 段，最小的 {found['smallest_topic']} 段。",
    }


# ---- Classification


def method_line(name: str, m: dict[str, Any]) -> str:
    return f"{name}准确率 {pct(m['accuracy'])}（95% 区间 {interval(m['accuracy_ci'])}）"


def classification(done: Finished) -> dict[str, str]:
    found = read(done.output("classification.json"))
    fe, ft = found["methods"]["feature_extraction"], found["methods"]["fine_tuning"]
    held = found["split"]["held_out"]
    diff = found["accuracy_difference"]
    evals = found["curve"]["eval"]
    train = found["curve"]["train_loss"]

    def confusion(m: dict[str, Any]) -> str:
        (tn, fp), (fn, tp) = m["confusion"]
        return f"负面 {tn} 对 {fp} 错，正面 {tp} 对 {fn} 错"

    return {
        "fine-tuning_methods.png": f"同样 {held} 句留出影评上两种方法的比较："
        f"{method_line('特征提取（冻结句向量 + 逻辑回归）', fe)}，"
        f"{method_line('微调', ft)}；"
        f"差值 {num(100 * diff['fine_tuning_minus_feature_extraction'], 1)} 个百分点，"
        f"95% 区间 {interval(diff['ci'])}。",
        "fine-tuning_curve.png": f"微调 {found['fine_tuning']['steps']} 步的训练曲线：训练损失从 "
        f"{num(train[0]['loss'])} 降到 {num(train[-1]['loss'])}，留出准确率从 "
        f"{pct(evals[0]['accuracy'])}（第 {evals[0]['step']} 步）到 {pct(evals[-1]['accuracy'])}"
        f"（第 {evals[-1]['step']} 步）。",
        "confusion_matrices.png": f"{held} 句留出影评的混淆矩阵：特征提取{confusion(fe)}；"
        f"微调{confusion(ft)}。",
    }


def chinese_classification(done: Finished) -> dict[str, str]:
    found = read(done.output("chinese_classification.json"))
    m = found["methods"]
    names = {"character_bag": "字袋基线", "feature_extraction": "特征提取", "fine_tuning": "微调"}
    lines = "，".join(method_line(names[k], v) for k, v in m.items() if k in names)
    return {
        "chinese_classification.png": f"{found['split']['held_out']} 条留出的中文评论上三种方法的"
        f"比较（多数类准确率 {pct(found['split']['majority_accuracy'])}）：{lines}；"
        + "；".join(found["verdicts"][k] for k in ("feature_extraction", "fine_tuning"))
        + "。"
    }


# ---- Pre-training

TRAINING = "../../models/bert-mini-chinese/training.json"


def pretraining_curve(done: Finished) -> dict[str, str]:
    found = read(done.file(TRAINING))
    loss, held = found["loss_curve"], found["heldout_curve"]
    full = found["evaluation"]["full"]
    return {
        "pretraining_curve.png": "小型中文 BERT 的掩码语言模型训练曲线："
        f"训练损失从第 {loss[0][0]} 步的 "
        f"{num(loss[0][1])} 降到第 {loss[-1][0]} 步的 {num(loss[-1][1])}，留出损失从 "
        f"{num(held[0]['loss'])} 到 {num(held[-1]['loss'])}；"
        f"最终留出准确率 {pct(full['accuracy'])}，"
        f"高于总猜最常见字的基线 {pct(full['baseline'])}。"
    }


def fill_mask(done: Finished) -> dict[str, str]:
    found = read(done.output("fill_mask.json"))
    parts = [
        f"“{s['text']}”答案“{s['answer']}”排第 {s['answer_rank']}，首选“{s['top'][0]['token']}”"
        f"（{num(s['top'][0]['score'])}）"
        for s in found["sentences"]
    ]
    return {
        "fill_mask.png": f"小型中文 BERT 给 {len(parts)} 个句子填 [MASK]，"
        f"列出前 {found['top_k']} 个"
        f"候选和概率，{found['hits']} 句答案排第一：" + "；".join(parts) + "。"
    }
