"""``permission_page``: sign-in, then one permission, then the methods the page takes."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from iro_service.page_access import permission_page


@permission_page("reporting.view_published_reports", methods=["POST"])
def post_page(request):
    return HttpResponse("done")


@permission_page("reporting.view_published_reports")
def any_method_page(request):
    return HttpResponse("done")


def call(view, user, method="post"):
    request = getattr(RequestFactory(), method)("/page/")
    request.user = user
    return view(request)


def test_a_signed_out_user_is_sent_to_sign_in():
    response = call(post_page, AnonymousUser())

    assert response.status_code == 302
    assert "/page/" in response["Location"]


@pytest.mark.django_db
def test_a_user_without_the_permission_is_refused(iro):
    with pytest.raises(PermissionDenied):
        call(post_page, iro)


@pytest.mark.django_db
def test_a_method_the_page_does_not_take_gets_405(committee):
    assert call(post_page, committee, method="get").status_code == 405


@pytest.mark.django_db
def test_a_user_with_the_permission_sees_the_page(committee):
    assert call(post_page, committee).content == b"done"
    assert call(any_method_page, committee, method="get").content == b"done"
