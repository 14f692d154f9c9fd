"""Calendar pages, the duedate command, and exceptions reaching every process at once."""

import os
import re
import subprocess
import sys
from datetime import date
from html import unescape
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from dialogue.models import CalendarException, ChangeRecord, Role, User
from dialogue.workcalendar import get_calendar
from tests.factories import UserFactory, make_plan, make_session, member

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar_admin(world) -> User:
    # An administrator of a top-level unit may edit the national calendar.
    return world.administrator


def calculate(client, start: str, offset: int, unit: str = "working"):
    return client.get(
        reverse("deadline-calculator"), {"start": start, "offset": offset, "unit": unit}
    )


def test_year_view_shows_holidays_swaps_and_shipped_exceptions(world, login):
    text = login(world.secretary_a).get(reverse("calendar-year", args=[2026])).text
    assert "Làm bù cho ngày 02/01/2026" in text
    assert "12729/VPCP-KGVX" in text
    assert "Ngày Văn hóa Việt Nam" in text and "chưa tìm thấy văn bản" in text
    assert "Tết Nguyên Đán" in text


def text_content(html: str) -> str:
    """The page's text as a screen reader or a copy would join it: tags dropped, nothing added."""
    body = html.split("<main", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", body))


# A date glued to the next digit, letter or bracket: "02/01/202610/01/2026)".
GLUED_DATE = re.compile(r"\d{2}/\d{2}/\d{4}[\w(]")


def test_year_view_keeps_dates_apart_and_says_where_holidays_come_from(world, login):
    html = login(world.organiser_a).get(reverse("calendar-year", args=[2026])).text
    text = text_content(html)
    assert GLUED_DATE.findall(text) == []
    # The statutory holidays in the user's terms, never the name of a software package.
    assert "Ngày lễ theo Bộ luật Lao động (cập nhật tự động)" in text
    assert "Ngoại lệ so với lịch nghỉ lễ theo Bộ luật Lao động" in text
    for word in ("holidays", "gói", "python", "pygal", "django", "celery"):
        assert word not in text.lower(), word
    # The shipped exceptions' notes, reworded by the data migration.
    assert "Theo lịch ngày lễ của Bộ luật Lao động, ngày này là ngày làm việc." in text
    assert "T6 02/01/2026" in text and "Nghỉ Tết Dương lịch" in text


def test_calculator_explains_a_range_with_both_dates_in_full(world, login):
    text = text_content(calculate(login(world.organiser_a), "12/02/2026", 10).text)
    assert "Tết Nguyên Đán 14/02/2026 – 22/02/2026" in text
    assert GLUED_DATE.findall(text) == []


def test_home_month_calendar_gives_each_day_its_full_date(world, login):
    session = make_session(make_plan(world.commune_a))  # 15/12/2026 08:00
    with time_machine.travel(date(2026, 12, 1), tick=False):
        html = login(world.organiser_a).get(reverse("home"), {"month": "2026-12"}).text
    calendar = text_content(html.split('id="home-calendar"', 1)[1].split("</section>", 1)[0])
    assert re.search(rf"15/12/2026\s+08:00 {session.unit.name}", calendar)
    assert GLUED_DATE.findall(calendar) == []


def test_year_view_is_for_staff_only(world, login):
    assert login(world.outsider).get(reverse("calendar-year", args=[2026])).status_code == 404
    assert login(world.responder_a).get(reverse("calendar-year", args=[2026])).status_code == 200


def test_year_outside_the_calendar_is_404(world, login):
    assert login(world.organiser_a).get(reverse("calendar-year", args=[1999])).status_code == 404


def test_calculator_gives_the_due_date_and_its_explanation(world, login):
    response = calculate(login(world.organiser_a), "2026-02-12", 10)
    assert 'id="due-date">05/03/2026<' in response.text
    assert "không tính: Tết Nguyên Đán 14/02/2026 – 22/02/2026" in response.text


def test_calculator_refuses_zero_and_keeps_the_typed_values(world, login):
    response = calculate(login(world.organiser_a), "2026-02-12", 0)
    assert "Số ngày không thể bằng 0" in response.text
    assert 'value="2026-02-12"' in response.text
    assert 'id="due-date"' not in response.text


def test_calculator_refuses_a_year_outside_the_calendar(world, login):
    response = calculate(login(world.organiser_a), "2070-01-01", 5)
    assert "Lịch chỉ tính cho các năm từ 2000 đến 2050" in response.text


def test_only_top_level_administrators_edit_the_calendar(world, login):
    commune_admin = member(
        UserFactory(username="commune_admin"), world.commune_a, Role.ADMINISTRATOR
    )
    for user in (world.organiser_a, world.supervisor, commune_admin):
        assert login(user).get(reverse("calendar-exception-new")).status_code == 404
    assert login(world.administrator).get(reverse("calendar-exception-new")).status_code == 200


def test_exception_added_on_the_page_changes_the_answer_at_once_and_is_recorded(
    world, login, calendar_admin
):
    client = login(calendar_admin)
    assert 'id="due-date">09/03/2026<' in calculate(client, "2026-03-02", 5).text
    response = client.post(
        reverse("calendar-exception-new"),
        {
            "day": "2026-03-05",
            "kind": "day_off",
            "name": "Nghỉ thử nghiệm",
            "source": "Thông báo 1/TB-TEST",
            "note": "",
            "reason": "Chính phủ cho nghỉ",
        },
    )
    assert response.status_code == 302
    assert 'id="due-date">10/03/2026<' in calculate(client, "2026-03-02", 5).text
    record = ChangeRecord.objects.get(object_repr__contains="Nghỉ thử nghiệm")
    assert (record.actor, record.action, record.reason) == (
        calendar_admin,
        "create",
        "Chính phủ cho nghỉ",
    )
    assert "Chính phủ cho nghỉ" in client.get(reverse("calendar-year", args=[2026])).text


def test_exception_without_a_reason_is_refused_and_the_input_kept(world, login, calendar_admin):
    response = login(calendar_admin).post(
        reverse("calendar-exception-new"),
        {"day": "2026-03-05", "kind": "day_off", "name": "Nghỉ thử", "source": "TB", "reason": ""},
    )
    assert response.status_code == 200
    assert "Trường này là bắt buộc" in response.text
    assert 'value="Nghỉ thử"' in response.text
    assert not CalendarException.objects.filter(day=date(2026, 3, 5)).exists()


def test_second_exception_on_the_same_day_is_refused(world, login, calendar_admin):
    response = login(calendar_admin).post(
        reverse("calendar-exception-new"),
        {"day": "2026-01-02", "kind": "day_off", "name": "x", "source": "y", "reason": "z"},
    )
    assert response.status_code == 200
    assert "Đã có ngoại lệ cho ngày này" in response.text


def test_removing_an_exception_needs_a_reason_and_is_recorded(world, login, calendar_admin):
    client = login(calendar_admin)
    exception = CalendarException.objects.get(day=date(2026, 1, 10))
    url = reverse("calendar-exception-delete", args=[exception.pk])
    client.post(url, {"reason": ""})
    assert CalendarException.objects.filter(pk=exception.pk).exists()
    client.post(url, {"reason": "Nhập nhầm"})
    assert not CalendarException.objects.filter(pk=exception.pk).exists()
    assert not get_calendar().is_working_day(date(2026, 1, 10))
    assert ChangeRecord.objects.filter(action="delete", reason="Nhập nhầm").exists()


def test_admin_exception_is_recorded_with_its_reason(world, client):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:dialogue_calendarexception_add"),
        {
            "day": "2026-03-05",
            "kind": "day_off",
            "name": "Nghỉ qua admin",
            "source": "TB 2",
            "note": "",
            "reason": "Theo thông báo",
        },
    )
    assert response.status_code == 302, response.content
    assert not get_calendar().is_working_day(date(2026, 3, 5))
    assert ChangeRecord.objects.filter(reason="Theo thông báo", actor=superuser).exists()


