# %% [markdown]
# # BERTopic：新闻语料的主题
#
# 300 篇 ABC 新闻（Lee, Pincombe & Welsh 2005，随 gensim 发布）。BERTopic 的四步：
# 用 BERT 类模型把文本变成向量 → 降维 → 聚类 → 用 c-TF-IDF 为每个聚类提取关键词。
# 为了在课堂上几秒内完成，这里每篇只取导语（前 40 个词），降维用 PCA、聚类用 k-means
# （BERTopic 默认是 UMAP + HDBSCAN，各部分都可以替换）。

# %%
from bertopic import BERTopic
from sentence_transformers import SentenceTransformer
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import CountVectorizer

from course.corpora import abc_news

MODEL = "sentence-transformers/all-MiniLM-L6-v2"
encoder = SentenceTransformer(MODEL, local_files_only=True)
leads = [" ".join(story.split()[:40]) for story in abc_news().documents]
lead_embeddings = encoder.encode(leads, batch_size=32)

# %% [markdown]
# 选择主题个数，训练并查看每个主题的关键词：

# %%
# region live
n_topics = 6
topic_model = BERTopic(
    embedding_model=encoder,
    umap_model=PCA(n_components=5),
    hdbscan_model=KMeans(n_clusters=n_topics, random_state=0),
    vectorizer_model=CountVectorizer(stop_words="english"),
)
topic_model.fit(leads, lead_embeddings)
topic_model.get_topic_info()[["Topic", "Count", "Name"]]
# endregion
