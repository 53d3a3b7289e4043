"""The child's timeline and the IRO's footprint between reviews: thin views over the
footprint services and the timeline selector."""

from django.shortcuts import redirect, render

from children.selectors import visible_child_or_404
from iro_service.audit import child_in_url
from iro_service.forms import save_with_service

from .. import timeline
from ..forms import footprint as forms
from ..models import Action
from ..services import footprint as services
from .pages import CASELOAD, chair_form_page, page

#: What the midway review page says first, by whether the child has open actions.
MIDWAY_INTRO = {
    True: "Check how each open action from the last review is progressing. "
    "An action you mark as done is completed on the date of the midway review.",
    False: "There are no open actions from the child's reviews. Record the check and your notes.",
}


def _posted(request):
    """The POST data to bind, even when empty (``request.POST or None`` would leave an empty
    POST unbound and show the form again without saying what is missing)."""
    return request.POST if request.method == "POST" else None


def _visible_child(request, child_pk):
    """The child, if this user may see them: 404 otherwise (or "no longer on your caseload")."""
    return visible_child_or_404(request.user, child_pk)


def _record(request, child, form, call, *, success, title, intro=""):
    """Bind, call the service, redirect to the child's timeline; otherwise show the form."""
    if save_with_service(request, form, lambda data: call(child, data), success=success):
        return redirect("reviews:timeline", child_pk=child.pk)
    context = {"form": form, "child": child, "title": title, "intro": intro}
    return render(request, "reviews/footprint_form.html", context)


def _record_page(summary, form_class, service, *, success, title):
    """A chair's page, audited as ``summary``, that records ``form_class``'s data through
    ``service`` (all it needs besides the child) with ``_record``."""

    @chair_form_page(summary, child=child_in_url("child_pk"))
    def record(request, child_pk):
        return _record(
            request,
            _visible_child(request, child_pk),
            form_class(_posted(request)),
            lambda child, data: service(child=child, by=request.user, **data),
            success=success,
            title=title,
        )

    return record


@page(CASELOAD, child=child_in_url("child_pk"), summary="Timeline viewed")
def child_timeline(request, child_pk):
    child = _visible_child(request, child_pk)
    entries = timeline.child_timeline(child)
    return render(request, "reviews/timeline.html", {"child": child, "entries": entries})


visit_create = _record_page(
    "Record a visit page viewed",
    forms.VisitForm,
    services.visit_record,
    success="Visit recorded",
    title="Record a visit to the child",
)


@chair_form_page("Midway review page viewed", child=child_in_url("child_pk"))
def midway_create(request, child_pk):
    child = _visible_child(request, child_pk)
    actions = Action.objects.open().filter(child=child).order_by("due_on", "pk")
    form = forms.MidwayReviewForm(_posted(request), actions=actions)
    return _record(
        request,
        child,
        form,
        lambda child, data: services.midway_review_record(
            child=child, by=request.user, held_on=data["held_on"], notes=data["notes"], progress=form.progress()
        ),
        success="Midway review recorded",
        title="Record a midway review",
        intro=MIDWAY_INTRO[bool(form.actions)],
    )


case_note_create = _record_page(
    "Case note page viewed",
    forms.CaseNoteForm,
    services.case_note_add,
    success="Case note added",
    title="Add a case note",
)
