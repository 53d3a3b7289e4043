"""The review record and the letter to the child as tagged PDFs (reviews.documents), read back
with poppler's pdftotext and pdfinfo (Debian poppler-utils) as the person given them would."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import subprocess
import zlib
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from iro_service.models import AuditEvent
from reviews import documents
from reviews.models import Review, ReviewSchedule
from reviews.services.reviews import ActionInput
from tests.reviews.factories import child_in_care, record_review

pytestmark = pytest.mark.django_db

HELD = dt.date(2024, 7, 1)
TODAY = dt.date(2024, 7, 3)
AUTHORITY = "Testshire County Council"


@pytest.fixture(autouse=True)
def _authority():
    with override_settings(AUTHORITY_NAME=AUTHORITY):
        yield


def make_review(iro, *, born: dt.date = dt.date(2016, 5, 5), **overrides) -> Review:
    """Mia's first review, held on 1 July 2024 (she was 8) with two actions, through the service."""
    child = child_in_care(
        iro,
        dt.date(2024, 6, 3),
        first_name="Amelia",
        last_name="Rowe",
        preferred_name="Mia",
        date_of_birth=born,
        local_reference="LR/0042",
    )
    fields = {
        "venue": "Carer's home",
        "invited": ["child", "carer", "social_worker", "mother"],
        "attended": ["child", "social_worker"],
        "others_present": "Sam Patel, teacher",
        "participation_code": "PN1",
        "parents_participation": "views_given",
        "wishes_and_feelings": "Mia wants to keep her hamster.",
        "discussion": "School is going well.",
        "child_friendly_summary": "We agreed your hamster stays with you.",
        "actions": [
            ActionInput(description="Book a dentist appointment", owner="Carer", due_on=dt.date(2024, 8, 1)),
            ActionInput(description="Start life story work", owner="Social worker", due_on=dt.date(2024, 9, 2)),
        ],
    }
    return record_review(child, iro, HELD, today=TODAY, **(fields | overrides))


def pdf_text(pdf: bytes, tmp: Path, *options: str, tool: str = "pdftotext") -> str:
    path = tmp / "document.pdf"
    path.write_bytes(pdf)
    output = ["-"] if tool == "pdftotext" else []
    result = subprocess.run([tool, *options, str(path), *output], check=True, capture_output=True, text=True)
    return result.stdout if tool != "pdftotext" else re.sub(r"\s+", " ", result.stdout)


def uncompressed(pdf: bytes) -> bytes:
    """The PDF with its deflated streams inflated (the catalog sits in an object stream)."""
    inflated = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        with contextlib.suppress(zlib.error):
            inflated.append(zlib.decompress(stream))
    return b"".join(inflated)


def download(client, name: str, review: Review, query: str = ""):
    return client.get(reverse(f"reviews:{name}", args=[review.pk]) + query)


def test_the_record_has_every_section_with_labels_not_codes(client_for, iro, tmp_path):
    review = make_review(iro)
    response = download(client_for(iro), "record_pdf", review)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    schedule = ReviewSchedule.objects.get(child=review.child)
    for words in (
        AUTHORITY,
        "Review record",
        "Name Amelia Rowe (Mia)",
        "Date of birth 5 May 2016",
        "Local reference LR/0042",
        "Type First review",
        "Date held 1 July 2024",
        "Chaired by Ada Okafor, Independent Reviewing Officer",
        "Venue Carer's home",
        "Invited Carer, Child, Mother, Social worker",
        "Took part Child, Social worker",
        "Others present Sam Patel, teacher",
        "PN1: Child physically attends and speaks for themselves",
        "Parents' participation Did not attend but gave their views",
        "The child's wishes and feelings Mia wants to keep her hamster.",
        "Discussion School is going well.",
        "Book a dentist appointment Carer 1 August 2024 Not yet done",
        "Start life story work Social worker 2 September 2024 Not yet done",
        f"Due by {schedule.next_due_on:%-d %B %Y}.",
        f"Why: {schedule.next_reason_for('Amelia')}",
        f"Due to be distributed by {review.record_due_on:%-d %B %Y}",
    ):
        assert words in text, words
    assert "social_worker" not in text
    assert "We agreed your hamster stays" not in text  # the letter's words are the letter's


