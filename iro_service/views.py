from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import resolve, reverse

from .audit import no_child_data


@no_child_data("Sends each role to its start page (audited there), or says the user has no role")
@login_required
def home(request):
    """Send each role to its own starting page."""
    user = request.user
    if user.has_perm("children.view_all_children"):
        return redirect("children:caseloads")
    if user.has_perm("reviews.chair_review"):
        return redirect("reviews:home")
    if user.has_perm("conferences.chair_conference"):
        # A child protection chair with no looked-after work (found by URL name, as above).
        return redirect("conferences:home")
    if user.is_staff:
        return redirect("admin:index")
    if user.has_perm("reporting.view_published_reports"):
        # The committee's start page is the list of published annual reports. It is found by
        # its URL name because iro_service imports no domain app (ARCHITECTURE.md).
        return resolve(reverse("reporting:published")).func(request)
    return render(request, "home_no_role.html")


@no_child_data("The accessibility statement")
def accessibility(request):
    return render(request, "accessibility.html")


@no_child_data("The site icon: a redirect to the static file")
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; send them to the service's icon."""
    return redirect(static("images/favicon.ico"))


def permission_denied(request, exception=None):
    """The 403 page; a ``DeniedWithPage`` names its own (a former IRO's "no longer on your caseload")."""
    return render(request, getattr(exception, "template_name", "403.html"), status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
