"""What the demo's disputes say: the themes and their SMART templates, the answers, minutes,
outcomes and the CAFCASS evidence, and the invented people they are raised with."""

from __future__ import annotations

from dataclasses import dataclass

from disputes.codes import DisputeCategory, ResponseKind

#: Themes with weights: drift, permanence, placement and education the most common (docs/sources.md#thurrock-2011
#: section 5.5 puts the emphasis on drift and permanence; docs/sources.md#kirklees-2016-17 names the same themes).
CATEGORY_WEIGHTS = {
    DisputeCategory.DRIFT: 18,
    DisputeCategory.PERMANENCE: 15,
    DisputeCategory.PLACEMENT: 14,
    DisputeCategory.EDUCATION: 13,
    DisputeCategory.ASSESSMENTS: 9,
    DisputeCategory.DECISIONS_TIMESCALE: 9,
    DisputeCategory.HEALTH: 8,
    DisputeCategory.REVIEW_PREPARATION: 8,
    DisputeCategory.CARE_PLAN: 4,
    DisputeCategory.ANTI_OPPRESSIVE: 2,
}

# --------------------------------------------------------------------------- synthetic text


@dataclass(frozen=True)
class Template:
    """A SMART dispute: the issue, its impact, what must change and by whom ({name} is the
    child's first name), for children aged ``youngest`` to ``oldest``; ``urgent`` says why the
    IRO may go straight to stage 3 when the case is serious or urgent (empty: never)."""

    issue: str
    impact: str
    change: str
    by_whom: str
    youngest: int = 0
    oldest: int = 17
    urgent: str = ""


