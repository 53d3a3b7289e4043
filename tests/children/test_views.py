import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from children.models import CareEpisode, Child, IROAllocation
from iro_service.models import AuditAction, AuditEvent
from tests.factories import ChildFactory, care_episode, make_child_in_care
from tests.forms import date_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(iro):
    return make_child_in_care(iro=iro, first_name="Kai", last_name="Morgan", local_reference="K0001")


@pytest.fixture
def child_left_care(iro, manager):
    left = make_child_in_care(iro=iro, first_name="Lia", last_name="Stone", local_reference="L0001")
    CareEpisode.objects.filter(child=left).update(ended_on=dt.date(2026, 2, 1), reason_ceased="E4A")
    IROAllocation.objects.filter(child=left).update(ended_on=dt.date(2026, 2, 1))
    return left


CHILD_PAGES_FOR_MANAGERS_ONLY = ["edit", "reallocate", "episode_change", "leave_care", "audit"]
SERVICE_PAGES_FOR_MANAGERS_ONLY = [
    "children:caseloads",
    "children:cover_list",
    "children:cover_create",
    "children:create",
]


@pytest.mark.parametrize("role", ["iro", "manager"])
def test_iro_and_manager_open_the_child_record(client_for, role, request, child):
    response = client_for(request.getfixturevalue(role)).get(reverse("children:detail", args=[child.pk]))
    assert response.status_code == 200
    assert "Kai Morgan" in response.text
    assert "Ada Okafor since 3 June 2024" in response.text


def test_another_iro_gets_404_for_a_child_they_neither_hold_nor_cover(client_for, other_iro, child):
    response = client_for(other_iro).get(reverse("children:detail", args=[child.pk]))
    assert response.status_code == 404
    assert "Kai Morgan" not in response.text


@pytest.mark.parametrize("role", ["committee", "administrator"])
@pytest.mark.parametrize("name", ["children:detail", *[f"children:{p}" for p in CHILD_PAGES_FOR_MANAGERS_ONLY]])
def test_committee_and_administrator_get_403_on_every_child_page(client_for, request, role, name, child):
    response = client_for(request.getfixturevalue(role)).get(reverse(name, args=[child.pk]))
    assert response.status_code == 403
    assert "Kai Morgan" not in response.text


@pytest.mark.parametrize("role", ["committee", "administrator"])
@pytest.mark.parametrize("name", ["children:list", "reviews:home", "reviews:service", *SERVICE_PAGES_FOR_MANAGERS_ONLY])
def test_committee_and_administrator_get_403_on_every_children_list(client_for, request, role, name, child):
    response = client_for(request.getfixturevalue(role)).get(reverse(name))
    assert response.status_code == 403


@pytest.mark.parametrize("page", CHILD_PAGES_FOR_MANAGERS_ONLY)
def test_iro_cannot_open_manager_pages_for_their_own_child(client_for, iro, child, page):
    assert client_for(iro).get(reverse(f"children:{page}", args=[child.pk])).status_code == 403


@pytest.mark.parametrize("name", SERVICE_PAGES_FOR_MANAGERS_ONLY)
def test_iro_cannot_open_manager_service_pages(client_for, iro, name):
    assert client_for(iro).get(reverse(name)).status_code == 403


