"""Paging a list that may hold the whole service, at the cost of one page."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """A ``Paginator`` that counts at most ``cap`` rows.

    Django's paginator counts every matching row (``COUNT(*)`` over the whole service on a
    manager's unfiltered list). This one counts ``LIMIT cap + 1`` rows of the ordered list's
    keys, so the count costs what ``cap`` rows cost however large the service is; beyond the
    cap, ``capped`` is true and the page says "more than" and asks for a filter. The pages up to
    the cap are the usual pages (OFFSET on the list's index)."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap if cap is not None else settings.LIST_COUNT_CAP

    @cached_property
    def counted(self) -> int:
        keys = self.object_list.values("pk")  # type: ignore[attr-defined]  # a QuerySet, always
        return keys[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        """More rows match than were counted."""
        return self.counted > self.cap