TEMPLATES: dict[str, tuple[Template, ...]] = {
    DisputeCategory.REVIEW_PREPARATION: (
        Template(
            "The social worker's report for {name}'s review was not shared before the meeting and the care plan "
            "had not been updated since the last review.",
            "The review could not consider an up-to-date plan, so decisions about {name} were put off.",
            "Update the care plan and share the social worker's report at least 3 working days before the "
            "reconvened review.",
            "Social worker",
        ),
        Template(
            "{name} was not consulted before the review: no consultation form, visit or app message was offered.",
            "{name}'s wishes and feelings were not heard at the review of their own plan.",
            "Meet {name} before the reconvened review to hear their views and offer an advocate.",
            "Social worker",
            6,
        ),
    ),
    DisputeCategory.DECISIONS_TIMESCALE: (
        Template(
            "Two decisions of {name}'s last review are overdue: the referral for therapeutic support and the "
            "updated delegated authority agreement.",
            "{name} is waiting for help the review agreed they need, and the carers cannot sign everyday consents.",
            "Make the therapy referral and send the delegated authority agreement to the carers.",
            "Social worker and team manager",
            4,
        ),
        Template(
            "The review decision to arrange monthly family time with {name}'s brothers and sisters has not been "
            "carried out for three months.",
            "{name} has not seen their brothers and sisters since the review and keeps asking why.",
            "Restart monthly sibling family time with a written plan agreed with both placements.",
            "Social worker",
            2,
        ),
    ),
    DisputeCategory.ASSESSMENTS: (
        Template(
            "The parenting assessment of {name}'s mother agreed at the last review has not started.",
            "Whether {name} can return home cannot be decided, and {name} is left not knowing.",
            "Commission the parenting assessment and give the review a completion date.",
            "Team manager",
            0,
            12,
        ),
        Template(
            "The viability assessment of {name}'s aunt as a connected carer is three months late.",
            "A family placement that could be permanent for {name} has not been considered.",
            "Complete the viability assessment and present it to the review.",
            "Social worker",
            0,
            15,
        ),
        Template(
            "{name}'s pathway needs assessment has not been completed although {name} turned 16 months ago.",
            "{name} does not know what support they will have when they leave care.",
            "Complete the needs assessment and the first pathway plan with {name}.",
            "Social worker and personal adviser",
            16,
        ),
    ),
    DisputeCategory.ANTI_OPPRESSIVE: (
        Template(
            "{name}'s care plan does not address their cultural and religious needs, including diet and going to "
            "their place of worship.",
            "{name} feels cut off from their heritage and community.",
            "Add {name}'s identity needs to the care plan and agree with the carers how they will be met.",
            "Social worker",
            5,
        ),
        Template(
            "No interpreter was used when {name}'s plan was explained to them.",
            "{name} did not understand the decisions made about their life.",
            "Book a qualified interpreter for every meeting with {name} and explain the plan again.",
            "Social worker",
            12,
        ),
    ),
    DisputeCategory.DRIFT: (
        Template(
            "{name}'s care plan has not moved forward since the last review: none of the agreed actions has been "
            "completed and the social worker has changed twice.",
            "Drift is leaving {name} uncertain about the future and undermining their trust in professionals.",
            "Allocate a permanent social worker, complete the outstanding actions and send the IRO a progress update.",
            "Team manager",
        ),
        Template(
            "Statutory visits to {name} are overdue: the last visit was more than ten weeks ago.",
            "{name} has no regular contact with their social worker and no one to raise worries with.",
            "Visit {name} this week and then at least every six weeks.",
            "Social worker",
            urgent="No one has visited {name} since safeguarding concerns were raised three weeks ago; the risk "
            "cannot wait for stages 1 and 2.",
        ),
        Template(
            "The plan for {name} to return home to their father has not been progressed for four months.",
            "{name} was told they would be home by the summer and is upset by the delay.",
            "Agree a return home plan with timescales and share it with {name} and their father.",
            "Social worker and team manager",
            3,
            15,
        ),
    ),
    DisputeCategory.PERMANENCE: (
        Template(
            "Family finding has not started for {name} although the plan for adoption was agreed at the second review.",
            "Every month of delay reduces {name}'s chance of a permanent family.",
            "Refer {name} to the regional adoption agency and start family finding.",
            "Social worker and team manager",
            0,
            5,
        ),
        Template(
            "The plan for {name} to stay with their carers long term has not been presented to the fostering panel.",
            "{name} does not know whether they can stay where they are settled.",
            "Present the long-term match to the fostering panel at its next meeting.",
            "Social worker",
            4,
            15,
        ),
        Template(
            "The special guardianship assessment of {name}'s grandparents has drifted past the court timetable.",
            "{name}'s permanence with family is delayed and the court timetable is at risk.",
            "Complete the special guardianship assessment and support plan and file them with the court.",
            "Team manager",
            0,
            12,
        ),
    ),
    DisputeCategory.HEALTH: (
        Template(
            "{name}'s review health assessment is four months overdue.",
            "{name}'s health needs may be going unmet and their immunisations are not up to date.",
            "Book the review health assessment with the looked after children nurse.",
            "Social worker",
        ),
        Template(
            "{name} has waited more than six months for a CAMHS appointment and no interim support has been offered.",
            "{name}'s anxiety is affecting school and putting the placement under strain.",
            "Agree interim emotional support and escalate the CAMHS referral.",
            "Social worker and team manager",
            6,
            urgent="{name} self-harmed last week and is still waiting for CAMHS: the risk to their health is "
            "immediate.",
        ),
    ),
    DisputeCategory.EDUCATION: (
        Template(
            "{name}'s personal education plan (PEP) has not been reviewed this term.",
            "{name}'s learning needs and the use of pupil premium plus are not being planned.",
            "Hold the PEP meeting with the designated teacher and the virtual school.",
            "Social worker and virtual school head",
            4,
        ),
        Template(
            "{name} has been without a school place for five weeks since the placement move.",
            "{name} is missing education and is isolated from other children.",
            "Secure a school place and arrange tuition until {name} starts.",
            "Social worker and virtual school head",
            5,
            15,
            urgent="Every further week out of school harms {name}'s education; the IRO went straight to the "
            "service manager.",
        ),
        Template(
            "The education, health and care needs assessment requested for {name} a year ago is not complete.",
            "{name}'s special educational needs are not being met in class.",
            "Complete the needs assessment and agree the support in the plan.",
            "Virtual school head",
            4,
        ),
    ),
    DisputeCategory.PLACEMENT: (
        Template(
            "{name} was moved to a placement 40 miles away without the planning meeting the review asked for.",
            "{name} has lost their school and friends and sees their family less.",
            "Hold a placement stability meeting and set out the plan to bring {name} closer to home.",
            "Team manager",
        ),
        Template(
            "Concerns about the standard of care in {name}'s placement (missed appointments, no bedroom of their "
            "own) have not been addressed.",
            "{name} says they do not feel at home in the placement.",
            "Hold a placement support meeting with the supervising social worker and agree the improvements.",
            "Social worker and supervising social worker",
            2,
        ),
        Template(
            "A move for {name} to supported accommodation is planned before the review has endorsed it.",
            "{name} could lose a stable home before they are ready to live more independently.",
            "Hold a review before any move and complete a readiness assessment with {name}.",
            "Social worker",
            16,
            urgent="The move is planned for next week: waiting for stages 1 and 2 would let it happen before the "
            "review.",
        ),
        Template(
            "{name}'s placement ends in seven days and no alternative placement or planning meeting has been arranged.",
            "{name} faces an unplanned move, possibly out of the county and away from school and friends.",
            "Hold a placement planning meeting this week and find a placement within reach of {name}'s school.",
            "Service manager",
            urgent="The placement ends in seven days: this cannot wait for stages 1 and 2.",
        ),
    ),
    DisputeCategory.CARE_PLAN: (
        Template(
            "The care plan presented at {name}'s review does not reflect the court's final order.",
            "The plan the IRO is asked to endorse is not the plan being followed for {name}.",
            "Update the care plan to match the final order and resubmit it for endorsement.",
            "Social worker",
        ),
    ),
}

