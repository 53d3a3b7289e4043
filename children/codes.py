"""SSDA903 national codes (docs/rules.md#ssda903), stored as the codes themselves.

Labels follow the DfE children looked after return guidance. Placement codes
changed over time (K3 from 2023/24; Z1 replaced by Z11 to Z14 from 2025/26): the
full set is kept so that history stays valid, and ``placement_codes_for_year``
tells which are current in a collection year.
"""

from django.db import models


class Sex(models.TextChoices):
    """SSDA903 SEX as coded from 2024/25 (M/F/U); the export maps to 1/2 for earlier years."""

    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known or indeterminate"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy/Roma"
    WOTH = "WOTH", "Any other White background"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Caribbean"
    BAFR = "BAFR", "African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class LegalStatus(models.TextChoices):
    C1 = "C1", "Interim care order"
    C2 = "C2", "Full care order"
    D1 = "D1", "Freeing order granted"
    E1 = "E1", "Placement order granted"
    J1 = "J1", "Remanded to local authority or youth detention accommodation"
    J2 = "J2", "Placed in local authority accommodation under PACE"
    J3 = "J3", "Sentenced to a supervision order with residence requirement"
    L1 = "L1", "Under police protection and in local authority accommodation"
    L2 = "L2", "Emergency protection order"
    L3 = "L3", "Under child assessment order and in local authority accommodation"
    V2 = "V2", "Single period of accommodation under section 20"
    # docs/rules.md#review-timescales: both are an agreed series of short-term breaks (reg 48); they
    # differ in what the return records.
    V3 = "V3", "Accommodated under an agreed series of short-term breaks, when individual episodes of care are recorded"
    V4 = (
        "V4",
        "Accommodated under an agreed series of short-term breaks, when agreements are recorded "
        "(not individual episodes)",
    )


#: Legal statuses grouped as the annual reports group them (docs/sources.md#thurrock-2021-22 section 8.5).
LEGAL_STATUS_GROUPS = {
    "Care order (interim or full)": ("C1", "C2"),
    "Placement order": ("D1", "E1"),
    "Section 20": ("V2",),
    "Short breaks": ("V3", "V4"),
    "Youth justice": ("J1", "J2", "J3"),
    "Emergency and police protection": ("L1", "L2", "L3"),
}


class ReasonNewEpisode(models.TextChoices):
    S = "S", "Started to be looked after"
    L = "L", "Change of legal status only"
    P = "P", "Change of placement and carer"
    T = "T", "Change of placement, same carer"
    U = "U", "Change of legal status and placement, same carer"
    B = "B", "Change of legal status, placement and carer"


class PlacementType(models.TextChoices):
    A3 = "A3", "Placed for adoption with consent with current foster carer"
    A4 = "A4", "Placed for adoption with consent not with current foster carer"
    A5 = "A5", "Placed for adoption with placement order with current foster carer"
    A6 = "A6", "Placed for adoption with placement order not with current foster carer"
    H5 = "H5", "Semi-independent living accommodation not subject to children's homes regulations"
    K1 = "K1", "Secure children's home"
    K2 = "K2", "Children's home subject to Children's Homes Regulations"
    K3 = "K3", "Registered supported accommodation"
    P1 = "P1", "Placed with own parents or other person with parental responsibility"
    P2 = "P2", "Independent living, for example in a flat, lodgings, bedsit or with friends"
    P3 = "P3", "Residential employment"
    R1 = "R1", "Residential care home"
    R2 = "R2", "NHS or health trust establishment providing medical or nursing care"
    R3 = "R3", "Family centre or mother and baby unit"
    R5 = "R5", "Young offender institution or prison"
    S1 = "S1", "Residential school, except where dual-registered as a children's home"
    T0 = "T0", "Temporary move of any kind"
    T1 = "T1", "Temporary period in hospital"
    T2 = "T2", "Temporary absence on holiday"
    T3 = "T3", "Temporary accommodation while the normal foster carer is on holiday"
    T4 = "T4", "Temporary accommodation of seven days or less"
    U1 = "U1", "Foster placement with relative or friend, long-term fostering"
    U2 = "U2", "Foster placement with relative or friend who is an approved adopter (FFA or concurrent)"
    U3 = "U3", "Foster placement with relative or friend, not long-term or FFA"
    U4 = "U4", "Foster placement with other foster carer, long-term fostering"
    U5 = "U5", "Foster placement with other foster carer who is an approved adopter (FFA or concurrent)"
    U6 = "U6", "Foster placement with other foster carer, not long-term or FFA"
    Z1 = "Z1", "Other placement (up to 2024/25)"
    Z11 = "Z11", "Other placement: code Z11 (from 2025/26)"
    Z12 = "Z12", "Other placement: code Z12 (from 2025/26)"
    Z13 = "Z13", "Other placement: code Z13 (from 2025/26)"
    Z14 = "Z14", "Other placement: code Z14 (from 2025/26)"


