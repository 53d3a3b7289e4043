from decimal import Decimal

import pytest

from children.caseload import CaseloadStatus, caseload_band, caseload_status


@pytest.mark.parametrize(
    ("fte", "band"),
    [
        ("1.00", (50, 70)),
        ("0.60", (30, 42)),  # the example
        ("0.50", (25, 35)),
        ("0.80", (40, 56)),
        ("0.59", (30, 41)),  # 29.5 and 41.3 round half up
        ("0.10", (5, 7)),
    ],
)
def test_caseload_band_is_pro_rata_to_fte(fte, band):
    assert caseload_band(Decimal(fte)) == band


@pytest.mark.parametrize("fte", ["0", "-0.5", "1.01"])
def test_caseload_band_refuses_impossible_fte(fte):
    with pytest.raises(ValueError, match="FTE"):
        caseload_band(fte)


@pytest.mark.parametrize(
    ("caseload", "fte", "status"),
    [
        (49, "1.00", CaseloadStatus.UNDER),
        (50, "1.00", CaseloadStatus.WITHIN),
        (70, "1.00", CaseloadStatus.WITHIN),
        (71, "1.00", CaseloadStatus.OVER),
        (29, "0.60", CaseloadStatus.UNDER),
        (42, "0.60", CaseloadStatus.WITHIN),
        (43, "0.60", CaseloadStatus.OVER),
    ],
)
def test_caseload_status_flags_over_and_under(caseload, fte, status):
    assert caseload_status(caseload, fte) is status
