"""The project's URLs plus one authenticated bare view: the framework floor the pages are
compared with (same server, same middleware, no query of the app's own and no template)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from iro_service.audit import no_child_data
from iro_service.urls import handler403, handler404  # noqa: F401
from iro_service.urls import urlpatterns as project_urlpatterns


@no_child_data("the benchmark's bare view: no child's data")
@login_required
def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *project_urlpatterns]
