"""The child's voice in the synthetic demo authority (docs/rules.md#the-childs-voice):
consultation before about a third of the reviews of the last two years, and feedback after the
held ones, with answer mixes in the range Thurrock reports (docs/sources.md#thurrock-2021-22,
section 11; the demo's figures are synthetic).

- Consultation links go to the child (the younger child's or the young person's form by their
  age on the review date, ``voice.codes.form_for`` with ``VOICE_YOUNG_PERSON_AGE``; none for a
  child under 4), a parent, the carer and the social worker who were the child's contacts then.
  Some are answered, some opened and not answered, the rest never opened; on held reviews the
  unanswered ones have expired or stay live until their 28 days (``VOICE_LINK_DAYS``) run out.
- Feedback links follow held reviews: to the child (5 or older), a few parents and carers. The
  children's answers to Thurrock's three questions vary by age band (younger children answer
  "sort of" more); most people do not tick "share my name", so most feedback is anonymous.
- PN6 is kept consistent with the answers, the one way that leaves the review history alone:
  the participation codes are not changed. A child's consultation is answered only where the
  child took part (PN1 to PN4) or did not attend and conveyed their views another way (PN6),
  never where their views were not conveyed (PN7) or an advocate spoke for them (PN5); so
  every child who answered and did not attend has PN6, as the rule would record it.
- Every answer is read by the IRO a day or two after it came, except the 2 to 4 latest for the
  children each demo IRO (iro1 to iro5) holds today: they stay unread, at the top of the home page.
- One booked review gets a live, unopened link for the child whose token is returned (it is
  shown once, as a real letter would carry it); the command prints it.

Rows are written with ``bulk_create``, as the other demo modules write history, so no audit
events or simple-history rows exist for them. They keep the models' constraints: one link per
person and purpose, an answered link has ``submitted_at`` and exactly one ``VoiceResponse``,
answers are what ``voice.questions.clean_answers`` keeps. Each ``token_hash`` is the SHA-256 of a
token drawn from ``secrets`` and discarded: everything else follows from the seed, but a
published seed must not give anyone a demo link.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from children.ages import age_on
from children.codes import AllocationWork, ContactRole
from children.models import Contact, IROAllocation
from children.querysets import years_before
from reviews.codes import Participation, ReviewStatus
from reviews.models import Review
from voice import tokens
from voice.codes import Channel, FormKind, Purpose, Respondent, feedback_age_band, form_for
from voice.models import VoiceLink, VoiceResponse
from voice.questions import clean_answers

from . import people

#: The share of the reviews of the last two years (held or booked) that get links.
SHARE_OF_REVIEWS = 1 / 3
#: No child's form for a child under this age on the review date (a carer speaks for them).
YOUNGEST_CONSULTED = 4
YOUNGEST_FEEDBACK = 5
#: Answers left unread on each demo IRO's home page.
UNREAD_PER_IRO = (2, 4)

ATTENDS = {Participation.PN1, Participation.PN2, Participation.PN3, Participation.PN4}
#: The codes under which a child's consultation may have been answered (see the module doc).
MAY_ANSWER = ATTENDS | {Participation.PN6}

PARENT_ROLES = (ContactRole.MOTHER, ContactRole.FATHER, ContactRole.PARENT)
CARER_ROLES = (ContactRole.CARER, ContactRole.PLACEMENT)

# --------------------------------------------------------------------------- the answers' words

GOING = {"good": 55, "ok": 30, "not_good": 15}
MORE = {
    "home": {
        "good": ["I like living here, my carer is kind", "I have my own room now", "We go swimming on Saturdays"],
        "ok": ["It is ok but I miss my mum", "Sometimes the other children are noisy", "It is alright"],
        "not_good": ["I do not get on with my carer", "I want to move back nearer my school", "I feel lonely"],
    },
    "school": {
        "good": ["I got a certificate for reading", "I like my teacher", "I am doing well in maths"],
        "ok": ["Some lessons are hard", "I have a new school and it is ok", "College is alright"],
        "not_good": ["I keep getting detentions", "I do not like my new school", "I get picked on at lunch"],
    },
    "health": {
        "good": ["I am sleeping better", "I feel good", "I started football again"],
        "ok": ["I get headaches sometimes", "I am a bit tired", "I am waiting to see someone about my feelings"],
        "not_good": ["I cannot sleep", "I feel sad a lot", "I still have not seen the dentist"],
    },
    "friends": {
        "good": ["I have a best friend at school", "I see my nan every week", "I love seeing my brother"],
        "ok": ["I want to see my sister more", "Contact with my dad is ok", "I have some friends"],
        "not_good": [
            "Contact keeps getting cancelled",
            "I miss my friends from my old school",
            "I have no friends here",
        ],
    },
    "going": {
        "good": [
            "He seems settled and happy",
            "She is doing much better at school",
            "Things are better since the move",
        ],
        "ok": ["Some things are better, some are not", "Contact is going ok", "Better than last time"],
        "not_good": ["I am not told what is happening", "Contact has been cancelled three times", "She is not happy"],
    },
    "plan": {
        "good": ["Placement stable, education plan in place", "Health assessment done on time"],
        "ok": ["Education plan still to be updated", "Contact plan needs reviewing"],
        "not_good": ["Placement under strain, support being arranged", "School place not yet found"],
    },
}
TALK_ABOUT_CHILD = [
    "Seeing my brother and sister more",
    "Can I have a phone",
    "Going on the school trip",
    "Staying with my carers",
    "Having sleepovers at my friend's house",
    "When I can see my mum",
    "My pocket money",
]
TALK_ABOUT_YOUNG = [
    "Moving to my own flat when I am 18",
    "Getting my provisional licence",
    "More contact with my dad",
    "College courses and what I want to do next",
    "Staying up later at weekends",
    "Why contact keeps changing",
    "I want to stay put with my carers after 18",
]
TALK_ABOUT_ADULT = [
    "Contact arrangements over the holidays",
    "Support at school",
    "The plan for the future",
    "Delegated authority for sleepovers and trips",
    "Therapy and when it will start",
    "Respite for the carers",
]
WHO = [
    "My carer",
    "My carer and my social worker",
    "Just my IRO and my carer",
    "My mum",
    "My teacher",
    "My advocate",
    "Not too many people",
]
PRIVATE_CHILD = [
    "I do not want my dad to come to the meeting",
    "I want to talk to you on my own",
    "I am worried about my little brother",
    "I do not want everyone to read what I wrote about school",
]
PRIVATE_ADULT = [
    "I would rather not discuss my health in front of the other parent",
    "Please call me before the review",
]
PLAN_PARENT = [
    "I want more contact",
    "I agree with most of it",
    "I do not understand the plan",
    "I want my child to come home",
    "The plan is good but things take too long",
]

#: Thurrock's three questions by age band: weights for yes, no and sort of. Thurrock's young
#: people knew their plan 47% yes, 42% no, 11% sort of; younger children say "sort of" more.
FEEDBACK_MIX = {
    "know_plan": {"under_11": (38, 37, 25), "11_15": (47, 42, 11), "16_plus": (55, 38, 7)},
    "involved": {"under_11": (33, 37, 30), "11_15": (45, 40, 15), "16_plus": (58, 32, 10)},
    "better": {"under_11": (45, 25, 30), "11_15": (50, 30, 20), "16_plus": (52, 33, 15)},
}
ADULT_MIX = (55, 30, 15)
FELT = {"good": 50, "ok": 35, "not_good": 15}
COMMENTS_CHILD = [
    "My IRO listened to me and wrote down what I said",
    "I liked that the meeting was at my school at lunch time",
    "It was too long and there were too many people",
    "I did not know everyone in the room",
    "I got to say I want to stay with my carers and they listened",
    "It was good I could say things before the meeting on my phone",
    "I want my meetings to be shorter",
    "Nobody told me what the words meant",
    "I liked the biscuits",
    "I wish my social worker did not keep changing",
]
COMMENTS_YOUNG = [
    "First review where I actually felt listened to",
    "My IRO explained the plan properly and I know what happens next",
    "I did not like talking about my family in front of everyone",
    "Being able to fill this in on my phone was better than a paper form",
    "The plan says the same as last time and nothing has changed",
    "I want to chair part of my own review next time",
    "Good that it was after college so I did not miss anything",
    "I still do not know who my new social worker is",
]
COMMENTS_ADULT = [
    "I felt listened to for the first time",
    "The review was moved twice and nobody told me",
    "I would like the notes of the review sooner",
    "The IRO made sure everyone had their say",
    "Too much jargon",
    "Helpful to have the questions before the review",
]


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _yns(rng: random.Random, weights: tuple[int, int, int]) -> str:
    return rng.choices(("yes", "no", "sort_of"), weights=weights)[0]


def _going(rng: random.Random, answers: dict[str, object], qid: str, *, more: float = 0.25) -> None:
    rating = _pick(rng, GOING)
    answers[qid] = rating
    if rng.random() < more:
        answers[f"{qid}_more"] = rng.choice(MORE[qid][rating])


def _attend(rng: random.Random, attended: bool | None) -> str:
    if attended is True:
        return rng.choice(("yes", "yes", "yes", "not_sure"))
    if attended is False:
        return "no"
    return rng.choices(("yes", "no", "not_sure"), weights=(55, 30, 15))[0]


def consultation_answers(rng: random.Random, form_kind: str, *, attended: bool | None) -> dict[str, object]:
    """Synthetic answers to a consultation form; ``attended`` (None for a booked review) says
    what the child or adult answered about coming."""
    answers: dict[str, object] = {}
    if form_kind in (FormKind.CONSULT_CHILD, FormKind.CONSULT_YOUNG):
        for qid in ("home", "school", "health", "friends"):
            _going(rng, answers, qid)
        if rng.random() < 0.6:
            answers["talk_about"] = rng.choice(
                TALK_ABOUT_CHILD if form_kind == FormKind.CONSULT_CHILD else TALK_ABOUT_YOUNG
            )
        answers["attend"] = _attend(rng, attended)
        if rng.random() < 0.4:
            answers["who"] = rng.choice(WHO)
        if rng.random() < 0.08:
            answers["private"] = rng.choice(PRIVATE_CHILD)
    elif form_kind == FormKind.CONSULT_PARENT:
        _going(rng, answers, "going", more=0.5)
        if rng.random() < 0.5:
            answers["plan"] = rng.choice(PLAN_PARENT)
        if rng.random() < 0.4:
            answers["talk_about"] = rng.choice(TALK_ABOUT_ADULT)
        answers["attend"] = _attend(rng, None)
        if rng.random() < 0.05:
            answers["private"] = rng.choice(PRIVATE_ADULT)
    elif form_kind == FormKind.CONSULT_CARER:
        for qid in ("home", "school", "health"):
            _going(rng, answers, qid, more=0.2)
        if rng.random() < 0.5:
            answers["talk_about"] = rng.choice(TALK_ABOUT_ADULT)
        answers["attend"] = rng.choices(("yes", "no", "not_sure"), weights=(85, 5, 10))[0]
    else:
        _going(rng, answers, "plan", more=0.6)
        if rng.random() < 0.5:
            answers["talk_about"] = rng.choice(TALK_ABOUT_ADULT)
        answers["child_seen"] = _yns(rng, (75, 10, 15))
        answers["attend"] = rng.choices(("yes", "not_sure"), weights=(90, 10))[0]
    return clean_answers(form_kind, answers)


def feedback_answers(rng: random.Random, form_kind: str, *, age: int) -> dict[str, object]:
    answers: dict[str, object] = {}
    if form_kind in (FormKind.FEEDBACK_CHILD, FormKind.FEEDBACK_YOUNG):
        band = feedback_age_band(age)
        for qid, mix in FEEDBACK_MIX.items():
            if rng.random() < 0.96:  # now and then a question is skipped
                answers[qid] = _yns(rng, mix[band])
        answers["felt"] = _pick(rng, FELT)
        if rng.random() < 0.35:
            answers["comment"] = rng.choice(COMMENTS_CHILD if form_kind == FormKind.FEEDBACK_CHILD else COMMENTS_YOUNG)
        share = 0.12
    else:
        for qid in ("listened", "know_plan", "better"):
            answers[qid] = _yns(rng, ADULT_MIX)
        if rng.random() < 0.4:
            answers["comment"] = rng.choice(COMMENTS_ADULT)
        share = 0.3
    if rng.random() < share:
        answers["share_name"] = True
    return clean_answers(form_kind, answers)


# --------------------------------------------------------------------------- planning the links


@dataclass
class _Review:
    pk: int
    child_id: int
    chair_id: int | None
    status: str
    day: date
    code: str
    first_name: str
    date_of_birth: date


@dataclass
class _Link:
    link: VoiceLink
    answers: dict[str, object] | None = None
    age: int | None = None


@dataclass
class VoiceDemoResult:
    """What ``build_voice`` wrote, for the command's summary and its printed link."""

    reviews: int = 0
    links: dict[str, int] = field(default_factory=dict)
    answered: dict[str, int] = field(default_factory=dict)
    unread: int = 0
    #: The path of the one live link whose token is kept (``/v/<token>/``), and its review.
    try_path: str = ""
    try_review_id: int | None = None


