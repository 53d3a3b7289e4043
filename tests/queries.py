"""Query counts at two data sizes: a count that grows with the data is an N+1 (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import connection
from django.test.utils import CaptureQueriesContext

T = TypeVar("T")


def run_at_two_sizes(
    build: Callable[[int], object], run: Callable[[], T], *, sizes: tuple[int, int]
) -> list[tuple[T, CaptureQueriesContext]]:
    """``build(n)`` adds n records. Build the smaller size and ``run``, then add up to the larger
    and ``run`` again: each run's result with the queries it took."""
    results = []
    built = 0
    for size in sizes:
        build(size - built)
        built = size
        with CaptureQueriesContext(connection) as queries:
            result = run()
        results.append((result, queries))
    return results
