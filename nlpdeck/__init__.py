"""nlpdeck: keeps the Part 2 NLP deck true.

Offline models by hub id (`models`), real text from installed packages (`corpora`),
the offline environment every tool runs in (`env`), and the pre-stage check (`doctor`).
"""
