"""``{% pk_url %}`` gives exactly what ``{% url %}`` gives, for every URL of the project whose one
argument is a number, under any script prefix."""

import pytest
from django.template import Context, Template
from django.urls import URLResolver, get_resolver, reverse, set_script_prefix
from django.urls.converters import IntConverter

from iro_service.templatetags.navigation import pk_url


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif pattern.name:
            converters = list(pattern.pattern.converters.values())
            if len(converters) == 1 and isinstance(converters[0], IntConverter):
                yield f"{namespace}{pattern.name}"


def _namespaced() -> list[str]:
    return sorted(set(_walk(get_resolver().url_patterns)))


def test_the_walk_finds_the_urls_the_tables_use():
    assert {"children:detail", "reviews:child", "reviews:detail", "disputes:detail"} <= set(_namespaced())


@pytest.mark.parametrize("prefix", ["/", "/iro/"])
def test_every_url_with_one_number_is_the_same_as_reverse(prefix):
    set_script_prefix(prefix)
    try:
        for name in _namespaced():
            for pk in (1, 42, 987654321123):
                assert pk_url(name, pk) == reverse(name, args=[pk]), name
    finally:
        set_script_prefix("/")


def test_the_tag_in_a_template_refuses_what_is_not_a_number():
    template = Template("{% load navigation %}{% pk_url 'children:detail' pk %}")
    assert template.render(Context({"pk": 7})) == reverse("children:detail", args=[7])
    with pytest.raises(ValueError):
        template.render(Context({"pk": "7/../../admin"}))
