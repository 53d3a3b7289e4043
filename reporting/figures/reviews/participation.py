"""The section "Participation": how children, and their parents, took part in the reviews held
(SSDA903 REVIEW_CODE PN0 to PN7; docs/rules.md#participation)."""

from __future__ import annotations

from reviews.codes import ParentParticipation, Participation

from .. import Section, Table
from ..shared import join_notes, percentage, to_date_note
from .data import ReviewData, pct_text

#: Codes for which the child's views reached the review (PN4 attends without conveying views; PN7 none).
VIEWS_CONVEYED = (Participation.PN1, Participation.PN2, Participation.PN3, Participation.PN5, Participation.PN6)
ATTENDED = (Participation.PN1, Participation.PN2, Participation.PN3, Participation.PN4)


def _kept(data: ReviewData) -> list[int]:
    return data.kept(lambda i: data.yearly[i]["held"])


def _counts_for(data: ReviewData, values: dict[str, list[int]], code: str) -> list[int]:
    per_year = values.get(code, [0] * len(data.periods))
    return [per_year[i] for i in _kept(data)]


def _and_total(data: ReviewData, rows: list[list], unrecorded: list) -> list[list]:
    """``rows``, then the row of reviews with nothing recorded, then the reviews held."""
    return [*rows, unrecorded, ["Total", *(data.yearly[i]["held"] for i in _kept(data))]]


def participation_section(data: ReviewData) -> Section:
    this_year = {code: per_year[-1] for code, per_year in data.participation.items()}
    aged_four_plus = data.yearly[-1]["held"] - this_year.get(Participation.PN0.value, 0)
    conveyed = sum(this_year.get(code.value, 0) for code in VIEWS_CONVEYED)
    attended = sum(this_year.get(code.value, 0) for code in ATTENDED)
    return Section(
        key="participation",
        title="Participation",
        tables=[_children_table(data), _parents_table(data)],
        headline=[
            ("Children aged 4 or over who attended their review", pct_text(percentage(attended, aged_four_plus))),
            ("Children aged 4 or over whose views were conveyed", pct_text(percentage(conveyed, aged_four_plus))),
        ],
    )


def _children_table(data: ReviewData) -> Table:
    year, kept = data.current.year, _kept(data)
    rows, links = [], {}
    for code in Participation:
        label = f"{code.value}: {code.label}"
        rows.append([label, *_counts_for(data, data.participation, code.value)])
        data.links.add(links, label, "participation", year, code=code.value)
    return Table(
        key="participation",
        title="How children took part in their reviews",
        columns=data.columns("How the child took part", kept),
        rows=_and_total(data, rows, ["No participation recorded", *_counts_for(data, data.participation, "")]),
        note=join_notes(
            "SSDA903 REVIEW_CODE of each review held. PN0 is recorded for every child under 4 on the date "
            "of the review.",
            to_date_note(data.periods),
        ),
        chart="bar",
        links=links,
    )


def _parents_table(data: ReviewData) -> Table:
    kept = _kept(data)
    rows = [[choice.label, *_counts_for(data, data.parents, choice.value)] for choice in ParentParticipation]
    return Table(
        key="parents_participation",
        title="How parents took part in the reviews",
        columns=data.columns("Parents' participation", kept),
        rows=_and_total(data, rows, ["Not recorded", *_counts_for(data, data.parents, "")]),
        note=to_date_note(data.periods),
        chart="bar",
    )
