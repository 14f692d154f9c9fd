"""The live console in a real browser: two secretaries at once, a weak network, the queue and
the projector (DESIGN §5)."""

import re

import pytest
from playwright.sync_api import expect

from sessions import services
from sessions.models import MinutesEntry
from tests.factories import Role, UserFactory, make_plan, make_session, make_speaker, member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def running(world):
    """A session in progress in commune A with two secretaries and two speakers."""
    second = member(UserFactory(username="secretary_a2"), world.commune_a, Role.SECRETARY)
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    session = make_session(plan, actor=world.organiser_a, secretaries=[world.secretary_a, second])
    first_speaker = make_speaker(session, full_name="Nguyễn Văn Ả", address="Thôn Đông")
    make_speaker(session, full_name="Trần Thị Bê", address="Thôn Tây", birth_year=1985)
    services.session_transition(
        actor=world.organiser_a, session=session, to="scheduled", confirm=True
    )
    services.session_transition(actor=world.organiser_a, session=session, to="in_progress")
    return session, world.secretary_a, second, first_speaker


def _add_entry(page, text):
    page.fill("#entry-text", text)
    page.click("#entry-add")


def _console(page, session):
    page.goto(f"/sessions/{session.pk}/console/")
    expect(page.locator("#connection")).to_have_class(re.compile("text-bg-success"))


def test_two_secretaries_see_each_others_entries_within_5_seconds(running, logged_in_page):
    session, one, two, _speaker = running
    page_one, page_two = logged_in_page(one), logged_in_page(two)
    _console(page_one, session)
    _console(page_two, session)

    _add_entry(page_one, "Thư ký một ghi: khai mạc hội nghị")
    _add_entry(page_two, "Thư ký hai ghi: giới thiệu đại biểu")

    for page in (page_one, page_two):
        entries = page.locator("#entries .entry:not(.entry-pending)")
        expect(entries.filter(has_text="Thư ký một ghi")).to_have_count(1, timeout=5_000)
        expect(entries.filter(has_text="Thư ký hai ghi")).to_have_count(1, timeout=5_000)
    assert MinutesEntry.objects.filter(session=session).count() == 2


def test_offline_entries_are_kept_then_saved_once_each_in_order(running, logged_in_page):
    session, secretary, _other, _speaker = running
    page = logged_in_page(secretary)
    _console(page, session)

    page.context.set_offline(True)
    texts = ["Ý kiến thứ nhất khi mất mạng", "Ý kiến thứ hai khi mất mạng", "Ý kiến thứ ba"]
    for text in texts:
        _add_entry(page, text)
    pending = page.locator("#entries .entry-pending")
    expect(pending).to_have_count(3)
    expect(pending.locator(".unsaved").first).to_be_visible()
    assert MinutesEntry.objects.filter(session=session).count() == 0

    page.context.set_offline(False)
    expect(page.locator("#entries .entry-pending")).to_have_count(0, timeout=10_000)
    saved = list(MinutesEntry.objects.filter(session=session).order_by("seq"))
    assert [e.text for e in saved] == texts
    assert len({e.uuid for e in saved}) == 3


def test_entries_survive_a_reload_while_saves_fail(running, logged_in_page):
    session, secretary, _other, _speaker = running
    page = logged_in_page(secretary)
    save_url = f"**/sessions/{session.pk}/console/entries/"
    page.route(save_url, lambda route: route.abort("connectionreset"))
    _console(page, session)

    _add_entry(page, "Gõ khi máy chủ không nhận")
    _add_entry(page, "Gõ lần hai")
    expect(page.locator("#entries .entry-pending")).to_have_count(2)
    page.reload()
    expect(page.locator("#entries .entry-pending")).to_have_count(2)
    assert MinutesEntry.objects.filter(session=session).count() == 0

    page.unroute(save_url)
    expect(page.locator("#entries .entry-pending")).to_have_count(0, timeout=15_000)
    assert list(
        MinutesEntry.objects.filter(session=session).order_by("seq").values_list("text", flat=True)
    ) == ["Gõ khi máy chủ không nhận", "Gõ lần hai"]