#: Placement types grouped as the annual reports group them.
PLACEMENT_GROUPS = {
    "Foster care": ("U1", "U2", "U3", "U4", "U5", "U6"),
    "Placed for adoption": ("A3", "A4", "A5", "A6"),
    "Placed with parents": ("P1",),
    "Children's homes and residential": ("K1", "K2", "R1", "R2", "R3", "S1"),
    "Independent and supported living": ("H5", "K3", "P2", "P3"),
    "Custody": ("R5",),
    "Temporary": ("T0", "T1", "T2", "T3", "T4"),
    "Other": ("Z1", "Z11", "Z12", "Z13", "Z14"),
}


def placement_codes_for_year(collection_end_year: int) -> frozenset[str]:
    """Placement codes valid in the collection year ending 31 March ``collection_end_year``.

    As the DfE validator's rule 146 lists them each year (docs/rules.md#ssda903 asks to follow
    each year's guidance): K3 from 2024/25, when its 2024/25 rules 221 and 371 start to name it
    (its 2023/24 list has no K3); H5 and P2 up to 2024/25; Z1 up to 2024/25, then Z11 to Z14.
    The validator 0.1.17 writes K3 as "k3" in its 2024/25 list, so it refuses K3 in that year:
    a slip in the validator, not a rule (the demo records K3 from 2025/26 only).
    """
    codes = set(PlacementType.values)
    if collection_end_year < 2025:
        codes.discard("K3")
    if collection_end_year >= 2026:
        codes -= {"H5", "P2", "Z1"}
    else:
        codes -= {"Z11", "Z12", "Z13", "Z14"}
    return frozenset(codes)


class PlacementProvider(models.TextChoices):
    PR0 = "PR0", "Parent or other person with parental responsibility"
    PR1 = "PR1", "Own provision (by the local authority)"
    PR2 = "PR2", "Other local authority provision"
    PR3 = "PR3", "Other public provision"
    PR4 = "PR4", "Private provision"
    PR5 = "PR5", "Voluntary or third sector provision"


class ReasonPlaceChange(models.TextChoices):
    """SSDA903 REASON_PLACE_CHANGE: why a placement changed (docs/rules.md#ssda903)."""

    CARPL = "CARPL", "Change to or implementation of the care plan"
    CLOSE = "CLOSE", "Resignation or closure of the provision"
    ALLEG = "ALLEG", "Allegation (section 47 enquiry) about the child's safety"
    STAND = "STAND", "Standards of care concern"
    APPRR = "APPRR", "Approval removed"
    CREQB = "CREQB", "Carer request: the child's behaviour"
    CREQO = "CREQO", "Carer request: other reasons"
    CHILD = "CHILD", "Child's wishes"
    LAREQ = "LAREQ", "Responsible or area authority request"
    PLACE = "PLACE", "Change in the status of the placement only"
    CUSTOD = "CUSTOD", "Custody arrangement"
    OTHER = "OTHER", "Other"


class PreviousPermanence(models.TextChoices):
    """SSDA903 PREV_PERM: the child's permanence arrangement before this period of care."""

    P1 = "P1", "Adoption"
    P2 = "P2", "Special guardianship order"
    P3 = "P3", "Residence order or child arrangements order naming whom the child lives with"
    P4 = "P4", "Previous permanence option not known"
    Z1 = "Z1", "No previous permanence option"


class CategoryOfNeed(models.TextChoices):
    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability"
    N3 = "N3", "Parental illness or disability"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"


class ReasonEpisodeCeased(models.TextChoices):
    E11 = "E11", "Adopted: application unopposed"
    E12 = "E12", "Adopted: consent dispensed with by the court"
    E2 = "E2", "Died"
    E3 = "E3", "Care taken over by another local authority"
    E41 = "E41", "Child arrangements order (residence) granted"
    E45 = "E45", "Special guardianship order to former foster carer who is a relative or friend"
    E46 = "E46", "Special guardianship order to former foster carer, not a relative or friend"
    E47 = "E47", "Special guardianship order to other carer who is a relative or friend"
    E48 = "E48", "Special guardianship order to other carer, not a relative or friend"
    E4A = "E4A", "Returned home as part of the care planning process"
    E4B = "E4B", "Returned home, not part of the care planning process"
    E5 = "E5", "Moved to independent living with formalised support"
    E6 = "E6", "Moved to independent living without formalised support"
    E7 = "E7", "Transferred to residential care funded by adult social care"
    E8 = "E8", "Period of being looked after ceased for any other reason"
    E9 = "E9", "Sentenced to custody"
    E13 = "E13", "Left care to live with former foster carer (staying put)"
    E14 = "E14", "Accommodation on remand ended"
    E15 = "E15", "Age assessment found the child to be 18 or over"
    E16 = "E16", "Child moved abroad"
    E17 = "E17", "Aged 18 or over and remained with current carers"
    X1 = "X1", "Episode ceases and a new episode begins on the same day"


