"""The public pages in a real Chromium at 375 px: axe-core finds no serious or critical
violation, nothing scrolls sideways, and the pages read the same without JavaScript."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from followups import publication
from tests.public.citizens import assert_no_personal_data, held_and_followed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def published(world):
    story = held_and_followed(world)
    publication.publication_publish(actor=world.organiser_a, session=story.session)
    return story


def _pages(story, world):
    session = story.session.pk
    return [
        "/cong-khai/tra-cuu/",
        f"/cong-khai/tra-cuu/?ma={story.answered.reference}",
        "/cong-khai/tra-cuu/?ma=DT-00000-00000",
        f"/cong-khai/ket-qua/{session}/",
        f"/cong-khai/ket-qua/{session}/niem-yet/",
        f"/cong-khai/don-vi/{world.commune_a.pk}/",
    ]


def test_public_pages_pass_axe_at_375px(browser, live_server, published, world):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="vi-VN", bypass_csp=True
    )
    page = context.new_page()
    axe = Axe()
    problems = {}
    try:
        for url in _pages(published, world):
            page.goto(url)
            results = axe.run(page)
            serious = [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in results.response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if serious:
                problems[url] = serious
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], (url, width)
        # The check itself can fail: a page with an image without alt text is caught.
        page.set_content('<html lang="vi"><title>x</title><main><img src="x.png"></main></html>')
        caught = {v["id"] for v in axe.run(page).response["violations"]}
        assert "image-alt" in caught
    finally:
        context.close()
    assert problems == {}


def test_public_pages_read_without_javascript(browser, live_server, published, world):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"/cong-khai/tra-cuu/?ma={published.answered.reference}")
        text = page.inner_text("main")
        assert published.answered.reference in text and "29/01/2027" in text
        page.goto(f"/cong-khai/ket-qua/{published.session.pk}/")
        html = page.content()
        assert "Đề nghị lắp đèn chiếu sáng ngõ 4." in html
        assert_no_personal_data(html)
        # The lookup form works without a script: type and submit.
        page.goto("/cong-khai/tra-cuu/")
        page.fill("#id_ma", published.waiting.reference.lower())
        page.click("button[type=submit]")
        assert published.waiting.reference in page.inner_text("main")
    finally:
        context.close()