def test_the_record_is_tagged_pdf_ua_with_a_title_headings_and_its_language(client_for, iro, tmp_path):
    pdf = download(client_for(iro), "record_pdf", make_review(iro)).content
    info = pdf_text(pdf, tmp_path, tool="pdfinfo")
    assert re.search(rf"^Title:\s+Review record, 1 July 2024: {AUTHORITY}$", info, re.M)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert 'pdfuaid:part="1"' in pdf_text(pdf, tmp_path, "-meta", tool="pdfinfo")
    structure = pdf_text(pdf, tmp_path, "-struct", tool="pdfinfo")
    for tag in ("H1", "H2", "Table", "TH", "TD"):
        assert re.search(rf"^\s*{tag}\b", structure, re.M), tag
    assert b"/Lang (en-GB)" in uncompressed(pdf)


def test_the_letter_is_written_to_the_child_by_their_preferred_name(client_for, iro, tmp_path):
    review = make_review(iro)
    response = download(client_for(iro), "letter_pdf", review)
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    schedule = ReviewSchedule.objects.get(child=review.child)
    for words in (
        "What we agreed we will do",
        "Dear Mia,",
        "We agreed your hamster stays with you.",
        "Book a dentist appointment Carer will do this by 1 August 2024.",
        "Start life story work Social worker will do this by 2 September 2024.",
        f"Your next review will be by {schedule.next_due_on:%-d %B %Y}.",
        "Your IRO is Ada Okafor.",
        "iro_a@example.test",
    ):
        assert words in text, words
    # Written to the child: no full name, reference, codes or the professionals' discussion.
    for kept_out in ("Amelia", "Rowe", "LR/0042", "School is going well", "PN1", "Mia wants to keep"):
        assert kept_out not in text, kept_out
    info = pdf_text(response.content, tmp_path, tool="pdfinfo")
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(rf"^Title:\s+What we agreed we will do: {AUTHORITY}$", info, re.M)


@pytest.mark.parametrize(
    ("born", "query", "layout"),
    [
        (dt.date(2014, 7, 2), "", "younger"),  # 10 on the review date: the younger layout
        (dt.date(2013, 7, 1), "", "young_person"),  # 11 on the day
        (dt.date(2013, 7, 1), "?layout=younger", "younger"),  # chosen
        (dt.date(2016, 5, 5), "?layout=young_person", "young_person"),
        (dt.date(2016, 5, 5), "?layout=nonsense", "younger"),  # not a layout: by age
    ],
)
def test_the_letters_layout_is_chosen_or_follows_the_age_at_the_review(client_for, iro, tmp_path, born, query, layout):
    review = make_review(iro, born=born)
    response = download(client_for(iro), "letter_pdf", review, query)
    text = pdf_text(response.content, tmp_path)
    younger = ("we had a meeting about you", "Who will do what Book", "Your next meeting", "Who to talk to")
    young_person = ("What we agreed at your review", "Who will do what, and by when", "Your IRO and how to reach")
    shown, hidden = (younger, young_person) if layout == "younger" else (young_person, younger)
    assert all(heading in text for heading in shown), shown
    assert not any(heading in text for heading in hidden), hidden
    assert f"review-letter-{layout.replace('_', '-')}-LR-0042-2024-07-01.pdf" in response["Content-Disposition"]


