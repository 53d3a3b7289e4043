"""The people around the child: the list (current by role, and former with their dates), and
the pages to add a person, change their details and record that they are no longer involved.

Reading needs ``children.view_caseload`` and sight of the child; changing needs
``children.manage_contacts`` too (the services check it again, with the child)."""

from functools import partial

from django.shortcuts import redirect, render
from django.utils import timezone

from iro_service.audit import audited, child_in_url, object_in_url
from iro_service.concurrency import save_or_merge
from iro_service.forms import save_with_service
from iro_service.page_access import permission_page

from . import services
from .contact_forms import ContactEditForm, ContactEndForm, ContactForm
from .models import Child, Contact
from .selectors import visible_child_or_404, visible_record_or_404

_MANAGE = "children.manage_contacts"


def _visible_child(request, pk) -> Child:
    return visible_child_or_404(request.user, pk)


def _visible_contact(request, pk) -> Contact:
    return visible_record_or_404(request.user, Contact.objects.select_related("child"), pk)


@audited(child=child_in_url("pk"), summary="People around the child viewed")
@permission_page("children.view_caseload")
def contact_list(request, pk):
    child = _visible_child(request, pk)
    today = timezone.localdate()
    people = Contact.objects.filter(child=child)
    context = {
        "child": child,
        "current": list(people.current(on=today).in_role_order()),
        "former": list(people.former(on=today).order_by("-ended_on", "name", "pk")),
        "today": today,
    }
    return render(request, "children/contacts.html", context)


@audited(child=child_in_url("pk"), summary="Add a person page viewed")
@permission_page(_MANAGE, methods=["GET", "POST"])
def contact_add(request, pk):
    child = _visible_child(request, pk)
    form = ContactForm(request.POST or None, initial={"started_on": timezone.localdate()})
    call = partial(services.contact_add, child=child, by=request.user)
    if save_with_service(request, form, lambda data: call(**data), success=ContactForm.success_message):
        return redirect("children:contacts", pk=child.pk)
    return render(request, "children/form.html", {"form": form, "child": child, "title": ContactForm.page_title})


@audited(child=object_in_url(Contact), summary="Change a person's details page viewed")
@permission_page(_MANAGE, methods=["GET", "POST"])
def contact_edit(request, pk):
    contact = _visible_contact(request, pk)
    form = ContactEditForm(request.POST or None, contact=contact)
    form.lock(contact)
    update = partial(services.contact_update, contact=contact)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_merge(request, form, update, success=ContactEditForm.success_message).saved
    ):
        return redirect("children:contacts", pk=contact.child_id)
    context = {
        "form": form,
        "child": contact.child,
        "conflict": form.conflict,
        "title": f"Change the details of {contact.name}",
    }
    return render(request, "children/form.html", context)


@audited(child=object_in_url(Contact), summary="No longer involved page viewed")
@permission_page(_MANAGE, methods=["GET", "POST"])
def contact_end(request, pk):
    contact = _visible_contact(request, pk)
    form = ContactEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    call = partial(services.contact_end, contact=contact, by=request.user)
    if save_with_service(request, form, lambda data: call(**data), success=ContactEndForm.success_message):
        return redirect("children:contacts", pk=contact.child_id)
    return render(request, "children/contact_end.html", {"form": form, "contact": contact, "child": contact.child})
