"""The child protection part of the CIN census return (interchange/cin_census.py,
docs/rules.md#child-protection): which children a census year holds, the fields written with
the DfE's element names, the year's boundaries, who may download it, the audit, escaping, the
published validator (csc-validator-be-cin, in .venv-cin) and a fixed number of queries.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import xml.etree.ElementTree as ET  # noqa: N817
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from children.models import Child
from conferences.codes import AbuseCategory, ConferenceStatus, Outcome, PlanEndReason
from conferences.models import Conference, ProtectionPlan
from interchange import cin_census
from iro_service.models import AuditAction, AuditEvent
from iro_service.periods import ReportingYear
from tests.conferences.factories import make_cp_chair, make_cp_children, make_icpc, make_rcpc

pytestmark = pytest.mark.django_db

YEAR = ReportingYear(2024)  # 1 April 2024 to 31 March 2025
D = dt.date
ROOT = Path(__file__).resolve().parents[2]
VALIDATOR_PYTHON = ROOT / ".venv-cin" / "bin" / "python"
#: A UPN with a correct check letter, allocated by LA 201 (validator rule 1530 knows the LA codes).
UPN = "Y201200015001"
PAGE = reverse("interchange:cin_census")
DOWNLOAD = reverse("interchange:cin_census_download")


def _one(reference: str, **fields) -> Child:
    return make_cp_children(1, family=fields.pop("family", "Test"), local_reference=reference, **fields)[0]


@pytest.fixture
def census():
    """Children at every edge of the 2024-25 census year, by LAchildID."""
    a, b = make_cp_children(2, family="Ash")
    Child.objects.filter(pk=a.pk).update(local_reference="A1", upn=UPN)
    Child.objects.filter(pk=b.pk).update(local_reference="A2", sex="F", ethnicity="BAFR")
    a.refresh_from_db()
    b.refresh_from_db()
    ash = make_icpc(
        [a, b],
        strategy_on=D(2024, 4, 26),
        s47_on=D(2024, 4, 29),
        held_on=D(2024, 5, 17),
        categories={b: [AbuseCategory.PHYSICAL, AbuseCategory.EMOTIONAL]},
    )
    plan_a, plan_b = ProtectionPlan.objects.filter(initial_conference=ash).order_by("child__local_reference")
    make_rcpc([plan_a, plan_b], held_on=D(2024, 8, 16))
    make_rcpc([plan_a, plan_b], held_on=D(2025, 2, 14), ends={plan_a: PlanEndReason.STEP_DOWN})

    no_plan = _one("B1", family="Birch")  # held in the year, no plan
    make_icpc([no_plan], strategy_on=D(2024, 6, 3), held_on=D(2024, 6, 20), outcomes={no_plan: Outcome.NO_PLAN})

    waiting = _one("C1", family="Cedar")  # enquiry in the year; conference after the year end
    make_icpc([waiting], strategy_on=D(2025, 3, 20), held_on=D(2025, 4, 9))

    cancelled = _one("D1", family="Dale")
    conference = make_icpc([cancelled], strategy_on=D(2024, 9, 2))
    Conference.objects.filter(pk=conference.pk).update(
        status=ConferenceStatus.CANCELLED, cancelled_on=D(2024, 9, 10), cancel_reason="Concerns not substantiated"
    )

    ended_first_day = _one("E1", family="Elm")  # a plan from the year before, ended 1 April 2024
    make_icpc([ended_first_day], strategy_on=D(2023, 9, 1), held_on=D(2023, 9, 20))
    plan_e = ProtectionPlan.objects.get(child=ended_first_day)
    make_rcpc([plan_e], held_on=D(2023, 12, 20))
    make_rcpc([plan_e], held_on=D(2024, 4, 1), ends={plan_e: PlanEndReason.STEP_DOWN})

    ended_before = _one("F1", family="Fir")  # ended 31 March 2024: the year before
    make_icpc([ended_before], strategy_on=D(2023, 10, 2), held_on=D(2023, 10, 20))
    plan_f = ProtectionPlan.objects.get(child=ended_before)
    make_rcpc([plan_f], held_on=D(2024, 3, 31), ends={plan_f: PlanEndReason.STEP_DOWN})

    after = _one("G1", family="Gorse")  # enquiry from 1 April 2025: the next year
    make_icpc([after], strategy_on=D(2025, 4, 1))

    second = _one("H1", family="Holly")  # a second plan, open past the year end
    make_icpc([second], strategy_on=D(2021, 1, 4), held_on=D(2021, 1, 20))
    first_plan = ProtectionPlan.objects.get(child=second)
    make_rcpc([first_plan], held_on=D(2021, 7, 20), ends={first_plan: PlanEndReason.STEP_DOWN})
    make_icpc([second], strategy_on=D(2025, 3, 3), held_on=D(2025, 3, 31), categories={second: ["SAB"]})
    return {c.local_reference: c for c in Child.objects.all()}


def _children(year=YEAR) -> dict[str, cin_census.CensusChild]:
    return {c.la_child_id: c for c in cin_census.census_children(year)}


def _xml(year=YEAR) -> ET.Element:
    chunks = cin_census.xml_chunks(
        year, cin_census.census_children(year), lea="201", now=dt.datetime(2025, 5, 1, 9, 30, tzinfo=dt.UTC)
    )
    return ET.fromstring(b"".join(chunks))  # noqa: S314 - our own output


def _text(element: ET.Element, path: str) -> str | None:
    found = element.find(path)
    return None if found is None else found.text


def _child(root: ET.Element, reference: str) -> ET.Element:
    return next(c for c in root.iterfind("Children/Child") if _text(c, "ChildIdentifiers/LAchildID") == reference)


# --- which children, and their fields -------------------------------------------------------


def test_the_year_holds_each_child_with_an_enquiry_a_conference_or_a_plan_in_it_and_no_other(census):
    assert list(_children()) == ["A1", "A2", "B1", "C1", "D1", "E1", "H1"]


def test_a_plan_ended_on_the_first_day_of_the_year_is_in_it_and_one_ended_the_day_before_is_not(census):
    children = _children()
    assert [(p.started_on, p.ended_on) for p in children["E1"].plans] == [(D(2023, 9, 20), D(2024, 4, 1))]
    assert children["E1"].plans[0].reviews == [D(2024, 4, 1)]  # the December review was the year before
    assert children["E1"].section_47s == []  # its enquiry was the year before
    assert "F1" not in children
    assert "F1" in _children(ReportingYear(2023))


def test_an_enquiry_started_on_the_31_march_is_in_the_year_with_its_conference_held_after_left_blank(census):
    c1 = _children()["C1"]
    assert [(s.started_on, s.icpc_on, s.not_required) for s in c1.section_47s] == [(D(2025, 3, 20), None, False)]
    assert c1.date_of_initial_cpc is None
    assert "G1" not in _children()
    next_year = _children(ReportingYear(2025))["C1"]  # held in 2025-26 for an enquiry of 2024-25
    assert next_year.section_47s == []
    assert next_year.date_of_initial_cpc == D(2025, 4, 9)
    assert [s.started_on for s in _children(ReportingYear(2025))["G1"].section_47s] == [D(2025, 4, 1)]


def test_the_xml_carries_the_fields_of_each_child_with_the_census_element_names(census):
    root = _xml()
    assert root.tag == "Message"
    assert _text(root, "Header/CollectionDetails/Collection") == "CIN"
    assert _text(root, "Header/CollectionDetails/Year") == "2025"
    assert _text(root, "Header/CollectionDetails/ReferenceDate") == "2025-03-31"
    assert _text(root, "Header/Source/SourceLevel") == "L"
    assert _text(root, "Header/Source/LEA") == "201"
    assert _text(root, "Header/Source/DateTime") == "2025-05-01T09:30:00"
    children = {_text(c, "ChildIdentifiers/LAchildID"): c for c in root.findall("Children/Child")}

    a1, a2 = children["A1"], children["A2"]
    assert _text(a1, "ChildIdentifiers/UPN") == UPN
    assert _text(a1, "ChildIdentifiers/PersonBirthDate") == "2015-03-10"
    assert _text(a1, "ChildIdentifiers/Sex") == "M"  # 2024-25 onwards
    assert a1.find("ChildIdentifiers/GenderCurrent") is None
    assert _text(a2, "ChildIdentifiers/Sex") == "F"
    assert _text(a2, "ChildCharacteristics/Ethnicity") == "BAFR"
    assert a1.find("CINdetails/DateOfInitialCPC") is None  # recorded in its Section47 only
    s47 = a1.find("CINdetails/Section47")
    assert [(e.tag, e.text) for e in s47] == [
        ("S47ActualStartDate", "2024-04-29"),
        ("InitialCPCtarget", "2024-05-21"),  # 15 working days; the May Day bank holiday skipped
        ("DateOfInitialCPC", "2024-05-17"),
        ("ICPCnotRequired", "0"),
    ]
    plan = a1.find("CINdetails/ChildProtectionPlans")
    assert [(e.tag, e.text) for e in plan if e.tag != "Reviews"] == [
        ("CPPstartDate", "2024-05-17"),
        ("CPPendDate", "2025-02-14"),
        ("InitialCategoryOfAbuse", "NEG"),
        ("LatestCategoryOfAbuse", "NEG"),
        ("NumberOfPreviousCPP", "0"),
    ]
    assert [e.text for e in plan.findall("Reviews/CPPreviewDate")] == ["2024-08-16", "2025-02-14"]
    plan_a2 = a2.find("CINdetails/ChildProtectionPlans")
    assert _text(plan_a2, "InitialCategoryOfAbuse") == "MUL"
    assert _text(plan_a2, "CPPendDate") is None  # open at the year end
    assert _text(children["D1"], "CINdetails/Section47/ICPCnotRequired") == "1"
    assert _text(children["B1"], "CINdetails/ChildProtectionPlans") is None
    h1 = children["H1"].find("CINdetails/ChildProtectionPlans")
    assert _text(h1, "NumberOfPreviousCPP") == "1"
    assert _text(h1, "InitialCategoryOfAbuse") == "SAB"


def test_what_the_service_does_not_hold_is_left_out_not_invented(census):
    root = _xml()
    for missing in ("CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure"):
        assert root.find(f".//{missing}") is None, missing
    for missing in ("Assessments", "Disabilities", "FormerUPN", "UPNunknown", "PersonDeathDate"):
        assert root.find(f".//{missing}") is None, missing
    assert _child(root, "A2").find("ChildIdentifiers/UPN") is None  # none held


def test_before_2024_25_the_sex_is_written_as_gender_current(census):
    root = _xml(ReportingYear(2023))
    f1 = _child(root, "F1").find("ChildIdentifiers")
    assert _text(f1, "GenderCurrent") == "1"
    assert f1.find("Sex") is None


def test_the_csv_has_a_row_per_enquiry_and_per_plan_with_the_same_fields(census, client_for, manager):
    response = client_for(manager).get(DOWNLOAD, {"year": "2024-25", "file_format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert list(rows[0]) == cin_census.CSV_COLUMNS
    a1 = [r for r in rows if r["LAchildID"] == "A1"]
    assert [r["Item"] for r in a1] == ["Section47", "ChildProtectionPlans"]
    assert a1[0]["S47ActualStartDate"] == "2024-04-29" and a1[0]["InitialCPCtarget"] == "2024-05-21"
    assert a1[1]["CPPreviewDate"] == "2024-08-16;2025-02-14"
    assert a1[1]["Sex"] == "M" and a1[1]["GenderCurrent"] == ""
    assert {r["LAchildID"] for r in rows} == {"A1", "A2", "B1", "C1", "D1", "E1", "H1"}


# --- the page: who may, the audit, escaping --------------------------------------------------


@pytest.mark.parametrize("role", ["iro", "committee", "administrator", "cp_chair"])
def test_only_managers_reach_the_census_page_or_its_download(request, client_for, census, role):
    user = make_cp_chair() if role == "cp_chair" else request.getfixturevalue(role)
    client = client_for(user)
    assert client.get(PAGE).status_code == 403
    response = client.get(DOWNLOAD, {"year": "2024-25", "file_format": "xml"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORTED).exists()


def test_signed_out_users_are_sent_to_sign_in(client):
    for url in (PAGE, DOWNLOAD):
        response = client.get(url, {"year": "2024-25", "file_format": "xml"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_the_page_says_which_parts_of_the_return_must_come_from_the_case_system(client_for, manager):
    response = client_for(manager).get(PAGE)
    assert response.status_code == 200
    text = response.content.decode()
    assert "This is not a complete return" in text
    for element in ("CINreferralDate", "ReferralSource", "PrimaryNeedCode", "Disabilities", "Assessments"):
        assert element in text


def test_a_bad_year_redraws_the_form_with_its_error(client_for, manager):
    response = client_for(manager).get(DOWNLOAD, {"year": "1999-00", "file_format": "xml"})
    assert response.status_code == 400
    assert "Choose a year from the list" in response.content.decode()


def test_the_download_is_audited_for_each_child_with_the_count(census, client_for, manager):
    response = client_for(manager).get(DOWNLOAD, {"year": "2024-25", "file_format": "xml"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cin-census-2024-25.xml"'
    b"".join(response.streaming_content)
    events = AuditEvent.objects.filter(action=AuditAction.EXPORTED)
    per_child = set(events.filter(child_id__isnull=False).values_list("child_id", flat=True))
    assert per_child == {census[r].pk for r in ("A1", "A2", "B1", "C1", "D1", "E1", "H1")}
    assert all(e.actor == manager for e in events)
    download = events.get(child_id__isnull=True)
    assert download.changes == {"year": "2024-25", "format": "xml", "rows": 7}
    assert "7 children" in download.summary


def test_markup_in_a_reference_or_a_name_is_escaped_and_names_never_leave(client_for, manager):
    child = _one('X<script>"&1', family="<script>alert(1)</script>")  # a reference fits 20 characters
    make_icpc([child], strategy_on=D(2024, 6, 3), held_on=D(2024, 6, 20))
    response = client_for(manager).get(DOWNLOAD, {"year": "2024-25", "file_format": "xml"})
    body = b"".join(response.streaming_content)
    assert b"<script>" not in body
    assert b"X&lt;script&gt;" in body
    root = ET.fromstring(body)  # noqa: S314 - well-formed
    assert _text(root, "Children/Child/ChildIdentifiers/LAchildID") == 'X<script>"&1'
    assert b"alert(1)" not in body  # the family name is not part of the return


def test_characters_xml_cannot_hold_are_dropped_and_the_file_stays_well_formed():
    child = cin_census.CensusChild(1, "AB\x00\x1fC", "", D(2015, 1, 1), "U", "NOBT")
    body = b"".join(cin_census.xml_chunks(YEAR, [child], lea="", now=timezone.now()))
    root = ET.fromstring(body)  # noqa: S314
    assert _text(root, "Children/Child/ChildIdentifiers/LAchildID") == "ABC"
    assert root.find("Header/Source/LEA") is None  # not set: left out


# --- a fixed number of queries ---------------------------------------------------------------


def _families(n: int, start: int) -> None:
    for i in range(n):
        children = make_cp_children(2, family=f"Q{start + i}")
        icpc = make_icpc(children, strategy_on=D(2024, 5, 1), held_on=D(2024, 5, 20))
        make_rcpc(ProtectionPlan.objects.filter(initial_conference=icpc), held_on=D(2024, 8, 20))


@pytest.mark.parametrize("file_format", ["xml", "csv"])
def test_the_download_reads_a_fixed_number_of_queries_whatever_the_number_of_children(client_for, manager, file_format):
    client = client_for(manager)
    counts = []
    for n, start in ((2, 0), (8, 100)):
        _families(n, start)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(DOWNLOAD, {"year": "2024-25", "file_format": file_format})
            body = b"".join(response.streaming_content)
        assert body.count(b"2024-08-20") == (2 * n if start == 0 else 20)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 13  # sign-in and permissions, the ids and the audit, the children and three per chunk


def test_a_return_larger_than_a_chunk_is_read_a_chunk_at_a_time(census):
    children = list(cin_census.census_children(YEAR, chunk=2))
    assert [c.la_child_id for c in children] == ["A1", "A2", "B1", "C1", "D1", "E1", "H1"]
    assert [len(c.plans) for c in children] == [1, 1, 0, 0, 0, 1, 1]


# --- the DfE validator -------------------------------------------------------------------------

#: The rules the return breaks only because it leaves out what the service does not hold: the
#: case management system's part (interchange/cin_census.py NOT_HELD). Any other rule broken
#: is a fault of this export.
CASE_SYSTEM_RULES = {
    "8600": "CINreferralDate missing",
    "8568": "ReferralNFA missing",
    "2991Q": "a Section47 with no Assessments on the episode",
    "2887Q": "fewer than 8 disability codes in the return",
}


def _validate(path: Path, ruleset: str) -> dict:
    if not VALIDATOR_PYTHON.exists():
        pytest.fail("The CIN census validator is not installed: run tools/ensure-cin-validator (make test does).")
    run = subprocess.run(  # noqa: S603 - our own script, with paths we built
        [str(VALIDATOR_PYTHON), str(ROOT / "tools" / "validate_cin.py"), str(path), ruleset],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("start_year", [2023, 2024, 2025])
def test_the_return_passes_the_dfe_validator_but_for_what_the_case_system_must_add(census, tmp_path, start_year):
    year = ReportingYear(start_year)
    path = tmp_path / "cin.xml"
    path.write_bytes(
        b"".join(cin_census.xml_chunks(year, cin_census.census_children(year), lea="201", now=timezone.now()))
    )

    result = _validate(path, cin_census.ruleset(year))

    assert result["tables"]["ChildIdentifiers"] == len(_children(year))
    assert result["tables"]["ChildProtectionPlans"] >= 1
    assert result["rules_run"] > 100
    assert result["rules_crashed"] == []
    ours = [e for e in result["errors"] + result["return_errors"] if e["rule"] not in CASE_SYSTEM_RULES]
    # A true question, for the authority to answer: G1's enquiry of 1 April 2025 had no
    # conference by the end of 2025-26 (its conference is still only requested).
    questions = [e for e in ours if e["rule"] == "8675Q"]
    assert {e["child"] for e in questions} <= {"G1"}
    ours = [e for e in ours if e not in questions]
    assert ours == [], ours
    assert {e["rule"] for e in result["errors"]} >= {"8600"}  # the referral date: the case system's
