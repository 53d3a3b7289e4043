"""reporting.pdf: the annual report as a tagged PDF, read back with poppler's pdftotext and
pdfinfo (Debian poppler-utils), as a committee member's PDF reader would show it."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import subprocess
import zlib
from pathlib import Path

import pytest

from iro_service.periods import ReportingYear
from reporting.figures import Scope, Section, Table
from reporting.figures.report import annual_report_sections
from reporting.pdf import annual_report_html, render_annual_report_pdf
from tests.reporting.report_samples import YEAR, narrative, small_sections
from tests.reporting.test_versions import reviewed_children

GENERATED = dt.datetime(2022, 6, 1, 13, 5, tzinfo=dt.UTC)  # 14:05 in London (BST)
REPORT = {
    "year": YEAR,
    "authority_name": "Demoshire County Council",
    "generated_at": GENERATED,
    "version_label": "Version 3 (draft)",
}


def render(**overrides) -> bytes:
    arguments = {**REPORT, "sections": small_sections(), "narrative": narrative()} | overrides
    return render_annual_report_pdf(**arguments)


def render_version_1(year, sections, *, generated_at: dt.datetime) -> bytes:
    """Version 1 of Testshire Council's report of ``sections``, with no narrative."""
    return render_annual_report_pdf(
        year=year,
        sections=sections,
        narrative=None,
        authority_name="Testshire Council",
        generated_at=generated_at,
        version_label="Version 1",
    )


