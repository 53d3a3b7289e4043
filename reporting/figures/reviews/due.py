"""Were the reviews that fell due in the year held on time? Counted by due date, held or not
(``reviews.ReviewDue``): the trend, by month due, and the days late and overdue. How each
figure is counted is in the package docstring ("Reviews due")."""

from __future__ import annotations

from reviews.querysets import DueFigures, DueWindow

from .. import Table
from ..shared import fmt, join_notes
from .data import ReviewData, pct_text


def _judged(window: DueWindow) -> str:
    return f"{window.judged_on:%-d %B %Y}"


def _not_held_label(data: ReviewData) -> str:
    return f"Not held by {_judged(data.due_windows[-1])}"


def due_tables(data: ReviewData) -> tuple[list[Table], list[tuple[str, str]]]:
    """The tables of the reviews due in the year, and their lines of the section's headline."""
    this_year = data.due_yearly[-1]
    not_held_label = _not_held_label(data)
    headline = [
        ("Reviews due in the year held on time", pct_text(this_year.pct_on_time)),
        (f"Reviews due in the year {not_held_label[0].lower()}{not_held_label[1:]}", fmt(this_year.not_held)),
        ("Children whose reviews due were all held on time", pct_text(this_year.pct_children_all_on_time)),
    ]
    return [_trend_table(data), _by_month_table(data), _days_table(data)], headline


def _trend_table(data: ReviewData) -> Table:
    year, window, this_year = data.current.year, data.due_windows[-1], data.due_yearly[-1]
    kept = data.kept(lambda i: data.due_yearly[i].due or data.due_yearly[i].not_known)
    show_not_known = any(data.due_yearly[i].not_known for i in kept)

    def row(label: str, value) -> list:
        return [label, *(value(data.due_yearly[i]) for i in kept)]

    rows = [
        row("Reviews due", lambda f: f.due),
        row("Held on time", lambda f: f.on_time),
        row("% held on time", lambda f: f.pct_on_time),
        row("Held late", lambda f: f.late),
        row("Not held by the end of the year", lambda f: f.not_held),
        row("Children with a review due", lambda f: f.children),
        row("Children whose reviews due were all held on time", lambda f: f.children_all_on_time),
        row("% of children with every review on time", lambda f: f.pct_children_all_on_time),
    ]
    if show_not_known:
        rows.append(row("Due date not known (counted apart)", lambda f: f.not_known))
    trend_links: dict[str, str] = {}
    if this_year.not_held:
        data.links.add(trend_links, "Not held by the end of the year", "not_held", year)
    return Table(
        key="reviews_due_trend",
        title="Reviews due in the year, held on time, late or not held",
        columns=data.columns("Measure", kept),
        rows=rows,
        note=join_notes(
            "Each review counts in the year its due date falls in, whether it was held or not. "
            "Not held: never held, or held after the end of the year. The children's figure is the "
            "share of children with a review due in the year whose reviews due were all held on time.",
            "A review whose due date is not known (records imported part-way through a period of care) "
            "is counted apart and in no other figure."
            if show_not_known
            else "",
            f"{data.current.label} is to {_judged(window)}: the reviews due before that day, judged on it."
            if data.current.to_date
            else "",
        ),
        chart="line",
        links=trend_links,
    )


def _by_month_table(data: ReviewData) -> Table:
    year, window, this_year = data.current.year, data.due_windows[-1], data.due_yearly[-1]
    month_rows, month_links = [], {}
    for start in year.months():
        label = f"{start:%B %Y}"
        if start > window.last:  # a month still to come
            month_rows.append([label, None, None, None, None, None])
            continue
        figures = data.due_monthly.get(start, DueFigures())
        month_rows.append([label, figures.due, figures.on_time, figures.late, figures.not_held, figures.pct_on_time])
        if figures.not_held:
            data.links.add(month_links, label, "not_held", year, month=start.month)
    total = [this_year.due, this_year.on_time, this_year.late, this_year.not_held, this_year.pct_on_time]
    month_rows.append([data.total_label, *total])
    if this_year.not_held:
        data.links.add(month_links, data.total_label, "not_held", year)
    return Table(
        key="reviews_due_by_month",
        title=f"Reviews due by month of the due date, {year.label}",
        columns=["Month due", "Reviews due", "Held on time", "Held late", _not_held_label(data), "% held on time"],
        rows=month_rows,
        note=join_notes(
            "Counted by the month the review was due, held or not (the months it was held are in the "
            "table of reviews held by month).",
            f"Due dates not known: {this_year.not_known}, counted apart." if this_year.not_known else "",
            "Months still to come are left blank." if data.current.to_date else "",
        ),
        chart="bar",
        links=month_links,
    )


def _days_table(data: ReviewData) -> Table:
    # No links: the rows are sums of days, not lists of reviews (the trend and by-month tables link them).
    year, window, this_year = data.current.year, data.due_windows[-1], data.due_yearly[-1]
    overdue_label = f"{_not_held_label(data)} (days overdue)"
    return Table(
        key="reviews_due_days",
        title=f"Reviews due in {year.label} held late or not held: days",
        columns=["Reviews due", "Reviews", "Total days", "Average days", "Most days"],
        rows=[
            [
                "Held late (days late)",
                this_year.late,
                this_year.days_late,
                this_year.average_days_late,
                this_year.most_days_late,
            ],
            [
                overdue_label,
                this_year.not_held,
                this_year.days_overdue,
                this_year.average_days_overdue,
                this_year.most_days_overdue,
            ],
        ],
        note="Days late are calendar days from the due date to the date held. Days overdue are calendar "
        f"days from the due date to {_judged(window)}, or to the day the child left care or turned 18 "
        "when that was earlier.",
    )
