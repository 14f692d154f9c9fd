"""Date fields read dd/mm/yyyy whatever the browser's language: an English Chromium (whose native
date field would show mm/dd/yyyy) types 06/12/2026 and gets 6 December 2026."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from playwright.sync_api import expect

from dialogue.models import CalendarException

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def english_page(browser, live_server, world):
    client = Client()
    client.force_login(world.administrator, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_typing_dd_mm_yyyy_in_an_english_browser_saves_that_day(english_page):
    page = english_page
    page.goto("/calendar/exceptions/new/")
    day = page.locator("#id_day")
    assert day.get_attribute("type") == "text"
    assert day.get_attribute("placeholder") == "dd/mm/yyyy"
    day.fill("06/12/2026")
    page.select_option("#id_kind", "day_off")
    page.fill("#id_name", "Nghỉ bù")
    page.fill("#id_source", "Thông báo 01/TB-BNV")
    page.fill("#id_reason", "Thông báo của Bộ Nội vụ.")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/calendar/2026/")
    assert CalendarException.objects.get(name="Nghỉ bù").day == date(2026, 12, 6)


def test_the_calendar_button_fills_the_field_in_dd_mm_yyyy(english_page):
    page = english_page
    page.goto("/calendar/deadline/")
    field = page.locator("#id_start")
    button = page.locator("#id_start + .datepicker-button")
    expect(button).to_be_visible()
    assert button.get_attribute("aria-label")
    # The browser's own picker cannot be driven headless: choose a day in its native input,
    # as the picker does, and the text field reads it back in dd/mm/yyyy.
    field.fill("06/12/2026")
    button.click()
    native = page.locator("#id_start ~ .datepicker-native")
    assert native.input_value() == "2026-12-06"
    native.evaluate(
        "el => { el.value = '2027-01-29'; el.dispatchEvent(new Event('change', {bubbles: true})) }"
    )
    expect(field).to_have_value("29/01/2027")
    page.fill("#id_offset", "1")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#due-date")).to_have_text("01/02/2027")