def poppler(tool: str, pdf: bytes, *options: str, tmp: Path) -> str:
    """``pdftotext`` (to standard output) or ``pdfinfo`` run on ``pdf``."""
    path = tmp / "report.pdf"
    path.write_bytes(pdf)
    output = ["-"] if tool == "pdftotext" else []
    return subprocess.run([tool, *options, str(path), *output], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The small report rendered once, with every progress report it made."""
    calls = []
    pdf = render(on_progress=lambda percent, message: calls.append((percent, message)))
    tmp = tmp_path_factory.mktemp("pdf")
    pages = poppler("pdftotext", pdf, "-layout", tmp=tmp).split("\f")[:-1]
    return {"pdf": pdf, "pages": pages, "progress": calls, "tmp": tmp}


@pytest.fixture(scope="module")
def pages(rendered) -> list[str]:
    return rendered["pages"]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_cover_names_the_authority_the_report_the_year_and_the_version(pages):
    cover = squash(pages[0])
    for words in (
        "Demoshire County Council",
        "Independent Reviewing Officer Annual Report",
        "1 April 2021 to 31 March 2022",
        "A report to the Corporate Parenting Committee",
        "Version 3 (draft)",
        "Generated 1 June 2022 at 14:05",
    ):
        assert words in cover
    assert "Version Version" not in cover  # the label names itself: no "Version" heading before it
    assert "Annual Report 2021-22" not in cover  # no running header on the cover


def test_every_page_is_numbered_page_x_of_y(pages):
    assert len(pages) == 6
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page


def test_pages_after_the_cover_carry_the_running_header_and_version(pages):
    for page in pages[1:]:
        assert "Independent Reviewing Officer Annual Report 2021-22" in page
        assert "Demoshire County Council" in page
        assert "Version 3 (draft)" in page


def test_the_contents_give_the_page_each_numbered_section_and_table_starts_on(pages):
    entries = re.findall(r"^\s*(\d+(?:\.\d+)?)\.?\s+(\S.*?)\s*\.{3,}\s*(\d+)\s*$", pages[1], re.MULTILINE)
    assert [(number, title) for number, title, _page in entries] == [
        ("1", "Introduction"),
        ("2", "The independence of the IRO service"),
        ("3", "Reviews of children's care plans"),
        ("3.1", "Reviews held each year"),
        ("3.2", "Participation of children in their reviews"),
        ("4", "Disputes and escalation"),
        ("4.1", "Disputes by stage reached"),
        ("5", "Children's feedback"),
        ("6", "Review of the objectives for 2021-22"),
        ("7", "Objectives for 2022-23"),
    ]
    for number, title, page in entries:
        heading = rf"^\s*{re.escape(number)}\.?\s+{re.escape(title)}\s*$"
        assert re.search(heading, pages[int(page) - 1], re.MULTILINE), (number, title, page)


def test_each_table_prints_its_number_title_and_figures(pages):
    text = squash(" ".join(pages[2:]))
    assert "Table 3.1: Reviews held each year" in text
    assert "Figure 3.1: Reviews held each year. The figures are in table 3.1." in text
    assert "2019-20 820 2020-21 864 2021-22 933" in text
    assert "Table 3.2: Participation of children in their reviews" in text
    assert "PN1 Child attended and spoke for themselves 459 471" in text
    assert "PN7 No views sent – 15" in text  # no figure: an en dash
    assert "Total 610 617" in text
    assert "Table 4.1: Disputes by stage reached" in text
    assert "Informal 41 Team manager 9 Head of service 2" in text
    assert "A dispute is counted once, at the highest stage it reached." in text
    assert "933 100% reviews held held within timescale" in text  # key figures, side by side


def test_the_managers_words_are_printed_as_written(pages):
    text = squash(" ".join(pages))
    assert "It is <independent> & proud of it." in text
    assert "Children told us they want shorter review records." in text
    assert "1. Improve participation of children aged 16 and 17." in text


def test_the_pdf_is_tagged_pdf_ua_with_title_author_and_language(rendered):
    info = poppler("pdfinfo", rendered["pdf"], tmp=rendered["tmp"])
    assert re.search(
        r"^Title:\s+Independent Reviewing Officer Annual Report 2021-22: Demoshire County Council$", info, re.M
    )
    assert re.search(r"^Author:\s+Demoshire County Council$", info, re.M)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert 'pdfuaid:part="1"' in poppler("pdfinfo", rendered["pdf"], "-meta", tmp=rendered["tmp"])
    structure = poppler("pdfinfo", rendered["pdf"], "-struct", tmp=rendered["tmp"])
    for tag in ("H1", "H2", "H3", "Figure", "Caption", "Table", "TH", "TD", "Link"):
        assert re.search(rf"^\s*{tag}\b", structure, re.M), tag
    assert b"/Lang (en-GB)" in uncompressed(rendered["pdf"])


def uncompressed(pdf: bytes) -> bytes:
    """The PDF with its deflated streams inflated (the catalog sits in an object stream)."""
    inflated = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        with contextlib.suppress(zlib.error):
            inflated.append(zlib.decompress(stream))
    return b"".join(inflated)


def test_progress_is_reported_from_0_to_100_percent(rendered):
    percents = [percent for percent, _message in rendered["progress"]]
    assert percents[0] == 0 and percents[-1] == 100
    assert percents == sorted(percents)
    assert rendered["progress"][-1] == (100, "Done")
    assert any(message == "Drawn chart 1 of 1" for _percent, message in rendered["progress"])


def test_the_same_figures_and_words_give_the_same_bytes(rendered):
    assert render() == rendered["pdf"]


def test_the_html_escapes_the_narrative_keeps_its_paragraphs_and_inlines_the_chart():
    html = annual_report_html(**REPORT, sections=small_sections(), narrative=narrative())
    assert '<html lang="en-GB">' in html
    assert "<p>The IRO service reviewed every child&#x27;s plan this year.</p>" in html
    assert "<p>It is &lt;independent&gt; &amp; proud of it.</p>" in html
    assert "<figure" in html and '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert '<th scope="row" class="data__label">PN7 No views sent</th>' in html
    assert "http" not in html.replace("http://www.w3.org/2000/svg", "")  # nothing to fetch


def test_sections_not_yet_written_say_so(tmp_path):
    pdf = render(narrative=None, sections=small_sections()[1:])
    text = squash(poppler("pdftotext", pdf, "-layout", tmp=tmp_path))
    assert text.count("This section has not been written yet.") == 5
    assert "Disputes by stage reached" in text


@pytest.mark.django_db
def test_the_real_report_renders_from_a_small_database(iro, tmp_path):
    reviewed_children(iro)
    year = ReportingYear(2025)
    sections = annual_report_sections(year, scope=Scope())
    pdf = render_version_1(year, sections, generated_at=dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC))
    pages = poppler("pdftotext", pdf, "-layout", tmp=tmp_path).split("\f")[:-1]
    text = squash(" ".join(pages))
    assert "1 April 2025 to 31 March 2026" in text
    assert f"Page {len(pages)} of {len(pages)}" in text
    for section in sections:
        assert section.title in text
        for table in section.tables:
            assert squash(table.title) in text, table.key


def test_a_table_with_no_rows_says_so_under_its_headings():
    empty = Section(key="disputes", title="Disputes", tables=[Table("open", "Open disputes", ["Stage", "2021-22"], [])])
    html = annual_report_html(**REPORT, sections=[empty], narrative=None)
    assert '<th scope="col" class="data__label">Stage</th>' in html
    assert '<td colspan="2">No records for this period.</td>' in html
