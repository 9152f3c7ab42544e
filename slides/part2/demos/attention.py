# %% [markdown]
# # 自注意力：一个词在"看"句子中的哪些词？
#
# 用 Hugging Face transformers 加载 `sentence-transformers/all-MiniLM-L6-v2`（BERT 结构，
# 6 层 × 12 个注意力头），取出某一层的注意力权重（各头平均），画出选定词对句中每个词的注意力。
# 注意力权重需要 "eager" 实现（默认的 SDPA 实现不返回注意力）。

# %%
import matplotlib.pyplot as plt
import torch
from transformers import AutoModel, AutoTokenizer

MODEL = "sentence-transformers/all-MiniLM-L6-v2"
tokenizer = AutoTokenizer.from_pretrained(MODEL)
bert = AutoModel.from_pretrained(MODEL, attn_implementation="eager")


def attention_of(sentence: str, word: str, layer: int) -> tuple[list[str], torch.Tensor]:
    """Word pieces of `sentence` and how much `word` attends to each, in `layer` (1-based),
    averaged over the layer's heads."""
    inputs = tokenizer(sentence, return_tensors="pt")
    pieces = tokenizer.convert_ids_to_tokens(inputs["input_ids"][0])
    if word not in pieces:
        raise ValueError(f"{word!r} is not a word piece of the sentence: {pieces}")
    with torch.no_grad():
        attentions = bert(**inputs, output_attentions=True).attentions
    weights = attentions[layer - 1][0].mean(dim=0)  # heads averaged: (tokens, tokens)
    return pieces, weights[pieces.index(word)]


def plot_attention(sentence: str, word: str, layer: int = 3) -> None:
    """A bar per word piece: the attention `word` gives it (shown below the cell)."""
    pieces, weights = attention_of(sentence, word, layer)
    _, axes = plt.subplots(figsize=(7.5, 2.2), dpi=100, layout="constrained")
    axes.bar(range(len(pieces)), weights.numpy(), color="#1f5f9e")
    axes.set_xticks(range(len(pieces)), pieces, rotation=45, ha="right")
    axes.set_ylabel("attention")
    axes.set_title(f'"{word}" → ?  (layer {layer}, heads averaged)', fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)


# %% [markdown]
# 输入一个句子，选一个词，看它在第 3 层把注意力分给了哪些词：

# %%
# region live
sentence = "The animal didn't cross the street because it was too tired."
plot_attention(sentence, word="it", layer=3)
# endregion
