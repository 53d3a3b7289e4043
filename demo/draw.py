"""Small helpers for drawing from a ``random.Random``: weights, quotas, durations, dates of birth."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from children.querysets import years_before

# --------------------------------------------------------------------------- small helpers


def birthday(dob: date, years: int) -> date:
    """The day a child born on ``dob`` turns ``years`` (29 February birthdays fall on 1 March)."""
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:
        return date(dob.year + years, 3, 1)


def in_days(n: int) -> timedelta:
    return timedelta(days=n)


def weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def quota_counts(n: int, weights: dict) -> dict:
    """How many of ``n`` fall to each key in the proportions of ``weights`` (largest remainder)."""
    total = sum(weights.values())
    exact = {k: n * w / total for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    by_remainder = sorted(weights, key=lambda k: exact[k] - counts[k], reverse=True)
    for k in by_remainder[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def quota(rng: random.Random, n: int, weights: dict) -> list:
    """``n`` values in the proportions of ``weights``, in random order."""
    counts = quota_counts(n, weights)
    values = [k for k in weights for _ in range(counts[k])]
    rng.shuffle(values)
    return values


def poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def sample_days(rng: random.Random, buckets, lo: int, hi: int) -> int:
    """A number of days from ``buckets`` ((low, high, weight), ...) kept within [lo, hi]."""
    feasible = [(max(a, lo), min(b, hi), w) for a, b, w in buckets if max(a, lo) <= min(b, hi)]
    if not feasible:
        return max(0, min(lo, hi))
    a, b, _ = rng.choices(feasible, weights=[w for _, _, w in feasible])[0]
    return rng.randint(a, b)


def dob_for_age(rng: random.Random, on: date, age: int, *, min_days: int = 7) -> date:
    """A date of birth for a child who is ``age`` on ``on``."""
    latest = years_before(on, age) if age else on - in_days(min_days)
    earliest = years_before(on, age + 1) + in_days(1)
    return earliest + in_days(rng.randint(0, (latest - earliest).days))
