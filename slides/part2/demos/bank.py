# %% [markdown]
# # 同一个词，不同的向量：语境中的 "bank"
#
# BERT 为句子中的每个词计算一个由整句上下文决定的向量。这里用
# `sentence-transformers/all-MiniLM-L6-v2`（6 层 BERT，英文）取出 "bank" 的向量，
# 与两个参照句中的 "bank"（金融机构 / 河岸）比较余弦相似度。

# %%
import torch
from demos._shared import sentence_encoder

encoder = sentence_encoder()  # MiniLM (SentenceTransformer), loaded once per kernel


def word_vector(sentence: str, word: str = "bank") -> torch.Tensor:
    """The contextual vector of `word` in `sentence`: the mean of its word pieces."""
    ids = encoder.tokenizer(sentence)["input_ids"]
    pieces = encoder.tokenizer(word, add_special_tokens=False)["input_ids"]
    starts = [i for i in range(len(ids)) if ids[i : i + len(pieces)] == pieces]
    if not starts:
        raise ValueError(f"{word!r} is not a word of {sentence!r}")
    tokens = encoder.encode(sentence, output_value="token_embeddings", convert_to_tensor=True)
    return tokens[starts[0] : starts[0] + len(pieces)].mean(dim=0)


REFERENCES = {
    "金融机构": "He deposited cash at the bank.",
    "河岸": "They had a picnic on the bank of the river.",
}
reference_vectors = {sense: word_vector(text) for sense, text in REFERENCES.items()}

# %% [markdown]
# 输入一个含有 "bank" 的句子，看它更接近哪一种意思：

# %%
# region live
sentence = "The fishermen sat on the muddy bank."
vector = word_vector(sentence, "bank")
for sense, reference in reference_vectors.items():
    similarity = torch.cosine_similarity(vector, reference, dim=0)
    print(f"{sense}  {similarity:.3f}")
# endregion