def _at(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randrange(8, 21), rng.randrange(60))))


def _contacts_on(contacts: list[Contact], roles: tuple[str, ...], day: date) -> list[Contact]:
    return [c for c in contacts if c.role in roles and c.started_on <= day and (c.ended_on is None or c.ended_on > day)]


def _channel(rng: random.Random, respondent: str, age: int, contact: Contact | None) -> tuple[str, str]:
    if contact is None:
        if age >= settings.VOICE_YOUNG_PERSON_AGE and rng.random() < 0.5:
            return Channel.SMS, f"07700 900{rng.randrange(1000):03d}"
        return Channel.LETTER, ""
    if respondent == Respondent.SOCIAL_WORKER:
        return Channel.EMAIL, contact.email
    channel = rng.choices((Channel.EMAIL, Channel.SMS, Channel.LETTER), weights=(60, 30, 10))[0]
    return channel, {Channel.EMAIL: contact.email, Channel.SMS: contact.phone}.get(channel, "")


class _Planner:
    def __init__(self, rng: random.Random, *, today: date, now: datetime, by_id: int):
        self.rng = rng
        self.today = today
        self.now = now
        self.by_id = by_id
        self.days = timedelta(days=settings.VOICE_LINK_DAYS)
        self.links: list[_Link] = []

    def link(
        self,
        review: _Review,
        purpose: str,
        respondent: str,
        contact: Contact | None,
        *,
        age: int,
        created: datetime,
        answer: float,
        opened: float,
        attended: bool | None = None,
        answer_by: datetime | None = None,
    ) -> _Link:
        rng = self.rng
        channel, sent_to = _channel(rng, respondent, age, contact)
        form_kind = form_for(purpose, respondent, age=age, young_person_age=settings.VOICE_YOUNG_PERSON_AGE)
        link = VoiceLink(
            review_id=review.pk,
            child_id=review.child_id,
            purpose=purpose,
            form_kind=form_kind,
            respondent=respondent,
            contact=contact,
            name=review.first_name if contact is None else contact.name,
            channel=channel,
            sent_to=sent_to,
            token_hash=tokens.token_hash(tokens.new_token()),
            expires_at=created + self.days,
            sent_at=created,
            created_by_id=review.chair_id or self.by_id,
        )
        planned = _Link(link, age=age)
        # The latest moment an answer could come: before the meeting (consultation), before the
        # link expired, and before now.
        last = min(answer_by or link.expires_at, link.expires_at, self.now)
        draw = rng.random()
        if last > created and draw < answer:
            submitted = created + (last - created) * rng.uniform(0.05, 0.95)
            link.opened_at, link.open_count, link.submitted_at = (
                submitted - timedelta(minutes=rng.randrange(3, 40)),
                rng.randrange(1, 3),
                submitted,
            )
            if purpose == Purpose.CONSULTATION:
                planned.answers = consultation_answers(rng, form_kind, attended=attended)
            else:
                planned.answers = feedback_answers(rng, form_kind, age=age)
        elif last > created and draw < answer + opened:
            link.opened_at = created + (min(link.expires_at, self.now) - created) * rng.uniform(0.05, 0.9)
            link.open_count = rng.randrange(1, 4)
        self.links.append(planned)
        return planned


