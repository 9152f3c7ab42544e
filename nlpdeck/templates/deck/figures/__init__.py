"""The deck's figures: targets.py declares them, the other modules draw them."""
