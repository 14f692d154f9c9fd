"""Exports of the lists (dialogue.exports): what the page shows, as XLSX and CSV; large ones as a
job that only its owner sees."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from dialogue.models import ExportJob
from followups.models import Assignment
from petitions.models import Petition
from tests.factories import (
    issue_notice,
    make_held_session,
    make_plan,
    make_session,
    make_speaker,
)

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=VN), tick=False)


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(content)).active


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.fixture
def two_communes(world):
    """Commune A: 3 petitions assigned to agency A1; commune B: 1 petition to agency B1."""
    with at(date(2026, 12, 21)):
        session_a, _ = make_held_session(world.commune_a, petitions=3)
        issue_notice(
            session_a,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
        session_b, _ = make_held_session(world.commune_b, petitions=1)
        issue_notice(
            session_b,
            actor=world.organiser_b,
            agencies=[world.agency_b1],
            issued_on=date(2026, 12, 21),
        )
    return session_a, session_b


def test_petitions_xlsx_has_vietnamese_headers_dates_and_only_the_scope(world, login, two_communes):
    ws = workbook(login(world.organiser_a).get(reverse("petition-list"), {"format": "xlsx"}))
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("Số", "Ngày nhận", "Đơn vị")
    assert len(rows) == 1 + 3
    assert {r[2] for r in rows[1:]} == {"Xã A"}  # nothing of commune B
    assert all(isinstance(r[1], datetime) for r in rows[1:])  # a date cell, not text
    assert ws["B2"].number_format == "DD/MM/YYYY"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:L4"
    assert ws.column_dimensions["F"].width == 60
    assert all(isinstance(r[10], str) and r[10] for r in rows[1:])  # the status, in words


def test_petitions_export_follows_the_pages_filters(world, login, two_communes):
    petition = Petition.objects.filter(unit=world.commune_a).order_by("pk").first()
    Petition.objects.filter(pk=petition.pk).update(search="duong lang ngo hem")
    client = login(world.supervisor)
    ws = workbook(client.get(reverse("petition-list"), {"format": "xlsx", "q": "ngo hem"}))
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == [petition.pk]
    ws = workbook(
        client.get(reverse("petition-list"), {"format": "xlsx", "unit": world.commune_b.pk})
    )
    assert {r[2] for r in ws.iter_rows(min_row=2, values_only=True)} == {"Xã B"}


def test_csv_starts_with_a_bom_and_reads_as_utf8(world, login, two_communes):
    rows = csv_rows(login(world.supervisor).get(reverse("assignment-list"), {"format": "csv"}))
    assert rows[0][0] == "Số giao"
    assert "Cơ quan được giao" in rows[0]
    assert len(rows) == 1 + 4
    assert {r[3] for r in rows[1:]} == {"Công an xã A", "Công an xã B"}
    assert rows[1][5] == "21/12/2026"


def test_responder_exports_only_the_agencys_assignments(world, login, two_communes):
    ws = workbook(login(world.responder_a).get(reverse("assignment-list"), {"format": "xlsx"}))
    agencies = {r[3] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert agencies == {"Công an xã A"}


def test_overdue_export_counts_working_days(world, login, two_communes):
    with at(date(2027, 1, 12)):
        rows = csv_rows(login(world.organiser_a).get(reverse("overdue-list"), {"format": "csv"}))
    assert len(rows) == 1 + 3
    assert rows[0][-1] == "Số ngày làm việc quá hạn"
    assert {r[-1] for r in rows[1:]} == {"5"}


def test_sessions_and_speakers_export(world, login, two_communes):
    session_a, session_b = two_communes
    upcoming = make_session(make_plan(world.commune_a))
    make_speaker(upcoming, full_name="Phạm Thị Ánh")
    client = login(world.organiser_a)
    ws = workbook(client.get(reverse("session-list"), {"format": "xlsx"}))
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == {session_a.pk, upcoming.pk}
    assert isinstance(rows[0][4], datetime)
    rows = csv_rows(client.get(reverse("session-speakers", args=[upcoming.pk]), {"format": "csv"}))
    assert rows[1][1] == "Phạm Thị Ánh"
    # Another unit's session is not found, exported or not.
    assert (
        client.get(reverse("session-speakers", args=[session_b.pk]), {"format": "csv"}).status_code
        == 404
    )


def test_a_large_export_runs_as_a_job_only_its_owner_sees(
    world, login, two_communes, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_ASYNC_ROWS = 2
    client = login(world.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("assignment-list"), {"format": "xlsx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("export-job", args=[job.pk])
    assert job.user == world.supervisor
    assert job.status == ExportJob.Status.DONE
    assert (job.progress, job.total, job.percent) == (4, 4, 100)

    page = client.get(reverse("export-job", args=[job.pk]))
    assert reverse("export-job-download", args=[job.pk]) in page.text
    download = client.get(reverse("export-job-download", args=[job.pk]))
    ws = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert ws.max_row == 1 + 4

    other = login(world.organiser_a)
    assert other.get(reverse("export-job", args=[job.pk])).status_code == 404
    assert other.get(reverse("export-job-download", args=[job.pk])).status_code == 404


def test_a_job_shows_its_progress_while_it_waits(world, login, two_communes, settings):
    settings.EXPORT_ASYNC_ROWS = 2
    client = login(world.supervisor)
    response = client.get(reverse("assignment-list"), {"format": "csv"})  # on_commit not run
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.PENDING
    page = client.get(reverse("export-job", args=[job.pk]), headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in page.text
    assert "<progress" in page.text
    assert client.get(reverse("export-job-download", args=[job.pk])).status_code == 404
    assert response.status_code == 302


def test_expired_jobs_are_gone(
    world, login, two_communes, settings, django_capture_on_commit_callbacks
):
    from dialogue.exports import export_jobs_purge

    settings.EXPORT_ASYNC_ROWS = 2
    client = login(world.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("assignment-list"), {"format": "csv"})
    job = ExportJob.objects.get()
    content = client.get(reverse("export-job-download", args=[job.pk])).content
    assert content.startswith("\ufeff".encode())
    with time_machine.travel(job.expires_at, tick=False):
        client = login(world.supervisor)  # the login session itself has aged
        assert client.get(reverse("export-job", args=[job.pk])).status_code == 404
        assert export_jobs_purge() == 1
    assert not ExportJob.objects.exists()
    assert Assignment.objects.count() == 4


def test_with_the_broker_down_a_large_export_still_answers_and_is_written_later(
    world, login, two_communes, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from dialogue.celery import app as celery_app
    from dialogue.exports import export_jobs_purge
    from dialogue.tasks import BROKER_BREAKER, export_run_task

    settings.EXPORT_ASYNC_ROWS = 2
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False  # conftest sets it back for the next test

    def broker_down(pk):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(export_run_task, "delay", broker_down)
    client = login(world.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("assignment-list"), {"format": "csv"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == ExportJob.Status.PENDING
    BROKER_BREAKER.reset()
    # The purge's pass over lost jobs writes it once it has waited ten minutes.
    with time_machine.travel(job.created_at + timedelta(minutes=11), tick=False):
        export_jobs_purge()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
