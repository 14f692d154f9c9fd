"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright."""

import os
import shutil

import pytest
from django.db import connections
from django.test import Client

from tests.conftest import require_service

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser(django_db_setup, django_db_blocker):
    """One Chromium per module, stopped before other modules run: Playwright's sync API keeps an
    event loop in this thread, which Django would otherwise take for an async context."""
    require_service(shutil.which(CHROMIUM) is not None, f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Inside Playwright's loop the tests get other connection objects than the ones the test
    # database was serialized on: hand them the serialized data, or serialized rollback (which
    # restores the shipped profiles and fields after each flush) silently does nothing.
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    try:
        with sync_playwright() as playwright:
            for alias, contents in serialized.items():
                connections[alias]._test_serialized_contents = contents
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def logged_in_page(browser, live_server):
    """page_for(user) -> a Playwright page in its own browser context, logged in as `user`."""
    contexts = []

    def page_for(user):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        context = browser.new_context(base_url=live_server.url, locale="vi-VN")
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield page_for
    for context in contexts:
        context.close()
