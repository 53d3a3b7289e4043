"""The demo's staff: their accounts, teams and IRO profiles, and the published demo password."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from children.models import Child, IROProfile, Team
from iro_service import role_grants, roles

User = get_user_model()


#: Every demo account signs in with this password. It is published: never use it on real data.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (a published demo password, not a secret)


# --------------------------------------------------------------------------- staff


@dataclass(frozen=True)
class StaffMember:
    username: str
    first_name: str
    last_name: str
    role: str
    fte: Decimal | None = None
    team: str = ""
    is_staff: bool = False


NORTH_TEAM = "Demoshire North IRO team"
SOUTH_TEAM = "Demoshire South IRO team"

STAFF: tuple[StaffMember, ...] = (
    StaffMember("iro1", "Ruth", "Sampleton", roles.IRO, Decimal("1.00"), NORTH_TEAM),
    StaffMember("iro2", "Daniel", "Exampleby", roles.IRO, Decimal("1.00"), NORTH_TEAM),
    StaffMember("iro3", "Amira", "Testwood", roles.IRO, Decimal("1.00"), NORTH_TEAM),
    StaffMember("iro4", "Grace", "Demoford", roles.IRO, Decimal("1.00"), SOUTH_TEAM),
    StaffMember("iro5", "Kwame", "Mockridge", roles.IRO, Decimal("0.60"), SOUTH_TEAM),
    StaffMember("manager", "Helen", "Trialsworth", roles.IRO_MANAGER),
    StaffMember("cpchair", "Nadia", "Pilotbury", roles.CP_CHAIR),
    StaffMember("committee", "Margaret", "Specimen", roles.COMMITTEE),
    StaffMember("admin", "Sam", "Fixture", roles.ADMINISTRATOR, is_staff=True),
)
IRO_STAFF = tuple(s for s in STAFF if s.role == roles.IRO)
MANAGER_USERNAME = "manager"
#: Chairs child protection conferences only (docs/rules.md#child-protection).
CP_CHAIR_USERNAME = "cpchair"

#: The cover in place today: iro2 holds iro4's caseload while iro4 is on leave.
COVER_ABSENT, COVER_COVERING = "iro4", "iro2"


def demo_data_present() -> bool:
    return User.objects.filter(username__in=[s.username for s in STAFF]).exists() or Child.objects.exists()


def create_staff() -> dict[str, object]:
    """The demo accounts, teams and IRO profiles. Accounts and profiles are written directly; each
    role is given through the server operator's path (``role_grants.role_grant_bootstrap``), as
    ``manage.py grant_role`` would, so the demo's roles are in the audit trail too."""
    roles.ensure_roles()
    password = make_password(DEMO_PASSWORD)  # one hash for all: the password is published anyway
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in (NORTH_TEAM, SOUTH_TEAM)}
    users = {}
    for member in STAFF:
        user = User.objects.create(
            username=member.username,
            first_name=member.first_name,
            last_name=member.last_name,
            email=f"{member.username}@demoshire.example",
            password=password,
            is_staff=member.is_staff,
            is_superuser=False,
        )
        role_grants.role_grant_bootstrap(user=user, role=member.role, reason="Demo account (seed_demo)")
        if member.fte is not None:
            IROProfile.objects.create(user=user, fte=member.fte, team=teams[member.team])
        users[member.username] = user
    return users