def heading(response) -> str:
    """The page's one <h1>, as the reader sees it."""
    (h1,) = re.findall(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", h1)).strip()


#: The heading of each page, which says what the page is for.
HEADINGS = {
    "edit": "Change details of Kai Morgan",
    "reallocate": "Change IRO",
    "episode_change": "Record a change of placement or legal status",
    "leave_care": "Record that the child left care",
    "audit": "Audit trail for Kai Morgan",
    "return_to_care": "Record that the child became looked after again",
    "archive": "Archive this record",
    "children:list": "Children",
    "reviews:service": "Reviews across the service",
    "children:caseloads": "IRO caseloads",
    "children:cover_list": "Cover arrangements",
    "children:cover_create": "Arrange cover for an IRO's children",
    "children:create": "Add a child who is looked after",
}


@pytest.mark.parametrize("page", ["return_to_care", "archive"])
def test_pages_for_a_child_who_left_care_are_for_managers_only(client_for, iro, manager, child_left_care, page):
    url = reverse(f"children:{page}", args=[child_left_care.pk])
    assert client_for(iro).get(url).status_code == 403
    response = client_for(manager).get(url)
    assert response.status_code == 200
    assert heading(response) == HEADINGS[page]
    assert "Lia Stone" in response.text


@pytest.mark.parametrize("page", CHILD_PAGES_FOR_MANAGERS_ONLY)
def test_manager_opens_every_child_page(client_for, manager, child, page):
    response = client_for(manager).get(reverse(f"children:{page}", args=[child.pk]))
    assert response.status_code == 200
    assert heading(response) == HEADINGS[page]
    assert "Kai Morgan" in response.text


#: What each service page shows: the one child in care, their IRO, or the page's empty state or form.
SERVICE_PAGE_SHOWS = {
    "children:list": "Kai Morgan",
    "reviews:service": "Kai Morgan",
    "children:caseloads": "Ada Okafor",
    "children:cover_list": "No cover has been arranged.",
    "children:cover_create": "Ada Okafor",
    "children:create": "Category of need",
}


@pytest.mark.parametrize("name", ["children:list", "reviews:service", *SERVICE_PAGES_FOR_MANAGERS_ONLY])
def test_manager_opens_every_service_page(client_for, manager, child, name):
    response = client_for(manager).get(reverse(name))
    assert response.status_code == 200
    assert heading(response) == HEADINGS[name]
    assert SERVICE_PAGE_SHOWS[name] in response.text


@pytest.mark.parametrize(
    "url",
    ["/children/", "/reviews/", "/children/caseloads/", "/children/1/", "/children/1/audit/", "/"],
)
def test_anonymous_users_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("role", "destination"),
    [("iro", "/reviews/"), ("manager", "/children/caseloads/"), ("administrator", "/admin/")],
)
def test_home_sends_each_role_to_its_start_page(client_for, request, role, destination):
    response = client_for(request.getfixturevalue(role)).get("/")
    assert (response.status_code, response.url) == (302, destination)


def test_committee_home_shows_no_child(client_for, committee, child):
    response = client_for(committee).get("/")
    assert response.status_code == 200
    assert "Corporate parenting committee" in response.text
    assert "Kai Morgan" not in response.text


def test_header_shows_the_users_name_and_role(client_for, iro):
    response = client_for(iro).get(reverse("reviews:home"))
    assert "Ada Okafor" in response.text
    assert '<span class="app-header__role">IRO</span>' in response.text


def test_viewing_a_record_writes_an_audit_event(client_for, iro, child):
    client_for(iro).get(reverse("children:detail", args=[child.pk]))
    event = AuditEvent.objects.get(action=AuditAction.VIEWED)
    assert (event.actor, event.child_id, event.path) == (iro, child.pk, f"/children/{child.pk}/")


def test_a_refused_view_writes_no_read_event(client_for, other_iro, child):
    client_for(other_iro).get(reverse("children:detail", args=[child.pk]))
    assert not AuditEvent.objects.filter(action=AuditAction.VIEWED).exists()


def test_listing_children_logs_which_children_were_shown(client_for, manager, child):
    client_for(manager).get(reverse("children:list"))
    event = AuditEvent.objects.get(action=AuditAction.LISTED)
    assert event.changes["child_ids"] == [child.pk]


def test_manager_reads_the_audit_trail_in_the_browser(client_for, manager, iro, child):
    client_for(iro).get(reverse("children:detail", args=[child.pk]))
    response = client_for(manager).get(reverse("children:audit", args=[child.pk]))
    assert response.status_code == 200
    assert "Viewed: Record viewed" in response.text
    assert "Ada Okafor" in response.text
    assert AuditEvent.objects.filter(action=AuditAction.VIEWED_AUDIT, actor=manager, child_id=child.pk).exists()


