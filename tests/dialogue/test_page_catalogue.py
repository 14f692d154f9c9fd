"""The list of pages that axe-core checks (tests/pages.py) follows the URLconf: a new HTML page is
either checked or exempt with a reason, and each entry says the truth about its URL."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from tests.pages import EXEMPT, PAGES, POST_ONLY, build_tour, session_extras, url_names

ID = re.compile(r"""\sid=["']([^"']+)["']""")


def test_every_url_is_a_checked_page_or_exempt_with_a_reason():
    urls = dict(url_names())
    checked = {page.name for page in PAGES}
    unlisted = sorted(name for name in urls if name not in checked and name not in EXEMPT)
    assert unlisted == [], (
        "New URLs: add each HTML page to tests/pages.py PAGES (role and objects), or to EXEMPT "
        f"with the reason: {[(name, urls[name]) for name in unlisted]}"
    )
    assert sorted(checked & EXEMPT.keys()) == []
    assert sorted((checked | EXEMPT.keys()) - urls.keys()) == [], "entries for removed URLs"
    assert all(reason.strip() for reason in EXEMPT.values())


@pytest.mark.django_db
def test_post_only_exemptions_refuse_a_get(world, login):
    client = login(world.organiser_a)
    patterns = {name: route for name, route in url_names()}
    for name, reason in EXEMPT.items():
        if reason != POST_ONLY:
            continue
        kwargs = {
            key: ("x" * 24 if key == "token" else 999_999)
            for key in ("pk", "speaker_pk", "session_pk", "plan_pk", "token")
            if f"<int:{key}>" in patterns[name] or f"<str:{key}>" in patterns[name]
        }
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 405, (name, response.status_code)


@pytest.mark.django_db
def test_every_checked_page_answers_html_to_its_role(world):
    """The same tour as the browser test, through Django's client: a wrong role, a missing object,
    a redirect or a duplicated id shows here in seconds rather than in Chromium."""
    tour = build_tour(world)
    clients: dict[str, Client] = {}
    failures = []
    for page in PAGES:
        user = getattr(tour, page.role)
        client = clients.get(page.role)
        if client is None:
            client = clients[page.role] = Client()
            if user is not None:
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        extras = session_extras(page)
        if extras:
            session = client.session
            session.update(extras)
            session.save()
        url = reverse(page.name, kwargs=page.kwargs(tour))
        response = client.get(f"{url}?{page.query}" if page.query else url, follow=True)
        content_type = response["Content-Type"]
        if response.status_code != page.status or not content_type.startswith("text/html"):
            failures.append((page.id, response.status_code, content_type))
        elif response.redirect_chain and page.name != "calendar":
            failures.append((page.id, "redirected", response.redirect_chain))
        else:
            # An id twice makes a label or aria-labelledby name the wrong element.
            ids = Counter(ID.findall(response.content.decode()))
            duplicated = sorted(name for name, count in ids.items() if count > 1)
            if duplicated:
                failures.append((page.id, "duplicate ids", duplicated))
    assert failures == []
