"""factory_boy factories for the test suite. Children are built in care by default:
one open episode (reason S) and one open IRO allocation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from children import codes
from children.models import CareEpisode, Child, Contact, CoverArrangement, IROAllocation, IROProfile, Team
from iro_service import roles

User = get_user_model()
PASSWORD = "a-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        # A fixture is someone who already holds the role: the membership is written to the
        # join table directly, as the role services do, so it is not reported by the audit
        # receiver for changes made outside them (iro_service.permission_audit.audit_permission_change).
        if create and extracted:
            User.groups.through.objects.create(user=self, group=Group.objects.get(name=extracted))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = "North team"


def make_iro(*, fte: str | Decimal = "1.00", team: Team | None = None, **kwargs):
    user = UserFactory(role=roles.IRO, **kwargs)
    IROProfile.objects.create(user=user, fte=Decimal(str(fte)), team=team)
    return user


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    local_reference = factory.Sequence(lambda n: f"T{n:05d}")
    first_name = factory.Sequence(lambda n: f"Child{n}")
    last_name = "Test"
    date_of_birth = dt.date(2012, 5, 17)
    sex = codes.Sex.MALE
    ethnicity = codes.Ethnicity.WBRI


class ContactFactory(factory.django.DjangoModelFactory):
    """A person around the child, current since 2024: by default their social worker."""

    class Meta:
        model = Contact

    child = factory.SubFactory(ChildFactory)
    role = codes.ContactRole.SOCIAL_WORKER
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.test")
    started_on = dt.date(2024, 1, 1)
    created_by = factory.SubFactory(UserFactory)


def make_child_in_care(
    *,
    iro,
    looked_after_on: dt.date = dt.date(2024, 6, 3),
    legal_status: str = "C2",
    placement_type: str = "U4",
    **child_fields,
) -> Child:
    child = ChildFactory(**child_fields)
    make_care_episode(child, started_on=looked_after_on, legal_status=legal_status, placement_type=placement_type)
    IROAllocation.objects.create(child=child, iro=iro, started_on=looked_after_on)
    return child


def care_episode(
    child: Child,
    *,
    started_on: dt.date,
    reason_new_episode: str = "S",
    legal_status: str = "C2",
    placement_type: str = "U4",
    placement_provider: str = "PR1",
    **fields,
) -> CareEpisode:
    """An unsaved period of care: by default a new one (S) under a care order (C2) in foster care (U4)."""
    return CareEpisode(
        child=child,
        started_on=started_on,
        reason_new_episode=reason_new_episode,
        legal_status=legal_status,
        placement_type=placement_type,
        placement_provider=placement_provider,
        **fields,
    )


def make_care_episode(child: Child, *, started_on: dt.date, **fields) -> CareEpisode:
    """``care_episode``, saved."""
    episode = care_episode(child, started_on=started_on, **fields)
    episode.save(force_insert=True)
    return episode


def care_facts(**overrides: str) -> dict[str, str]:
    """The facts a period of care starts with (``children.services.CareFacts``): by default a care
    order (C2) in foster care (U4) with a private provider (PR1), for abuse or neglect (N1)."""
    return {
        "legal_status": "C2",
        "placement_type": "U4",
        "placement_provider": "PR1",
        "category_of_need": "N1",
        **overrides,
    }


def create_child(*, by, iro, today: dt.date, **fields) -> Child:
    """A child added through ``children.services.child_create``, as a manager adds one. ``fields``
    give the reference, names, date of birth and the day the child became looked after, and may
    override the plain answers: a White British girl in care on ``care_facts()``."""
    from children import services

    answers = {"sex": "F", "ethnicity": "WBRI", **care_facts()}
    return services.child_create(by=by, iro=iro, today=today, **(answers | fields))


def make_cover(*, absent_iro, covering_iro, starts_on: dt.date, ends_on: dt.date | None = None, by=None):
    return CoverArrangement.objects.create(
        absent_iro=absent_iro,
        covering_iro=covering_iro,
        starts_on=starts_on,
        ends_on=ends_on,
        reason="Annual leave",
        arranged_by=by or covering_iro,
    )