# --- other processes -------------------------------------------------------------------------


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user, host, port = s["USER"] or "postgres", s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{s['NAME']}"


def _env() -> dict[str, str]:
    return {**os.environ, "DEBUG": "1", "DATABASE_URL": _database_url()}


def duedate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "duedate", *args],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


# Serialized rollback puts back the shipped profiles and exceptions the flush removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_admin_exception_reaches_duedate_the_calculator_and_a_second_process(world, client):
    second = subprocess.Popen(
        [sys.executable, "-c", SECOND_PROCESS],
        cwd=ROOT,
        env=_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:

        def ask() -> str:
            second.stdin.write("2026-03-02 5\n")
            second.stdin.flush()
            return second.stdout.readline().strip()

        assert ask() == "2026-03-09"
        assert duedate("2026-03-02", "+5").stdout.splitlines()[0] == "2026-03-09"
        client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
        response = client.post(
            reverse("admin:dialogue_calendarexception_add"),
            {
                "day": "2026-03-05",
                "kind": "day_off",
                "name": "Nghỉ thử",
                "source": "TB",
                "note": "",
                "reason": "Thử",
            },
        )
        assert response.status_code == 302
        assert ask() == "2026-03-10"
        assert 'id="due-date">10/03/2026<' in calculate(client, "2026-03-02", 5).text
        result = duedate("02/03/2026", "+5")
        assert result.stdout.splitlines() == [
            "2026-03-10",
            "5 ngày làm việc sau ngày 02/03/2026 → 10/03/2026; không tính: Nghỉ thử 05/03/2026",
        ]
    finally:
        second.stdin.close()
        second.wait(timeout=20)


SECOND_PROCESS = """
import sys, django
from datetime import date
django.setup()
from dialogue.workcalendar import get_calendar
for line in sys.stdin:
    day, n = line.split()
    print(get_calendar().add_working_days(date.fromisoformat(day), int(n)).isoformat(), flush=True)
"""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["31/02/2026", "+5"], "Ngày không hợp lệ"),
        (["2026-03-02", "0"], "Số ngày phải khác 0"),
        (["2026-03-02", "năm"], "Số ngày không hợp lệ"),
        (["2060-01-01", "+1"], "nằm ngoài phạm vi lịch"),
        (["2050-12-30", "+5"], "nằm ngoài phạm vi lịch"),
    ],
)
# Serialized rollback puts back the shipped profiles and exceptions the flush removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_duedate_bad_input_exits_2_with_one_vietnamese_line(args, message):
    result = duedate(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


# Serialized rollback puts back the shipped profiles and exceptions the flush removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_duedate_calendar_days_rolls_back_off_a_sunday():
    result = duedate("2024-12-15", "-7", "--calendar-days")
    assert result.returncode == 0
    # Điện Biên: "Giấy mời phải được gửi chậm nhất 7 ngày trước ngày tổ chức Hội nghị";
    # 08/12/2024 is a Sunday, so the latest day is Friday 06/12/2024.
    assert result.stdout.splitlines()[0] == "2024-12-06"
