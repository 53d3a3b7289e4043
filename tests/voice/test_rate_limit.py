"""The public forms are limited per link and per address in each minute, answer "Too many tries"
(429) over the limit, start again the next minute, and let everything through (fail open)
when the cache is down (docs/rules.md#the-childs-voice)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse

from iro_service.cache import redis_caches
from voice import ratelimit
from voice.models import VoiceResponse

from .factories import child_link, child_with_booked_review

pytestmark = pytest.mark.django_db

DEAD = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def link(iro):
    _, review = child_with_booked_review(iro)
    return child_link(review, by=iro)


def url(raw: str) -> str:
    return reverse("voice:form", kwargs={"token": raw})


def test_over_the_limit_for_one_link_the_page_says_wait_a_minute(client, link, settings):
    settings.VOICE_RATE_LIMIT_PER_MINUTE = 3
    assert [client.get(url(link.raw)).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url(link.raw))
    assert refused.status_code == 429
    assert "Too many tries, wait a minute" in refused.content.decode()
    assert refused["Retry-After"] == "60"
    assert refused["Cache-Control"] == "no-store"
    assert client.post(url(link.raw), {"home": "good"}).status_code == 429
    assert not VoiceResponse.objects.exists()


def test_the_limit_resets(client, link, settings):
    settings.VOICE_RATE_LIMIT_PER_MINUTE = 2
    for _ in range(2):
        client.get(url(link.raw))
    assert client.get(url(link.raw)).status_code == 429
    request = RequestFactory().get(url(link.raw))
    ratelimit.reset(request, link.raw)
    assert client.get(url(link.raw)).status_code == 200


def test_the_count_starts_again_in_the_next_minute(link, settings):
    settings.VOICE_RATE_LIMIT_PER_MINUTE = 2
    request = RequestFactory().get(url(link.raw))
    minute = 1_000_000 * 60
    assert [ratelimit.over_limit(request, link.raw, now=minute + s) for s in (1, 2, 3)] == [False, False, True]
    assert ratelimit.over_limit(request, link.raw, now=minute + 61) is False


def test_one_link_over_its_limit_does_not_stop_another(client, iro, link, settings):
    settings.VOICE_RATE_LIMIT_PER_MINUTE = 2
    _, review = child_with_booked_review(iro, first_name="Sam")
    other = child_link(review, by=iro)
    for _ in range(3):
        client.get(url(link.raw))
    assert client.get(url(link.raw)).status_code == 429
    assert client.get(url(other.raw)).status_code == 200


def test_one_address_is_limited_across_links_at_a_larger_allowance(client, settings):
    settings.VOICE_RATE_LIMIT_PER_MINUTE = 1
    allowance = ratelimit.ADDRESS_FACTOR
    tokens = [f"{n:043d}" for n in range(allowance + 1)]
    statuses = [client.get(url(raw)).status_code for raw in tokens]
    assert statuses[:allowance] == [404] * allowance  # unknown tokens: the closed page
    assert statuses[allowance] == 429
    other_address = client.get(url("B" * 43), REMOTE_ADDR="10.1.2.3")
    assert other_address.status_code == 404


def test_unknown_and_malformed_tokens_count_too(client, settings):
    settings.VOICE_RATE_LIMIT_PER_MINUTE = 1
    assert client.get(url("A" * 43)).status_code == 404
    assert client.get(url("A" * 43)).status_code == 429
    assert client.get(url("short")).status_code == 404
    assert client.get(url("short")).status_code == 429


def test_with_the_cache_down_the_limit_fails_open_and_the_form_still_works(client, link, settings):
    settings.VOICE_RATE_LIMIT_PER_MINUTE = 1
    with override_settings(CACHES=redis_caches(DEAD)):
        assert [client.get(url(link.raw)).status_code for _ in range(3)] == [200, 200, 200]
        response = client.post(url(link.raw), {"home": "good"})
    assert response.status_code == 302
    assert VoiceResponse.objects.count() == 1


def test_a_cache_that_raises_lets_the_request_through(client, link, settings, monkeypatch):
    settings.VOICE_RATE_LIMIT_PER_MINUTE = 1

    def broken(*args, **kwargs):
        raise ConnectionError("cache gone")

    monkeypatch.setattr(ratelimit.cache, "incr", broken)
    assert [client.get(url(link.raw)).status_code for _ in range(2)] == [200, 200]


def test_the_token_itself_is_never_a_cache_key(link):
    request = RequestFactory().get(url(link.raw))
    keys = [key for key, _limit in ratelimit._keys(request, link.raw, window=1)]
    assert keys and all(link.raw not in key for key in keys)
