"""Panels other apps add to a page through a setting that lists dotted paths to callables
(``CHILD_RECORD_SECTIONS``, ``SIGNIFICANT_CHANGE_SECTIONS``, ``REVIEW_FORM_SECTIONS``): the app
that draws the page never imports the apps that fill them (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


def page_sections(setting: str, **context: Any) -> list[Any]:
    """Each callable the setting names, called with ``context``, in the setting's order."""
    return [import_string(path)(**context) for path in getattr(settings, setting)]
