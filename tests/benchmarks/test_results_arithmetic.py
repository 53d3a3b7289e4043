"""The benchmark's pure arithmetic: percentiles, the shape of a results file and its README
table (benchmarks/stats.py). No timing is measured or asserted here."""

import pytest

from benchmarks import stats


def test_percentile_interpolates_between_closest_ranks():
    values = [40.0, 10.0, 30.0, 20.0]
    assert stats.percentile(values, 50) == 25.0
    assert stats.percentile(values, 0) == 10.0
    assert stats.percentile(values, 100) == 40.0
    assert stats.percentile(values, 95) == pytest.approx(38.5)


def test_percentile_of_thirty_requests_takes_the_tail_not_the_maximum():
    values = [float(n) for n in range(1, 31)]
    assert stats.percentile(values, 95) == pytest.approx(28.55)
    assert stats.percentile(values, 50) == 15.5


def test_percentile_of_nothing_is_none_and_out_of_range_is_refused():
    assert stats.percentile([], 50) is None
    with pytest.raises(ValueError):
        stats.percentile([1.0], 101)


def test_result_row_has_every_issue_key_and_keeps_extras():
    row = stats.result_row("IRO home", 1000, p50_ms=12.5, queries=13, path="/reviews/")
    assert list(row)[: len(stats.RESULT_KEYS)] == list(stats.RESULT_KEYS)
    assert row["rps"] is None and row["errors"] is None
    assert row["path"] == "/reviews/"
    assert stats.check_rows([row]) == []


def test_check_rows_names_what_a_malformed_row_lacks():
    problems = stats.check_rows([{"name": "x", "size": "1000", "p50_ms": -1, "queries": 2.5}])
    assert any("lacks" in p and "p95_ms" in p for p in problems)
    assert any("integer size" in p for p in problems)
    assert any("p50_ms" in p for p in problems)
    assert any("queries" in p for p in problems)


def test_table_lists_each_size_and_replaces_only_between_the_markers():
    rows = {
        10000: [stats.result_row("IRO home", 10000, p50_ms=91.0, p95_ms=1500.0, queries=13, errors=0)],
        1000: [stats.result_row("IRO home", 1000, p50_ms=6.25, p95_ms=None, queries=13, errors=2)],
    }
    text = stats.table(rows)
    lines = text.splitlines()
    assert lines[2].startswith("| IRO home | 1,000 | 6.2 ms | – | 13 |")
    assert lines[3].startswith("| IRO home | 10,000 | 91 ms | 1.5 s | 13 |")
    readme = f"# Bench\nintro\n{stats.TABLE_START}\nold\n{stats.TABLE_END}\nafter\n"
    updated = stats.replace_table(readme, "new")
    assert updated == f"# Bench\nintro\n{stats.TABLE_START}\nnew\n{stats.TABLE_END}\nafter\n"
    assert stats.replace_table("# Bench\n", "new").endswith(f"{stats.TABLE_START}\nnew\n{stats.TABLE_END}\n")


def test_a_partial_run_replaces_its_rows_by_name_and_keeps_the_others():
    old = [stats.result_row("home", 1000, p50_ms=1.0), stats.result_row("sweep", 1000, p50_ms=2.0)]
    new = [stats.result_row("sweep", 1000, p50_ms=3.0), stats.result_row("mix", 1000, rps=9.0)]
    merged = stats.merge_rows(old, new)
    assert [(r["name"], r["p50_ms"], r["rps"]) for r in merged] == [
        ("home", 1.0, None),
        ("sweep", 3.0, None),
        ("mix", None, 9.0),
    ]
