"""The demo authority's consultation and feedback (demo/voice.py, docs/rules.md#the-childs-voice):
about a third of the reviews of the last two years, rows that keep the models' rules, answers the
forms would take, PN6 consistent with them, unread answers on each IRO's home page and the one
link the command prints."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import datetime, time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from children.ages import age_on
from children.codes import AllocationWork
from children.models import IROAllocation
from children.querysets import years_before
from demo import people, voice
from reviews.codes import Participation, ReviewStatus
from reviews.models import Review
from tests.demo.seed_demo.seeding import SEED_ARGS, TODAY
from voice.codes import FeedbackAgeBand, Purpose, Respondent, feedback_age_band, form_for
from voice.models import VoiceLink, VoiceResponse
from voice.questions import REPORTED_QUESTIONS, clean_answers
from voice.services.links import link_for_token

pytestmark = pytest.mark.django_db

User = get_user_model()
NOW = timezone.make_aware(datetime.combine(TODAY, time(18)))


def _recent_reviews():
    since = years_before(TODAY, 2)
    held = Review.objects.filter(status=ReviewStatus.HELD, held_on__gt=since)
    booked = Review.objects.filter(status=ReviewStatus.BOOKED, booked_for__gte=TODAY)
    return held | booked


def test_about_a_third_of_the_reviews_of_the_last_two_years_have_links(demo_town):
    recent = _recent_reviews()
    with_links = recent.filter(voice_links__isnull=False).distinct().count()
    assert 0.25 <= with_links / recent.count() <= 0.42
    # None older, and every kind of form is in use.
    assert not VoiceLink.objects.exclude(review__in=recent).exists()
    assert set(VoiceLink.objects.values_list("form_kind", flat=True).distinct()) == {
        "consult-child",
        "consult-young",
        "consult-parent",
        "consult-carer",
        "consult-sw",
        "feedback-child",
        "feedback-young",
        "feedback-parent",
        "feedback-carer",
    }
    assert "The child's voice: links for" in demo_town


def test_links_are_answered_opened_or_left_and_feedback_follows_held_reviews(demo_town):
    states = Counter(link.state(NOW) for link in VoiceLink.objects.all())
    assert states["submitted"] > 0.3 * sum(states.values())
    assert states["expired"] > 0 and states["opened"] > 0 and states["live"] > 0
    assert not VoiceLink.objects.filter(purpose=Purpose.FEEDBACK).exclude(review__status=ReviewStatus.HELD).exists()
    assert not VoiceLink.objects.filter(purpose=Purpose.FEEDBACK, respondent=Respondent.SOCIAL_WORKER).exists()
    # Consultation on a held review was sent, and answered, before the meeting.
    for link in VoiceLink.objects.filter(purpose=Purpose.CONSULTATION, review__status=ReviewStatus.HELD).select_related(
        "review"
    ):
        assert link.sent_at.date() < link.review.held_on
        assert link.submitted_at is None or link.submitted_at.date() <= link.review.held_on


def test_rows_keep_the_models_rules(demo_town):
    links = list(VoiceLink.objects.select_related("review", "child", "contact"))
    responses = {r.link_id: r for r in VoiceResponse.objects.all()}
    assert len({link.token_hash for link in links}) == len(links)
    for link in links:
        assert re.fullmatch(r"[0-9a-f]{64}", link.token_hash)
        assert link.child_id == link.review.child_id
        assert link.expires_at > link.sent_at
        age = age_on(link.child.date_of_birth, link.review.held_on or link.review.booked_for)
        assert link.form_kind == form_for(
            link.purpose, link.respondent, age=age, young_person_age=settings.VOICE_YOUNG_PERSON_AGE
        )
        if link.respondent == Respondent.CHILD:
            assert link.contact is None and link.name == link.child.first_name and age >= 4
        else:
            assert link.contact.child_id == link.child_id and link.name == link.contact.name
        response = responses.get(link.pk)
        assert (response is None) == (link.submitted_at is None), link.pk
        if response is not None:
            assert response.submitted_at == link.submitted_at
            assert link.opened_at is not None and link.opened_at <= link.submitted_at
            assert (response.review_id, response.child_id, response.purpose, response.form_kind) == (
                link.review_id,
                link.child_id,
                link.purpose,
                link.form_kind,
            )
            assert response.respondent == link.respondent and response.child_age == age
    # One link per person and purpose.
    per_person = VoiceLink.objects.values("review", "purpose", "respondent", "contact").annotate(n=Count("pk"))
    assert max(row["n"] for row in per_person) == 1


def test_answers_are_what_the_forms_would_keep(demo_town):
    for kind, answers, identified, purpose in VoiceResponse.objects.values_list(
        "form_kind", "answers", "identified", "purpose"
    ):
        assert answers and clean_answers(kind, answers) == answers
        assert identified == (purpose == Purpose.CONSULTATION or bool(answers.get("share_name")))
    feedback = VoiceResponse.objects.filter(purpose=Purpose.FEEDBACK)
    assert feedback.filter(identified=False).count() > 0.7 * feedback.count()
    # Comments a manager could quote, and no one's name in them.
    comments = set(feedback.with_comment().values_list("answers__comment", flat=True))
    assert len(comments) >= 10


def test_childrens_feedback_is_a_thurrock_like_mix_with_more_sort_of_from_younger_children(demo_town):
    answers = VoiceResponse.objects.filter(purpose=Purpose.FEEDBACK, respondent=Respondent.CHILD).values_list(
        "answers", "child_age"
    )
    by_band: dict[str, Counter] = {}
    overall: Counter = Counter()
    for given, age in answers:
        for question in REPORTED_QUESTIONS:
            if question in given:
                by_band.setdefault(feedback_age_band(age), Counter())[given[question]] += 1
        if "know_plan" in given:
            overall[given["know_plan"]] += 1
    total = sum(overall.values())
    assert total > 50
    assert 0.3 <= overall["yes"] / total <= 0.65 and 0.25 <= overall["no"] / total <= 0.55

    def sort_of(band: str) -> float:
        return by_band[band]["sort_of"] / sum(by_band[band].values())

    assert sort_of(FeedbackAgeBand.UNDER_11) > sort_of(FeedbackAgeBand.FROM_16)


def test_a_child_who_answered_and_did_not_attend_has_pn6(demo_town):
    answered = VoiceResponse.objects.filter(
        purpose=Purpose.CONSULTATION, respondent=Respondent.CHILD, review__status=ReviewStatus.HELD
    )
    codes = Counter(answered.values_list("review__participation_code", flat=True))
    assert codes[Participation.PN6] > 0
    assert not {Participation.PN0, Participation.PN5, Participation.PN7} & set(codes)
    # The child who answered said they would not come exactly when they did not.
    for given, code in answered.values_list("answers", "review__participation_code"):
        assert (given["attend"] == "no") == (code == Participation.PN6)


def test_each_demo_iro_has_two_to_four_unread_answers_on_their_home_page(demo_town):
    for member in people.IRO_STAFF:
        iro = User.objects.get(username=member.username)
        held = IROAllocation.objects.filter(iro=iro, ended_on__isnull=True, work=AllocationWork.LOOKED_AFTER)
        unread = VoiceResponse.objects.unread().filter(child__in=held.values("child"))
        assert 2 <= unread.count() <= 4, member.username
        latest = VoiceResponse.objects.filter(child__in=held.values("child")).order_by("-submitted_at").first()
        assert latest.read_at is None
    read = VoiceResponse.objects.filter(read_at__isnull=False)
    assert not read.filter(read_by__isnull=True).exists()
    assert all(r.read_at >= r.submitted_at for r in read)


def test_the_printed_link_opens_the_childs_consultation_for_a_booked_review(demo_town):
    match = re.search(r"Try the child's form: http://127\.0\.0\.1:8000/v/([A-Za-z0-9_-]{43})/\n", demo_town)
    assert match is not None
    link = link_for_token(match.group(1), now=NOW)
    assert link is not None
    assert (link.purpose, link.respondent, link.review.status) == (
        Purpose.CONSULTATION,
        Respondent.CHILD,
        ReviewStatus.BOOKED,
    )
    assert link.opened_at is None and link.review.chair.username == "iro1"
    # It still opens today, whenever the demo was built.
    assert link_for_token(match.group(1)) is not None


def _voice_rows() -> list[tuple]:
    """The links and answers without keys, token hashes or the printed link's expiry (which runs
    from the real time)."""
    links = VoiceLink.objects.values_list(
        "review_id",
        "purpose",
        "respondent",
        "contact_id",
        "form_kind",
        "channel",
        "sent_to",
        "sent_at",
        "opened_at",
        "open_count",
        "submitted_at",
        "response__answers",
        "response__identified",
        "response__read_at",
        "response__read_by",
    )
    return sorted(links, key=repr)


def test_the_same_seed_gives_the_same_links_and_answers(demo_town):
    before = _voice_rows()
    seed_value = int(next(a for a in SEED_ARGS if a.startswith("--seed=")).split("=")[1])
    with transaction.atomic():
        with connection.cursor() as cursor:  # a savepoint rolled back below: the demo is kept
            cursor.execute("DELETE FROM voice_voiceresponse")
            cursor.execute("DELETE FROM voice_voicelink")
        # The command's own generator for the voice (seed + 16) and the same day.
        voice.build_voice(rng=random.Random(seed_value + 16), today=TODAY, by=User.objects.get(username="manager"))
        again = _voice_rows()
        transaction.set_rollback(True)
    assert again == before
    assert _voice_rows() == before
