"""Petitions collected beforehand, imported from XLSX: the template, the preview's errors on each
field, all-or-nothing, idempotence (the same file twice creates nothing new), the history with
the file's SHA-256, and imported petitions identical to typed ones."""

from __future__ import annotations

import hashlib
from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dialogue import audit
from petitions import importing
from petitions.models import Field, Petition, PetitionImport
from tests.factories import make_petition, make_plan, make_session

pytestmark = pytest.mark.django_db
HEADER = [header for _key, header, _width in importing.COLUMNS]
LAND = "Đất đai, giải phóng mặt bằng"


def row(n=1, **values):
    base = {
        "STT": n,
        "Ngày tiếp nhận": "10/11/2026",
        "Nguồn": "Họp thôn, tổ dân phố",
        "Người kiến nghị": f"Người dân {n}",
        "Địa chỉ": "Thôn Bắc",
        "Điện thoại": "0900000000",
        "Số người ký": 1,
        "Nội dung ý kiến, kiến nghị": f"Đề nghị sửa cống thoát nước số {n}.",
        "Lĩnh vực": LAND,
        "Thẩm quyền giải quyết": "",
    }
    base.update(values)
    return [base[h] for h in HEADER]


def xlsx(*rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for r in rows:
        sheet.append(r)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def session(world):
    return make_session(make_plan(world.commune_a, actor=world.organiser_a))


def upload(session, content, actor):
    return importing.import_upload(
        actor=actor, session=session, filename="thon-bac.xlsx", content=content
    )


def test_template_has_vietnamese_headers_examples_and_reads_back(session):
    content = importing.template_workbook()
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.max_row == 3  # two example rows
    preview = importing.check(session, content, today=date(2026, 12, 1))
    assert preview.is_valid, [r.errors for r in preview.rows]
    assert len(preview.rows) == 2


@pytest.mark.parametrize(
    ("values", "key", "message"),
    [
        ({"Lĩnh vực": "Thiên văn học"}, "field", "không phải|is not a field"),
        ({"Lĩnh vực": ""}, "field", ""),
        ({"Nội dung ý kiến, kiến nghị": ""}, "content", ""),
        ({"Ngày tiếp nhận": "31/02/2026"}, "received_on", ""),
        ({"Ngày tiếp nhận": "hôm qua"}, "received_on", ""),
        ({"Ngày tiếp nhận": "01/01/2099"}, "received_on", ""),
        ({"Nguồn": "Bồ câu đưa thư"}, "source", ""),
        ({"Thẩm quyền giải quyết": "Liên hợp quốc"}, "competence", ""),
        ({"Người kiến nghị": ""}, "petitioner_name", ""),
        ({"Số người ký": "nhiều"}, "signatories", ""),
    ],
)
def test_preview_shows_each_error_on_its_field(session, world, values, key, message):
    petition_import = upload(session, xlsx(row(1), row(2, **values), row(3)), world.organiser_a)
    preview = importing.check(session, bytes(petition_import.content))
    assert not preview.is_valid
    bad = [r for r in preview.rows if r.errors]
    assert [r.line for r in bad] == [3]  # the header is line 1
    assert list(bad[0].errors) == [key]
    with pytest.raises(ValidationError):
        importing.petition_import_apply(actor=world.organiser_a, petition_import=petition_import)
    assert not Petition.objects.exists()  # all or nothing


def test_preview_page_lists_every_row_with_errors_on_the_field(login, session, world):
    client = login(world.organiser_a)
    content = xlsx(row(1), row(2, **{"Lĩnh vực": "Thiên văn học"}), row(3))
    response = client.post(
        reverse("petition-import", args=[session.pk]),
        {"file": SimpleUploadedFile("thon-bac.xlsx", content)},
    )
    petition_import = PetitionImport.objects.get()
    assert response.url == reverse("petition-import-detail", args=[petition_import.pk])
    html = client.get(response.url).content.decode()
    assert "Thiên văn học" in html and 'data-field="field"' in html
    for n in (1, 2, 3):
        assert f"Đề nghị sửa cống thoát nước số {n}." in html
    assert reverse("petition-import-apply", args=[petition_import.pk]) not in html
    response = client.post(reverse("petition-import-apply", args=[petition_import.pk]))
    assert not Petition.objects.exists()


def test_likely_duplicate_is_shown_and_recorded_as_raised_again(session, world):
    original = make_petition(session, content="Đề nghị sửa cống thoát nước số 2.")
    petition_import = upload(session, xlsx(row(1), row(2)), world.organiser_a)
    preview = importing.check(session, bytes(petition_import.content))
    assert preview.is_valid
    assert preview.rows[1].notes["content"]
    assert str(original.pk) in preview.rows[1].notes["content"][0]
    importing.petition_import_apply(actor=world.organiser_a, petition_import=petition_import)
    copy = Petition.objects.get(content="Đề nghị sửa cống thoát nước số 2.", duplicate_of=original)
    assert copy.status == Petition.Status.DUPLICATE
    original.refresh_from_db()
    assert original.times_raised == 2


def test_import_is_idempotent_and_recorded_with_the_sha256(login, session, world):
    content = xlsx(row(1), row(2), row(3))
    client = login(world.organiser_a)
    url = reverse("petition-import", args=[session.pk])
    first = client.post(url, {"file": SimpleUploadedFile("a.xlsx", content)})
    client.post(first.url.replace("/petition-imports/", "/petition-imports/") + "apply/")
    assert Petition.objects.count() == 3
    again = client.post(url, {"file": SimpleUploadedFile("renamed.xlsx", content)})
    assert again.url == first.url  # the same file is the same import
    client.post(again.url + "apply/")
    importing.petition_import_apply(
        actor=world.organiser_a, petition_import=PetitionImport.objects.get()
    )
    assert Petition.objects.count() == 3
    assert PetitionImport.objects.count() == 1
    digest = hashlib.sha256(content).hexdigest()
    records = audit.history(session).filter(action="petitions_imported")
    assert [r.changes["sha256"][1] for r in records] == [digest]


def test_imported_petitions_are_the_same_as_typed_ones(session, world):
    importing.petition_import_apply(
        actor=world.organiser_a,
        petition_import=upload(
            session, xlsx(row(1, **{"Thẩm quyền giải quyết": "Cấp tỉnh"})), world.organiser_a
        ),
    )
    imported = Petition.objects.get()
    typed = make_petition(
        session,
        actor=world.organiser_a,
        source="hamlet_meeting",
        received_on=date(2026, 11, 10),
        petitioner_name="Người dân 1",
        petitioner_address="Thôn Bắc",
        petitioner_phone="0900000000",
        content="Đề nghị sửa cống thoát nước số 99.",
        field=Field.objects.get(name=LAND),
        competence="province",
    )
    compared = (
        "source",
        "received_on",
        "petitioner_name",
        "petitioner_address",
        "petitioner_phone",
        "signatories",
        "field_id",
        "competence",
        "scope",
        "status",
        "is_resolved",
        "unit_id",
        "created_by_id",
    )
    assert {n: getattr(imported, n) for n in compared} == {n: getattr(typed, n) for n in compared}
    assert imported.search.startswith("nguoi dan 1 thon bac de nghi sua cong")
    assert imported.reference != typed.reference
    assert audit.history(imported).filter(action="created").exists()


def test_large_file_runs_as_a_task_with_progress(
    session, world, django_capture_on_commit_callbacks
):
    rows = [row(n) for n in range(1, importing.INLINE_ROWS + 2)]
    petition_import = upload(session, xlsx(*rows), world.organiser_a)
    with django_capture_on_commit_callbacks(execute=True):
        started = importing.petition_import_start(
            actor=world.organiser_a, petition_import=petition_import
        )
    assert started
    petition_import.refresh_from_db()
    assert petition_import.status == PetitionImport.Status.IMPORTED
    assert importing.progress(petition_import) == len(rows)
    assert Petition.objects.count() == len(rows)


def test_not_an_xlsx_and_too_many_rows(session, world, monkeypatch):
    preview = importing.check(session, b"PK\x03\x04 not really")
    assert preview.file_errors == [str(importing.FILE_NOT_XLSX)]
    monkeypatch.setattr(importing, "MAX_ROWS", 2)
    preview = importing.check(session, xlsx(row(1), row(2), row(3)))
    assert preview.file_errors and not preview.is_valid


@pytest.mark.parametrize("who", ["organiser_b", "secretary_a", "supervisor", "responder_a"])
def test_import_is_for_the_units_organisers(login, session, world, who):
    petition_import = upload(session, xlsx(row(1)), world.organiser_a)
    client = login(getattr(world, who))
    assert client.get(reverse("petition-import", args=[session.pk])).status_code == 404
    assert (
        client.get(reverse("petition-import-detail", args=[petition_import.pk])).status_code == 404
    )
    assert (
        client.post(reverse("petition-import-apply", args=[petition_import.pk])).status_code == 404
    )
    assert not Petition.objects.exists()
