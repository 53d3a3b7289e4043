"""HTML to a tagged PDF (PDF/UA-1) with WeasyPrint: the one step every printed document shares.

The annual report (``reporting.pdf``) and the review record and letter (``reviews.documents``)
render their own templates with ``render_to_string`` and hand the HTML here. Nothing is fetched
while laying out: every document carries its CSS (and any SVG) inline, so a user-written
``<img src>`` or a stylesheet link could reach neither the network nor the server's files.
WeasyPrint is imported when a document is made, not when Django starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from weasyprint.document import Document

#: WeasyPrint's PDF variant: tagged, with the PDF/UA-1 identification in its XMP metadata.
PDF_VARIANT = "pdf/ua-1"


def lay_out(html: str, *, css: str = "") -> Document:
    """The pages of ``html`` (a whole document, with its ``<title>`` and ``lang``), laid out;
    ``css`` is an extra stylesheet given as text (for templates that carry no ``<style>``)."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # Everything is inline (CSS, SVG): refuse to fetch anything, local files included.
    fetcher = URLFetcher(allowed_protocols=())
    stylesheets = [CSS(string=css, url_fetcher=fetcher)] if css else None
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher).render(stylesheets=stylesheets)


def write_pdf(document: Document) -> bytes:
    """The laid-out ``document`` as tagged PDF bytes (PDF/UA-1)."""
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def html_to_pdf(html: str, *, css: str = "") -> bytes:
    """``lay_out`` then ``write_pdf``, for a document that reports no progress between them."""
    return write_pdf(lay_out(html, css=css))