#: Reasons that end a period of care (every reason but X1).
LEAVING_CARE_REASONS = [c for c in ReasonEpisodeCeased.choices if c[0] != "X1"]

#: Exits the annual report counts (docs/rules.md#annual-report).
SPECIAL_GUARDIANSHIP_EXITS = ("E45", "E46", "E47", "E48")
CHILD_ARRANGEMENTS_EXITS = ("E41",)
ADOPTION_EXITS = ("E11", "E12")


class AgeBand(models.TextChoices):
    """The age bands of the SSDA903 statistics and the annual reports (docs/sources.md#thurrock-2021-22 section 8)."""

    UNDER_1 = "under-1", "Under 1"
    ONE_TO_FOUR = "1-4", "1 to 4"
    FIVE_TO_NINE = "5-9", "5 to 9"
    TEN_TO_FIFTEEN = "10-15", "10 to 15"
    SIXTEEN_PLUS = "16+", "16 and over"


#: (lowest age, highest age) in whole years for each band.
AGE_BAND_YEARS = {
    AgeBand.UNDER_1: (0, 0),
    AgeBand.ONE_TO_FOUR: (1, 4),
    AgeBand.FIVE_TO_NINE: (5, 9),
    AgeBand.TEN_TO_FIFTEEN: (10, 15),
    AgeBand.SIXTEEN_PLUS: (16, 25),
}


class SignificantChangeCategory(models.TextChoices):
    """Significant changes the IRO must be told of (docs/rules.md#significant-changes;
    docs/sources.md#thurrock-2011 section 5)."""

    PANEL_OUTCOME = "panel_outcome", "Placement, fostering or adoption panel outcome"
    PLACEMENT_CHANGE_REQUEST = "placement_change_request", "Placement change request or change of placement"
    ADOPTION_PLAN = "adoption_plan", "Adoption plan update"
    COURT = "court", "Court order or direction"
    DECISION_DELAY = "decision_delay", "Significant delay in carrying out review decisions"
    MISSING = "missing", "Missing from care for more than three days"
    EXCLUSION = "exclusion", "School exclusion of more than five days"
    MEDICAL = "medical", "Serious medical finding"
    EDUCATION_OUTCOME = "education_outcome", "Education outcome"
    FAMILY_CHANGE = "family_change", "Unexpected family change (birth, death)"
    UNEXPECTED_MOVE = "unexpected_move", "Unexpected placement change"
    OFFENDING = "offending", "Arrest, bail or conviction"
    ACCIDENT = "accident", "Serious accident"
    SOCIAL_WORKER = "social_worker", "Change of social worker"
    UNPLANNED_DISCHARGE = "unplanned_discharge", "Unplanned discharge from care"
    COMPLAINT = "complaint", "Complaint by or for the child"
    # Changes that need a review endorsed by the IRO first (section 6).
    TO_UNREGULATED = "to_unregulated", "Proposed move from a regulated to an unregulated placement before 18"
    FROM_SETTLED_RESIDENTIAL = "from_settled_residential", "Proposed move from a settled residential placement"
    FROM_SECURE = "from_secure", "Discharge from secure accommodation or custody"
    EDUCATION_DISRUPTING_MOVE = "education_disrupting_move", "Unplanned move that disrupts education (years 10 and 11)"


#: The section 6 changes that need a review endorsed by the IRO before they happen.
NEEDS_REVIEW_FIRST = frozenset(
    {"to_unregulated", "from_settled_residential", "from_secure", "education_disrupting_move"}
)


class ContactRole(models.TextChoices):
    """Who a person is to the child: the people an IRO invites to the review and sends its record
    to (docs/rules.md#after-the-review: the record goes to the child, parents, carers and the
    social worker unless there is a reason not to)."""

    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Social worker's team manager"
    CARER = "carer", "Carer"
    PLACEMENT = "placement", "Placement provider"
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    PARENT = "parent", "Other person with parental responsibility"
    FAMILY = "family", "Other family member"
    SCHOOL = "school", "School"
    DESIGNATED_TEACHER = "designated_teacher", "Designated teacher"
    ADVOCATE = "advocate", "Advocate"
    HEALTH = "health", "Health contact"
    OTHER = "other", "Other"


#: The roles that hold parental responsibility unless recorded otherwise.
PARENT_ROLES = frozenset({ContactRole.MOTHER, ContactRole.FATHER, ContactRole.PARENT})


class AllocationWork(models.TextChoices):
    """What an IRO allocation is for (docs/decisions/0009-child-protection-work.md): chairing the
    child's looked-after reviews, or chairing their child protection conferences
    (docs/rules.md#child-protection). One open allocation per child per kind; both kinds make the
    child visible to the chair (one visibility rule), and every read that means looked-after
    caseload says so with ``IROAllocationQuerySet.looked_after()``."""

    LOOKED_AFTER = "looked_after", "Looked-after reviews"
    CHILD_PROTECTION = "child_protection", "Child protection conferences"
