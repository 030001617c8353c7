"""Seeded random choices, cheap enough for 100,000 rows and just as deterministic."""

from __future__ import annotations

import math
import random
from bisect import bisect
from collections.abc import Sequence


class FastRandom(random.Random):
    """random.Random with cheaper choice() and randint(); just as deterministic."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def sample(self, population, k):  # a partial Fisher–Yates shuffle
        pool = list(population)
        n = len(pool)
        rnd = self.random
        for i in range(k):
            j = i + int(rnd() * (n - i))
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


class Weighted:
    """A weighted choice that costs one random number and one bisect."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, weights: dict | Sequence[tuple]):
        pairs = list(weights.items()) if isinstance(weights, dict) else list(weights)
        pairs = [(item, w) for item, w in pairs if w > 0]
        self.items = [item for item, _ in pairs]
        self.cum = []
        total = 0.0
        for _, w in pairs:
            total += w
            self.cum.append(total)
        self.total = total

    def pick(self, rng: random.Random):
        i = bisect(self.cum, rng.random() * self.total)
        return self.items[i] if i < len(self.items) else self.items[-1]


def clamp(value: float, low: int, high: int) -> int:
    """Rounded, then held within low..high."""
    value = round(value)
    return low if value < low else high if value > high else value


def log_uniform(rng: random.Random, low: int, high: int) -> int:
    """An integer in low..high, small values as likely per order of magnitude as large."""
    return int(math.exp(rng.uniform(math.log(low), math.log(high + 1))))

