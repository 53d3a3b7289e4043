"""The printed letter that carries a link (docs/rules.md#the-childs-voice): one friendly page with
the child's first name only, the review date, the link in full and as a QR code, its expiry and
the safety line; named by references only."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import segno

from voice import letters
from voice.codes import Channel, Purpose, Respondent
from voice.services import link_create

from .factories import child_with_booked_review, child_with_held_review, contact

pytestmark = pytest.mark.django_db


def _tool(name: str) -> str:
    """Poppler's reader (Debian poppler-utils), found on the PATH."""
    found = shutil.which(name)
    assert found, f"{name} is needed to read the PDFs back"
    return found


URL = "https://iro.example.test/v/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG/"


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def _pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    info = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, check=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_the_qr_code_is_an_inline_svg_of_the_link():
    svg = letters.qr_svg(URL)
    assert svg.startswith("<svg") and "<title>QR code of the link</title>" in svg
    assert "http" not in svg.split("<title>")[0]  # nothing fetched: no xlink, no external reference
    expected = segno.make(URL, error="m")
    assert expected.symbol_size(scale=4, border=2)[0] > 0 and 'width="' in svg


def test_the_childs_letter_is_one_friendly_page_with_the_first_name_only(iro, tmp_path):
    child, review = child_with_booked_review(iro, first_name="Tia")
    child.last_name = "Zebedee-Quill"
    child.save()
    made = link_create(
        review=review, purpose=Purpose.CONSULTATION, respondent=Respondent.CHILD, channel=Channel.LETTER, by=iro
    )
    pdf = letters.letter_pdf(link=made.link, url=URL)
    text = _text(pdf, tmp_path)
    assert _pages(pdf, tmp_path) == 1
    assert "Dear Tia" in text and "Zebedee" not in text
    assert URL in text.replace(" ", "")
    assert f"You have a review on {review.booked_for:%-d %B %Y}" in " ".join(text.split())
    assert f"The link works until {made.link.expires_at:%-d %B %Y}" in " ".join(text.split())
    assert "call 999" in text and "Childline, free, on 0800 1111" in " ".join(text.split())
    assert letters.file_name(made.link) == f"consultation-letter-{child.local_reference}-{made.link.pk}.pdf"


def test_a_parents_feedback_letter_says_whose_review_without_naming_the_parent(iro, tmp_path):
    child, review = child_with_held_review(iro, first_name="Tia")
    mother = contact(child, name="Mona Parent")
    made = link_create(
        review=review,
        purpose=Purpose.FEEDBACK,
        respondent=Respondent.PARENT,
        contact=mother,
        channel=Channel.LETTER,
        by=iro,
    )
    text = " ".join(_text(letters.letter_pdf(link=made.link, url=URL), tmp_path).split())
    assert "How did the review go?" in text and "Hello," in text
    assert f"This letter is about the review for Tia on {review.held_on:%-d %B %Y}" in text
    assert "Mona" not in text


def test_the_letter_looks_right(iro, tmp_path):
    """Rendered to PNG for a person to look at (tests/voice/letter-preview.png is not kept)."""
    _, review = child_with_booked_review(iro, first_name="Tia")
    made = link_create(
        review=review, purpose=Purpose.CONSULTATION, respondent=Respondent.CHILD, channel=Channel.LETTER, by=iro
    )
    path = tmp_path / "letter.pdf"
    path.write_bytes(letters.letter_pdf(link=made.link, url=URL))
    subprocess.run([_tool("pdftoppm"), "-png", "-r", "60", str(path), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 10_000  # a QR code and text, not a blank page
    assert not (tmp_path / "page-2.png").exists()