def _load_reviews(today: date) -> list[_Review]:
    since = years_before(today, 2)
    rows = (
        Review.objects.filter(status__in=(ReviewStatus.HELD, ReviewStatus.BOOKED))
        .exclude(status=ReviewStatus.HELD, held_on__lte=since)
        .order_by("pk")
        .values_list(
            "pk",
            "child_id",
            "chair_id",
            "status",
            "held_on",
            "booked_for",
            "participation_code",
            "child__first_name",
            "child__date_of_birth",
        )
    )
    reviews = []
    for pk, child_id, chair_id, status, held_on, booked_for, code, first, dob in rows:
        day = held_on if status == ReviewStatus.HELD else booked_for
        if status == ReviewStatus.BOOKED and day < today:
            continue
        reviews.append(_Review(pk, child_id, chair_id, status, day, code, first, dob))
    return reviews


def _try_review(reviews: list[_Review], *, iro_id: int | None) -> _Review | None:
    """The booked review whose child's link the command prints: iro1's first, a child of 8 or more."""
    booked = [r for r in reviews if r.status == ReviewStatus.BOOKED and age_on(r.date_of_birth, r.day) >= 8]
    mine = [r for r in booked if r.chair_id == iro_id]
    found = mine or booked
    return found[0] if found else None


def build_voice(*, rng: random.Random, today: date, by) -> VoiceDemoResult:
    """Write the consultation and feedback links and answers of the demo authority. Call inside
    the seeding transaction, after the reviews and the contacts."""
    now = timezone.make_aware(datetime.combine(today, time(17, 30)))
    reviews = _load_reviews(today)
    contacts: dict[int, list[Contact]] = defaultdict(list)
    for contact in Contact.objects.filter(role__in=(*PARENT_ROLES, *CARER_ROLES, ContactRole.SOCIAL_WORKER)).order_by(
        "pk"
    ):
        contacts[contact.child_id].append(contact)
    iro_ids = {user.username: user.pk for user in _demo_iros()}
    try_review = _try_review(reviews, iro_id=iro_ids.get("iro1"))
    planner = _Planner(rng, today=today, now=now, by_id=by.pk)
    chosen = 0
    for review in reviews:
        if review is not try_review and rng.random() >= SHARE_OF_REVIEWS:
            continue
        chosen += 1
        _plan_review(planner, review, contacts[review.child_id], keep_live=review is try_review)
    raw = _keep_try_link(planner, try_review, now=now)
    _write(planner.links)
    result = VoiceDemoResult(reviews=chosen)
    result.links = dict(Counter(p.link.form_kind for p in planner.links))
    result.answered = dict(Counter(p.link.form_kind for p in planner.links if p.answers is not None))
    result.unread = _leave_unread(rng, list(iro_ids.values()), now=now)
    if raw and try_review is not None:
        result.try_path = reverse("voice:form", kwargs={"token": raw})
        result.try_review_id = try_review.pk
    return result


