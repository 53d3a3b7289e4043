"""Issue 11, items 4 and 5 on the episode side (docs/rules.md#review-timescales).

A person stops being looked after on their 18th birthday: nobody starts to be looked after on
or after it (DfE rule 352), no change is recorded on or after it and care ends on it at the
latest. A child whose episode ends and who starts again the same day is in continuous care:
a new period (reason S) that day is refused (DfE rule 431); the next day is a new period.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from children import services
from children.ages import age_on, eighteenth_birthday
from children.models import CareEpisode, Child, IROAllocation
from iro_service.models import AuditEvent
from tests.factories import care_facts, create_child, make_child_in_care

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
#: Sam turns 18 on 4 May 2025.
SAM_BORN = dt.date(2007, 5, 4)
SAM_18 = dt.date(2025, 5, 4)
#: Born on 29 February 2008: 18 on 1 March 2026 (2026 is a common year).
LEAP_BORN = dt.date(2008, 2, 29)


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


@pytest.mark.parametrize(
    ("born", "eighteen"),
    [
        (dt.date(2007, 5, 4), dt.date(2025, 5, 4)),
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1)),  # a common year: 1 March
        (dt.date(2000, 2, 29), dt.date(2018, 3, 1)),
        (dt.date(2008, 3, 1), dt.date(2026, 3, 1)),
        (dt.date(2008, 2, 28), dt.date(2026, 2, 28)),
        (dt.date(2007, 12, 31), dt.date(2025, 12, 31)),
        (dt.date(2008, 1, 1), dt.date(2026, 1, 1)),
    ],
)
def test_eighteenth_birthday_is_the_day_age_on_first_counts_18(born, eighteen):
    assert eighteenth_birthday(born) == eighteen
    assert age_on(born, eighteen) == 18
    assert age_on(born, eighteen - dt.timedelta(days=1)) == 17


def _left_care(manager, iro, *, born=SAM_BORN, ended_on=dt.date(2025, 1, 10), looked_after_on=dt.date(2023, 4, 3)):
    child = make_child_in_care(iro=iro, first_name="Sam", date_of_birth=born, looked_after_on=looked_after_on)
    services.care_period_end(child=child, by=manager, ended_on=ended_on, reason_ceased="E4A", today=TODAY)
    return child


def _start(child, manager, iro, started_on):
    return services.care_period_start(
        child=child, by=manager, started_on=started_on, iro=iro, today=TODAY, **care_facts(legal_status="V2")
    )


# --------------------------------------------------------------------------- turning 18: starting care


@pytest.mark.parametrize("started_on", [SAM_18, dt.date(2025, 6, 2)])
def test_return_to_care_on_or_after_the_18th_birthday_is_refused_on_the_start_date(manager, iro, other_iro, started_on):
    child = _left_care(manager, iro)
    episodes, allocations, events = (
        CareEpisode.objects.count(),
        IROAllocation.objects.count(),
        AuditEvent.objects.count(),
    )

    with pytest.raises(ValidationError) as excinfo:
        _start(child, manager, other_iro, started_on)

    assert errors_of(excinfo) == {
        "started_on": [
            "Sam turned 18 on 4 May 2025, so cannot start to be looked after on or after that date "
            "(a person stops being looked after at 18)."
        ]
    }
    assert (CareEpisode.objects.count(), IROAllocation.objects.count(), AuditEvent.objects.count()) == (
        episodes,
        allocations,
        events,
    )


def test_return_to_care_the_day_before_the_18th_birthday_starts_a_new_period(manager, iro, other_iro):
    child = _left_care(manager, iro)

    episode = _start(child, manager, other_iro, dt.date(2025, 5, 3))

    assert (episode.started_on, episode.reason_new_episode, episode.ended_on) == (dt.date(2025, 5, 3), "S", None)
    assert Child.objects.with_looked_after_since().get(pk=child.pk).looked_after_since == dt.date(2025, 5, 3)


def test_a_child_born_on_29_february_is_18_on_1_march_in_a_common_year(manager, iro, other_iro):
    child = _left_care(manager, iro, born=LEAP_BORN, ended_on=dt.date(2025, 12, 1))

    with pytest.raises(ValidationError, match="turned 18 on 1 March 2026"):
        _start(child, manager, other_iro, dt.date(2026, 3, 1))
    assert _start(child, manager, other_iro, dt.date(2026, 2, 28)).started_on == dt.date(2026, 2, 28)


def new_child(manager, iro, **overrides):
    fields = {
        "local_reference": "SAM001",
        "first_name": "Sam",
        "last_name": "Okafor",
        "date_of_birth": SAM_BORN,
        "sex": "M",
        "looked_after_on": SAM_18,
    }
    return create_child(by=manager, iro=iro, today=TODAY, **(fields | overrides))


def test_adding_a_child_who_is_18_on_the_start_date_is_refused_on_that_field_and_writes_nothing(manager, iro):
    with pytest.raises(ValidationError) as excinfo:
        new_child(manager, iro)

    assert list(errors_of(excinfo)) == ["looked_after_on"]
    assert "Sam turned 18 on 4 May 2025, so cannot start to be looked after" in errors_of(excinfo)["looked_after_on"][0]
    assert not Child.objects.exists()
    assert not CareEpisode.objects.exists()
    assert not AuditEvent.objects.exists()


def test_adding_a_child_who_becomes_looked_after_the_day_before_18_is_allowed(manager, iro):
    child = new_child(manager, iro, looked_after_on=dt.date(2025, 5, 3))

    assert CareEpisode.objects.get(child=child).started_on == dt.date(2025, 5, 3)


def test_adding_a_child_looked_after_before_birth_names_the_start_date_field(manager, iro):
    with pytest.raises(ValidationError) as excinfo:
        new_child(manager, iro, date_of_birth=dt.date(2026, 5, 1), looked_after_on=dt.date(2026, 4, 1))

    assert errors_of(excinfo) == {
        "looked_after_on": ["The child cannot become looked after before their date of birth."]
    }


# --------------------------------------------------------------------------- turning 18: changes and the end


def _change(child, manager, changed_on):
    return services.episode_change(
        child=child,
        by=manager,
        changed_on=changed_on,
        reason_new_episode="P",
        today=TODAY,
        **care_facts(placement_type="U6"),
    )


def test_a_change_of_placement_on_the_18th_birthday_is_refused(manager, iro):
    child = make_child_in_care(iro=iro, first_name="Sam", date_of_birth=SAM_BORN, looked_after_on=dt.date(2023, 4, 3))

    with pytest.raises(ValidationError) as excinfo:
        _change(child, manager, SAM_18)

    assert list(errors_of(excinfo)) == ["changed_on"]
    assert "Sam turned 18 on 4 May 2025" in errors_of(excinfo)["changed_on"][0]
    assert "Record that Sam left care instead, on 4 May 2025 at the latest." in errors_of(excinfo)["changed_on"][0]
    assert CareEpisode.objects.get(child=child).ended_on is None


def test_a_change_of_placement_the_day_before_the_18th_birthday_is_recorded(manager, iro):
    child = make_child_in_care(iro=iro, first_name="Sam", date_of_birth=SAM_BORN, looked_after_on=dt.date(2023, 4, 3))

    episode = _change(child, manager, dt.date(2025, 5, 3))

    assert (episode.started_on, episode.reason_new_episode) == (dt.date(2025, 5, 3), "P")


def test_care_ending_after_the_18th_birthday_is_refused_and_on_it_is_allowed(manager, iro):
    child = make_child_in_care(iro=iro, first_name="Sam", date_of_birth=SAM_BORN, looked_after_on=dt.date(2023, 4, 3))

    with pytest.raises(ValidationError) as excinfo:
        services.care_period_end(
            child=child, by=manager, ended_on=dt.date(2025, 5, 5), reason_ceased="E17", today=TODAY
        )
    assert errors_of(excinfo) == {
        "ended_on": [
            "Sam turned 18 on 4 May 2025, and care ends on the 18th birthday at the latest: "
            "enter 4 May 2025 or an earlier date."
        ]
    }
    assert CareEpisode.objects.get(child=child).ended_on is None

    services.care_period_end(child=child, by=manager, ended_on=SAM_18, reason_ceased="E17", today=TODAY)
    assert CareEpisode.objects.get(child=child).ended_on == SAM_18
    assert IROAllocation.objects.get(child=child).ended_on == SAM_18


# --------------------------------------------------------------------------- same-day return


def test_a_new_period_on_the_day_the_last_episode_ended_is_refused_as_continuous_care(manager, iro, other_iro):
    child = make_child_in_care(iro=iro, first_name="Mia", looked_after_on=dt.date(2023, 4, 3))
    services.care_period_end(child=child, by=manager, ended_on=dt.date(2025, 2, 1), reason_ceased="E4A", today=TODAY)
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        _start(child, manager, other_iro, dt.date(2025, 2, 1))

    message = errors_of(excinfo)["started_on"][0]
    assert list(errors_of(excinfo)) == ["started_on"]
    assert "ended on 1 February 2025" in message
    assert "continuous care, not a new period of care (DfE rule 431)" in message
    assert "record a change of placement or legal status instead" in message
    assert CareEpisode.objects.filter(child=child).count() == 1
    assert not IROAllocation.objects.filter(child=child, ended_on__isnull=True).exists()
    assert AuditEvent.objects.count() == events


def test_a_new_period_the_day_after_the_last_episode_ended_starts_again(manager, iro, other_iro):
    child = make_child_in_care(iro=iro, first_name="Mia", looked_after_on=dt.date(2023, 4, 3))
    services.care_period_end(child=child, by=manager, ended_on=dt.date(2025, 2, 1), reason_ceased="E4A", today=TODAY)

    episode = _start(child, manager, other_iro, dt.date(2025, 2, 2))

    assert (episode.started_on, episode.reason_new_episode) == (dt.date(2025, 2, 2), "S")
    assert Child.objects.with_looked_after_since().get(pk=child.pk).looked_after_since == dt.date(2025, 2, 2)


def test_a_child_who_left_care_and_returns_months_later_starts_a_new_period(manager, iro, other_iro):
    child = make_child_in_care(iro=iro, first_name="Mia", looked_after_on=dt.date(2023, 4, 3))
    _change(child, manager, dt.date(2024, 1, 15))  # X1 and a new episode the same day, as before
    services.care_period_end(child=child, by=manager, ended_on=dt.date(2025, 2, 1), reason_ceased="E4A", today=TODAY)

    _start(child, manager, other_iro, dt.date(2025, 9, 1))

    starts = list(
        CareEpisode.objects.filter(child=child).order_by("started_on").values_list("started_on", "reason_new_episode")
    )
    assert starts == [(dt.date(2023, 4, 3), "S"), (dt.date(2024, 1, 15), "P"), (dt.date(2025, 9, 1), "S")]
    assert Child.objects.with_looked_after_since().get(pk=child.pk).looked_after_since == dt.date(2025, 9, 1)


def test_a_child_imported_without_a_name_is_called_the_child(manager, iro):
    child = make_child_in_care(iro=iro, first_name="Name not entered", name_to_be_entered=True, date_of_birth=SAM_BORN)

    with pytest.raises(ValidationError) as excinfo:
        _change(child, manager, SAM_18)

    message = errors_of(excinfo)["changed_on"][0]
    assert message.startswith("The child turned 18 on 4 May 2025")
    assert "Record that the child left care instead" in message
    assert "Name not entered" not in message
