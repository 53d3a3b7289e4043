"""Where the demo's children live and are placed: real ONS postcodes (``demo.postcodes``) and
the miles between them, by the DfE's formula as the SSDA903 validator computes them."""

from __future__ import annotations

import bisect
import math
import random
from decimal import Decimal

from . import postcodes as demo_postcodes

#: Near placements are 0.3 to 19.9 miles from home, mostly a few miles; far ones 20.5 to 160.
NEAR_MILES = (0.3, 19.9, 4.0)
FAR_MILES = (20.5, 160.0, 35.0)


#: Grid reference (easting, northing) of every postcode the demo uses.
GRID = {
    postcode: (easting, northing)
    for postcode, easting, northing, *_ in (
        demo_postcodes.HOME_POSTCODES + demo_postcodes.IN_AREA_POSTCODES + demo_postcodes.ELSEWHERE_POSTCODES
    )
}
IN_AREA = tuple(pc for pc, *_ in demo_postcodes.IN_AREA_POSTCODES)
ELSEWHERE = tuple(pc for pc, *_ in demo_postcodes.ELSEWHERE_POSTCODES)
PLACEMENT_AREAS = {"in": IN_AREA, "out": ELSEWHERE, "any": IN_AREA + ELSEWHERE}


def home_postcode(rng: random.Random) -> str:
    return rng.choice(demo_postcodes.HOME_POSTCODES)[0]


def miles_between(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Straight-line miles between two grid references, by the DfE's formula (as the validator)."""
    return math.hypot(a[0] - b[0], a[1] - b[1]) / 1000 / 1.6093


def miles(value: float) -> Decimal:
    return Decimal(f"{value:.1f}")


#: (home postcode, area) → the area's postcodes by distance from home; filled as needed.
_DISTANCES: dict[tuple[str, str], tuple[list[float], list[str]]] = {}


def _distances_from(home: str, area: str) -> tuple[list[float], list[str]]:
    """The postcodes of ``area`` and their miles from ``home`` (or the middle of the county),
    nearest first. Worked out once per home and area: the lists are constants."""
    key = (home, area)
    if key not in _DISTANCES:
        origin = GRID[home] if home else demo_postcodes.CENTRE
        pairs = sorted((miles_between(origin, GRID[postcode]), postcode) for postcode in PLACEMENT_AREAS[area])
        _DISTANCES[key] = ([d for d, _ in pairs], [postcode for _, postcode in pairs])
    return _DISTANCES[key]


def placement_postcode(rng: random.Random, *, home: str, far: bool, area: str, avoid: tuple[str, ...] = ()) -> str:
    """A placement postcode in ``area``, more than 20 miles from home if ``far``, else within 20.

    The distance aimed at is drawn from ``FAR_MILES`` or ``NEAR_MILES``; the postcode is one of
    the three whose distance comes closest to it on the right side of 20 miles (or closest at all
    where the area has none there), never home or one in ``avoid``. Children with no home
    postcode are placed relative to the middle of the county.
    """
    target = rng.triangular(*(FAR_MILES if far else NEAR_MILES))
    distances, postcodes = _distances_from(home, area)
    split = bisect.bisect_right(distances, 20.0)
    for low, high in ((split, len(distances)) if far else (0, split), (0, len(distances))):
        chosen: list[str] = []
        right = bisect.bisect_left(distances, target, low, high)
        left = right - 1
        while len(chosen) < 3 and (left >= low or right < high):
            if right >= high or (left >= low and target - distances[left] <= distances[right] - target):
                postcode, left = postcodes[left], left - 1
            else:
                postcode, right = postcodes[right], right + 1
            if postcode != home and postcode not in avoid:
                chosen.append(postcode)
        if chosen:
            return rng.choice(chosen)
    raise ValueError(f"no placement postcode in {area!r}")