def test_a_lost_answer_is_retried_without_a_duplicate(running, logged_in_page):
    session, secretary, _other, _speaker = running
    page = logged_in_page(secretary)
    save_url = f"**/sessions/{session.pk}/console/entries/"
    answers = {"dropped": 0}

    def drop_first_answer(route):
        # The request reaches the server, but its answer is lost on the way back.
        response = route.fetch()
        if answers["dropped"] == 0:
            answers["dropped"] += 1
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    page.route(save_url, drop_first_answer)
    _console(page, session)
    _add_entry(page, "Lưu hai lần nhưng chỉ một bản")
    expect(page.locator("#entries .entry-pending")).to_have_count(0, timeout=15_000)
    assert answers["dropped"] == 1
    assert MinutesEntry.objects.filter(session=session).count() == 1


def test_queue_timer_and_projector(running, logged_in_page, live_server):
    session, secretary, _other, first_speaker = running
    page = logged_in_page(secretary)
    _console(page, session)
    session.refresh_from_db()
    projector = page.context.new_page()
    projector.goto(f"/display/{session.display_token}/")
    expect(projector.locator("#display-next")).to_contain_text("Nguyễn Văn Ả")

    page.click("#call-next")
    expect(page.locator("#current-speaker")).to_contain_text("Nguyễn Văn Ả")
    timer = page.locator("#timer")
    expect(timer).to_contain_text("/ 05:00")
    first = timer.inner_text()
    expect(timer).not_to_have_text(first, timeout=5_000)
    expect(projector.locator("#display-current")).to_have_text("Nguyễn Văn Ả", timeout=5_000)
    expect(projector.locator("#display-timer")).to_contain_text("/ 05:00")
    projector_text = projector.locator("body").inner_text()
    assert str(first_speaker.birth_year) not in projector_text

    # Calling the next one ends the first turn; the projector follows.
    page.click("#call-next")
    expect(page.locator("#current-speaker")).to_contain_text("Trần Thị Bê")
    expect(projector.locator("#display-current")).to_have_text("Trần Thị Bê", timeout=5_000)
    first_speaker.refresh_from_db()
    assert first_speaker.status == "spoke"

    # Not satisfied with the answer: queued again at the end.
    row = page.locator(f'#queue li[data-id="{first_speaker.pk}"]')
    row.locator('button[data-to="waiting"]').click()
    expect(row).to_contain_text("3.")
    expect(projector.locator("#display-next")).to_contain_text("Nguyễn Văn Ả", timeout=5_000)


def test_edit_conflict_shows_both_texts(running, logged_in_page):
    session, one, two, _speaker = running
    page_one, page_two = logged_in_page(one), logged_in_page(two)
    _console(page_one, session)
    _console(page_two, session)
    _add_entry(page_one, "Bản gốc")
    for page in (page_one, page_two):
        expect(page.locator("#entries .entry:not(.entry-pending)")).to_have_count(1, timeout=5_000)

    page_one.click("#entries .entry-edit")
    page_two.click("#entries .entry-edit")
    page_one.fill("#entries .entry-editor", "Sửa của thư ký một")
    page_two.fill("#entries .entry-editor", "Sửa của thư ký hai")
    page_one.click("#entries .entry-save")
    expect(page_one.locator("#entries")).to_contain_text("Sửa của thư ký một", timeout=5_000)
    page_two.click("#entries .entry-save")
    expect(page_two.locator("#entries .conflict")).to_be_visible(timeout=5_000)
    expect(page_two.locator("#entries .conflict-saved")).to_have_text("Sửa của thư ký một")
    expect(page_two.locator("#entries .entry-editor")).to_have_value("Sửa của thư ký hai")
    assert MinutesEntry.objects.get(session=session).text == "Sửa của thư ký một"

    page_two.fill("#entries .entry-editor", "Sửa của thư ký một; và của thư ký hai")
    page_two.click("#entries .entry-save")
    expect(page_one.locator("#entries")).to_contain_text("và của thư ký hai", timeout=5_000)
    entry = MinutesEntry.objects.get(session=session)
    assert entry.version == 3


