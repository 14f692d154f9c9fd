"""Every page of the product (tests/pages.py, which follows the URLconf) in a real Chromium, as
the role that uses it: axe-core (WCAG 2.1 A/AA rules and best practices) finds no serious or
critical violation at 1366 px, nor at 375 px on a representative subset.

One data set, one live server and one browser tab per role for the whole tour: building the data
per page would take minutes on a loaded machine."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import reverse

from tests.pages import PAGES, build_tour, session_extras

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 812}


# axe-core 4.12 no longer reports duplicate ids; a label, aria-labelledby or aria-describedby
# pointing at a duplicated id names the wrong element, so the tour checks them itself.
DUPLICATE_IDS = """() => {
  const seen = {};
  for (const el of document.querySelectorAll("[id]")) seen[el.id] = (seen[el.id] || 0) + 1;
  return Object.keys(seen).filter((id) => seen[id] > 1);
}"""


def _serious(results) -> list:
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


class Tabs:
    """One browser tab per role, signed in through a Django client whose session it shares."""

    def __init__(self, browser, live_server, tour):
        self.browser, self.live_server, self.tour = browser, live_server, tour
        self.tabs: dict[str, tuple[Client, object]] = {}

    def get(self, role: str):
        if role not in self.tabs:
            client = Client()
            context = self.browser.new_context(
                base_url=self.live_server.url, viewport=DESKTOP, locale="vi-VN", bypass_csp=True
            )
            user = getattr(self.tour, role)
            if user is not None:
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
                context.add_cookies(
                    [
                        {
                            "name": "sessionid",
                            "value": client.cookies["sessionid"].value,
                            "url": self.live_server.url,
                        }
                    ]
                )
            page = context.new_page()
            page.set_default_timeout(15_000)
            self.tabs[role] = (client, page)
        return self.tabs[role]

    def close(self):
        for _client, page in self.tabs.values():
            page.context.close()


def test_every_page_has_no_serious_axe_violation(browser, live_server, world):
    tour = build_tour(world)
    axe = Axe()
    tabs = Tabs(browser, live_server, tour)
    problems: dict[str, list] = {}
    try:
        for spec in PAGES:
            client, page = tabs.get(spec.role)
            extras = session_extras(spec)
            if extras:
                session = client.session
                session.update(extras)
                session.save()
            url = reverse(spec.name, kwargs=spec.kwargs(tour))
            response = page.goto(f"{url}?{spec.query}" if spec.query else url)
            assert response is not None and response.status == spec.status, (
                spec.id,
                response and response.status,
            )
            found = _serious(axe.run(page))
            duplicated = page.evaluate(DUPLICATE_IDS)
            if duplicated:
                found.append(("duplicate ids", "serious", duplicated))
            if found:
                problems[f"{spec.id} 1366px"] = found
            if spec.phone:
                page.set_viewport_size(PHONE)
                found = _serious(axe.run(page))
                if found:
                    problems[f"{spec.id} 375px"] = found
                page.set_viewport_size(DESKTOP)
        # The check itself can fail: text at 2:1 is caught as a serious violation.
        page.set_content(
            '<html lang="vi"><title>x</title>'
            '<main><p style="color:#adb5bd">Thứ bảy</p></main></html>'
        )
        assert "color-contrast" in {v[0] for v in _serious(axe.run(page))}
    finally:
        tabs.close()
    assert problems == {}, "\n".join(f"{page}: {found}" for page, found in problems.items())
