"""The live console without network and without a mouse (issue 13), in a real Chromium."""

import os
import re

import pytest
from playwright.sync_api import expect

from sessions import services
from sessions.models import MinutesEntry
from tests.factories import make_plan, make_session, make_speaker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="module", autouse=True)
def _service_worker_network():
    """Playwright's offline switch does not reach a service worker's own requests, nor (seen in
    Chromium) a page's POST that the worker passes through: with this switch the worker's
    requests are visible to routes, and `_offline` below cuts them all."""
    previous = os.environ.get("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS")
    os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"
    yield
    if previous is None:
        os.environ.pop("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS")
    else:
        os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = previous


def _cut(route):
    route.abort("internetdisconnected")


def _offline(context, offline):
    if offline:
        context.route("**/*", _cut)
        context.set_offline(True)
    else:  # the network first, then the browser's "online" event
        context.unroute("**/*", _cut)
        context.set_offline(False)


@pytest.fixture
def running(world):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    session = make_session(plan, actor=world.organiser_a, secretaries=[world.secretary_a])
    make_speaker(session, full_name="Nguyễn Văn Ả", address="Thôn Đông")
    services.session_transition(
        actor=world.organiser_a, session=session, to="scheduled", confirm=True
    )
    services.session_transition(actor=world.organiser_a, session=session, to="in_progress")
    return session, world.secretary_a


def _console(page, session):
    page.goto(f"/sessions/{session.pk}/console/")
    expect(page.locator("#connection")).to_have_class(re.compile("text-bg-success"))


