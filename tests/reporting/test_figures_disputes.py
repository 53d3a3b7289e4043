"""The "Dispute resolution" section of the annual report (reporting.figures.disputes).

The hand-built disputes (``disputes``), recorded through the dispute services. The report's year
is 2024-25 with the four years before it; today is 30 June 2025. Working days: the day raised is
day 0; weekends and bank holidays in England do not count.

D1 Ada, drift: raised Tue 2 May 2023 at stage 1, resolved Fri 12 May 2023.
   3 4 5 May (3), Mon 8 May is the Coronation bank holiday, 9 10 11 12 May (4) = 7.
D2 Ada, placement: raised Mon 18 Dec 2023 informally, stage 1 on 20 Dec, stage 2 on Thu 4 Jan
   2024, resolved Fri 12 Jan 2024. 19-22 Dec (4), 25 and 26 Dec holidays, 27-29 Dec (3),
   1 Jan holiday, 2-5 Jan (4), 8-12 Jan (5) = 16.
D3 Ben, health: raised Mon 4 Mar 2024 at stage 1; escalated to stage 2 on Wed 3 Apr 2024 (after
   the year end, so it reached stage 1 in 2023-24); withdrawn Fri 5 Apr 2024. 5-8 Mar (4),
   11-15 (5), 18-22 (5), 25-28 (4), Good Friday 29 Mar and Easter Monday 1 Apr, 2-5 Apr (4) = 22.
   Open at the end of 2023-24; closed in 2024-25.
D4 Ada, drift: raised Mon 1 Jul 2024 at stage 1, escalated weekly to stage 6 (5 Aug), referred
   to CAFCASS Mon 2 Sep 2024 (CAFCASS later started proceedings). Nine weeks = 45 working days,
   less the 26 Aug bank holiday = 44.
D5 Ada, education: raised Mon 16 Dec 2024 at stage 1, resolved Fri 3 Jan 2025. 17-20 Dec (4),
   23 24 Dec (2), 25 26 Dec holidays, 27 Dec (1), 30 31 Dec (2), 1 Jan holiday, 2 3 Jan (2) = 11.
D6 Sam (South team), education: raised Mon 3 Mar 2025 straight at stage 3 (urgent), still open.

2023-24: raised D1 D2 D3; resolved D1 D2; open at the end D3. Closed: 7 and 16 (an even count):
median 11.5, longest 16.
2024-25: raised D4 D5 D6; resolved D5, withdrawn D3, referred D4; open at the end D6. Closed:
11, 22, 44 (an odd count): median 22, longest 44; one (11) within 20 working days.
No dispute before 2023-24, so 2020-21 to 2022-23 are left out.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes import services
from disputes.models import Dispute, DisputeSettings, DisputeStep, EscalationStage
from iro_service.periods import ReportingYear
from reporting.figures import Scope
from reporting.figures.disputes import median, sections
from reporting.figures.report import report_years
from tests.disputes.factories import raise_dispute
from tests.factories import TeamFactory, make_child_in_care, make_iro
from tests.reporting.report_samples import rows, tables

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 30)
SERVICE_TODAY = dt.date(2026, 11, 23)  # when the services record it all (every date is past)
YEARS = report_years(ReportingYear(2024))  # 2020-21 ... 2024-25


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def escalate(dispute, by, *steps: tuple[int, str]):
    for to_stage, on in steps:
        dispute = services.dispute_escalate(
            dispute=dispute, by=by, to_stage=to_stage, raised_on=d(on), today=SERVICE_TODAY
        )
    return dispute


def resolve(dispute, by, on):
    services.dispute_resolve(dispute=dispute, by=by, closed_on=d(on), outcome_note="Agreed.", today=SERVICE_TODAY)


@pytest.fixture
def sam(db):
    return make_iro(username="iro_s", first_name="Sam", last_name="Cole", team=TeamFactory(name="South team"))


@pytest.fixture
def disputes(iro, other_iro, sam):
    assert not Dispute.objects.exists(), "these figures need an empty database (no demo town)"
    ada_child = make_child_in_care(iro=iro, looked_after_on=d("2023-01-02"))
    ben_child = make_child_in_care(iro=other_iro, looked_after_on=d("2023-01-02"))
    sam_child = make_child_in_care(iro=sam, looked_after_on=d("2023-01-02"))

    d1 = raise_dispute(ada_child, iro, raised_on=d("2023-05-02"), category="drift")
    resolve(d1, iro, "2023-05-12")

    d2 = raise_dispute(ada_child, iro, start_stage=0, raised_on=d("2023-12-18"), category="placement")
    d2 = escalate(d2, iro, (1, "2023-12-20"), (2, "2024-01-04"))
    resolve(d2, iro, "2024-01-12")

    d3 = raise_dispute(ben_child, other_iro, raised_on=d("2024-03-04"), category="health")
    d3 = escalate(d3, other_iro, (2, "2024-04-03"))
    services.dispute_withdraw(
        dispute=d3, by=other_iro, closed_on=d("2024-04-05"), reason="The child moved.", today=SERVICE_TODAY
    )

    d4 = raise_dispute(ada_child, iro, raised_on=d("2024-07-01"), category="drift")
    d4 = escalate(
        d4, iro, (2, "2024-07-08"), (3, "2024-07-15"), (4, "2024-07-22"), (5, "2024-07-29"), (6, "2024-08-05")
    )
    referral = services.dispute_refer_to_cafcass(
        dispute=d4,
        by=iro,
        referred_on=d("2024-09-02"),
        stages_exhausted_evidence="Every stage to the chief executive.",
        human_rights_risk_evidence="Article 8.",
        no_other_adult_evidence="No one.",
        today=SERVICE_TODAY,
    )
    services.cafcass_outcome_record(
        referral=referral, by=iro, outcome="proceedings", outcome_on=d("2024-10-01"), today=SERVICE_TODAY
    )

    d5 = raise_dispute(ada_child, iro, raised_on=d("2024-12-16"), category="education")
    resolve(d5, iro, "2025-01-03")

    raise_dispute(
        sam_child, sam, start_stage=3, raised_on=d("2025-03-03"), category="education", urgent_reason="Unsafe."
    )


def section(scope: Scope, years=YEARS):
    (result,) = sections(years, scope=scope)
    assert result.key == "disputes"
    assert result.title == "Dispute resolution"
    return result


STAGES = [
    "Informal resolution: Social worker or team manager",
    "Stage 1: Social worker",
    "Stage 2: Team manager",
    "Stage 3: Service manager",
    "Stage 4: Head of service",
    "Stage 5: Director of children's services",
    "Stage 6: Chief executive",
    "CAFCASS referral",
]


def test_every_figure_for_the_whole_service(disputes):
    result = section(Scope(today=TODAY))
    by_key = tables(result)
    assert list(by_key) == ["disputes", "disputes_stage", "disputes_category", "disputes_time", "disputes_cafcass"]
    for table in result.tables:
        assert table.columns[1:] == ["2023-24", "2024-25"], table.key

    assert rows(by_key["disputes"]) == {
        "Raised": [3, 3],
        "Resolved": [2, 1],  # D1 D2; D5
        "Withdrawn": [0, 1],  # D3
        "Referred to CAFCASS": [0, 1],  # D4
        "Open at the year end": [1, 1],  # D3; D6
    }
    assert rows(by_key["disputes_stage"]) == {
        STAGES[0]: [0, 0],
        STAGES[1]: [2, 1],  # D1, D3 (stage 2 only after 31 March 2024); D5
        STAGES[2]: [1, 0],  # D2
        STAGES[3]: [0, 1],  # D6
        STAGES[4]: [0, 0],
        STAGES[5]: [0, 0],
        STAGES[6]: [0, 0],
        STAGES[7]: [0, 1],  # D4
    }
    assert list(rows(by_key["disputes_stage"])) == STAGES
    assert rows(by_key["disputes_category"]) == {
        "Preparation for the review": [0, 0],
        "Decisions not carried out within timescale": [0, 0],
        "Assessments": [0, 0],
        "Anti-oppressive practice": [0, 0],
        "Drift in the care plan": [1, 1],  # D1; D4
        "Permanence and family finding": [0, 0],
        "Health provision": [1, 0],  # D3
        "Education provision": [0, 2],  # D5 D6
        "Placement choice or standard of care": [1, 0],  # D2
        "Endorsing the care plan": [0, 0],
    }
    assert rows(by_key["disputes_time"]) == {
        "Disputes closed": [2, 3],
        "Median working days": [11.5, 22],  # (7 + 16) / 2; middle of 11, 22, 44
        "Longest, working days": [16, 44],
        "Closed within 20 working days": [2, 1],
    }
    assert rows(by_key["disputes_cafcass"]) == {
        "Referrals to CAFCASS": [0, 1],
        "Awaiting CAFCASS": [0, 0],
        "CAFCASS took no further action": [0, 0],
        "Resolved by the local authority after referral": [0, 0],
        "CAFCASS started legal proceedings": [0, 1],
    }
    assert result.headline == [
        ("Disputes raised", "3"),
        ("Resolved", "1"),
        ("Open at the year end", "1"),
        ("Median working days to close", "22"),
        ("Referrals to CAFCASS", "1"),
    ]


def test_rows_link_to_the_dispute_list_by_status_and_category(disputes):
    by_key = tables(section(Scope(today=TODAY)))
    assert by_key["disputes"].links == {
        "Resolved": "/disputes/?status=resolved",
        "Withdrawn": "/disputes/?status=withdrawn",
        "Referred to CAFCASS": "/disputes/?status=referred",
    }
    assert by_key["disputes_category"].links["Drift in the care plan"] == "/disputes/?category=drift"
    assert len(by_key["disputes_category"].links) == 10
    assert by_key["disputes_stage"].links == {}


def test_one_iro_counts_the_disputes_they_raised(disputes, iro, other_iro):
    ada = tables(section(Scope(iro_id=iro.pk, today=TODAY)))
    assert rows(ada["disputes"]) == {
        "Raised": [2, 2],
        "Resolved": [2, 1],
        "Withdrawn": [0, 0],
        "Referred to CAFCASS": [0, 1],
        "Open at the year end": [0, 0],
    }
    assert rows(ada["disputes_time"]) == {
        "Disputes closed": [2, 2],
        "Median working days": [11.5, 27.5],  # (11 + 44) / 2
        "Longest, working days": [16, 44],
        "Closed within 20 working days": [2, 1],
    }

    ben = tables(section(Scope(iro_id=other_iro.pk, today=TODAY)))
    assert rows(ben["disputes"]) == {
        "Raised": [1, 0],
        "Resolved": [0, 0],
        "Withdrawn": [0, 1],
        "Referred to CAFCASS": [0, 0],
        "Open at the year end": [1, 0],
    }
    assert rows(ben["disputes_stage"])[STAGES[1]] == [1, 0]
    assert rows(ben["disputes_time"])["Median working days"] == [None, 22]


def test_a_team_without_earlier_disputes_shows_only_the_reports_year(disputes, sam):
    result = section(Scope(team_id=sam.iro_profile.team_id, today=TODAY))
    by_key = tables(result)
    for table in result.tables:
        assert table.columns == [table.columns[0], "2024-25"], table.key
    assert rows(by_key["disputes"]) == {
        "Raised": [1],
        "Resolved": [0],
        "Withdrawn": [0],
        "Referred to CAFCASS": [0],
        "Open at the year end": [1],
    }
    assert rows(by_key["disputes_stage"])[STAGES[3]] == [1]
    assert rows(by_key["disputes_time"]) == {
        "Disputes closed": [0],
        "Median working days": [None],
        "Longest, working days": [None],
        "Closed within 20 working days": [0],
    }
    assert ("Median working days to close", "none") in result.headline


def test_a_year_in_progress_runs_to_today(disputes, sam):
    Dispute.objects.filter(raised_by=sam).update(status="resolved", closed_on=d("2025-12-01"))  # after today
    result = section(Scope(today=dt.date(2025, 11, 20)), report_years(ReportingYear(2025)))
    by_key = tables(result)
    assert by_key["disputes"].columns == ["Measure", "2023-24", "2024-25", "2025-26"]
    assert rows(by_key["disputes"])["Open at the year end"] == [1, 1, 1]  # D6 not closed by 20 Nov
    assert rows(by_key["disputes"])["Resolved"] == [2, 1, 0]
    assert "2025-26 is to 20 November 2025" in by_key["disputes"].note
    assert by_key["disputes"].links["Open at the year end"] == "/disputes/?status=open"


def set_limit(working_days: int) -> None:
    row = DisputeSettings.current()
    row.max_open_working_days = working_days
    row.save()


@pytest.mark.parametrize(
    ("limit", "within"),
    [
        (20, [2, 1]),  # 7 16 | 11 22 44: the Handbook's default
        (11, [1, 1]),  # closed on the 11th working day (D5) counts as within
        (10, [1, 0]),
        (22, [2, 2]),
    ],
)
def test_the_target_is_the_flags_limit_in_the_figures_and_the_words(disputes, limit, within):
    set_limit(limit)
    time_table = tables(section(Scope(today=TODAY)))["disputes_time"]
    assert rows(time_table) == {
        "Disputes closed": [2, 3],
        "Median working days": [11.5, 22],
        "Longest, working days": [16, 44],
        f"Closed within {limit} working days": within,
    }
    assert f"The service's target is {limit} working days for the whole process" in time_table.note


def test_a_closure_day_does_not_shorten_the_time_to_close_unless_the_setting_says_so(disputes, settings):
    from reviews.models import ClosureDay

    ClosureDay.objects.create(day=d("2023-05-10"), reason="Staff training day")  # inside D1 (7 working days)
    by_default = tables(section(Scope(today=TODAY)))
    assert rows(by_default["disputes_time"])["Median working days"][0] == 11.5  # (7 + 16) / 2: D1 still 7
    assert "(weekends and bank holidays in England excluded)" in by_default["disputes_time"].note

    settings.CLOSURE_DAYS_MOVE_LOCAL_TARGETS = True
    moved = tables(section(Scope(today=TODAY)))
    assert rows(moved["disputes_time"])["Median working days"][0] == 11  # (6 + 16) / 2: D1 now 6
    assert "the authority's closure days excluded" in moved["disputes_time"].note


def test_median_of_odd_and_even_counts():
    assert median([]) is None
    assert median([22, 11, 44]) == 22
    assert median([7, 16]) == 11.5
    assert median([7, 17]) == 12 and isinstance(median([7, 17]), int)


def _more_disputes(child, iro, count: int) -> None:
    stage = EscalationStage.objects.get(number=2)
    for n in range(count):
        opened = d("2023-06-05") + dt.timedelta(days=7 * n)
        dispute = Dispute.objects.create(
            child=child, raised_by=iro, category="assessments", issue="-", impact_on_child="-",
            what_must_change="-", change_by_whom="-", change_by_when=opened, opened_on=opened,
            current_stage=stage, status="resolved", closed_on=opened + dt.timedelta(days=14),
        )  # fmt: skip
        DisputeStep.objects.create(
            dispute=dispute, stage=stage, raised_on=opened, raised_by=iro, recipient_role="Team manager",
            ended_on=opened + dt.timedelta(days=14),
        )  # fmt: skip


@pytest.mark.parametrize("scoped", [False, True])
def test_six_queries_whatever_the_number_of_disputes(disputes, iro, scoped, django_assert_max_num_queries):
    scope = Scope(iro_id=iro.pk if scoped else None, today=TODAY)
    with django_assert_max_num_queries(6):
        small = section(scope)
    _more_disputes(Dispute.objects.filter(raised_by=iro).first().child, iro, 60)
    with CaptureQueriesContext(connection) as captured:
        large = section(scope)
    assert len(captured) == 6
    # 60 weekly disputes from 5 Jun 2023: 43 raised by 31 Mar 2024, the other 17 in 2024-25.
    raised = rows(tables(small)["disputes"])["Raised"]
    assert rows(tables(large)["disputes"])["Raised"] == [raised[0] + 43, raised[1] + 17]
    assert rows(tables(large)["disputes_category"])["Assessments"] == [43, 17]
