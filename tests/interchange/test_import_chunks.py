"""A return is planned a chunk of children at a time (docs/decisions/0006-streamed-interchange.md):
the plan, the problems and the stored plan lines are the same whatever the chunk size, and the
queries a check asks grow with the number of chunks, not with the rows of the return."""

from __future__ import annotations

import random
from datetime import date
from math import ceil

import pytest

from interchange import importer, services
from reporting.models import SSDA903PlanLine

from .helpers import as_files, synthetic_files, with_cell

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)
CHILDREN = 23  # 4 chunks of 7, the last one short; 23 chunks of 1


def _texts(size: int, directory, *, seed: int) -> dict[str, str]:
    return {name: content.decode("utf-8") for name, content in synthetic_files(size, directory, seed=seed)}


def _shuffled_reviews(texts: dict[str, str], seed: int) -> dict[str, str]:
    """The Reviews table in another order than the Header's: the plan lists reviews in the
    order of their table, so a review's place in the plan does not follow its child's chunk."""
    header, *rows = texts["reviews.csv"].splitlines()
    random.Random(seed).shuffle(rows)  # noqa: S311 - test data
    return {**texts, "reviews.csv": "\n".join([header, *rows]) + "\n"}


@pytest.fixture
def held_and_changed(manager, tmp_path) -> dict[str, str]:
    """A return of 23 children, 10 of them held already, with some of their records changed in
    the return (so the plan has creates, updates and unchanged records), reviews in no order."""
    texts = _shuffled_reviews(_texts(CHILDREN, tmp_path / "all", seed=5), seed=5)
    held = {
        name: "\n".join(text.splitlines()[: 11 if name == "header.csv" else 1]) + "\n" for name, text in texts.items()
    }
    # The first ten children's own rows of the other tables, so that they are held whole.
    for name in ("episodes.csv", "reviews.csv"):
        lines = texts[name].splitlines()
        first_ten = {f"SYN{n:06d}" for n in range(1, 11)}
        held[name] = "\n".join([lines[0], *(line for line in lines[1:] if line.split(",")[0] in first_ten)]) + "\n"
    plan = services.ssda903_import(files=as_files(held), by=manager, commit=True, today=TODAY)
    assert plan.is_valid and plan.summary["create_child"] == 10
    ethnicity = texts["header.csv"].splitlines()[2].split(",")[3]  # the second child's, held
    changed = with_cell(texts, "header.csv", 3, "ETHNIC", "WOTH" if ethnicity == "WBRI" else "WBRI")
    review_line = next(
        number
        for number, line in enumerate(texts["reviews.csv"].splitlines(), start=1)
        if line.startswith("SYN000004,") and not line.endswith("PN0")
    )
    code = texts["reviews.csv"].splitlines()[review_line - 1].rsplit(",", 1)[1]
    return with_cell(changed, "reviews.csv", review_line, "REVIEW_CODE", "PN6" if code != "PN6" else "PN7")


def _plan(texts: dict[str, str], chunk: int, *, keep: bool = True) -> importer.ImportPlan:
    read = importer.read_tables(as_files(texts))
    return importer.plan_import(read, today=TODAY, chunk=chunk, keep_changes=keep)


def _listed(changes) -> list[tuple]:
    return [(c.position, c.reference, c.kind, c.key, c.fields, c.before, c.pk, c.description) for c in changes]


def _outcome(plan: importer.ImportPlan) -> tuple:
    return (
        plan.summary,
        plan.unchanged,
        plan.children_changed,
        plan.problems,
        _listed(plan.creates),
        _listed(plan.updates),
    )


def test_the_plan_is_the_same_whatever_the_chunk_size(held_and_changed):
    plans = [_plan(held_and_changed, chunk) for chunk in (1, 7, 2000)]

    one, seven, large = (_outcome(p) for p in plans)
    assert one == seven == large
    summary = plans[0].summary
    assert summary["create_child"] == CHILDREN - 10 and summary["update_child"] == 1
    assert summary["update_review"] == 1 and plans[0].unchanged > 0
    # Creates, then updates, numbered from 0 without a gap: children with their episodes in
    # the Header's order, then reviews in the Reviews table's.
    changes = plans[0].creates + plans[0].updates
    assert [c.position for c in changes] == list(range(len(changes)))
    creates = plans[0].creates
    review_lines = [c.line for c in creates if c.kind == "review"]
    assert review_lines == sorted(review_lines)
    assert [c.kind for c in creates].index("review") == sum(1 for c in creates if c.kind != "review")


