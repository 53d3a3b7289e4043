"""The section "The IRO's footprint": what the IROs recorded between reviews (visits, midway
reviews, case notes) so that their impact can be shown (IRO Handbook, chapter 3)."""

from __future__ import annotations

from .. import Section, Table
from ..shared import fmt, join_notes, to_date_note
from .data import ReviewData


def footprint_section(data: ReviewData) -> Section:
    kept = data.kept(lambda i: any(data.footprint[i].values()))

    def row(label: str, name: str) -> list:
        return [label, *(data.footprint[i][name] for i in kept)]

    table = Table(
        key="footprint",
        title="The IRO's footprint between reviews",
        columns=data.columns("Recorded by the IROs", kept),
        rows=[
            row("Visits to children", "visits"),
            row("Visits where the child was seen alone", "seen_alone"),
            row("Children visited", "children_visited"),
            row("Midway reviews", "midway"),
            row("Case notes", "case_notes"),
            ["Reviews held", *(data.yearly[i]["held"] for i in kept)],
        ],
        note=join_notes(
            "What the IROs recorded between reviews so that their impact can be shown (IRO Handbook, chapter 3).",
            to_date_note(data.periods),
        ),
        chart="bar",
    )
    this_year = data.footprint[-1]
    return Section(
        key="footprint",
        title="The IRO's footprint",
        tables=[table],
        headline=[
            ("Visits to children", fmt(this_year["visits"])),
            ("Midway reviews", fmt(this_year["midway"])),
            ("Case notes", fmt(this_year["case_notes"])),
        ],
    )
