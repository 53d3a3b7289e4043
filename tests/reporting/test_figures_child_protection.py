"""The "Child protection conferences and plans" section of the annual report
(reporting.figures.child_protection).

The hand-built families (``families``), built with tests/conferences/factories.py. The report's
year is 2024-25 with the four years before it; today is 30 June 2025. Working days: the strategy
discussion (or the start of the section 47 enquiry) is day 0; weekends and bank holidays in
England do not count. Two chairs: Carol (Quill, Rowan) and Dev (Sorrel, Tansy).

QUILL (Carol): Quin (girl, born 10 Mar 2015) and Quentin (boy, 10 Mar 2016).
  Strategy discussion Wed 13 Mar 2024, s47 enquiry started Mon 11 Mar 2024.
  ICPC held Fri 5 Apr 2024 (2024-25). From the strategy discussion: 14 15 Mar (2), 18-22 (5),
  25-28 (4) = 11, Good Friday 29 Mar and Easter Monday 1 Apr, 2-5 Apr (4) = 15: due Fri 5 Apr,
  WITHIN (without the bank holidays it would have been due Wed 3 Apr). From the s47 start:
  12-15 Mar (4), 18-22 (5), 25-28 (4) = 13, 2 3 Apr = 15: due Wed 3 Apr, NOT within.
  Plans from 5 Apr 2024: Quin neglect (NEG), Quentin emotional and physical (MUL).
  RCPC Mon 5 Aug 2024: first review due 5 Jul 2024: LATE. Quin's plan ends: 4 months (3 to 6).
  RCPC Wed 5 Feb 2025 (Quentin): due 6 months after 5 Aug = 5 Feb 2025: IN TIME (on the day).
  Quentin is on a plan at 31 Mar 2025, aged 9 (5 to 9), White.
ROWAN (Carol): Rhea (girl, born 1 Jun 2010, Indian).
  Strategy Wed 2 Aug 2023, ICPC Tue 15 Aug 2023 (9 working days: within both). Plan PHY.
  RCPC Tue 14 Nov 2023 (due 15 Nov: in time; 2023-24).
  RCPC Tue 14 May 2024 (due 14 May: in time), Fri 15 Nov 2024 (due 14 Nov: LATE),
  Mon 17 Mar 2025 (due 15 May 2025: in time), where the plan ends: 15 Aug 2023 to 17 Mar 2025 is
  19 whole months (18 or more). On a plan at 31 Mar 2024 aged 13 (10 to 15), Asian.
SORREL (Dev): Sage (girl, born 1 Sep 2008, African), Sid (boy, born 1 Sep 2012).
  Sage's first plan: strategy 1 Jun 2021, ICPC Tue 15 Jun 2021 (within), NEG; ended at the RCPC
  of Tue 14 Sep 2021 (due 15 Sep: in time): 2 months (under 3).
  Second ICPC: strategy and s47 Mon 16 Dec 2024: 17-20 Dec (4), 23 24 (2), Christmas and Boxing
  Day, 27 (1), 30 31 (2) = 9, New Year's Day, 2 3 Jan (2), 6-9 Jan (4) = 15: due Thu 9 Jan 2025.
  Held Fri 10 Jan 2025: NOT within either. Sage: a second plan (SAB); Sid: NO PLAN.
  Sage on a plan at 31 Mar 2025, aged 16 (16 and over), Black.
TANSY (Dev): Tom (boy, born 1 Aug 2024, White and Black Caribbean).
  Strategy and s47 Mon 3 Mar 2025: 4-7 (4), 10-14 (5), 17-21 (5) = 14: due Mon 24 Mar.
  ICPC Fri 21 Mar 2025: within both. Plan EMO. On a plan at 31 Mar 2025, aged 0 (under 1), Mixed.

2024-25: initial 3 (Quill, Sorrel, Tansy); within 15 working days of the strategy discussion 2
(Quill, Tansy), of the s47 start 1 (Tansy). Review 5 (Quill 2, Rowan 3), in timescale 3.
Plans started 4 (Quin, Quentin, Sage, Tom), second 1 (Sage), ended 2 (Quin 4 months, Rhea 19
months: 50% within 6 months); on a plan at the year end 3 (Quentin, Sage, Tom).
2023-24: initial 1 (Rowan, within both), review 1 (in time); started 1, on a plan at the end 1.
2021-22: initial 1 (within both), review 1 (in time); started 1, ended 1 (under 3 months).
2020-21 and 2022-23 had no conference and no plan open at the end: left out.

Participation (places at conferences held): Rhea's every place, an advocate spoke / the parents
attended (2023-24: 2 places, 2024-25: 3); the Quill ICPC's two places, views conveyed / views
given; Tom's, too young / invited, no views; the rest not recorded (2024-25: the Quill RCPCs' 3
places and the Sorrel ICPC's 2; 2021-22: Sage's 2).
Disputes: 2024-25, two about child protection work (Carol, Dev) and one about looked-after work
(Carol); 2023-24, one about looked-after work (Carol).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from children.codes import AllocationWork, Ethnicity, Sex
from conferences.codes import AbuseCategory, ChildParticipation, Outcome, ParentParticipation, PlanEndReason
from conferences.models import ConferenceChild
from disputes.models import Dispute, EscalationStage
from iro_service.periods import ReportingYear
from reporting.csv_export import tables_csv
from reporting.figures import Scope
from reporting.figures.child_protection import sections
from reporting.figures.report import annual_report_sections, report_years
from reporting.pdf import render_annual_report_pdf
from tests.conferences.factories import make_cp_chair, make_icpc, make_rcpc
from tests.factories import ChildFactory
from tests.reporting.report_samples import rows, tables
from tests.reporting.test_pdf import poppler, squash

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 30)
YEARS = report_years(ReportingYear(2024))  # 2020-21 ... 2024-25
KEYS = [
    "cp_conferences",
    "cp_plans",
    "cp_category",
    "cp_gender",
    "cp_age",
    "cp_ethnicity",
    "cp_length",
    "cp_length_percent",
    "cp_child_participation",
    "cp_parent_participation",
    "cp_disputes_work",
]
NAMES = ["Quill", "Rowan", "Sorrel", "Tansy", "Quin", "Quentin", "Rhea", "Sage", "Sid", "Carol", "Dev"]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def child(first: str, family: str, born: str, sex: str, ethnicity: str):
    return ChildFactory(first_name=first, last_name=family, date_of_birth=d(born), sex=sex, ethnicity=ethnicity)


def plan_of(conference, kid):
    return ConferenceChild.objects.get(conference=conference, child=kid).plan


def participation(kid, child_took_part: str, parents: str, *, conference=None) -> None:
    places = ConferenceChild.objects.filter(child=kid)
    if conference is not None:
        places = places.filter(conference=conference)
    places.update(child_participation=child_took_part, parents_participation=parents)


def dispute(kid, by, opened: str, work: str) -> None:
    Dispute.objects.create(
        child=kid, raised_by=by, category="drift", issue="-", impact_on_child="-", what_must_change="-",
        change_by_whom="-", change_by_when=d(opened), opened_on=d(opened), work=work,
        current_stage=EscalationStage.objects.get(number=1),
    )  # fmt: skip


@pytest.fixture
def carol(db):
    return make_cp_chair(username="cp_carol", first_name="Carol", last_name="Chair")


@pytest.fixture
def dev(db):
    return make_cp_chair(username="cp_dev", first_name="Dev", last_name="Chair")


@pytest.fixture
def families(carol, dev):
    quin = child("Quin", "Quill", "2015-03-10", Sex.FEMALE, Ethnicity.WBRI)
    quentin = child("Quentin", "Quill", "2016-03-10", Sex.MALE, Ethnicity.WBRI)
    icpc = make_icpc(
        [quin, quentin], strategy_on=d("2024-03-13"), s47_on=d("2024-03-11"), chair=carol, held_on=d("2024-04-05"),
        categories={quin: [AbuseCategory.NEGLECT], quentin: [AbuseCategory.EMOTIONAL, AbuseCategory.PHYSICAL]},
    )  # fmt: skip
    quin_plan, quentin_plan = plan_of(icpc, quin), plan_of(icpc, quentin)
    make_rcpc(
        [quin_plan, quentin_plan], held_on=d("2024-08-05"), chair=carol, ends={quin_plan: PlanEndReason.STEP_DOWN}
    )
    quentin_plan.refresh_from_db()
    make_rcpc([quentin_plan], held_on=d("2025-02-05"), chair=carol)
    participation(quin, ChildParticipation.VIEWS_CONVEYED, ParentParticipation.VIEWS_GIVEN, conference=icpc)
    participation(quentin, ChildParticipation.VIEWS_CONVEYED, ParentParticipation.VIEWS_GIVEN, conference=icpc)

    rhea = child("Rhea", "Rowan", "2010-06-01", Sex.FEMALE, Ethnicity.AIND)
    icpc = make_icpc([rhea], strategy_on=d("2023-08-02"), chair=carol, held_on=d("2023-08-15"),
                     categories={rhea: [AbuseCategory.PHYSICAL]})  # fmt: skip
    rhea_plan = plan_of(icpc, rhea)
    for held in ("2023-11-14", "2024-05-14", "2024-11-15"):
        make_rcpc([rhea_plan], held_on=d(held), chair=carol)
    make_rcpc([rhea_plan], held_on=d("2025-03-17"), chair=carol, ends={rhea_plan: PlanEndReason.STEP_DOWN})
    participation(rhea, ChildParticipation.ADVOCATE, ParentParticipation.ATTENDED)

    sage = child("Sage", "Sorrel", "2008-09-01", Sex.FEMALE, Ethnicity.BAFR)
    sid = child("Sid", "Sorrel", "2012-09-01", Sex.MALE, Ethnicity.BAFR)
    icpc = make_icpc([sage], strategy_on=d("2021-06-01"), chair=dev, held_on=d("2021-06-15"))
    make_rcpc([plan_of(icpc, sage)], held_on=d("2021-09-14"), chair=dev, ends={plan_of(icpc, sage): "step_down"})
    make_icpc(
        [sage, sid], strategy_on=d("2024-12-16"), chair=dev, held_on=d("2025-01-10"),
        outcomes={sage: Outcome.PLAN, sid: Outcome.NO_PLAN}, categories={sage: [AbuseCategory.SEXUAL]},
    )  # fmt: skip

    tom = child("Tom", "Tansy", "2024-08-01", Sex.MALE, Ethnicity.MWBC)
    make_icpc([tom], strategy_on=d("2025-03-03"), chair=dev, held_on=d("2025-03-21"),
              categories={tom: [AbuseCategory.EMOTIONAL]})  # fmt: skip
    participation(tom, ChildParticipation.TOO_YOUNG, ParentParticipation.INVITED_NO_VIEWS)

    dispute(quentin, carol, "2024-09-02", AllocationWork.CHILD_PROTECTION)
    dispute(sage, dev, "2025-02-03", AllocationWork.CHILD_PROTECTION)
    dispute(quin, carol, "2024-10-01", AllocationWork.LOOKED_AFTER)
    dispute(rhea, carol, "2023-10-02", AllocationWork.LOOKED_AFTER)
    return {"quin": quin, "sage": sage}


def section(scope: Scope, years=YEARS):
    (result,) = sections(years, scope=scope)
    assert result.key == "child_protection"
    assert result.title == "Child protection conferences and plans"
    return result


def test_every_figure_for_the_whole_service(families):
    result = section(Scope(today=TODAY))
    by_key = tables(result)
    assert list(by_key) == KEYS
    for table in result.tables:
        assert table.columns[1:] == ["2021-22", "2023-24", "2024-25"], table.key
        assert table.links == {}, table.key

    assert rows(by_key["cp_conferences"]) == {
        "Initial conferences held": [1, 1, 3],
        "Within 15 working days of the strategy discussion": [1, 1, 2],  # Quill (bank holidays), Tansy
        "Within 15 working days of the strategy discussion, %": [100.0, 100.0, 66.7],
        "Within 15 working days of the section 47 enquiry starting": [1, 1, 1],  # Tansy
        "Within 15 working days of the section 47 enquiry starting, %": [100.0, 100.0, 33.3],
        "Review conferences held": [1, 1, 5],
        "Review conferences in timescale": [1, 1, 3],  # Quill 5 Feb, Rowan 14 May and 17 Mar
        "Review conferences in timescale, %": [100.0, 100.0, 60.0],
    }
    assert rows(by_key["cp_plans"]) == {
        "Plans started": [1, 1, 4],
        "Second or later plans started": [0, 0, 1],  # Sage
        "Second or later plans started, %": [0.0, 0.0, 25.0],
        "Plans ended": [1, 0, 2],
        "Children on a plan at the year end": [0, 1, 3],
    }
    assert rows(by_key["cp_category"]) == {
        "Emotional abuse": [0, 0, 1],  # Tom
        "Neglect": [1, 0, 1],  # Sage's first; Quin
        "Physical abuse": [0, 1, 0],  # Rhea
        "Sexual abuse": [0, 0, 1],  # Sage's second
        "Multiple categories": [0, 0, 1],  # Quentin
    }
    assert rows(by_key["cp_gender"]) == {
        "Male": [0, 0, 2],  # Quentin, Tom
        "Female": [0, 1, 1],  # Rhea; Sage
        "Not known or indeterminate": [0, 0, 0],
    }
    assert rows(by_key["cp_age"]) == {
        "Under 1": [0, 0, 1],  # Tom
        "1 to 4": [0, 0, 0],
        "5 to 9": [0, 0, 1],  # Quentin, 9
        "10 to 15": [0, 1, 0],  # Rhea, 13
        "16 and over": [0, 0, 1],  # Sage, 16
    }
    assert rows(by_key["cp_ethnicity"]) == {
        "White": [0, 0, 1],
        "Mixed": [0, 0, 1],
        "Asian or Asian British": [0, 1, 0],
        "Black or Black British": [0, 0, 1],
        "Other ethnic group": [0, 0, 0],
        "Not known": [0, 0, 0],
    }
    assert rows(by_key["cp_length"]) == {
        "Under 3 months": [1, 0, 0],  # Sage's first, 2 months
        "3 months to under 6 months": [0, 0, 1],  # Quin, 4 months
        "6 months to under 12 months": [0, 0, 0],
        "12 months to under 18 months": [0, 0, 0],
        "18 months or more": [0, 0, 1],  # Rhea, 19 months
    }
    assert rows(by_key["cp_length_percent"]) == {
        "Under 3 months": [100.0, None, 0.0],
        "3 months to under 6 months": [0.0, None, 50.0],
        "6 months to under 12 months": [0.0, None, 0.0],
        "12 months to under 18 months": [0.0, None, 0.0],
        "18 months or more": [0.0, None, 50.0],
    }
    assert rows(by_key["cp_child_participation"]) == {
        "Attended and spoke for themselves": [0, 0, 0],
        "An advocate spoke for them": [0, 2, 3],  # Rhea
        "Did not attend; views conveyed another way": [0, 0, 2],  # the Quill ICPC
        "Did not attend; views not conveyed": [0, 0, 0],
        "Too young to take part": [0, 0, 1],  # Tom
        "Not recorded": [2, 0, 5],
    }
    assert rows(by_key["cp_parent_participation"]) == {
        "Attended and gave their views": [0, 2, 3],
        "Did not attend but gave their views": [0, 0, 2],
        "Invited but did not attend or give views": [0, 0, 1],
        "Not invited (reason recorded)": [0, 0, 0],
        "Not applicable (for example, parents deceased)": [0, 0, 0],
        "Not recorded": [2, 0, 5],
    }
    assert rows(by_key["cp_disputes_work"]) == {
        AllocationWork.LOOKED_AFTER.label: [0, 1, 1],
        AllocationWork.CHILD_PROTECTION.label: [0, 0, 2],
    }
    assert result.headline == [
        ("Initial conferences held", "3"),
        ("Initial conferences within 15 working days of the strategy discussion", "66.7%"),
        ("Review conferences in timescale", "60%"),
        ("Children on a plan at the year end", "3"),
        ("Plans ended within 6 months", "50%"),
    ]


def test_one_chair_counts_their_conferences_the_plans_they_made_and_their_disputes(families, carol, dev):
    by_key = tables(section(Scope(iro_id=dev.pk, today=TODAY)))
    assert by_key["cp_conferences"].columns == ["Measure", "2021-22", "2024-25"]  # nothing of Dev's in 2023-24
    assert rows(by_key["cp_conferences"])["Initial conferences held"] == [1, 2]
    assert rows(by_key["cp_conferences"])["Review conferences held"] == [1, 0]
    assert rows(by_key["cp_plans"])["Children on a plan at the year end"] == [0, 2]  # Sage, Tom
    assert rows(by_key["cp_disputes_work"])[AllocationWork.CHILD_PROTECTION.label] == [0, 1]

    by_key = tables(section(Scope(iro_id=carol.pk, today=TODAY)))
    assert by_key["cp_conferences"].columns == ["Measure", "2023-24", "2024-25"]
    assert rows(by_key["cp_conferences"])["Review conferences in timescale"] == [1, 3]
    assert rows(by_key["cp_length"])["18 months or more"] == [0, 1]


def test_the_year_in_progress_runs_to_today(families):
    result = section(Scope(today=d("2025-04-30")), report_years(ReportingYear(2025)))
    by_key = tables(result)
    assert by_key["cp_plans"].columns[-1] == "2025-26"
    assert rows(by_key["cp_plans"])["Children on a plan at the year end"][-1] == 3  # on 30 April 2025
    assert "2025-26 is to 30 April 2025" in by_key["cp_plans"].note


def test_the_section_is_left_out_where_the_service_does_not_chair_conferences(
    families, settings, django_assert_num_queries
):
    settings.CHAIRS_CHILD_PROTECTION_CONFERENCES = False
    with django_assert_num_queries(0):
        assert sections(YEARS, scope=Scope(today=TODAY)) == []
    keys = [s.key for s in annual_report_sections(ReportingYear(2024), scope=Scope(today=TODAY))]
    assert "child_protection" not in keys

    settings.CHAIRS_CHILD_PROTECTION_CONFERENCES = True
    keys = [s.key for s in annual_report_sections(ReportingYear(2024), scope=Scope(today=TODAY))]
    assert keys.index("child_protection") == keys.index("disputes") - 1


def _more_families(chair, count: int) -> None:
    for n in range(count):
        kids = [
            child(f"Extra{n}a", f"Extra{n}", "2014-01-01", Sex.MALE, Ethnicity.WBRI),
            child(f"Extra{n}b", f"Extra{n}", "2016-01-01", Sex.FEMALE, Ethnicity.WBRI),
        ]
        held = d("2024-05-01") + dt.timedelta(days=7 * n)
        icpc = make_icpc(kids, strategy_on=held - dt.timedelta(days=14), chair=chair, held_on=held)
        make_rcpc([plan_of(icpc, kid) for kid in kids], held_on=held + dt.timedelta(days=80), chair=chair)


@pytest.mark.parametrize("scoped", [False, True])
def test_five_queries_whatever_the_number_of_conferences(families, carol, scoped, django_assert_max_num_queries):
    scope = Scope(iro_id=carol.pk if scoped else None, today=TODAY)
    with django_assert_max_num_queries(5):
        small = section(scope)
    _more_families(carol, 20)
    with CaptureQueriesContext(connection) as captured:
        large = section(scope)
    assert len(captured) == 5
    # 20 weekly families from 1 May 2024: each an ICPC (within) and an RCPC 80 days on (in time).
    before = rows(tables(small)["cp_conferences"])
    after = rows(tables(large)["cp_conferences"])
    assert after["Initial conferences held"][-1] == before["Initial conferences held"][-1] + 20
    assert after["Review conferences in timescale"][-1] == before["Review conferences in timescale"][-1] + 20
    assert (
        rows(tables(large)["cp_plans"])["Plans started"][-1]
        == rows(tables(small)["cp_plans"])["Plans started"][-1] + 40
    )


def test_the_pdf_prints_the_section_with_figures_only(families, tmp_path):
    """The committee's copy: the section, its tables and figures, and no child, family or chair."""
    cp = sections(YEARS, scope=Scope(today=TODAY))
    pdf = render_annual_report_pdf(
        year=ReportingYear(2024),
        sections=cp,
        narrative=None,
        authority_name="Testshire Council",
        generated_at=dt.datetime(2025, 6, 30, 9, 0, tzinfo=dt.UTC),
        version_label="Version 1",
    )
    text = squash(poppler("pdftotext", pdf, "-layout", tmp=tmp_path))
    assert "Child protection conferences and plans" in text
    for table in cp[0].tables:
        assert table.title in text, table.key
    assert "Within 15 working days of the strategy discussion" in text
    assert "66.7%" in text and "Plans ended within 6 months" in text
    assert "18 months or more" in text
    for name in NAMES:
        assert not re.search(rf"\b{name}\b", text), name


