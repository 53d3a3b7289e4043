"""An item of the service navigation: ``{% nav_item "Children" "children:list" "children.view_caseload" %}``.

The item shows when the user holds any of the permissions named after the URL (always, when none
is named), links to the URL and is marked current on its own page. ``base.html`` lists the items,
one line each, so the menu reads as a table of label, page and who sees it.

``{% pk_url "children:detail" child.pk %}``: ``{% url %}`` for a URL whose one argument is a
number, for the rows of a long table. Django's ``reverse`` costs about 50 microseconds a call,
and a deadlines page draws three links a row; this reverses each URL name once (per script
prefix) and puts the number in.
"""

from functools import lru_cache
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()


@register.inclusion_tag("components/_nav_item.html", takes_context=True)
def nav_item(context: template.Context, label: str, url_name: str, *permissions: str) -> dict[str, Any]:
    if permissions and not any(permission in context["perms"] for permission in permissions):
        return {}
    return {"href": reverse(url_name), "label": label, "path": context["request"].path}


#: A number no row has, reversed in place of the row's own.
_SENTINEL = 987654321


@lru_cache(maxsize=256)
def _around_pk(url_name: str, prefix: str) -> tuple[str, str]:
    """The URL of ``url_name`` before and after its number (``prefix``: the script prefix it was
    reversed under, so a deployment below a path gets its own)."""
    before, _, after = reverse(url_name, args=[_SENTINEL]).partition(str(_SENTINEL))
    return before, after


@register.simple_tag
def pk_url(url_name: str, pk: int) -> str:
    before, after = _around_pk(url_name, get_script_prefix())
    return f"{before}{int(pk)}{after}"
