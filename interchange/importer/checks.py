"""Do the return's rows agree with each other, with the Header and with the records held?

The same rules the services keep: care between birth and the 18th birthday, one episode at
a time, no new period of care on the day the last ended (``children.rules``), the PN0 code
for a child under 4 only, and a review only while the child is looked after. Each problem
names the row of the return to correct.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from children.ages import age_on, eighteenth_birthday
from children.rules import Broken, episode_end_broken, episode_start_broken, new_period_broken
from reviews.codes import PN0_AGE_LIMIT, Participation

from .. import spec
from .held import Held
from .reading import Problem, Row
from .rows import EpisodeRow, HeaderRow, ReviewRow

#: One episode on a child's timeline: start, end (None while open) and the return's row
#: (None for an episode held that the return does not mention).
Span = tuple[date, date | None, EpisodeRow | None]


def check_against_header(tables: dict[str, list[Row]], headers: dict[str, HeaderRow], problems: list[Problem]) -> None:
    """Dates of birth (and the UASC table's SEX) agree with the child's Header row."""
    for table, check_sex in ((spec.REVIEWS, False), (spec.UASC, True), (spec.PREV_PERM, False)):
        for row in tables.get(table, []):
            header = headers.get(row.values["CHILD"])
            if header is None:
                continue
            dob = row.values["DOB"]
            if dob and dob != spec.format_date(header.date_of_birth):
                problems.append(
                    Problem(row.file, row.line, "DOB", "DOB differs from the child's DOB in the Header table.", dob)
                )
            if check_sex and spec.sex_from_code(row.values["SEX"]) != header.sex:
                problems.append(
                    Problem(
                        row.file,
                        row.line,
                        "SEX",
                        "SEX differs from the child's SEX in the Header table.",
                        row.values["SEX"],
                    )
                )


# --------------------------------------------------------------------------- episodes


def episodes_in_childhood(
    episodes: list[EpisodeRow], headers: dict[str, HeaderRow], incomplete: set[str], problems: list[Problem]
) -> dict[str, list[EpisodeRow]]:
    """The return's episodes by child, each between the child's birth and 18th birthday. A
    child with an episode outside joins ``incomplete``: their reviews are not checked against
    a timeline without it."""
    kept: dict[str, list[EpisodeRow]] = defaultdict(list)
    for e in episodes:
        header = headers[e.reference]
        if e.started_on < header.date_of_birth:
            problems.append(
                Problem(
                    e.row.file, e.row.line, "DECOM", "The episode starts before the child's DOB.", e.row.values["DECOM"]
                )
            )
            continue
        if not _within_childhood(e, header.date_of_birth, problems):
            incomplete.add(e.reference)
            continue
        kept[e.reference].append(e)
    return kept


def _breaks(broken: list[Broken], code: str) -> bool:
    """Whether a rule of ``children.rules`` found ``code`` (the import words it for the return)."""
    return any(b.code == code for b in broken)


def _within_childhood(e: EpisodeRow, date_of_birth: date, problems: list[Problem]) -> bool:
    """Whether the episode lies before the child's 18th birthday, when a person stops being
    looked after (docs/rules.md#turning-18); each problem names the row. Nobody starts to be
    looked after at 18 or over (DfE rule 352), no episode begins on or after the birthday,
    and care ends on it at the latest."""
    on = spec.format_date(eighteenth_birthday(date_of_birth))
    if _breaks(episode_start_broken(date_of_birth=date_of_birth, started_on=e.started_on), "at-18"):
        if e.values["reason_new_episode"] == "S":
            reason = (
                f"The child started to be looked after at 18 or over (DfE rule 352): they turned 18 on {on}, "
                "and a person stops being looked after at 18."
            )
        else:
            reason = (
                f"The episode starts on or after the child's 18th birthday ({on}): "
                "a person stops being looked after at 18."
            )
        problems.append(Problem(e.row.file, e.row.line, "DECOM", reason, e.row.values["DECOM"]))
        return False
    if e.ended_on is not None and episode_end_broken(date_of_birth=date_of_birth, ended_on=e.ended_on):
        problems.append(
            Problem(
                e.row.file,
                e.row.line,
                "DEC",
                f"The episode ceases after the child's 18th birthday ({on}): "
                "care ends on the 18th birthday at the latest.",
                e.row.values["DEC"],
            )
        )
        return False
    return True


def check_timelines(
    headers: dict[str, HeaderRow], held: Held, file_episodes: dict[str, list[EpisodeRow]], problems: list[Problem]
) -> dict[str, list[Span]]:
    """Each child's episodes, the return's over the ones held, as one timeline in order of
    start; a new period the day the last ended, or episodes that overlap, are problems."""
    timelines: dict[str, list[Span]] = {}
    for reference in headers:
        held_episodes = held.episodes_of(reference)
        timeline: dict[date, Span] = {start: (start, ep.ended_on, None) for start, ep in held_episodes.items()}
        for e in file_episodes.get(reference, []):
            held_ep = held_episodes.get(e.started_on)
            # A blank DEC is open at the end of the return's year: it never reopens one held as ended.
            ended_on = e.ended_on if e.ended_on or held_ep is None else held_ep.ended_on
            timeline[e.started_on] = (e.started_on, ended_on, e)
        ordered = [timeline[k] for k in sorted(timeline)]
        _same_day_restarts(ordered, held_episodes, problems)
        _overlaps(ordered, problems)
        timelines[reference] = ordered
    return timelines


def _same_day_restarts(ordered: list[Span], held: dict, problems: list[Problem]) -> None:
    """A new period (RNE S) starting on the day the previous episode ceased is continuous care,
    not a new period (DfE rule 431; docs/rules.md#periods-of-care). The return's row is blamed:
    the S row, or else the row that ends the previous episode that day."""
    for (_, end, row), (next_start, _, next_row) in zip(ordered, ordered[1:], strict=False):
        reason_new = next_row.values["reason_new_episode"] if next_row else held[next_start].reason_new_episode
        if reason_new != "S" or not _breaks(
            new_period_broken(started_on=next_start, previous_ended_on=end), "continuous-care"
        ):
            continue
        blame, column = (next_row, "RNE") if next_row else (row, "DEC")
        if blame is None:
            continue
        problems.append(
            Problem(
                blame.row.file,
                blame.row.line,
                column,
                f"A new period of care (RNE S) starts on {spec.format_date(next_start)}, the day the previous "
                "episode ceased: that is continuous care, not a new period (DfE rule 431). Record a change of "
                "placement or legal status instead.",
                blame.row.values[column],
            )
        )


def _overlaps(ordered: list[Span], problems: list[Problem]) -> None:
    """An episode still open, or ending after the next one begins: the return's row is blamed,
    the later one's or else the earlier one's (a clash between two episodes held is not)."""
    for (start, end, _), (next_start, _, next_row) in zip(ordered, ordered[1:], strict=False):
        if end is not None and end <= next_start:
            continue
        blame = next_row or next((t[2] for t in ordered if t[0] == start), None)
        if blame is None:
            continue
        what = "is still open" if end is None else f"ends {spec.format_date(end)}"
        problems.append(
            Problem(
                blame.row.file,
                blame.row.line,
                "DECOM",
                f"Episodes overlap: the episode from {spec.format_date(start)} {what}, "
                f"after the episode from {spec.format_date(next_start)} begins.",
                blame.row.values["DECOM"],
            )
        )


# --------------------------------------------------------------------------- reviews


def check_reviews(
    reviews: list[ReviewRow],
    headers: dict[str, HeaderRow],
    timelines: dict[str, list[Span]],
    incomplete: set[str],
    problems: list[Problem],
) -> None:
    """Each review's participation code fits the child's age (docs/rules.md#participation), and
    the review falls within an episode of care (unless the child's timeline is incomplete)."""
    for v in reviews:
        _check_participation(v, headers[v.reference].date_of_birth, problems)
        if v.reference in incomplete:
            continue
        if not any(
            start <= v.held_on and (end is None or v.held_on <= end) for start, end, _ in timelines[v.reference]
        ):
            problems.append(
                Problem(
                    v.row.file,
                    v.row.line,
                    "REVIEW",
                    "The review is outside every episode of care of this child.",
                    v.row.values["REVIEW"],
                )
            )


def _check_participation(v: ReviewRow, date_of_birth: date, problems: list[Problem]) -> None:
    age = age_on(date_of_birth, v.held_on)
    if v.participation_code == Participation.PN0 and age >= PN0_AGE_LIMIT:
        problems.append(
            Problem(
                v.row.file, v.row.line, "REVIEW_CODE", f"PN0 is only for a child under 4; this child was {age}.", "PN0"
            )
        )
    elif v.participation_code != Participation.PN0 and age < PN0_AGE_LIMIT:
        problems.append(
            Problem(
                v.row.file,
                v.row.line,
                "REVIEW_CODE",
                "The child was under 4 on the review date, so the code must be PN0.",
                v.participation_code,
            )
        )
