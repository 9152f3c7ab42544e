"""The deck's figures, drawn from real models and real text.

``targets.py`` declares every figure target as data; ``build.py`` rebuilds the stale
ones (``make figures``); ``style.py`` is the one look; the other modules draw.
"""
