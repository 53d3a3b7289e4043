"""The filters of the service deadlines page, worded as managers talk (STYLE.md 13): by IRO, by
team and by where the child's next review stands. Each narrows the children the user may see
already (``Child.objects.visible_to``); none widens it."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import django_filters
from django.db.models import Exists, OuterRef
from django.http import QueryDict

from children.forms import iro_queryset
from children.models import IROAllocation
from iro_service.forms import FilterPanelForm

from . import selectors
from .selectors import DeadlineStatus

#: The heading of the table of children, for each status chosen (or none).
HEADINGS = {
    "": "Every child looked after",
    DeadlineStatus.OVERDUE: "Children whose review is overdue",
    DeadlineStatus.DUE_SOON: "Children whose review is due within 15 working days",
    DeadlineStatus.NOT_KNOWN: "Children whose first review date is not known",
}


def _iro_and_team_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The IROs of the service and their teams, from one query (the page's query count stays
    flat): every active IRO, and each team that has one."""
    iros, teams = [], {}
    for pk, first, last, username, team_id, team_name in iro_queryset().values_list(
        "pk", "first_name", "last_name", "username", "iro_profile__team_id", "iro_profile__team__name"
    ):
        iros.append((str(pk), f"{first} {last}".strip() or username))
        if team_id is not None:
            teams[str(team_id)] = team_name
    return iros, sorted(teams.items(), key=lambda item: (item[1], item[0]))


class _IROAndTeamFilter(django_filters.FilterSet):
    """By the IRO who holds the child now, or their team: the choices every manager's filter
    offers, read in one query, and what was chosen (for the audit event and the page's links)."""

    iro = django_filters.ChoiceFilter(label="IRO", method="filter_iro", empty_label="Any IRO")
    team = django_filters.ChoiceFilter(label="Team", method="filter_team", empty_label="Any team")

    class Meta:
        form = FilterPanelForm

    def __init__(self, data: QueryDict | None = None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        iros, teams = _iro_and_team_choices()
        self.filters["iro"].extra["choices"] = iros
        self.filters["team"].extra["choices"] = teams

    @property
    def chosen(self) -> dict[str, str]:
        """The filters applied, by name, as the audit event records them (valid ones only)."""
        self.form.is_valid()
        return {name: value for name, value in self.form.cleaned_data.items() if value}

    @property
    def described(self) -> str:
        """The filters applied, in words: ``IRO: Ada Okafor; status: Overdue``."""
        labels = {name: dict(self.form.fields[name].choices) for name in self.chosen}
        return "; ".join(f"{self.filters[name].label}: {labels[name][value]}" for name, value in self.chosen.items())

    @property
    def query_string(self) -> str:
        """The filters as a query string, for the links that keep them (pages, the counts)."""
        return urlencode(self.chosen)


class DeadlineFilter(_IROAndTeamFilter):
    status = django_filters.ChoiceFilter(
        label="Next review", choices=DeadlineStatus.choices, method="filter_status", empty_label="All children"
    )

    def __init__(self, data: QueryDict | None = None, *args, today: date, due_soon_until: date, **kwargs):
        self.conditions = selectors.deadline_conditions(today=today, due_soon_until=due_soon_until)
        super().__init__(data, *args, **kwargs)

    @property
    def heading(self) -> str:
        """What the table of children holds, in words."""
        return HEADINGS[self.chosen.get("status", "")]

    @property
    def status_queries(self) -> dict[str, str]:
        """For each status, the query string of these filters with that status chosen instead."""
        others = {name: value for name, value in self.chosen.items() if name != "status"}
        return {status: urlencode({**others, "status": status}) for status in DeadlineStatus}

    def filter_iro(self, queryset, name, value):
        return queryset.allocated_to(value)

    def filter_team(self, queryset, name, value):
        open_in_team = (
            IROAllocation.objects.looked_after().open().filter(child=OuterRef("pk"), iro__iro_profile__team=value)
        )
        return queryset.filter(Exists(open_in_team))

    def filter_status(self, queryset, name, value):
        return queryset.filter(self.conditions[value])


class CalendarFilter(_IROAndTeamFilter):
    """The service calendar's filters: the booked reviews of the children an IRO holds now, or
    that the IROs of a team hold. Like the deadlines page's, they narrow what the manager sees."""

    def filter_iro(self, queryset, name, value):
        return queryset.filter(
            Exists(IROAllocation.objects.looked_after().open().filter(child=OuterRef("child"), iro=value)),
        )

    def filter_team(self, queryset, name, value):
        open_in_team = (
            IROAllocation.objects.looked_after().open().filter(child=OuterRef("child"), iro__iro_profile__team=value)
        )
        return queryset.filter(Exists(open_in_team))