def test_a_reload_offline_opens_the_console_and_the_entry_is_saved_once_back_online(
    running, logged_in_page
):
    session, secretary = running
    page = logged_in_page(secretary)
    _console(page, session)
    page.fill("#entry-text", "Đã lưu trước khi mất mạng")
    page.click("#entry-add")
    expect(page.locator("#entries .entry:not(.entry-pending)")).to_have_count(1)
    expect(page.locator("#console[data-offline-ready]")).to_have_count(1)

    _offline(page.context, True)
    page.fill("#entry-text", "Gõ khi mất mạng rồi tải lại trang")
    page.click("#entry-add")
    expect(page.locator("#entries .entry-pending")).to_have_count(1)

    page.reload()
    expect(page.locator("h1")).to_have_text(session.title)
    pending = page.locator("#entries .entry-pending")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text("Gõ khi mất mạng rồi tải lại trang")
    # The copy of the state holds what was saved before the network went.
    expect(page.locator("#entries .entry:not(.entry-pending)")).to_have_text(
        re.compile("Đã lưu trước khi mất mạng")
    )
    expect(page.locator("#connection")).to_have_class(re.compile("text-bg-warning"))
    expect(page.locator("#connection")).to_contain_text("như lần tải gần nhất")
    expect(page.locator("#capture-status")).to_contain_text("Biểu mẫu kiến nghị cần có kết nối")
    # Chromium's offline emulation sometimes lets the service worker's pass-through POST reach
    # the server while the page sees it fail (seen under load in CI): the same as a real request
    # whose answer was lost. What must hold either way is that it is never stored twice.
    typed_offline = MinutesEntry.objects.filter(
        session=session, text="Gõ khi mất mạng rồi tải lại trang"
    )
    assert typed_offline.count() <= 1

    _offline(page.context, False)
    expect(page.locator("#entries .entry-pending")).to_have_count(0, timeout=15_000)
    expect(page.locator("#connection")).to_have_class(re.compile("text-bg-success"))
    expect(page.locator("#capture-form")).to_be_visible()  # fetched again, now it can be
    expect(page.locator("#capture-status")).to_have_text("")
    page.wait_for_timeout(1_000)  # a second flush would land here
    assert (
        MinutesEntry.objects.filter(
            session=session, text="Gõ khi mất mạng rồi tải lại trang"
        ).count()
        == 1
    )
    assert MinutesEntry.objects.filter(session=session).count() == 2


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
        const a = document.activeElement;
        const row = a.closest("[data-uuid]");
        return {id: a.id, tag: a.tagName, cls: a.className, role: a.dataset.role || "",
                uuid: row ? row.dataset.uuid : "", text: a.textContent.trim().slice(0, 40)};
    }"""
    )


def _tab_to(page, css, *, back=False, most=30):
    """Press Tab (or Shift+Tab) until the focused element matches `css`; fail after `most`."""
    for _ in range(most):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate("css => document.activeElement.matches(css)", css):
            return
    raise AssertionError(f"{css} not reached by keyboard; focus on {_focused(page)}")


def test_the_console_by_keyboard_only_keeps_the_focus_where_the_secretary_works(
    running, logged_in_page
):
    session, secretary = running
    page = logged_in_page(secretary)
    _console(page, session)

    # The skip link is the first stop and leads to the entry box.
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "skip-to-entry"
    assert _focused(page)["text"] == "Đến ô ghi biên bản"
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "entry-text"

    # Write and save an entry: the focus stays in the entry box for the next one.
    page.keyboard.type("Khai mạc hội nghị")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "entry-add"
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "entry-text"
    expect(page.locator("#entries .entry:not(.entry-pending)")).to_have_count(1)
    entry = MinutesEntry.objects.get(session=session)
    assert _focused(page)["id"] == "entry-text"

    # "Sửa": the focus goes into the editor, at the end of the text.
    _tab_to(page, ".entry-edit", back=True)
    page.keyboard.press("Enter")
    assert _focused(page)["role"] == "editor"
    page.keyboard.type(" lúc 8 giờ")
    page.keyboard.press("Tab")
    assert _focused(page)["role"] == "" and "entry-save" in _focused(page)["cls"]
    page.keyboard.press("Enter")
    # "Lưu": the focus is on the edited entry, also once the server has confirmed it.
    assert _focused(page)["uuid"] == str(entry.uuid)
    expect(page.locator("#entries .entry-pending")).to_have_count(0)
    expect(page.locator("#entries .entry")).to_contain_text("Khai mạc hội nghị lúc 8 giờ")
    entry.refresh_from_db()
    assert (entry.text, entry.version) == ("Khai mạc hội nghị lúc 8 giờ", 2)
    focused = _focused(page)
    assert (focused["tag"], focused["uuid"]) == ("LI", str(entry.uuid))

    # A petition from this entry: its form opens with the focus on its first field.
    _tab_to(page, ".entry-petition")
    page.keyboard.press("Enter")
    expect(page.locator("#capture-form input[name=entry]")).to_have_value(str(entry.uuid))
    expect(page.locator("#id_speaker")).to_be_focused()

    # Sent with errors: they are announced, and the focus is on the first field in error.
    _tab_to(page, "#capture-form button[type=submit]")
    page.keyboard.press("Enter")
    summary = page.locator("#capture-error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("Nội dung")
    expect(page.locator("#id_petitioner_name")).to_be_focused()

    # Fixed and sent: recorded, and the focus is back on the first field for the next one.
    page.keyboard.type("Bà Lò Thị Cúc")
    _tab_to(page, "#id_content")
    page.keyboard.type("Đề nghị sửa cầu treo bản Co Mận")
    _tab_to(page, "#id_field")
    page.keyboard.press("ArrowDown")
    _tab_to(page, "#capture-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#capture-form .alert-success")).to_be_visible()
    expect(page.locator("#id_speaker")).to_be_focused()
    petition = session.petitions.get()
    assert petition.content == "Đề nghị sửa cầu treo bản Co Mận"
    assert petition.minutes_entry_id == entry.pk


def test_the_timer_is_silent_and_only_the_moments_that_matter_are_announced(
    running, logged_in_page
):
    session, secretary = running
    session.speakers.update(allotted_seconds=3)
    page = logged_in_page(secretary)
    _console(page, session)
    page.evaluate(
        """() => {
        window.said = [];
        new MutationObserver(() => window.said.push(
            document.getElementById("speaker-announce").textContent
        )).observe(document.getElementById("speaker-announce"), {childList: true, subtree: true,
            characterData: true});
    }"""
    )
    page.click("#call-next")
    expect(page.locator("#timer")).to_contain_text("· quá giờ", timeout=8_000)
    page.wait_for_timeout(2_000)  # the timer keeps counting; the live region does not
    assert page.evaluate("window.said") == [
        "Đang phát biểu: Nguyễn Văn Ả",
        "Đã hết giờ phát biểu của Nguyễn Văn Ả",
    ]
    live = page.locator("#current-speaker [aria-live], #current-speaker[aria-live]")
    expect(live).to_have_count(0)


def test_a_stale_token_in_the_page_does_not_stop_the_saves(running, logged_in_page):
    """A copy of the page opened offline may carry the token of an older login: the console
    sends the token of the CSRF cookie."""
    session, secretary = running
    page = logged_in_page(secretary)
    _console(page, session)
    page.evaluate("document.getElementById('console').dataset.csrf = 'stale-token-of-old-login'")
    page.fill("#entry-text", "Lưu với mã của cookie")
    page.click("#entry-add")
    expect(page.locator("#entries .entry:not(.entry-pending)")).to_have_count(1)
    assert MinutesEntry.objects.get(session=session).text == "Lưu với mã của cookie"


def test_logging_out_deletes_the_offline_copies(running, logged_in_page):
    session, secretary = running
    page = logged_in_page(secretary)
    _console(page, session)
    expect(page.locator("#console[data-offline-ready]")).to_have_count(1)
    keys = "caches.keys().then(keys => keys.filter(k => k.startsWith('doithoai-console')))"
    assert page.evaluate(keys) == ["doithoai-console-v1"]
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login/")
    assert page.evaluate(keys) == []
