# %% [markdown]
# # 掩码语言模型：让中文 BERT 填空
#
# BERT 的预训练任务之一：遮住句子中的一个字（`[MASK]`），让模型根据上下文猜它。
# 这里用本项目自己预训练的小型中文 BERT `nlpdeck/bert-mini-chinese`
# （4 层、约 430 万参数，在 1998 年 1 月的《人民日报》上用 2 核 CPU 训练约 15 分钟；
# `bert-base-chinese` 约 1 亿参数）。它在留出的段落上第一个候选猜中约六分之一的字，
# 所以常见的新闻搭配能猜中，别的句子常常猜错——这正好说明预训练的规模有多重要。

# %%
from transformers import pipeline

CHINESE_MODEL = "nlpdeck/bert-mini-chinese"
fill = pipeline("fill-mask", model=CHINESE_MODEL, device="cpu")

# %% [markdown]
# 输入一个含 `[MASK]` 的句子，看模型的前 5 个候选及其概率：

# %%
# region live
sentence = "我国经济保持了快速增[MASK]。"
for guess in fill(sentence, top_k=5):
    print(f"{guess['token_str']}  {guess['score']:.2f}")
# endregion
