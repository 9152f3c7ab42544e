"""Pre-train the project's own small Chinese BERT on People's Daily, January 1998.

No Chinese BERT weights can be installed without the Hugging Face Hub, so the project
makes one: a character vocabulary from the training paragraphs, a 4-layer BERT trained
with masked-language modelling on 2 CPU cores for about a quarter of an hour, saved in
Hugging Face format with ``training.json`` recording how it was made and how well it
fills masked characters in held-out paragraphs. ``make models`` registers the committed
copy (``models/bert-mini-chinese``) in the local cache as ``nlpdeck/bert-mini-chinese``.

    $ python -m course.pretrain --steps 50 --out build/models/try

One module for each stage, in the order a run goes through them:

- :mod:`~course.pretrain.data`: the training and held-out paragraphs;
- :mod:`~course.pretrain.vocabulary`: the character vocabulary, the tokenizer, packing;
- :mod:`~course.pretrain.masking`: which characters are hidden, in training and held out;
- :mod:`~course.pretrain.settings`: everything that decides the weights;
- :mod:`~course.pretrain.training`: the model, its starting embeddings, the training loop;
- :mod:`~course.pretrain.evaluation`: masked-LM accuracy and loss beside the baseline;
- :mod:`~course.pretrain.record` and :mod:`~course.pretrain.card`: ``training.json``
  and the model card (``README.md``, from the template ``card.md``) of the saved folder;
- :mod:`~course.pretrain.published`: where the committed model lives, from the catalog;
- :mod:`~course.pretrain.run`: the whole run, and its reproduction.

Importing this package imports no torch: ``python -m course.pretrain`` puts the offline
environment in place first.
"""
