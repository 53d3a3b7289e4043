"""The people around each child in the demo: social worker and their team manager, carer or
placement, parents, school and designated teacher, advocate and health contact, so invitations
and the distribution list have someone to go to.

Every detail is synthetic and cannot reach anyone: email addresses are at ``example.org``
(reserved by RFC 2606), phone numbers are from Ofcom's range for drama (07700 900000 to 900999)
and addresses are in the invented county. Written in bulk with their history rows, like the rest
of the demo's records.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from simple_history.utils import bulk_create_with_history

from children.codes import ContactRole
from children.models import Child, Contact

from .names import BOYS, GIRLS, SURNAMES
from .placements import FOSTER

#: Social work teams of the demo authority, each with its team manager.
SOCIAL_WORK_TEAMS = ("Children in Care North", "Children in Care South", "Leaving Care", "Disabled Children")
SCHOOLS = ("Demoshire Academy", "Brackley Primary School", "St Anne's CE Primary", "Ashford High School")
STREETS = ("Mill Lane", "Church Street", "Station Road", "Orchard Close", "Victoria Terrace", "Park View")
TOWNS = ("Demotown", "Brackley", "Ashford Vale", "Lower Hembury")


@dataclass(frozen=True)
class _Person:
    name: str
    email: str
    phone: str


def _person(rng: random.Random, *, female: bool | None = None) -> _Person:
    female = rng.random() < 0.5 if female is None else female
    first = rng.choice(GIRLS if female else BOYS)
    last = rng.choice(SURNAMES)
    return _Person(
        name=f"{first} {last}",
        email=f"{first}.{last}@example.org".lower(),
        phone=f"07700 900{rng.randrange(1000):03d}",
    )


def _address(rng: random.Random) -> str:
    return f"{rng.randrange(1, 120)} {rng.choice(STREETS)}\n{rng.choice(TOWNS)}\nDemoshire"


def build_contacts(*, rng: random.Random, today: date, by) -> int:
    """Contacts for every child looked after today; returns how many were written."""
    teams = {team: (_person(rng), [_person(rng) for _ in range(6)]) for team in SOCIAL_WORK_TEAMS}
    rows: list[Contact] = []
    children = Child.objects.for_list().filter(episodes__ended_on__isnull=True).distinct().order_by("pk")
    for child in children:
        if child.current_episode is not None:
            rows.extend(_child_contacts(rng, child, teams=teams, today=today, by=by))
    bulk_create_with_history(rows, Contact, batch_size=500, default_user=by)
    return len(rows)


def _child_contacts(rng: random.Random, child: Child, *, teams: dict, today: date, by) -> list[Contact]:
    episode = child.current_episode
    assert episode is not None  # noqa: S101 (the caller passes children in care)
    since = episode.started_on
    age = child.age_on(today)
    team = SOCIAL_WORK_TEAMS[2] if age >= 16 else SOCIAL_WORK_TEAMS[child.pk % 2]
    manager, workers = teams[team]
    rows: list[Contact] = []

    def add(role: str, person: _Person, *, started_on: date = since, **fields) -> None:
        rows.append(
            Contact(
                child=child,
                role=role,
                name=person.name,
                email=person.email,
                phone=person.phone,
                started_on=started_on,
                created_by=by,
                **fields,
            )
        )

    org = f"Demoshire Children's Services, {team} team"
    if rng.random() < 0.3 and (today - since).days > 180:
        # A change of social worker part-way through care: the first one is kept, ended.
        changed = since + timedelta(days=rng.randrange(90, (today - since).days - 30))
        add(ContactRole.SOCIAL_WORKER, rng.choice(workers), organisation=org, ended_on=changed)
        add(ContactRole.SOCIAL_WORKER, rng.choice(workers), organisation=org, started_on=changed)
    else:
        add(ContactRole.SOCIAL_WORKER, rng.choice(workers), organisation=org)
    add(ContactRole.TEAM_MANAGER, manager, organisation=org)
    if episode.placement_type in FOSTER:
        add(ContactRole.CARER, _person(rng, female=True), address=_address(rng), notes="Foster carer")
    else:
        add(ContactRole.PLACEMENT, _person(rng), organisation="Placement provider", address=_address(rng))
    if not child.is_uasc:
        add(ContactRole.MOTHER, _person(rng, female=True), has_parental_responsibility=True, address=_address(rng))
        if rng.random() < 0.6:
            add(ContactRole.FATHER, _person(rng, female=False), has_parental_responsibility=rng.random() < 0.7)
    if 4 <= age < 16:
        add(ContactRole.DESIGNATED_TEACHER, _person(rng), organisation=rng.choice(SCHOOLS))
    if rng.random() < 0.3:
        add(ContactRole.ADVOCATE, _person(rng), organisation="Demoshire Advocacy Service")
    add(ContactRole.HEALTH, _person(rng, female=True), organisation="Looked-after children's health team")
    return rows
