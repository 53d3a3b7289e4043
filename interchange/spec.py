"""The SSDA903 tables this system reads and writes, their columns and the code mappings.

docs/rules.md#ssda903: tables and columns as the DfE guidance defines them, dates dd/mm/yyyy.
The DfE validator recognises each CSV by its exact set of column headers, not its name, so the
column lists below must match the guidance letter for letter.
"""

from __future__ import annotations

from datetime import date, datetime

from children import codes as child_codes
from reviews.codes import Participation

HEADER = "Header"
EPISODES = "Episodes"
REVIEWS = "Reviews"
UASC = "UASC"
PREV_PERM = "PrevPerm"

#: Table name → its columns in the DfE order.
COLUMNS: dict[str, list[str]] = {
    HEADER: ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    EPISODES: [
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ],
    REVIEWS: ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    UASC: ["CHILD", "SEX", "DOB", "DUC"],
    PREV_PERM: ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
}

#: The file name each table is written to (the names the DfE validator's own examples use).
FILE_NAMES: dict[str, str] = {
    HEADER: "header.csv",
    EPISODES: "episodes.csv",
    REVIEWS: "reviews.csv",
    UASC: "uasc.csv",
    PREV_PERM: "previous_permanence.csv",
}

#: The Child fields a Header, UASC or PrevPerm row is made of, and the CareEpisode fields of an
#: Episodes row: what the exporter reads and the importer compares with the records held.
CHILD_FIELDS = (
    "local_reference",
    "sex",
    "date_of_birth",
    "ethnicity",
    "upn",
    "is_mother",
    "mother_child_dob",
    "is_uasc",
    "uasc_ceased_on",
    "previous_permanence",
    "previous_permanence_la",
    "previous_permanence_date",
)
EPISODE_FIELDS = (
    "started_on",
    "ended_on",
    "reason_new_episode",
    "legal_status",
    "category_of_need",
    "placement_type",
    "placement_provider",
    "reason_ceased",
    "reason_place_change",
    "home_postcode",
    "placement_postcode",
    "urn",
)

#: Tables a return must contain to be imported; the others may be left out.
REQUIRED_TABLES = (HEADER, EPISODES)

DATE_FORMAT = "%d/%m/%Y"

#: SEX was 1 (male) / 2 (female) up to 2023/24 and M/F/U from 2024/25 (section 9).
FIRST_YEAR_OF_LETTER_SEX = 2025  # the collection year ending 31 March 2025
SEX_FROM_NUMBER = {"1": "M", "2": "F"}
SEX_TO_NUMBER = {"M": "1", "F": "2"}

SEX_CODES = frozenset(child_codes.Sex.values)
ETHNIC_CODES = frozenset(child_codes.Ethnicity.values)
RNE_CODES = frozenset(child_codes.ReasonNewEpisode.values)
LS_CODES = frozenset(child_codes.LegalStatus.values)
CIN_CODES = frozenset(child_codes.CategoryOfNeed.values)
PLACE_CODES = frozenset(child_codes.PlacementType.values)
PROVIDER_CODES = frozenset(child_codes.PlacementProvider.values)
REC_CODES = frozenset(child_codes.ReasonEpisodeCeased.values)
REASON_PLACE_CHANGE_CODES = frozenset(child_codes.ReasonPlaceChange.values)
PREV_PERM_CODES = frozenset(child_codes.PreviousPermanence.values)
REVIEW_CODES = frozenset(Participation.values)


def format_date(value: date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def parse_date(text: str) -> date:
    """dd/mm/yyyy → date; raises ValueError for any other shape or an impossible date."""
    if len(text) != 10 or text[2] != "/" or text[5] != "/":
        raise ValueError("is not a date written dd/mm/yyyy")
    try:
        return datetime.strptime(text, DATE_FORMAT).date()  # noqa: DTZ007 - a date, no time zone
    except ValueError:
        raise ValueError("is not a real date") from None


def sex_for_year(sex: str, collection_end_year: int) -> str:
    """The SEX code of the collection year ending 31 March ``collection_end_year``.

    Before 2024/25 only 1 and 2 exist, so a child recorded as U has no code there: it is
    written empty and the validator reports it, rather than this system inventing one.
    """
    if collection_end_year >= FIRST_YEAR_OF_LETTER_SEX:
        return sex
    return SEX_TO_NUMBER.get(sex, "")


def sex_from_code(code: str) -> str | None:
    """1/2 (up to 2023/24) or M/F/U (from 2024/25) → the stored M/F/U; None when unknown."""
    code = code.upper()
    if code in SEX_CODES:
        return code
    return SEX_FROM_NUMBER.get(code)
