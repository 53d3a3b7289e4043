"""The section "Review records": were the records of the reviews distributed within 20 working
days (docs/rules.md#after-the-review), across the years and month by month."""

from __future__ import annotations

from .. import Section, Table
from ..shared import fmt, join_notes, percentage, to_date_note
from .data import ReviewData, get, pct_text, records_base_count, zeroes


def _in_time_pct(counts: dict) -> float | None:
    return percentage(counts["records_in_time"], records_base_count(counts))


def records_section(data: ReviewData) -> Section:
    this_year = data.yearly[-1]
    return Section(
        key="records",
        title="Review records",
        tables=[_trend_table(data), _by_month_table(data)],
        headline=[
            ("Records distributed within 20 working days", pct_text(_in_time_pct(this_year))),
            ("Records overdue, not yet distributed", fmt(this_year["records_overdue"])),
        ],
    )


def _trend_table(data: ReviewData) -> Table:
    year = data.current.year
    kept = data.kept(lambda i: data.yearly[i]["held"])
    show_no_due = any(data.yearly[i]["records_no_due"] for i in kept)

    def row(label: str, name: str) -> list:
        return [label, *(data.yearly[i][name] for i in kept)]

    rows = [
        row("Reviews held", "held"),
        row("Records distributed within 20 working days", "records_in_time"),
        ["% distributed within 20 working days", *(_in_time_pct(data.yearly[i]) for i in kept)],
        row("Records distributed late", "records_late"),
        row("Not yet distributed: overdue", "records_overdue"),
        row("Not yet distributed: not yet due", "records_not_due"),
    ]
    if show_no_due:
        rows.append(row("No due date recorded", "records_no_due"))
    links: dict[str, str] = {}
    data.links.add(links, "Records distributed late", "records_late", year)
    data.links.add(links, "Not yet distributed: overdue", "records_late", year)
    return Table(
        key="records_trend",
        title="Review records distributed within 20 working days",
        columns=data.columns("Measure", kept),
        rows=rows,
        note=join_notes(
            "Each record counts in the year of its review. The record is due 20 working days after the "
            f"review. Records not yet distributed are as on {data.today:%-d %B %Y}. The percentage is of the "
            "records that were due by then or have been distributed.",
            to_date_note(data.periods),
        ),
        chart="line",
        links=links,
    )


def _by_month_table(data: ReviewData) -> Table:
    year = data.current.year
    month_rows, month_links = [], {}
    for month, label, counts in data.months():
        base = None if counts is None else records_base_count({**zeroes(), **counts})
        in_time = get(counts, "records_in_time")
        month_rows.append(
            [
                label,
                get(counts, "held"),
                in_time,
                percentage(in_time, base),
                get(counts, "records_late"),
                get(counts, "records_overdue"),
                get(counts, "records_not_due"),
            ]
        )
        if counts and (counts.get("records_late") or counts.get("records_overdue")):
            data.links.add(month_links, label, "records_late", year, month=month)
    this_year = data.yearly[-1]
    month_rows.append(
        [
            data.total_label,
            this_year["held"],
            this_year["records_in_time"],
            _in_time_pct(this_year),
            this_year["records_late"],
            this_year["records_overdue"],
            this_year["records_not_due"],
        ]
    )
    return Table(
        key="records_by_month",
        title=f"Review records by month of the review, {year.label}",
        columns=[
            "Month",
            "Reviews held",
            "Distributed within 20 working days",
            "% within 20 working days",
            "Distributed late",
            "Not yet distributed: overdue",
            "Not yet distributed: not yet due",
        ],
        rows=month_rows,
        note=f"Records not yet distributed are as on {data.today:%-d %B %Y}.",
        chart="bar",
        links=month_links,
    )
