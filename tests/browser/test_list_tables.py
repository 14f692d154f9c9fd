"""List tables at 375 px scroll sideways inside their box with the key column held in place,
instead of squeezing to one word per line and hiding the last columns; at 1366 px they fit."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import issue_notice, make_held_session, make_plan, make_session, make_speaker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}
#: Where the screenshots go, to be looked at (the paths are in the test's output).
SHOTS = os.environ.get("SCREENSHOT_DIR", "/tmp")

MEASURE = """table => {
  const box = table.closest('.table-responsive');
  const first = table.querySelector('tbody tr td:first-child');
  const cells = [...table.querySelectorAll('thead th')];
  return {
    boxWidth: box.clientWidth, scrollWidth: box.scrollWidth,
    position: getComputedStyle(first).position,
    // Lines of the tallest header: one word per line made "Cơ quan được giao" four lines high.
    headerLines: Math.max(...cells.map(c => {
      const style = getComputedStyle(c);
      const text = c.getBoundingClientRect().height - parseFloat(style.paddingTop)
        - parseFloat(style.paddingBottom);
      return text / parseFloat(style.lineHeight);
    })),
  };
}"""


@pytest.fixture
def lists(world):
    starts_at = timezone.now() - timedelta(days=30)
    session, _ = make_held_session(world.commune_a, starts_at=starts_at, petitions=3)
    issue_notice(
        session,
        actor=world.organiser_a,
        agencies=[world.agency_a1],
        issued_on=timezone.localdate(starts_at) + timedelta(days=2),
    )
    upcoming = make_session(make_plan(world.commune_a, actor=world.organiser_a))
    for name in ("Nguyễn Văn Một", "Trần Thị Hai"):
        make_speaker(upcoming, actor=world.organiser_a, full_name=name, topic="Đường liên thôn")
    return upcoming


def _page(browser, live_server, user, viewport):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="vi-VN")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


def test_list_tables_scroll_with_the_key_column_fixed_on_a_phone(
    browser, live_server, world, lists
):
    pages = [
        (world.organiser_a, "/sessions/", "sessions"),
        (world.organiser_a, "/petitions/", "petitions"),
        (world.organiser_a, f"/sessions/{lists.pk}/speakers/", "speakers"),
        (world.organiser_a, "/speakers/", "speaker-list"),
        (world.organiser_a, "/plans/", "plans"),
        (world.responder_a, "/assignments/", "assignments"),
        (world.supervisor, "/overdue/", "overdue"),
    ]
    for user, url, name in pages:
        page = _page(browser, live_server, user, PHONE)
        try:
            page.goto(url)
            table = page.locator("table.list-table").first
            if name in ("assignments", "speakers", "petitions"):
                page.screenshot(path=f"{SHOTS}/a11y13-{name}-375.png", full_page=True)
            found = table.evaluate(MEASURE)
            # Wider than the phone: it scrolls inside its box, the page itself does not.
            assert found["scrollWidth"] > found["boxWidth"], (url, found)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
            assert found["position"] == "sticky", (url, found)
            # No column squeezed to a word per line.
            assert found["headerLines"] < 3.5, (url, found)
            # Scrolled to the end: the last column is in view and the key column still at left.
            table.evaluate(
                "t => { const b = t.closest('.table-responsive'); b.scrollLeft = b.scrollWidth }"
            )
            box = table.evaluate("t => t.closest('.table-responsive').getBoundingClientRect().left")
            first = page.locator("table.list-table tbody tr td:first-child").first.bounding_box()
            last = page.locator("table.list-table thead th:last-child").first.bounding_box()
            assert abs(first["x"] - box) < 2, (url, first, box)
            assert last["x"] + last["width"] <= PHONE["width"] + 1, (url, last)
        finally:
            page.context.close()


def test_list_tables_fit_without_scrolling_at_1366(browser, live_server, world, lists):
    page = _page(browser, live_server, world.responder_a, DESKTOP)
    try:
        page.goto("/assignments/")
        found = page.locator("table.list-table").evaluate(MEASURE)
        assert found["scrollWidth"] <= found["boxWidth"], found
        assert found["position"] == "static", found
        page.screenshot(path=f"{SHOTS}/a11y13-assignments-1366.png", full_page=True)
    finally:
        page.context.close()
    page = _page(browser, live_server, world.organiser_a, DESKTOP)
    try:
        page.goto(f"/sessions/{lists.pk}/speakers/")
        page.screenshot(path=f"{SHOTS}/a11y13-speakers-1366.png", full_page=True)
    finally:
        page.context.close()
