"""An item of the service navigation: ``{% nav_item "Children" "children:list" "children.view_caseload" %}``.

The item shows when the user holds any of the permissions named after the URL (always, when none
is named), links to the URL and is marked current on its own page. ``base.html`` lists the items,
one line each, so the menu reads as a table of label, page and who sees it.
"""

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("components/_nav_item.html", takes_context=True)
def nav_item(context: template.Context, label: str, url_name: str, *permissions: str) -> dict[str, Any]:
    if permissions and not any(permission in context["perms"] for permission in permissions):
        return {}
    return {"href": reverse(url_name), "label": label, "path": context["request"].path}
