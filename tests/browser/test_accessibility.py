"""Every main staff page in a real Chromium, as the role that uses it: axe-core (WCAG 2.1 A/AA
rules and best practices) finds no serious or critical violation, at 1366 px and at 375 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.utils import timezone

from tests.factories import issue_notice, make_held_session
from tests.public.citizens import held_and_followed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def story(world):
    """A session followed up (notice, extension, response), and one held a month ago whose
    assignments are overdue, so every list and the supervisors' pages have rows."""
    followed = held_and_followed(world)
    starts_at = timezone.now() - timedelta(days=30)
    late, _ = make_held_session(world.commune_a, starts_at=starts_at, petitions=2)
    issue_notice(
        late,
        actor=world.organiser_a,
        agencies=[world.agency_a1],
        issued_on=timezone.localdate(starts_at) + timedelta(days=2),
        number="02/TB-UBND",
    )
    return followed


def _pages(world, story):
    session = story.session.pk
    plan = story.session.plan_id
    assignment = story.answered.assignments.get().pk
    organiser, responder, supervisor = world.organiser_a, world.responder_a, world.supervisor
    return [
        (None, "/login/"),
        (organiser, "/"),
        (organiser, "/plans/"),
        (organiser, f"/plans/{plan}/"),
        (organiser, "/sessions/"),
        (organiser, f"/sessions/{session}/"),
        (organiser, f"/sessions/{session}/speakers/"),
        (organiser, "/speakers/"),
        (organiser, "/petitions/"),
        (organiser, f"/petitions/{story.waiting.pk}/"),
        (organiser, "/calendar/"),
        (organiser, "/calendar/deadline/?start=06/12/2026&offset=10&unit=working"),
        (organiser, "/calendar/deadline/?start=31/02/2026&offset=0"),  # errors on the fields
        (responder, "/"),
        (responder, "/assignments/"),
        (responder, f"/assignments/{assignment}/"),
        (supervisor, "/overdue/"),
        (supervisor, "/dashboard/"),
        (supervisor, "/reports/annual/"),
    ]


def _serious(results) -> list:
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _context(browser, live_server, user, viewport):
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, locale="vi-VN", bypass_csp=True
    )
    if user is not None:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366px", "375px"])
def test_staff_pages_have_no_serious_axe_violations(browser, live_server, world, story, viewport):
    axe = Axe()
    problems = {}
    contexts = {}
    try:
        for user, url in _pages(world, story):
            key = user.pk if user else None
            if key not in contexts:
                contexts[key] = _context(browser, live_server, user, viewport).new_page()
            page = contexts[key]
            response = page.goto(url)
            assert response is not None and response.status == 200, (
                url,
                response and response.status,
            )
            serious = _serious(axe.run(page))
            if serious:
                problems[url] = serious
        # The check itself can fail: text at 2:1 is caught as a serious violation.
        page.set_content(
            '<html lang="vi"><title>x</title>'
            '<main><p style="color:#adb5bd">Thứ bảy</p></main></html>'
        )
        assert "color-contrast" in {v[0] for v in _serious(axe.run(page))}
    finally:
        for page in contexts.values():
            page.context.close()
    assert problems == {}, "\n".join(f"{url}: {found}" for url, found in problems.items())