def test_the_younger_layout_is_in_larger_type(iro, tmp_path):
    review = documents.held_review(iro, make_review(iro).pk)
    sizes = {}
    for layout in documents.LetterLayout:
        pdf = documents.letter_pdf(review, layout=layout, today=TODAY)
        bbox = pdf_text(pdf, tmp_path, "-bbox", tool="pdftotext")
        line = re.search(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">Dear', bbox)
        assert line, layout
        sizes[layout] = float(line.group(2)) - float(line.group(1))
    assert sizes[documents.LetterLayout.YOUNGER] > sizes[documents.LetterLayout.YOUNG_PERSON] * 1.15


def test_the_file_names_carry_the_reference_and_date_never_a_name(client_for, iro):
    review = make_review(iro)
    client = client_for(iro)
    record = download(client, "record_pdf", review)["Content-Disposition"]
    letter = download(client, "letter_pdf", review, "?layout=younger")["Content-Disposition"]
    assert record == 'attachment; filename="review-record-LR-0042-2024-07-01.pdf"'
    assert letter == 'attachment; filename="review-letter-younger-LR-0042-2024-07-01.pdf"'
    for header in (record, letter):
        assert "Mia" not in header and "Amelia" not in header and "Rowe" not in header


def test_written_text_prints_as_text_never_as_markup(client_for, iro, tmp_path):
    review = make_review(
        iro,
        wishes_and_feelings="<script>alert(1)</script> wants <b>bold</b>",
        discussion="<b>Discussed</b> & <i>agreed</i>",
        child_friendly_summary="<script>x()</script> We <b>agreed</b>",
        actions=[ActionInput(description="<b>Bold</b> <script>y()</script>", owner="<i>Carer</i>", due_on=HELD)],
    )
    client = client_for(iro)
    record = pdf_text(download(client, "record_pdf", review).content, tmp_path)
    letter = pdf_text(download(client, "letter_pdf", review).content, tmp_path)
    assert "<script>alert(1)</script> wants <b>bold</b>" in record
    assert "<b>Discussed</b> & <i>agreed</i>" in record
    assert "<b>Bold</b> <script>y()</script> <i>Carer</i>" in record
    assert "<script>x()</script> We <b>agreed</b>" in letter
    assert "<b>Bold</b> <script>y()</script> <i>Carer</i> will do this" in letter


def test_a_booked_review_has_no_documents(client_for, iro):
    child = child_in_care(iro, dt.date(2024, 6, 3))
    booked = Review.objects.create(child=child, chair=iro, created_by=iro, booked_for=TODAY)
    client = client_for(iro)
    assert download(client, "record_pdf", booked).status_code == 404
    assert download(client, "letter_pdf", booked).status_code == 404
    assert "Documents" not in client.get(reverse("reviews:detail", args=[booked.pk])).text


def test_another_iro_gets_a_404_and_nothing_is_audited(client_for, iro, other_iro):
    review = make_review(iro)
    client = client_for(other_iro)
    before = AuditEvent.objects.count()
    assert download(client, "record_pdf", review).status_code == 404
    assert download(client, "letter_pdf", review).status_code == 404
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("role", ["committee", "administrator"])
def test_committee_and_administrator_are_refused(client_for, request, role, iro):
    review = make_review(iro)
    client = client_for(request.getfixturevalue(role))
    assert download(client, "record_pdf", review).status_code in (403, 404)
    assert download(client, "letter_pdf", review).status_code in (403, 404)


def test_anonymous_users_are_sent_to_sign_in(client, iro):
    review = make_review(iro)
    for name in ("record_pdf", "letter_pdf"):
        response = download(client, name, review)
        assert response.status_code == 302
        assert reverse("login") in response.url


def test_a_manager_who_sees_the_child_may_download(client_for, iro, manager):
    review = make_review(iro)
    assert download(client_for(manager), "record_pdf", review).status_code == 200


def test_each_download_is_audited_against_the_child(client_for, iro):
    review = make_review(iro)
    client = client_for(iro)
    download(client, "record_pdf", review)
    download(client, "letter_pdf", review, "?layout=younger")
    events = AuditEvent.objects.filter(action="viewed", object_type="reviews.Review", object_id=str(review.pk))
    assert [(e.summary, e.child_id, e.actor_id, e.path) for e in events.order_by("pk")] == [
        ("Review record PDF downloaded", review.child_id, iro.pk, f"/reviews/{review.pk}/record.pdf"),
        ("Letter to the child PDF downloaded", review.child_id, iro.pk, f"/reviews/{review.pk}/letter.pdf"),
    ]


def test_the_review_page_links_to_both_documents_and_both_layouts(client_for, iro):
    review = make_review(iro)
    page = client_for(iro).get(reverse("reviews:detail", args=[review.pk])).text
    assert reverse("reviews:record_pdf", args=[review.pk]) in page
    assert reverse("reviews:letter_pdf", args=[review.pk]) + "?layout=younger" in page
    assert reverse("reviews:letter_pdf", args=[review.pk]) + "?layout=young_person" in page
    assert "Carer, Child, Mother, Social worker" in page  # labels, not codes
    assert "social_worker" not in page


def test_the_print_stylesheet_is_linked_for_print_only(client_for, iro):
    review = make_review(iro)
    page = client_for(iro).get(reverse("reviews:detail", args=[review.pk])).text
    assert re.search(r'<link rel="stylesheet" href="[^"]*css/print[^"]*\.css" media="print">', page)


def test_an_earlier_review_gives_the_next_date_it_set_not_the_childs_latest(iro):
    first = make_review(iro)
    record_review(first.child, iro, dt.date(2024, 7, 20), today=dt.date(2024, 7, 22))
    second = Review.objects.get(child=first.child, held_on=dt.date(2024, 7, 20))
    earlier = documents.next_review(documents.held_review(iro, first.pk))
    latest = documents.next_review(documents.held_review(iro, second.pk))
    # The second review was due within three months of the first; the third, six after the second.
    schedule = ReviewSchedule.objects.get(child=second.child)
    assert (earlier.due_on, latest.due_on) == (second.due_on, schedule.next_due_on)
    assert earlier.due_on == dt.date(2024, 10, 1)
    assert latest.due_on == dt.date(2025, 1, 20)
