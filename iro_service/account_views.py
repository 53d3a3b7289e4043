"""Pages for one's own password, and the managers' page of role requests (separation of duties)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import role_grants, roles
from .account_forms import RoleDecisionForm
from .audit import no_child_data
from .models import RoleGrant, RoleGrantStatus

User = get_user_model()
STAFF_ONLY = "staff accounts and roles only: no child's data"


def _staff_post(permission: str):
    """A POST-only action on staff accounts by a signed-in user holding ``permission``."""

    def decorate(view):
        guarded = permission_required(permission, raise_exception=True)(require_POST(view))
        return no_child_data(STAFF_ONLY)(login_required(guarded))

    return decorate


@no_child_data(STAFF_ONLY)
@login_required
@permission_required("iro_service.approve_role_grant", raise_exception=True)
def role_requests(request):
    context = {
        "pending": list(RoleGrant.objects.pending().for_review()),
        "decided": list(
            RoleGrant.objects.exclude(status=RoleGrantStatus.PENDING).for_review().order_by("-decided_at")[:20]
        ),
        "holders": list(
            User.objects.filter(groups__name__in=roles.ROLE_ORDER)
            .distinct()
            .prefetch_related("groups")
            .order_by("last_name", "first_name", "username")
        ),
        "role_order": roles.ROLE_ORDER,
    }
    return render(request, "accounts/role_requests.html", context)


def _decide(request, pk, service, *, done: str):
    grant = get_object_or_404(RoleGrant.objects.pending(), pk=pk)
    form = RoleDecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        grant = service(grant=grant, by=request.user, note=note)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, done.format(role=grant.role, user=grant.user.get_full_name() or grant.user.username))
    return redirect("role_requests")


@_staff_post("iro_service.approve_role_grant")
def role_request_approve(request, pk):
    return _decide(request, pk, role_grants.role_grant_approve, done="{user} now has the {role} role.")


@_staff_post("iro_service.approve_role_grant")
def role_request_refuse(request, pk):
    return _decide(request, pk, role_grants.role_grant_refuse, done="The {role} role for {user} was refused.")


@_staff_post("iro_service.revoke_role")
def role_remove(request, user_pk):
    user = get_object_or_404(User, pk=user_pk)
    try:
        role_grants.role_revoke(user=user, role=request.POST.get("role", ""), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{user.get_full_name() or user.username} no longer has the {request.POST['role']} role."
        )
    return redirect("role_requests")