#: The answer when it settles the matter ({whom} the role raised with, {change} what must change
#: with a lower-case first letter, {by} the date it is needed by).
AGREED = {
    ResponseKind.NONE: (
        "Discussed with the {whom} by phone: agreed to {change} by {by}.",
        "Spoke to the {whom} after the review: the action is now allocated and will be done by {by}.",
        "Discussed in person at the team office: the {whom} accepted the concern and will {change}",
    ),
    ResponseKind.WRITTEN: (
        "Written response from the {whom}: agreed; they will {change} by {by}.",
        "The {whom} accepted the concern, apologised for the delay and confirmed the work is booked for {by}.",
        "The {whom} confirmed the action is allocated and sent the IRO the plan to {change}",
    ),
}
#: The answer when it does not, so the IRO escalates.
NOT_AGREED = {
    ResponseKind.NONE: (
        "Discussed with the {whom}: no date could be agreed, so the IRO is raising it formally.",
        "The {whom} said the team has no capacity to do this for several weeks; not acceptable for {name}.",
    ),
    ResponseKind.WRITTEN: (
        "The {whom} replied that the request cannot be met at present because of pressure in the team; no date "
        "was given.",
        "The {whom} does not agree the change is needed now. The IRO disagrees and escalates.",
        "The {whom} agreed in principle but could not commit a date or the resources.",
    ),
}
MINUTES_AGREED = (
    "The IRO set out the concern and its impact on {name}. The {whom} (chair) agreed that the service will "
    "{change} by {by}. The IRO is satisfied that this resolves the dispute; the service manager will confirm "
    "in writing.",
    "The meeting heard the IRO and the social work team. The {whom} (chair) directed the team to {change} and "
    "asked for weekly updates to the IRO until it is done.",
)
MINUTES_NOT_AGREED = (
    "The IRO set out the concern and its impact on {name}. The {whom} (chair) accepted the delay but could not "
    "commit the resources asked for. No agreement: the IRO will take it to {next}.",
    "The meeting heard the service's position that the current plan is sufficient. The IRO does not agree and "
    "will take it to {next}.",
)
RESOLVED_NOTES = (
    'Resolved: the agreed action ("{change}") was completed and the IRO checked the record.',
    "The {whom} confirmed in writing that the agreed action was completed; the IRO checked with {name} and the "
    "carers and is satisfied.",
    "Completed by the date agreed; resolved to the IRO's satisfaction.",
)
WITHDRAWN_REASONS = (
    "Withdrawn: the care plan changed at {name}'s review, so the issue no longer arises.",
    "Withdrawn: the court directed a new assessment and the question will be decided in the proceedings.",
    "Withdrawn: the IRO found the action had been completed and recorded before the dispute was raised.",
    "Withdrawn: overtaken by a new plan agreed with {name} and the carers at a placement stability meeting.",
)

CAFCASS_EVIDENCE = (
    "Every stage up to the chief executive was tried: raised with the social worker on {s1}, the team manager "
    "on {s2} and the service manager on {s3}; minuted meetings chaired by the head of service on {m4}, the "
    "director of children's services on {m5} and the chief executive on {m6}. Each agreed the plan for "
    "permanence was needed but none set a date, and {days} working days have passed since the dispute was "
    "raised.",
    "{name} has waited more than a year in a placement everyone agrees is temporary, with no decision on "
    "permanence and family time with their siblings stopped. The continuing delay breaches {name}'s right to "
    "respect for family life (Article 8) and harms their emotional wellbeing, which the CAMHS letter on file "
    "describes.",
    "{name} is {age} and not of sufficient understanding to bring proceedings. Their mother does not engage "
    "with the plan and their father's whereabouts are unknown; the children's guardian was discharged when the "
    "care order was made. No other suitable adult is able and willing to act for {name}.",
)
CAFCASS_OUTCOME_NOTE = (
    "CAFCASS Legal wrote to the director of children's services. The local authority agreed a permanence plan "
    "with dates and a family finding budget; CAFCASS closed its file without proceedings."
)

# --------------------------------------------------------------------------- synthetic people

SOCIAL_WORKERS = (
    "Lucy Draftwell",
    "Tom Pretendon",
    "Sara Modelly",
    "Chris Instanceby",
    "Nadia Proxley",
    "Ben Surrogate",
    "Aisha Versionly",
    "Owen Likeness",
)
TEAM_MANAGERS = ("Karen Pilotson", "Imran Prototype", "Jess Mockett")
SERVICE_MANAGERS = ("Paul Stubbington", "Rachel Dummerton")
#: The senior officers of Demoshire County Council, by stage.
SENIORS = {4: "Claire Illustro", 5: "Mark Templeton", 6: "Fiona Placeholder"}
MANAGER_NAME = "Helen Trialsworth"
MINUTE_TAKER = "Business support officer (minutes)"