def test_list_filters_by_iro_legal_status_placement_and_age(client_for, manager, iro, other_iro):
    make_child_in_care(
        iro=iro, first_name="Ann", legal_status="C2", placement_type="U4", date_of_birth=dt.date(2012, 1, 1)
    )
    make_child_in_care(
        iro=other_iro, first_name="Bob", legal_status="V2", placement_type="K2", date_of_birth=dt.date(2009, 1, 1)
    )
    make_child_in_care(
        iro=other_iro, first_name="Cat", legal_status="C2", placement_type="U4", date_of_birth=dt.date(2024, 1, 1)
    )
    client = client_for(manager)

    def names(**params):
        return sorted(c.first_name for c in client.get(reverse("children:list"), params).context["page"])

    assert names(iro=other_iro.pk) == ["Bob", "Cat"]
    assert names(legal_status="C2") == ["Ann", "Cat"]
    assert names(placement_type="K2") == ["Bob"]
    assert names(age_band="1-4") == ["Cat"]
    assert names(iro=other_iro.pk, legal_status="C2") == ["Cat"]
    assert names(q="bob") == ["Bob"]


def test_iro_list_is_scoped_even_when_filtering_by_another_iro(client_for, iro, other_iro, child):
    make_child_in_care(iro=other_iro, first_name="Hidden")
    response = client_for(iro).get(reverse("children:list"), {"iro": other_iro.pk})
    assert list(response.context["page"]) == []
    assert "Hidden" not in response.text
    assert "Correct the filters to see the children" in response.text


def test_iro_filter_offers_an_iro_only_the_iros_whose_children_they_hold(client_for, iro, other_iro, manager):
    """An IRO's filter lists themselves (and whom they cover), not every IRO in the service."""
    offered = client_for(iro).get(reverse("children:list")).context["filter"].form.fields["iro"].queryset
    assert list(offered) == [iro]
    offered_to_manager = client_for(manager).get(reverse("children:list")).context["filter"].form.fields["iro"]
    assert {iro, other_iro} <= set(offered_to_manager.queryset)


def test_manager_reallocates_a_child_in_the_browser(client_for, manager, iro, other_iro, child):
    today = timezone.localdate()
    response = client_for(manager).post(
        reverse("children:reallocate", args=[child.pk]),
        {
            "iro": other_iro.pk,
            **date_fields("starts_on", today),
            "reason": "Caseload balancing",
        },
    )
    assert response.status_code == 302
    assert list(IROAllocation.objects.filter(child=child).order_by("pk").values_list("iro", "ended_on")) == [
        (iro.pk, today),
        (other_iro.pk, None),
    ]
    page = client_for(manager).get(reverse("children:detail", args=[child.pk])).text
    assert "IRO changed. The previous allocation is kept in the history." in page


