"""The section "Reviews": were the reviews held within timescale, month by month and quarter by
quarter; how late were the late ones and why; which booked reviews were cancelled and why; and
(``due.py``) were the reviews that fell due held on time."""

from __future__ import annotations

from .. import Section, Table
from ..shared import fmt, join_notes, percentage, to_date_note
from .data import FREE_TEXT_NOTE, NO_REASON, ReviewData, days, ordered, pct_text, reasons_text, timed
from .due import due_tables

QUARTERS = ("Quarter 1 (April to June)", "Quarter 2 (July to September)", "Quarter 3 (October to December)")
QUARTERS += ("Quarter 4 (January to March)",)


def reviews_section(data: ReviewData) -> Section:
    this_year = data.yearly[-1]
    due, due_headline = due_tables(data)
    return Section(
        key="reviews",
        title="Reviews",
        tables=[_trend_table(data), *_month_tables(data), *_late_tables(data), _cancellations_table(data), *due],
        headline=[
            ("Reviews held", fmt(this_year["held"])),
            ("Held within timescale", pct_text(percentage(this_year["in_time"], timed(this_year)))),
            ("Held out of timescale", fmt(this_year["late"])),
            ("Booked reviews cancelled", fmt(this_year["cancelled"])),
            *due_headline,
        ],
    )


def _trend_table(data: ReviewData) -> Table:
    """Reviews held and held within timescale, across the years."""
    year = data.current.year
    kept = data.kept(lambda i: data.yearly[i]["held"] or data.yearly[i]["cancelled"])
    show_no_due = any(data.yearly[i]["no_due"] for i in kept)

    def trend_row(label: str, name: str) -> list:
        return [label, *(data.yearly[i][name] for i in kept)]

    trend_rows = [
        trend_row("Reviews held", "held"),
        trend_row("Held within timescale", "in_time"),
        ["% held within timescale", *(percentage(data.yearly[i]["in_time"], timed(data.yearly[i])) for i in kept)],
        trend_row("Held out of timescale", "late"),
    ]
    if show_no_due:
        trend_rows.append(trend_row("Held with no due date recorded", "no_due"))
    trend_rows.append(trend_row("Booked reviews cancelled", "cancelled"))
    trend_links: dict[str, str] = {}
    data.links.add(trend_links, "Reviews held", "reviews", year)
    data.links.add(trend_links, "Held within timescale", "reviews", year, in_time=1)
    data.links.add(trend_links, "Held out of timescale", "late_reviews", year)
    return Table(
        key="reviews_trend",
        title="Reviews held and held within timescale",
        columns=data.columns("Measure", kept),
        rows=trend_rows,
        note=join_notes(
            "A review is held within timescale when it is held on or before the date it was due "
            "(20 working days after the child became looked after for a first review, 3 months after the "
            "first for a second, 6 months after the previous review for later ones).",
            "Reviews held with no due date recorded are counted as neither in nor out of timescale."
            if show_no_due
            else "",
            to_date_note(data.periods),
        ),
        chart="line",
        links=trend_links,
    )


