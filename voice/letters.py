"""The printed letter that carries a consultation or feedback link, and the QR code of a link
(docs/rules.md#the-childs-voice).

One friendly page: the child's first name only, the review date, the link written out in full and
as a QR code (segno, an SVG inline in the page, so WeasyPrint fetches nothing), when it stops
working, and what to do in danger now (999, Childline 0800 1111). Laid out by
``iro_service.pdf`` like the review's own documents; the file is named by references only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from iro_service.pdf import html_to_pdf

from .codes import Purpose, Respondent
from .services.links import review_day

if TYPE_CHECKING:
    from .models import VoiceLink

LETTER_TEMPLATE = "voice/letters/letter.html"
STYLESHEET = "voice/letters/letter.css"


def qr_svg(url: str, *, title: str = "QR code of the link") -> SafeString:
    """``url`` as a QR code: an ``<svg>`` element to put straight into a page (our own URL, so
    the markup is segno's alone; the title is escaped by segno)."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=4, border=2, title=title, dark="#0b0c0c", omitsize=False)
    return mark_safe(svg)  # noqa: S308 - segno's markup of our own link


def letter_context(*, link: VoiceLink, url: str) -> dict:
    """What the letter and the review documents' link block show (no surname, no address)."""
    review = link.review
    day = review_day(review)
    return {
        "authority_name": settings.AUTHORITY_NAME,
        "consultation": link.purpose == Purpose.CONSULTATION,
        "to_child": link.respondent == Respondent.CHILD,
        "first_name": link.child.first_name,
        "review_date": day,
        "url": url,
        "qr": qr_svg(url),
        "expires": link.expires_at,
    }


def letter_pdf(*, link: VoiceLink, url: str) -> bytes:
    context = letter_context(link=link, url=url) | {
        "title": "Your views before the review" if link.purpose == Purpose.CONSULTATION else "How did the review go?",
    }
    html = render_to_string(LETTER_TEMPLATE, context)
    return html_to_pdf(html, css=render_to_string(STYLESHEET, context))


def file_name(link: VoiceLink) -> str:
    """``<purpose>-letter-<local reference>-<link id>.pdf``: references only, never a name."""
    reference = re.sub(r"[^A-Za-z0-9]+", "-", link.child.local_reference).strip("-") or "child"
    return f"{link.purpose}-letter-{reference}-{link.pk}.pdf"