def test_invalid_form_shows_an_error_summary_and_writes_nothing(client_for, manager, child):
    response = client_for(manager).post(reverse("children:reallocate", args=[child.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'class="govuk-error-summary"' in response.text
    assert IROAllocation.objects.filter(child=child).count() == 1


def test_service_rule_errors_show_on_the_form(client_for, manager, iro, other_iro, child):
    response = client_for(manager).post(
        reverse("children:reallocate", args=[child.pk]),
        {"iro": other_iro.pk, "starts_on_0": 1, "starts_on_1": 1, "starts_on_2": 2020, "reason": "x"},
    )
    assert response.status_code == 200
    assert "the change cannot be before it" in response.text
    assert IROAllocation.objects.get(child=child).iro == iro


def test_manager_adds_a_child_in_the_browser(client_for, manager, iro):
    response = client_for(manager).post(
        reverse("children:create"),
        {
            "local_reference": "NEW001",
            "first_name": "Noor",
            "last_name": "Begum",
            "preferred_name": "",
            "date_of_birth_0": 4,
            "date_of_birth_1": 9,
            "date_of_birth_2": 2016,
            "sex": "F",
            "ethnicity": "ABAN",
            "upn": "",
            "previous_permanence": "P2",
            "previous_permanence_la": "925",
            "previous_permanence_date": "ZZ/06/2020",
            "looked_after_on_0": 2,
            "looked_after_on_1": 3,
            "looked_after_on_2": 2026,
            "iro": iro.pk,
            "legal_status": "C1",
            "placement_type": "U6",
            "placement_provider": "PR1",
            "category_of_need": "N1",
            "placement_postcode": "ab1 2cd",
            "home_postcode": "",
            "distance_from_home_miles": "23.5",
        },
    )
    child = Child.objects.get(local_reference="NEW001")
    assert response.status_code == 302
    assert response.url == reverse("children:detail", args=[child.pk])
    episode = child.episodes.get()
    assert (episode.legal_status, episode.placement_postcode, episode.is_far_from_home) == ("C1", "AB1 2CD", True)
    assert (child.previous_permanence, child.previous_permanence_la, child.previous_permanence_date) == (
        "P2",
        "925",
        "zz/06/2020",
    )
    assert list(Child.objects.visible_to(iro)) == [child]


def test_second_editor_is_refused_and_keeps_their_input(client_for, manager, child):
    from tests.factories import UserFactory

    other_manager = UserFactory(username="mgr2", first_name="Sam", last_name="Patel", role="IRO manager")
    url = reverse("children:edit", args=[child.pk])
    version = client_for(manager).get(url).context["form"].initial["version"]

    def post(user, preferred):
        return client_for(user).post(
            url,
            {
                "local_reference": "K0001",
                "first_name": "Kai",
                "last_name": "Morgan",
                "preferred_name": preferred,
                "date_of_birth_0": 17,
                "date_of_birth_1": 5,
                "date_of_birth_2": 2012,
                "sex": "M",
                "ethnicity": "WBRI",
                "upn": "",
                "version": version,
            },
        )

    assert post(other_manager, "KJ").status_code == 302
    response = post(manager, "Kaiden")

    assert response.status_code == 200
    assert "changed by Sam Patel while you were editing" in response.text
    assert 'value="Kaiden"' in response.text  # their own input is kept
    assert "The details as they are saved now" in response.text
    child.refresh_from_db()
    assert child.preferred_name == "KJ"
    # saving again deliberately now succeeds
    assert response.context["form"].data["version"] == child.version


def test_archived_children_leave_the_list_but_are_kept(client_for, manager, child_left_care):
    client = client_for(manager)
    client.post(reverse("children:archive", args=[child_left_care.pk]), {"confirm": "on"})
    assert child_left_care.pk not in [c.pk for c in client.get(reverse("children:list")).context["page"]]
    assert Child.objects.filter(pk=child_left_care.pk, archived_at__isnull=False).exists()


def _bulk_children(iro, count):
    children = ChildFactory.build_batch(count)
    Child.objects.bulk_create(children)
    created = list(Child.objects.order_by("-pk")[:count])
    CareEpisode.objects.bulk_create(care_episode(c, started_on=dt.date(2024, 6, 3)) for c in created)
    IROAllocation.objects.bulk_create(IROAllocation(child=c, iro=iro, started_on=dt.date(2024, 6, 3)) for c in created)


@pytest.mark.parametrize("size", [10, 300])
@pytest.mark.parametrize(
    ("who", "name", "max_queries"),
    [
        ("manager", "children:list", 12),
        ("iro", "children:list", 12),
        ("iro", "reviews:home", 15),  # one of them the unread answers at the top (voice)
        ("manager", "reviews:service", 14),
        ("manager", "children:caseloads", 12),
    ],
)
def test_lists_run_a_fixed_number_of_queries_whatever_the_number_of_children(
    client_for,
    django_assert_max_num_queries,
    request,
    iro,
    other_iro,
    part_time_iro,
    manager,
    who,
    name,
    max_queries,
    size,
):
    _bulk_children(iro, size)
    client = client_for(request.getfixturevalue(who))
    client.get(reverse(name))  # warm up anything cached per process
    with django_assert_max_num_queries(max_queries) as captured:
        response = client.get(reverse(name))
    assert response.status_code == 200
    request.node.user_properties.append(("queries", len(captured)))
