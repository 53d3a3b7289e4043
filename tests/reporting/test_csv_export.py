"""reporting.csv_export: the report's tables as a zip of CSV files for a committee officer."""

from __future__ import annotations

import csv
import io
import zipfile

from reporting.csv_export import tables_csv
from reporting.figures import Section, Table
from tests.reporting.report_samples import realistic_sections, small_sections

BOM = b"\xef\xbb\xbf"


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def rows(content: bytes) -> list[list[str]]:
    assert content.startswith(BOM)  # Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(content[len(BOM) :].decode("utf-8"))))


def test_every_table_is_a_csv_named_by_its_key_listed_in_the_index():
    sections = realistic_sections()
    files = unzip(tables_csv(sections))
    keys = [table.key for section in sections for table in section.tables]
    assert list(files) == ["index.csv", *[f"{key}.csv" for key in keys]]
    index = rows(files["index.csv"])
    assert index[0] == ["file", "section", "table", "rows", "note"]
    assert [row[0] for row in index[1:]] == [f"{key}.csv" for key in keys]
    assert index[1][1:4] == ["The IRO service", "IRO staffing at 31 March", "4"]


def test_a_table_keeps_its_header_rows_and_plain_numbers():
    files = unzip(tables_csv(small_sections()))
    assert rows(files["participation.csv"]) == [
        ["Participation", "2020-21", "2021-22"],
        ["PN0 Child aged under 4", "151", "131"],
        ["PN1 Child attended and spoke for themselves", "459", "471"],
        ["PN7 No views sent", "", "15"],
        ["Total", "610", "617"],
    ]
    assert rows(files["disputes-by-stage.csv"])[1] == ["Informal", "41"]


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_defused():
    table = Table(
        key="themes",
        title="Themes",
        columns=["Theme", "Disputes", "Change"],
        rows=[
            ['=HYPERLINK("http://evil.example","x")', 1, -2],
            ["+44 helpline", 2, 0],
            ["-", 3, 1.5],
            ["@SUM(A1)", 4, None],
            ["\tTabbed", 5, 0],
            ["Safe - text", 6, 0],
        ],
    )
    written = rows(unzip(tables_csv([Section(key="s", title="=cmd|' /C calc'!A0", tables=[table])]))["themes.csv"])
    assert [row[0] for row in written[1:]] == [
        '\'=HYPERLINK("http://evil.example","x")',
        "'+44 helpline",
        "'-",
        "'@SUM(A1)",
        "'\tTabbed",
        "Safe - text",
    ]
    assert [row[2] for row in written[1:]] == ["-2", "0", "1.5", "", "0", "0"]  # numbers are not formulas
    index = rows(unzip(tables_csv([Section(key="s", title="=cmd|' /C calc'!A0", tables=[table])]))["index.csv"])
    assert index[1][1] == "'=cmd|' /C calc'!A0"


def test_repeated_or_odd_keys_still_give_one_safe_file_each():
    tables = [Table(key="../a b", title="One", columns=["", "n"], rows=[["x", 1]]) for _ in range(2)]
    assert list(unzip(tables_csv([Section(key="s", title="S", tables=tables)]))) == [
        "index.csv",
        "a-b.csv",
        "a-b-2.csv",
    ]


def test_the_same_figures_give_the_same_bytes():
    assert tables_csv(realistic_sections()) == tables_csv(realistic_sections())