def test_the_changes_read_again_chunk_by_chunk_are_the_changes_listed(held_and_changed):
    listed = _plan(held_and_changed, 2000)

    for chunk in (1, 7, 2000):
        streamed = _plan(held_and_changed, chunk, keep=False)
        assert streamed.creates == [] and streamed.updates == []  # nothing listed: counted only
        assert streamed.summary == listed.summary and streamed.unchanged == listed.unchanged
        chunks = list(streamed.chunks())
        # Chunks that change nothing are skipped: 13 new children and 2 held ones change.
        assert len(chunks) == {1: 15, 7: 4, 2000: 1}[chunk]
        creates = sorted((c for ch in chunks for c in ch.creates), key=lambda c: c.position)
        updates = sorted((c for ch in chunks for c in ch.updates), key=lambda c: c.position)
        assert _listed(creates) == _listed(listed.creates)
        assert _listed(updates) == _listed(listed.updates)


def test_every_bad_row_is_reported_whatever_the_chunk_size(manager, tmp_path):
    texts = _shuffled_reviews(_texts(CHILDREN, tmp_path, seed=6), seed=6)
    texts = with_cell(texts, "header.csv", 2, "SEX", "X")  # the first child, first chunk
    texts = with_cell(texts, "episodes.csv", 20, "PLACE", "ZZ")  # a child in a middle chunk
    texts = with_cell(texts, "reviews.csv", 30, "REVIEW_CODE", "PN9")
    last = len(texts["header.csv"].splitlines())
    texts = with_cell(texts, "header.csv", last, "ETHNIC", "NONE")  # the last child, last chunk
    texts = {**texts, "uasc.csv": "CHILD,SEX,DOB,DUC\nNOBODY,M,01/01/2010,\n"}  # not in the Header

    plans = [_plan(texts, chunk) for chunk in (1, 7, 2000)]

    assert _outcome(plans[0]) == _outcome(plans[1]) == _outcome(plans[2])
    located = {(p.file, p.line, p.column) for p in plans[0].problems}
    assert {
        ("header.csv", 2, "SEX"),
        ("episodes.csv", 20, "PLACE"),
        ("reviews.csv", 30, "REVIEW_CODE"),
        ("header.csv", last, "ETHNIC"),
        ("uasc.csv", 2, "CHILD"),
    } <= located
    assert all(p.creates == [] and p.updates == [] and not any(p.summary.values()) for p in plans)


def test_the_stored_plan_lines_are_the_same_whatever_the_chunk_size(held_and_changed, manager, settings):
    stored = []
    for chunk in (1, 7, 2000):
        settings.SSDA903_IMPORT_CHUNK = chunk
        upload = services.ssda903_upload_create(files=as_files(held_and_changed), by=manager)
        upload = services.ssda903_upload_check(upload_id=upload.pk, today=TODAY)
        lines = SSDA903PlanLine.objects.filter(upload=upload).order_by("position")
        stored.append(
            (
                {k: v for k, v in upload.summary.items() if k != "when"},
                list(lines.values_list("position", "outcome", "kind", "reference", "key", "text")),
            )
        )

    assert stored[0] == stored[1] == stored[2]
    summary, lines = stored[0]
    assert summary["changes"] == len(lines) > CHILDREN
    assert [line[0] for line in lines] == list(range(len(lines)))
    listed = _plan(held_and_changed, 2000)
    assert lines == [
        (c.position, outcome, c.kind, c.reference, c.key, c.description)
        for outcome, changes in (("create", listed.creates), ("update", listed.updates))
        for c in changes
    ]


@pytest.mark.parametrize("size", [10, 40])
def test_checking_a_return_asks_three_queries_a_chunk_of_children_whatever_its_rows(
    size, manager, tmp_path, settings, django_assert_max_num_queries
):
    files = synthetic_files(size, tmp_path, seed=7)
    services.ssda903_import(files=files, by=manager, commit=True, today=TODAY)  # every child held
    settings.SSDA903_IMPORT_CHUNK = 5
    chunks = ceil(size / 5)
    rows = sum(len(content.splitlines()) - 1 for _, content in files)
    assert rows > 3 * chunks * 2  # far more rows than the queries allowed

    # The held children, their episodes and their reviews: three queries a chunk (and the
    # savepoint of the service's transaction, opened and released).
    with django_assert_max_num_queries(3 * chunks + 2):
        plan = services.ssda903_import(files=files, by=manager, commit=False, today=TODAY, keep_changes=False)

    assert plan.is_valid and plan.changes == 0 and plan.unchanged == rows
