"""Helpers for posting to the app's forms in tests."""

from __future__ import annotations

import datetime as dt


def date_fields(name: str, day: dt.date) -> dict[str, int]:
    """The three boxes of a GOV.UK date input (day, month, year) for the field ``name``."""
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}