def _demo_iros():
    names = [s.username for s in people.IRO_STAFF]
    return list(people.User.objects.filter(username__in=names).order_by("username"))


def _plan_review(planner: _Planner, review: _Review, contacts: list[Contact], *, keep_live: bool) -> None:
    rng = planner.rng
    age = age_on(review.date_of_birth, review.day)
    held = review.status == ReviewStatus.HELD
    meeting = timezone.make_aware(datetime.combine(review.day, time(9)))
    if held:
        sent = _at(review.day - timedelta(days=rng.randrange(10, 22)), rng)
    else:
        sent = _at(planner.today - timedelta(days=rng.randrange(0, 15)), rng)
        sent = min(sent, planner.now - timedelta(hours=1))
    # Before the review: the child, a parent, the carer, the social worker.
    if age >= YOUNGEST_CONSULTED:
        if keep_live:
            answer = opened = 0.0
        elif held:
            answer = 0.0 if review.code not in MAY_ANSWER else 0.75 if review.code == Participation.PN6 else 0.45
            opened = 0.15
        else:
            answer, opened = 0.3, 0.2
        attended = None if not held else review.code in ATTENDS
        planner.link(
            review,
            Purpose.CONSULTATION,
            Respondent.CHILD,
            None,
            age=age,
            created=sent,
            answer=answer,
            opened=opened,
            attended=attended,
            answer_by=meeting,
        )
    for respondent, roles, ask, answer in (
        (Respondent.PARENT, PARENT_ROLES, 0.6, 0.3),
        (Respondent.CARER, CARER_ROLES, 0.9, 0.6),
        (Respondent.SOCIAL_WORKER, (ContactRole.SOCIAL_WORKER,), 0.8, 0.7),
    ):
        around = _contacts_on(contacts, roles, review.day if held else planner.today)
        if not around or rng.random() >= ask:
            continue
        if not held:
            answer *= 0.6  # not everyone has answered yet
        planner.link(
            review,
            Purpose.CONSULTATION,
            respondent,
            around[0],
            age=age,
            created=sent,
            answer=answer,
            opened=0.15,
            answer_by=meeting,
        )
    if not held:
        return
    # After the review: the letter carries the child's feedback link; a few adults are asked too.
    letter = _at(review.day + timedelta(days=rng.randrange(0, 6)), rng)
    if letter >= planner.now:
        return
    if age >= YOUNGEST_FEEDBACK:
        planner.link(
            review, Purpose.FEEDBACK, Respondent.CHILD, None, age=age, created=letter, answer=0.35, opened=0.15
        )
    for respondent, roles, ask, answer in (
        (Respondent.PARENT, PARENT_ROLES, 0.25, 0.3),
        (Respondent.CARER, CARER_ROLES, 0.5, 0.4),
    ):
        around = _contacts_on(contacts, roles, review.day)
        if around and rng.random() < ask:
            planner.link(
                review, Purpose.FEEDBACK, respondent, around[0], age=age, created=letter, answer=answer, opened=0.1
            )