def test_the_answer_and_the_chairs_conclusion_are_recorded_as_such(running, logged_in_page):
    session, secretary, _other, speaker = running
    page = logged_in_page(secretary)
    _console(page, session)

    page.select_option("#entry-kind", "answer")
    page.select_option("#entry-speaker", str(speaker.pk))
    page.fill("#entry-given-by", "Công chức Địa chính - Xây dựng")
    _add_entry(page, "Xã sẽ sửa đường trong quý I.")
    page.fill("#conclusion-text", "Giao Địa chính xã rà soát hồ sơ.")
    page.click("#conclusion-add")

    conclusion = page.locator("#conclusion-entries .entry:not(.entry-pending)")
    expect(conclusion.filter(has_text="rà soát hồ sơ")).to_have_count(1, timeout=5_000)
    expect(page.locator("#entries .entry", has_text="rà soát hồ sơ")).to_have_count(0)
    expect(page.locator("#entries .entry-given-by")).to_contain_text("Công chức Địa chính")
    answer = MinutesEntry.objects.get(session=session, kind="answer")
    assert (answer.speaker, answer.given_by) == (speaker, "Công chức Địa chính - Xây dựng")
    final = MinutesEntry.objects.get(session=session, kind="conclusion")
    assert final.given_by == session.chair_name


@pytest.mark.parametrize("width", [1366, 375])
def test_the_answer_choice_reads_on_one_line_each_and_overlaps_nothing(
    running, logged_in_page, width
):
    """The choice a secretary makes for every petition (issue 13): each option on its own line
    beside its radio, inside its column, above the next field; the group has a name."""
    session, secretary, _second, _speaker = running
    page = logged_in_page(secretary)
    page.set_viewport_size({"width": width, "height": 900})
    _console(page, session)
    group = page.locator("#capture fieldset.choice-group")
    expect(group.locator("legend")).to_contain_text("Trả lời")
    labels = group.locator("label")
    assert labels.count() == 2
    boxes = [labels.nth(i).bounding_box() for i in range(2)]
    column = page.locator("#capture").bounding_box()
    next_field = page.locator("#id_answer_at_session").bounding_box()
    line_height = 2 * 16 * 1.5  # at most two lines of 16 px text
    for box in boxes:
        assert box["height"] <= line_height, box
        assert (
            box["x"] >= column["x"] - 1
            and box["x"] + box["width"] <= column["x"] + column["width"] + 1
        )
    assert boxes[0]["y"] + boxes[0]["height"] <= boxes[1]["y"] + 0.5
    assert boxes[1]["y"] + boxes[1]["height"] <= next_field["y"], (boxes, next_field)


def test_refusing_a_speaker_without_a_reason_says_why(running, logged_in_page):
    """An empty reason is not a silent no-op (issue 13): the secretary is told why."""
    session, secretary, _second, speaker = running
    page = logged_in_page(secretary)
    _console(page, session)
    said = []

    def answer(dialog):
        if dialog.type == "prompt":
            dialog.accept("")
        else:
            said.append(dialog.message)
            dialog.accept()

    page.on("dialog", answer)
    page.locator("#queue button[data-to=refused]").first.click()
    expect(page.locator("#queue")).to_contain_text(speaker.full_name)
    for _ in range(50):
        if said:
            break
        page.wait_for_timeout(100)
    assert said == ["Hãy ghi lý do từ chối (ví dụ: say rượu, gây rối, đe dọa)."]
    speaker.refresh_from_db()
    assert speaker.status == "waiting"
