"""The forms a link opens, for people without an account (built in issue 16's public-form work)."""

from django.http import Http404


def form(request, token):
    raise Http404("No such form")
