"""An SSDA903 return's episodes keep to the end of care at 18 and to continuous care
(docs/rules.md#review-timescales): a start of care on or after the 18th birthday (DfE rule 352), any
episode from that day, an episode ceasing after it, and a new period (RNE S) on the day the
previous episode ceased (DfE rule 431) are each reported against their row, and nothing is
written. The day before (or after) imports."""

from __future__ import annotations

from datetime import date

import pytest

from children.models import CareEpisode, Child
from interchange import services
from iro_service.models import AuditEvent
from reviews.models import Review

from .helpers import as_files, hand_made_texts, with_line

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)
#: Episode rows appended to the hand-made episodes.csv (header and four rows) start at line 6.
FIRST_NEW_LINE = 6
#: Sam (HM004) is born on 4 May 2007, so turns 18 on 4 May 2025; Leah (HM005) on 29 February
#: 2008, so turns 18 on 1 March 2026; Mia (HM006) is 9.
NEW_CHILDREN = ("HM004,1,04/05/2007,WBRI,,,", "HM005,2,29/02/2008,WBRI,,0,", "HM006,2,10/10/2016,WBRI,,0,")


def _texts(*episode_rows: str) -> dict[str, str]:
    texts = hand_made_texts()
    for row in NEW_CHILDREN:
        texts = with_line(texts, "header.csv", row)
    for row in episode_rows:
        texts = with_line(texts, "episodes.csv", row)
    return texts


def _import(texts, by, *, commit=True):
    return services.ssda903_import(files=as_files(texts), by=by, commit=commit, today=TODAY)


def _counts():
    return (Child.objects.count(), CareEpisode.objects.count(), Review.objects.count(), AuditEvent.objects.count())


BAD = [
    # (episode rows, column of the problem on the first new row, words of the reason)
    (
        ["HM004,04/05/2025,S,V2,N1,U4,PR1,,,,,,"],
        "DECOM",
        "started to be looked after at 18 or over (DfE rule 352): they turned 18 on 04/05/2025",
    ),
    (
        ["HM004,10/09/2025,S,V2,N1,U4,PR1,,,,,,"],
        "DECOM",
        "(DfE rule 352)",
    ),
    (
        ["HM005,01/03/2026,S,V2,N1,U4,PR1,,,,,,"],
        "DECOM",
        "they turned 18 on 01/03/2026",
    ),
    (
        ["HM004,01/03/2025,S,V2,N1,U4,PR1,05/05/2025,E17,,,,"],
        "DEC",
        "care ends on the 18th birthday at the latest",
    ),
    (
        ["HM006,01/02/2024,S,V2,N1,U4,PR1,01/06/2024,E4A,,,,", "HM006,01/06/2024,S,V2,N1,U4,PR1,,,,,,"],
        "RNE",
        "the day the previous episode ceased: that is continuous care, not a new period (DfE rule 431)",
    ),
]


@pytest.mark.parametrize(("rows", "column", "reason"), BAD)
def test_the_row_is_reported_and_nothing_is_written(manager, rows, column, reason):
    plan = _import(_texts(*rows), manager)

    assert [(p.file, p.line, p.column) for p in plan.problems] == [
        ("episodes.csv", FIRST_NEW_LINE + len(rows) - 1, column)
    ], plan.problems
    assert reason in plan.problems[0].reason
    assert _counts() == (0, 0, 0, 0)


def test_an_episode_from_the_18th_birthday_after_a_change_is_reported(manager):
    rows = ["HM004,01/03/2025,S,V2,N1,U4,PR1,04/05/2025,X1,CARPL,,,", "HM004,04/05/2025,P,V2,N1,U6,PR1,,,,,,"]

    plan = _import(_texts(*rows), manager)

    assert [(p.line, p.column) for p in plan.problems] == [(FIRST_NEW_LINE + 1, "DECOM")]
    assert "starts on or after the child's 18th birthday (04/05/2025)" in plan.problems[0].reason
    assert _counts() == (0, 0, 0, 0)


GOOD = [
    ["HM004,03/05/2025,S,V2,N1,U4,PR1,04/05/2025,E17,,,,"],  # started the day before 18, ended on the birthday
    ["HM005,28/02/2026,S,V2,N1,U4,PR1,01/03/2026,E17,,,,"],  # a 29 February birthday: 18 on 1 March 2026
    ["HM006,01/02/2024,S,V2,N1,U4,PR1,01/06/2024,E4A,,,,", "HM006,02/06/2024,S,V2,N1,U4,PR1,,,,,,"],  # next day
    ["HM006,01/02/2024,S,V2,N1,U4,PR1,01/06/2024,X1,CARPL,,,", "HM006,01/06/2024,P,V2,N1,U6,PR1,,,,,,"],  # a change
]


@pytest.mark.parametrize("rows", GOOD)
def test_the_day_before_18_and_a_return_the_next_day_import(manager, rows):
    plan = _import(_texts(*rows), manager)

    assert plan.is_valid, plan.problems
    assert CareEpisode.objects.filter(child__local_reference__in=("HM004", "HM005", "HM006")).count() == len(rows)


def test_a_new_period_on_the_day_a_held_episode_ended_is_reported_and_the_held_data_kept(manager):
    _import(_texts("HM006,01/02/2024,S,V2,N1,U4,PR1,01/06/2024,E4A,,,,"), manager)
    before = list(CareEpisode.objects.order_by("pk").values_list("pk", "started_on", "ended_on"))

    plan = _import(_texts("HM006,01/06/2024,S,V2,N1,U4,PR1,,,,,,"), manager)

    assert [(p.file, p.line, p.column) for p in plan.problems] == [("episodes.csv", FIRST_NEW_LINE, "RNE")]
    assert "DfE rule 431" in plan.problems[0].reason
    assert list(CareEpisode.objects.order_by("pk").values_list("pk", "started_on", "ended_on")) == before


def test_reviews_of_a_child_whose_episode_is_refused_at_18_are_not_reported_twice(manager):
    texts = with_line(_texts("HM004,04/05/2025,S,V2,N1,U4,PR1,,,,,,"), "reviews.csv", "HM004,04/05/2007,20/05/2025,PN1")

    plan = _import(texts, manager)

    assert [(p.file, p.column) for p in plan.problems] == [("episodes.csv", "DECOM")]