def _month_tables(data: ReviewData) -> list[Table]:
    """Reviews held and held within timescale in each month and quarter of the report's year."""
    year, this_year = data.current.year, data.yearly[-1]
    month_rows, month_links = [], {}
    quarter_counts: list[list[int] | None] = [None] * len(QUARTERS)
    for position, (month, label, counts) in enumerate(data.months()):
        data.links.add(month_links, label, "reviews", year, month=month)
        if counts is None:  # a month still to come
            month_rows.append([label, None, None, None])
            continue
        held, in_time = counts.get("held", 0), counts.get("in_time", 0)
        in_timescale = held - counts.get("no_due", 0)
        month_rows.append([label, held, in_time, percentage(in_time, in_timescale)])
        quarter = quarter_counts[position // 3] or [0, 0, 0]
        quarter_counts[position // 3] = [quarter[0] + held, quarter[1] + in_time, quarter[2] + in_timescale]
    month_rows.append(
        [data.total_label, this_year["held"], this_year["in_time"], percentage(this_year["in_time"], timed(this_year))]
    )
    data.links.add(month_links, data.total_label, "reviews", year)
    by_month = Table(
        key="reviews_by_month",
        title=f"Reviews held by month, {year.label}",
        columns=["Month", "Reviews held", "Held within timescale", "% held within timescale"],
        rows=month_rows,
        note=join_notes(
            to_date_note(data.periods), "Months still to come are left blank." if data.current.to_date else ""
        ),
        chart="bar",
        links=month_links,
    )
    quarter_rows = [
        [name, *(counts[:2] if counts else [None, None]), percentage(counts[1], counts[2]) if counts else None]
        for name, counts in zip(QUARTERS, quarter_counts, strict=True)
    ]
    quarter_rows.append(month_rows[-1])
    by_quarter = Table(
        key="reviews_by_quarter",
        title=f"Reviews held by quarter, {year.label}",
        columns=["Quarter", "Reviews held", "Held within timescale", "% held within timescale"],
        rows=quarter_rows,
        note=to_date_note(data.periods),
        chart="bar",
    )
    return [by_month, by_quarter]


def _late_row(label: str, late: int, total_days: int, most: int | None, reasons: dict[str, int]) -> list:
    return [label, late, total_days, round(total_days / late, 1) if late else None, most, reasons_text(reasons)]


def _year_late_reasons(data: ReviewData) -> dict[str, int]:
    """The postponement reasons of the year's late reviews, each with its number of reviews."""
    year_reasons: dict[str, int] = {}
    for month_reasons in data.late_reasons.values():
        for reason, n in month_reasons.items():
            year_reasons[reason] = year_reasons.get(reason, 0) + n
    if data.yearly[-1]["late_no_reason"]:
        year_reasons[NO_REASON] = data.yearly[-1]["late_no_reason"]
    return year_reasons


def _late_tables(data: ReviewData) -> list[Table]:
    """How late the reviews held out of timescale were, month by month, and the reasons."""
    year = data.current.year
    late_rows, late_links = [], {}
    for month, label, counts in data.months():
        if counts is None:  # a month still to come
            late_rows.append([label, None, None, None, None, ""])
            continue
        late = counts.get("late", 0)
        reasons = dict(data.late_reasons.get(month, {}))
        if counts.get("late_no_reason"):
            reasons[NO_REASON] = counts["late_no_reason"]
        most = days(counts.get("most_days_late")) if late else None
        late_rows.append(_late_row(label, late, days(counts.get("days_late")), most, reasons))
        if late:
            data.links.add(late_links, label, "late_reviews", year, month=month)
    year_reasons = _year_late_reasons(data)
    total_days = sum(row[2] or 0 for row in late_rows)
    most = max((row[4] for row in late_rows if row[4] is not None), default=None)
    late_rows.append(_late_row(data.total_label, data.yearly[-1]["late"], total_days, most, year_reasons))
    data.links.add(late_links, data.total_label, "late_reviews", year)
    late = Table(
        key="late_reviews",
        title=f"Reviews held out of timescale, {year.label}",
        columns=[
            "Month",
            "Reviews out of timescale",
            "Total days late",
            "Average days late",
            "Most days late",
            "Reasons",
        ],
        rows=late_rows,
        note="Days late are calendar days after the date the review was due. Reasons are those recorded "
        f"when the review was postponed; a review never postponed is shown as '{NO_REASON}'. " + FREE_TEXT_NOTE,
        links=late_links,
    )
    reasons = Table(
        key="late_review_reasons",
        title=f"Reasons for reviews held out of timescale, {year.label}",
        columns=["Reason", "Reviews out of timescale"],
        rows=[[reason, n] for reason, n in ordered(year_reasons)],
        note="A review postponed for more than one reason is counted under each. " + FREE_TEXT_NOTE,
        chart="bar",
    )
    return [late, reasons]


def _cancellations_table(data: ReviewData) -> Table:
    """The booked reviews cancelled in the report's year, by the reason recorded."""
    this_year = data.yearly[-1]
    cancel_reasons = dict(data.cancel_reasons)
    if this_year["cancelled_no_reason"]:
        cancel_reasons[NO_REASON] = this_year["cancelled_no_reason"]
    return Table(
        key="review_cancellations",
        title=f"Booked reviews cancelled, {data.current.year.label}",
        columns=["Reason", "Reviews cancelled"],
        rows=[*([reason, n] for reason, n in ordered(cancel_reasons)), ["Total", this_year["cancelled"]]],
        # The IRO's consent and a reason are kept on the record: docs/sources.md#southwark-2008.
        note="Cancelling a review needs the IRO's consent and a recorded reason. Counted by the "
        "date it was cancelled. " + FREE_TEXT_NOTE,
    )
