"""A file over the limit is refused while it streams in: the request is not read in full."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import client as test_client

from dialogue.uploads import SizeLimitUploadHandler
from followups import services
from followups.models import Assignment, Response
from tests.factories import issue_notice, make_held_session
from tests.followups.test_pages import PDF, at, response_data, url
from tests.helpers import field_block, field_errors, shown

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def bytes_read(monkeypatch) -> list[int]:
    """How many bytes of the request body the server read, counted on the test client's input."""
    read = [0]
    original = test_client.FakePayload.read

    def counting(self, *args, **kwargs):
        chunk = original(self, *args, **kwargs)
        read[0] += len(chunk)
        return chunk

    monkeypatch.setattr(test_client.FakePayload, "read", counting)
    return read


@pytest.fixture
def assigned(world):
    with at(date(2026, 12, 21)):
        session, (petition,) = make_held_session(world.commune_a)
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
    return Assignment.objects.get(petition=petition)


def test_the_streaming_limit_is_the_response_limit():
    assert settings.UPLOAD_MAX_BYTES == services.MAX_ATTACHMENT_MB * MB
    assert settings.FILE_UPLOAD_HANDLERS[0] == "dialogue.uploads.SizeLimitUploadHandler"


def test_a_50_mb_upload_is_refused_before_it_is_read_in_full(world, login, assigned, bytes_read):
    huge = SimpleUploadedFile("tra-loi.pdf", PDF + b"0" * (50 * MB), "application/pdf")
    with at(date(2026, 12, 28)):
        client = login(world.responder_a)
        page = client.post(
            url("assignment-response", assigned), response_data(**{"response-attachment": huge})
        )
    assert page.status_code == 200
    assert field_errors(page.text, "response-attachment") == [
        shown(services.ATTACHMENT_TOO_LARGE, limit=10)
    ]
    # The fields typed before the file are kept.
    assert "Đã kiểm tra hiện trường" in field_block(page.text, "response-text")
    assert bytes_read[0] < settings.UPLOAD_MAX_BYTES + 2 * SizeLimitUploadHandler.chunk_size
    assert not Response.objects.exists()
    assigned.refresh_from_db()
    assert assigned.is_open


def test_a_file_under_the_limit_still_goes_through(world, login, assigned):
    signed = SimpleUploadedFile("tra-loi.pdf", PDF + b"%" * (9 * MB), "application/pdf")
    with at(date(2026, 12, 28)):
        client = login(world.responder_a)
        response = client.post(
            url("assignment-response", assigned), response_data(**{"response-attachment": signed})
        )
    assert response.status_code == 302
    assert Response.objects.get().has_attachment
