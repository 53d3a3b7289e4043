"""Write a synthetic SSDA903 return of N children, for the import benchmark and tests.

    python tools/synthetic_903.py N OUTDIR [SEED]

Each child has a full history: one or two periods of care of one to three episodes each
(changes of placement close one episode with X1 and open the next the same day), and
reviews on the statutory cycle (first within 20 days, second 3 months on, then every
6 months). All codes and dates are valid, so the return imports without problems.
Standard library only: it runs with any Python.
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

END = date(2025, 3, 31)
ETHNIC = ["WBRI", "WOTH", "MWBC", "BAFR", "AIND", "APKN", "CHNE", "OOTH"]
FOSTER = ["U1", "U3", "U4", "U6"]
PROVIDERS = ["PR1", "PR4", "PR5"]
LEAVING = ["E4A", "E41", "E45", "E11", "E13", "E8"]


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def child_rows(rng: random.Random, number: int):
    ref = f"SYN{number:06d}"
    dob = END - timedelta(days=rng.randint(200, 17 * 365))
    sex = rng.choice("MF")
    header = [ref, sex, _d(dob), rng.choice(ETHNIC), "", "0" if sex == "F" else "", ""]
    episodes, reviews = [], []
    start = max(dob + timedelta(days=1), END - timedelta(days=rng.randint(30, 6 * 365)))
    periods = 2 if rng.random() < 0.1 and (END - start).days > 800 else 1
    for period in range(periods):
        period_end = None
        if periods == 2 and period == 0:
            period_end = start + timedelta(days=rng.randint(100, 300))
        elif rng.random() < 0.25:
            period_end = min(END, start + timedelta(days=rng.randint(60, 900)))
        last = period_end or END
        span = max(1, (last - start).days - 1)
        changes = sorted({start + timedelta(days=rng.randint(1, span)) for _ in range(rng.randint(0, 2))})
        bounds = [start, *changes, period_end]
        for i in range(len(bounds) - 1):
            ep_start, ep_end = bounds[i], bounds[i + 1]
            final = i == len(bounds) - 2
            episodes.append(
                [
                    ref,
                    _d(ep_start),
                    "S" if i == 0 else "P",
                    rng.choice(["C2", "C2", "C1", "V2"]),
                    "N1",
                    rng.choice(FOSTER),
                    rng.choice(PROVIDERS),
                    _d(ep_end),
                    ("X1" if not final else rng.choice(LEAVING)) if ep_end else "",
                    "CARPL" if ep_end and not final else "",  # why the placement this episode ended
                    "",
                    "",
                    "",
                ]
            )
        reviews.extend(_review_rows(rng, ref, dob, start=start, last=last))
        if period_end is None:
            break
        start = period_end + timedelta(days=rng.randint(30, 200))
        if start >= END - timedelta(days=10):
            break
    return header, episodes, reviews


def _review_rows(rng: random.Random, ref: str, dob: date, *, start: date, last: date) -> list[list[str]]:
    """The reviews of one period of care: the first within a month of ``start``, the second
    three months on and then every six, a few days early, until ``last``."""
    rows = []
    review = start + timedelta(days=rng.randint(5, 25))
    count = 0
    while review <= last:
        under_four = (review - dob).days < 4 * 365.25 and _add_months(dob, 48) > review
        rows.append([ref, _d(dob), _d(review), "PN0" if under_four else rng.choice(["PN1", "PN6", "PN7"])])
        count += 1
        review = _add_months(review, 3 if count == 1 else 6) - timedelta(days=rng.randint(0, 10))
    return rows


def write(n: int, outdir: Path, seed: int = 903) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    outdir.mkdir(parents=True, exist_ok=True)
    tables = {
        "header.csv": [["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]],
        "episodes.csv": [
            ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC"]
            + ["REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"]
        ],
        "reviews.csv": [["CHILD", "DOB", "REVIEW", "REVIEW_CODE"]],
    }
    for number in range(1, n + 1):
        header, episodes, reviews = child_rows(rng, number)
        tables["header.csv"].append(header)
        tables["episodes.csv"].extend(episodes)
        tables["reviews.csv"].extend(reviews)
    for name, rows in tables.items():
        with (outdir / name).open("w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
    return {name: len(rows) - 1 for name, rows in tables.items()}


if __name__ == "__main__":
    counts = write(int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 903)
    print(", ".join(f"{name}: {rows} rows" for name, rows in counts.items()))
