"""The one-time token of create forms (dialogue.once): one record per form sent, however often."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dialogue import once
from petitions.models import Petition
from tests.factories import make_plan, make_session
from tests.helpers import shown
from tests.petitions.test_forms import petition_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(world):
    session = make_session(make_plan(world.commune_a, actor=world.organiser_a))
    return reverse("petition-create", args=[session.pk])


def test_the_page_hands_out_a_new_token_each_time(world, url, login):
    client = login(world.organiser_a)
    first, second = (client.get(url).text for _ in range(2))
    token = 'name="once_token" value="'
    assert first.split(token)[1][:32] != second.split(token)[1][:32]


def test_the_same_token_twice_makes_one_petition_and_shows_it(world, url, login):
    client = login(world.organiser_a)
    data = petition_post(once_token=once.new_token())
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    petition = Petition.objects.get()
    assert first.url == reverse("petition-detail", args=[petition.pk])
    assert second.redirect_chain[-1][0] == first.url
    assert shown(once.ALREADY_SAVED) in second.text


def test_a_form_sent_back_with_errors_may_be_sent_again_corrected(world, url, login):
    client = login(world.organiser_a)
    token = once.new_token()
    refused = client.post(url, petition_post(once_token=token, content=""))
    assert refused.status_code == 200
    saved = client.post(url, petition_post(once_token=token))
    assert saved.status_code == 302
    assert Petition.objects.count() == 1


def test_new_tokens_make_new_petitions(world, url, login):
    client = login(world.organiser_a)
    for _ in range(2):
        client.post(url, petition_post(once_token=once.new_token()))
    assert Petition.objects.count() == 2


def test_without_a_cache_the_form_still_saves(world, url, login, monkeypatch):
    # An unreachable Redis answers every add and get as a miss (dialogue.cache).
    class Unreachable:
        def add(self, *args, **kwargs):
            return False

        def get(self, *args, **kwargs):
            return None

        def set(self, *args, **kwargs):
            return None

        def delete(self, *args, **kwargs):
            return False

    monkeypatch.setattr(once, "cache", Unreachable())
    response = login(world.organiser_a).post(url, petition_post(once_token=once.new_token()))
    assert response.status_code == 302
    assert Petition.objects.count() == 1


def test_a_get_form_carries_no_token(world, login):
    # The deadline calculator saves nothing: a token would only lengthen its address.
    page = login(world.organiser_a).get(reverse("deadline-calculator")).text
    assert once.FIELD not in page
