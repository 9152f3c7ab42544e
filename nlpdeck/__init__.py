"""nlpdeck: the toolkit that keeps Slidev decks on NLP true.

It is handed a deck (`project`) and reads it (`deck`, `lint`), runs its slide code in a
Jupyter kernel (`kernel`, `check`, `pytest_plugin`), builds its figures from declared
inputs (`figures`), serves it with live Python (`present`), and keeps models offline by
hub id (`models`, `env`). It imports no particular deck.
"""