def test_the_csv_zip_has_a_table_per_figure_with_headers_and_no_names(families):
    archive = zipfile.ZipFile(io.BytesIO(tables_csv(sections(YEARS, scope=Scope(today=TODAY)))))
    assert [f"{key}.csv" for key in KEYS] == archive.namelist()[1:]
    conferences = archive.read("cp_conferences.csv").decode("utf-8-sig").splitlines()
    assert conferences[0] == "Measure,2021-22,2023-24,2024-25"
    assert "Initial conferences held,1,1,3" in conferences
    everything = " ".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    for name in NAMES:
        assert not re.search(rf"\b{name}\b", everything), name


def test_the_service_dashboard_shows_the_section_to_managers_only(families, client_for, manager, committee):
    assert client_for(committee).get(reverse("reporting:dashboard")).status_code == 403
    response = client_for(manager).get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    text = response.text
    assert 'id="section-child_protection"' in text
    assert "Child protection conferences and plans" in text
    assert '<th scope="col" class="govuk-table__header">Measure</th>' in text
    assert "Length of the plans that ended" in text
    for name in NAMES:
        assert not re.search(rf"\b{name}\b", text.split('id="section-child_protection"')[1].split("</section>")[0])


def test_a_plan_ended_on_the_year_end_day_is_ended_in_the_year_and_not_on_a_plan_at_its_end(families, dev):
    sage_plan = families["sage"].protection_plans.get(sequence=2)
    make_rcpc([sage_plan], held_on=d("2025-03-31"), chair=dev, ends={sage_plan: PlanEndReason.MOVED_AWAY})
    by_key = tables(section(Scope(today=TODAY)))
    assert rows(by_key["cp_plans"])["Plans ended"][-1] == 3
    assert rows(by_key["cp_plans"])["Children on a plan at the year end"][-1] == 2  # Quentin, Tom
    assert rows(by_key["cp_length"])["Under 3 months"][-1] == 1  # 10 Jan to 31 Mar 2025: 2 months
    # due 10 Apr 2025 (3 months after the ICPC): in time
    assert rows(by_key["cp_conferences"])["Review conferences in timescale"][-1] == 4