def _keep_try_link(planner: _Planner, review: _Review | None, *, now: datetime) -> str:
    """A fresh token for the child's consultation link of ``review`` (live, never opened): the
    one token the demo keeps, to print. Its link stays open for ``VOICE_LINK_DAYS`` from now."""
    if review is None:
        return ""
    for planned in planner.links:
        link = planned.link
        if link.review_id == review.pk and link.purpose == Purpose.CONSULTATION and link.contact is None:
            raw = tokens.new_token()
            link.token_hash = tokens.token_hash(raw)
            link.sent_at = now - timedelta(hours=2)
            link.expires_at = max(now, timezone.now()) + planner.days
            return raw
    return ""


def _write(planned: list[_Link]) -> None:
    links = VoiceLink.objects.bulk_create([p.link for p in planned], batch_size=500)
    responses = []
    for p, link in zip(planned, links, strict=True):
        if p.answers is None or link.submitted_at is None:
            continue
        identified = link.purpose == Purpose.CONSULTATION or bool(p.answers.get("share_name"))
        responses.append(
            VoiceResponse(
                link_id=link.pk,
                review_id=link.review_id,
                child_id=link.child_id,
                purpose=link.purpose,
                form_kind=link.form_kind,
                respondent=link.respondent,
                answers=p.answers,
                identified=identified,
                child_age=p.age,
                submitted_at=link.submitted_at,
            )
        )
    VoiceResponse.objects.bulk_create(responses, batch_size=500)


