"""What the console needs to work offline and by keyboard (issue 13), on the server's side; the
browser's side is tests/browser/test_console_offline.py."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.urls import reverse

from dialogue.models import ChangeRecord
from sessions import services
from sessions.console_views import OFFLINE_CACHE
from sessions.models import MinutesEntry
from tests.factories import make_plan, make_session, make_speaker
from tests.sessions.test_console import save

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(world):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    session = make_session(plan, actor=world.organiser_a, secretaries=[world.secretary_a])
    make_speaker(session, full_name="Nguyễn Văn Ả", address="Thôn Đông")
    services.session_transition(
        actor=world.organiser_a, session=session, to="scheduled", confirm=True
    )
    services.session_transition(actor=world.organiser_a, session=session, to="in_progress")
    return session


def test_the_service_worker_is_served_above_the_consoles_without_login(client):
    response = client.get(reverse("console-sw"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    # Its folder holds every console, so each console may register it for its own folder.
    assert reverse("console-sw").rsplit("/", 1)[0] + "/" == "/sessions/"
    assert reverse("session-console", args=[1]).startswith("/sessions/")
    body = response.text
    # escapejs writes "-" as \u002D: read the literals as the browser does.
    assert json.loads(re.search(r"var CACHE = (\"[^\"]*\");", body)[1]) == OFFLINE_CACHE
    assert json.loads(re.search(r"var STATIC = (\"[^\"]*\");", body)[1]) == "/static/"
    # It answers for GETs only: a write is never kept or replayed by the worker.
    assert 'if (request.method !== "GET") return;' in body


def test_the_console_page_hands_the_script_what_the_offline_copy_needs(world, running, login):
    client = login(world.secretary_a)
    html = client.get(reverse("session-console", args=[running.pk])).text
    assert f'data-user="{world.secretary_a.pk}"' in html
    assert f'data-scope="/sessions/{running.pk}/console/"' in html
    assert f'data-sw-url="{reverse("console-sw")}"' in html
    assert 'data-csrf-cookie="csrftoken"' in html
    assert f'data-offline-cache="{OFFLINE_CACHE}"' in html


def test_the_skip_link_comes_before_the_navigation(world, running, login):
    client = login(world.secretary_a)
    html = client.get(reverse("session-console", args=[running.pk])).text
    link = html.index('<a class="visually-hidden-focusable skip-link" href="#entry-text"')
    assert link < html.index("<nav") < html.index('id="entry-text"')
    assert "Đến ô ghi biên bản" in html


def test_the_timer_is_not_a_live_region_and_the_announcements_are_polite(world, running, login):
    client = login(world.secretary_a)
    html = client.get(reverse("session-console", args=[running.pk])).text
    assert '<div id="current-speaker" class="current-speaker mb-2"></div>' in html
    assert (
        '<div id="speaker-announce" class="visually-hidden" role="status" aria-live="polite"'
        in html
    )


def test_logout_and_login_pages_clear_the_offline_copies(world, client, login):
    assert "data-clear-offline-now" in client.get(reverse("login")).text
    html = login(world.secretary_a).get(reverse("home")).text
    logout = f'<form action="{reverse("logout")}" method="post" class="d-flex" data-clear-offline>'
    assert logout in html


def test_an_edit_resent_after_its_answer_was_lost_is_not_a_conflict(world, running, login):
    client = login(world.secretary_a)
    entry_uuid = uuid.uuid4()
    save(client, running, uuid_=entry_uuid, text="Bản gốc.")
    first = save(client, running, uuid_=entry_uuid, text="Bản đã sửa.", base_version=1)
    history = ChangeRecord.objects.count()
    # The browser did not hear the answer and sends the same edit from version 1 again.
    again = save(client, running, uuid_=entry_uuid, text="Bản đã sửa.", base_version=1)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["entry"]["version"] == 2
    stored = MinutesEntry.objects.get(uuid=entry_uuid)
    assert (stored.text, stored.version) == ("Bản đã sửa.", 2)
    assert ChangeRecord.objects.count() == history  # nothing was changed twice


def test_a_different_edit_from_an_old_version_is_still_a_conflict(world, running, login):
    client = login(world.secretary_a)
    entry_uuid = uuid.uuid4()
    save(client, running, uuid_=entry_uuid, text="Bản gốc.")
    save(client, running, uuid_=entry_uuid, text="Bản đã sửa.", base_version=1)
    response = save(client, running, uuid_=entry_uuid, text="Bản sửa khác.", base_version=1)
    assert response.status_code == 409
    assert MinutesEntry.objects.get(uuid=entry_uuid).text == "Bản đã sửa."


def test_a_petition_refused_says_so_in_an_alert_that_links_each_field(world, running, login):
    client = login(world.secretary_a)
    response = client.post(reverse("petition-capture", args=[running.pk]), {"answer": "later"})
    assert response.status_code == 200
    html = response.text
    summary = html[html.index('id="capture-error-summary"') - 60 :]
    assert 'role="alert"' in summary[:120]
    assert "Chưa ghi nhận được kiến nghị. Hãy sửa các trường sau:" in summary
    assert '<a href="#id_content">Nội dung</a>' in summary
    assert '<a href="#id_petitioner_name">' in summary
    assert running.petitions.count() == 0
