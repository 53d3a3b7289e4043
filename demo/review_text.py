"""What the demo's reviews say: venues, wishes and feelings, discussions, actions, notes and
reasons (all invented, with {name} for the child's first name)."""

from __future__ import annotations

from children.codes import SignificantChangeCategory
from reviews.codes import (
    ActionStatus,
)

# --------------------------------------------------------------------------- synthetic text

VIDEO_CALL = "Video call (Microsoft Teams)"
OFFICE_VENUES = ("Demoshire County Hall, meeting room 2", "Northgate Family Centre", "Southfield Children's Centre")
HOME_VENUES = {
    "U": "Foster carers' home",
    "A": "Adopters' home",
    "P": "Family home",
    "K1": "Secure children's home",
    "K2": "Children's home",
    "K3": "Supported accommodation",
    "H5": "Supported accommodation",
    "R": "Residential unit",
    "S": "Residential school",
}

#: What the child said (to the IRO before or at the review), then how views not given in person came.
WISHES = (
    "{name} told me they are happy where they live and want to stay there. {name} would like to see their "
    "brothers and sisters more often.",
    "{name} said school is going well and their favourite lesson is art. {name} wants to keep seeing their "
    "mum every fortnight.",
    "{name} told me they are worried about moving school and want to stay with their friends.",
    "{name} said they would like to go to football club again and to have their phone back at weekends.",
    "{name} was quiet at first but said they are settled and do not want anything to change for now.",
    "{name} said they feel listened to by their social worker and want to keep the same one.",
)
WISHES_SENT = (
    "{name} shared their views through the Mind of My Own app: they feel safe, like their carers and want "
    "more pocket money.",
    "{name} wrote a letter for the review: they want to know more about their family and why they came into care.",
    "{name} asked their carer to pass on that they are happy at home and at school and want more time with friends.",
    "{name} did not want to come to the meeting but talked to me on a video call beforehand: they want to stay "
    "where they are.",
)
WISHES_ADVOCATE = ("{name}'s advocate told the review that {name} wants more say in family time and to stay put.",)
WISHES_NOT_GIVEN = (
    "{name} chose not to take part or share views this time. I will visit {name} to hear their views before "
    "the next review.",
)
WISHES_OLDER = (
    "{name} wants to stay in Demoshire for college and to start learning to drive.",
    "{name} told me they want more say in their pathway plan and to know where they will live at 18.",
    "{name} said they want to stay put with their carers after 18 and to get a part-time job.",
)
WISHES_UNDER_4 = (
    "{name} is too young to give views in words. Carers report that {name} is settled, eating and sleeping "
    "well, and enjoys family time.",
    "Observed during my visit: {name} was playful and relaxed with the carers and went to them for comfort.",
    "{name}'s nursery key worker says {name} is making friends and their speech is coming on well.",
    "{name} is meeting developmental milestones; the carers describe a happy, curious child.",
)
DISCUSSIONS = (
    "The care plan was reviewed. The placement is stable and meeting {name}'s needs; health and education "
    "plans are up to date. The plan for permanence was discussed and endorsed.",
    "Everyone agreed {name} is making good progress. Family time is going well and will continue as planned. "
    "The social worker updated the review on the court timetable.",
    "The review considered {name}'s school attendance, which has improved this term, and the support from "
    "the virtual school. No change to the care plan.",
    "The review heard the carers' concerns about {name}'s sleep and agreed a referral for support. The care "
    "plan was otherwise endorsed.",
)
OTHERS_PRESENT = (
    "Designated teacher (school)",
    "Supervising social worker (fostering)",
    "Looked after children nurse",
    "Personal adviser (leaving care)",
    "Key worker (children's home)",
)

