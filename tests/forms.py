"""Helpers for posting to the app's forms in tests."""

from __future__ import annotations

import datetime as dt
import html
import re


def date_fields(name: str, day: dt.date) -> dict[str, int]:
    """The three boxes of a GOV.UK date input (day, month, year) for the field ``name``."""
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def error_summary_links(response) -> list[tuple[str, str]]:
    """(href, text) of each link in the GOV.UK error summary, unescaped."""
    page = response.content.decode()
    summary = page[page.index('class="govuk-error-summary"') :]
    summary = summary[: summary.index("</ul>")]
    return [
        (href, html.unescape(text).strip()) for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', summary, re.S)
    ]
