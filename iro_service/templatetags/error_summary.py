"""``{{ field|summary_errors }}``: a field's errors keyed by the id the error summary links to.

crispy-forms-gds links each error to the field's ``auto_id``, but it numbers the inputs of a
radio or checkbox group from 1 (``id_invite_1``): no element has the bare ``id_invite``, so the
summary's link went nowhere. Here a group's errors link to its first input, as GOV.UK asks."""

from crispy_forms_gds.templatetags.crispy_forms_gds import field_errors
from django import forms, template

register = template.Library()

#: Widgets crispy-forms-gds draws as a group of inputs numbered from 1.
GROUPS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def summary_errors(bound_field):
    items = field_errors(bound_field)
    if not isinstance(bound_field.field.widget, GROUPS):
        return items
    first = f"{bound_field.auto_id}_1"
    return [(first if key == bound_field.auto_id else key, errors) for key, errors in items]