#: (description, owner, youngest, oldest); {name} is the child's first name, {carer} their carer.
ACTIONS = (
    ("Complete {name}'s health assessment and share the advice with {carer}", "Looked after children nurse", 0, 17),
    ("Update the care plan with today's decisions and send it to everyone invited", "Social worker", 0, 17),
    ("Review family time with {name}'s parents and confirm the arrangements in writing", "Social worker", 0, 17),
    ("Check progress on the permanence plan at the midway review", "IRO", 0, 17),
    ("Send the updated delegated authority agreement to {carer}", "Social worker", 0, 17),
    ("Arrange a dental check-up for {name}", "{carer_owner}", 1, 17),
    ("Complete the next part of {name}'s life story work", "Social worker", 2, 15),
    ("Complete the developmental review with the health visitor", "Health visitor", 0, 4),
    ("Arrange a funded nursery place for {name}", "Social worker", 2, 4),
    ("Hold the personal education plan (PEP) meeting and set new targets", "Virtual school head", 3, 17),
    ("Agree how pupil premium plus will fund tutoring in maths and English", "Virtual school head", 5, 16),
    ("Support {name} to join an after-school club of their choice", "{carer_owner}", 5, 15),
    ("Complete the Strengths and Difficulties Questionnaire and share the score", "{carer_owner}", 4, 16),
    ("Refer {name} to CAMHS for an assessment of their emotional wellbeing", "Social worker", 5, 17),
    ("Offer {name} an advocate and an independent visitor", "Social worker", 6, 17),
    ("Apply for {name}'s passport so the summer holiday can go ahead", "Social worker", 3, 17),
    ("Start {name}'s pathway plan with their personal adviser", "Personal adviser", 15, 17),
    ("Help {name} open a bank account and plan a weekly budget", "Personal adviser", 15, 17),
)
UASC_ACTIONS = (
    ("Check that {name}'s solicitor has sent the asylum statement to the Home Office", "Social worker", 0, 17),
    ("Arrange English (ESOL) classes at college for {name}", "Virtual school head", 14, 17),
)
ACTION_CLOSED_WEIGHTS = {ActionStatus.DONE: 88, ActionStatus.NOT_DONE: 6, ActionStatus.NO_LONGER_NEEDED: 6}
ACTION_LATEST_WEIGHTS = {
    ActionStatus.DONE: 83,
    ActionStatus.OPEN: 5,
    ActionStatus.NOT_DONE: 6,
    ActionStatus.NO_LONGER_NEEDED: 6,
}
PROGRESS_NOTES = {
    ActionStatus.OPEN: (
        "In hand; the social worker expects it done before the review.",
        "Delayed by staff sickness; a new date has been agreed.",
        "Started; waiting for a reply from the service.",
    ),
    ActionStatus.DONE: ("Done and confirmed by the carer.", "Completed; copy on file."),
    ActionStatus.NOT_DONE: ("Not done: to be raised with the team manager.",),
    ActionStatus.NO_LONGER_NEEDED: ("No longer needed after the change of plan.",),
}
VISIT_NOTES = (
    "Visited {name} at home before the review to hear their views and explain how the meeting will work.",
    "Saw {name} after school; we talked about what they want to say at the review.",
    "Met {name} at the placement. {name} showed me their room and talked about their friends.",
    "Video call with {name} to prepare for the review and agree who they want to invite.",
)
MIDWAY_NOTES = (
    "Midway check with the social worker: the plan is on track.",
    "Midway review: most actions progressing; one chased with the team manager.",
    "Spoke to the social worker and the carer: the placement is stable and the actions are in hand.",
)
CASE_NOTES = (
    "Spoke to the social worker about the delay in the health assessment; a new date has been booked.",
    "Read the latest placement report: {name} is settled and attending school every day.",
    "Discussed the court timetable with the social worker and the local authority solicitor.",
    "Phone call from the carer about family time arrangements; passed to the social worker.",
    "Checked the care plan on the system after the review: it reflects the decisions made.",
)
POSTPONE_REASONS = (
    "{name} was unwell; the IRO agreed a new date still within timescale.",
    "The social worker was on leave; the IRO agreed to move the review so they can attend.",
    "The carers asked to move the review so that {name} does not miss a school trip.",
)
BRING_FORWARD_REASONS = (
    "Brought forward after a significant change: the placement may end.",
    "Brought forward so the care plan can be reviewed before the court hearing.",
)
CANCEL_LEFT_CARE = "{name} is no longer looked after (care ended on {end:%-d %B %Y}), so no review is needed."
CANCEL_REBOOKED = "Cancelled because {name}'s placement moved that week; the review was re-booked within timescale."

CHANGE_DESCRIPTIONS = {
    SignificantChangeCategory.PLACEMENT_CHANGE_REQUEST: "The carers have asked for {name} to move; a disruption "
    "meeting is being arranged.",
    SignificantChangeCategory.UNEXPECTED_MOVE: "{name} moved in an emergency after the placement broke down.",
    SignificantChangeCategory.SOCIAL_WORKER: "{name}'s social worker has left; a new social worker is allocated.",
    SignificantChangeCategory.COURT: "The court made a final order at today's hearing.",
    SignificantChangeCategory.MEDICAL: "{name} was admitted to hospital; a diagnosis is awaited.",
    SignificantChangeCategory.FAMILY_CHANGE: "{name}'s mother has had a baby.",
    SignificantChangeCategory.COMPLAINT: "{name}'s father has made a complaint about family time arrangements.",
    SignificantChangeCategory.PANEL_OUTCOME: "The fostering panel approved the carers as long-term carers for {name}.",
    SignificantChangeCategory.MISSING: "{name} was missing from the placement for four days and has been found safe.",
    SignificantChangeCategory.EXCLUSION: "{name} has been excluded from school for six days.",
    SignificantChangeCategory.OFFENDING: "{name} was arrested and released on bail.",
}
#: (category, youngest age) with weights.
CHANGE_WEIGHTS = {
    (SignificantChangeCategory.PLACEMENT_CHANGE_REQUEST, 0): 3,
    (SignificantChangeCategory.UNEXPECTED_MOVE, 0): 2,
    (SignificantChangeCategory.SOCIAL_WORKER, 0): 3,
    (SignificantChangeCategory.COURT, 0): 2,
    (SignificantChangeCategory.MEDICAL, 0): 1,
    (SignificantChangeCategory.FAMILY_CHANGE, 0): 1,
    (SignificantChangeCategory.COMPLAINT, 0): 1,
    (SignificantChangeCategory.PANEL_OUTCOME, 0): 1,
    (SignificantChangeCategory.MISSING, 11): 2,
    (SignificantChangeCategory.EXCLUSION, 8): 1,
    (SignificantChangeCategory.OFFENDING, 12): 1,
}
CHANGE_RESPONSES = (
    "Noted. I have spoken to the social worker and will check the plan at the midway review.",
    "Thank you. I will visit {name} this week and consider bringing the review forward.",
    "Noted; no change to the review date needed.",
)
