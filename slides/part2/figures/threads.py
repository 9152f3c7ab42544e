"""Training on one thread, so the same seed gives the same numbers on any machine.

A matrix product split over more threads adds its terms in another order: the
fine-tuning log trained on two threads and on one differed in the 7th digit. On one
thread the committed numbers are what any machine (and the suite) computes again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def one_thread() -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
