# %% [markdown]
# # 文本分类：这条影评是正面还是负面？
#
# 200 句影评（Pang & Lee 2005，随 gensim 发布，正负各半）。先用 BERT 类模型
# （`sentence-transformers/all-MiniLM-L6-v2`，参数不更新）把每句话变成向量，
# 再在向量上训练一个逻辑回归分类器——几秒钟即可完成。
# 微调（fine-tuning）会同时更新 BERT 的参数，效果更好，但需要更多时间。
# 句向量与讲义图表用的是同一批：图表构建时已算好并缓存（同一模型、同一语料时直接读取）。

# %%
from demos._shared import corpus_vectors, sentence_encoder
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

from course.corpora import movie_polarity

encoder = sentence_encoder()  # MiniLM (SentenceTransformer), loaded once per kernel
reviews = movie_polarity()
review_embeddings = corpus_vectors(list(reviews.documents), "data/movie_polarity_embeddings.npy")
classifier = LogisticRegression(max_iter=1000)
accuracy = cross_val_score(classifier, review_embeddings, reviews.labels, cv=5).mean()
print(f"5 折交叉验证的准确率: {accuracy:.2f}")
classifier.fit(review_embeddings, reviews.labels)

# %% [markdown]
# 输入一条影评，看分类器的判断：

# %%
# region live
review = "A moving story with wonderful performances."
probabilities = classifier.predict_proba(encoder.encode([review]))[0]
for label, probability in zip(classifier.classes_, probabilities, strict=True):
    print(f"{label}  {probability:.2f}")
# endregion