def _leave_unread(rng: random.Random, iro_ids: list[int], *, now: datetime) -> int:
    """Mark every answer read by the IRO who holds the child (a day or two after it came), except
    the latest 2 to 4 of each demo IRO's children today. Returns how many are left unread."""
    holder = dict(
        IROAllocation.objects.filter(ended_on__isnull=True, work=AllocationWork.LOOKED_AFTER).values_list(
            "child_id", "iro_id"
        )
    )
    rows = list(
        VoiceResponse.objects.order_by("-submitted_at", "-pk").values_list(
            "pk", "child_id", "submitted_at", "review__chair_id"
        )
    )
    unread: set[int] = set()
    per_iro: Counter[int] = Counter()
    wanted = {iro: rng.randint(*UNREAD_PER_IRO) for iro in iro_ids}
    for pk, child_id, _submitted, _chair in rows:
        iro = holder.get(child_id)
        if iro in wanted and per_iro[iro] < wanted[iro]:
            per_iro[iro] += 1
            unread.add(pk)
    updates = []
    for pk, child_id, submitted, chair in rows:
        if pk in unread:
            continue
        reader = holder.get(child_id) or chair
        if reader is None:
            continue
        read_at = min(submitted + timedelta(hours=rng.randrange(2, 60)), now)
        updates.append(VoiceResponse(pk=pk, read_at=max(read_at, submitted), read_by_id=reader))
    VoiceResponse.objects.bulk_update(updates, ["read_at", "read_by"], batch_size=500)
    return len(unread)


__all__ = ["VoiceDemoResult", "build_voice", "consultation_answers", "feedback_answers"]
