"""Every document the demo produces, read as the office that signs it would (issue 12).

The demo is the five source documents played out: six plans, nine invitations, nine minutes and
the conclusion notices. Each PDF is fetched as the organiser fetches it and its text extracted.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from dialogue.document_systems import DocumentSystem
from dialogue.models import User
from sessions.models import DialogueSession, Plan
from tests.pdf import pages_text
from tests.sessions.test_demo import TODAY, load_demo

pytestmark = pytest.mark.django_db

STATE_HEADING = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
PARTY_HEADING = "ĐẢNG CỘNG SẢN VIỆT NAM"
#: What software would print and an office would never sign.
TRACES = ("→", "(chọn cơ quan)", "mặc định", "Giao …", "None", "……")


def _documents(client) -> list[tuple[str, Plan, list[str]]]:
    """(what, plan, text of each page) for every document the demo serves."""
    documents = []
    for plan in Plan.objects.order_by("pk"):
        documents.append((f"KH {plan}", plan, _pages(client, reverse("plan-pdf", args=[plan.pk]))))
    for session in DialogueSession.objects.select_related("plan").order_by("pk"):
        for name, kind in [
            ("session-invitation-pdf", "GM"),
            ("minutes-pdf", "BB"),
            ("session-notice-pdf", "TB"),
        ]:
            pages = _pages(client, reverse(name, args=[session.pk]))
            if pages is not None:
                documents.append((f"{kind} {session}", session.plan, pages))
    return [d for d in documents if d[2] is not None]


def _pages(client, url: str) -> list[str] | None:
    response = client.get(url)
    if response.status_code == 404:  # no notice yet for a session not held
        return None
    assert response.status_code == 200, url
    return pages_text(
        b"".join(response.streaming_content) if response.streaming else response.content
    )


def test_every_demo_document_is_fit_to_sign(client):
    load_demo(TODAY)
    client.force_login(
        User.objects.get(username="tochuc"), backend="django.contrib.auth.backends.ModelBackend"
    )
    documents = _documents(client)
    kinds = {what.split()[0] for what, _plan, _pages in documents}
    assert kinds == {"KH", "GM", "BB", "TB"}
    assert len(documents) >= 6 + 9 + 9 + 7

    party = [d for d in documents if d[1].system == DocumentSystem.PARTY]
    assert party, "the 2017 Party committee plan is in the demo"
    for what, plan, pages in documents:
        text = "\n".join(pages)
        for trace in TRACES:
            assert trace not in text, (what, trace)
        if plan.system == DocumentSystem.PARTY:
            assert PARTY_HEADING in pages[0], what
            assert STATE_HEADING[0] not in text, what
            # Hướng dẫn 36: "Số 15-KH/ĐU", hyphen, no colon.
            assert re.search(r"Số\s+\d*\s*-(KH|GM|BB|TB)/ĐU", pages[0]), what
            assert "Số:" not in pages[0], what
        else:
            assert all(line in pages[0] for line in STATE_HEADING), what
            assert PARTY_HEADING not in text, what
            assert re.search(r"Số:\s*\d*/(KH|GM|BB|TB)-", pages[0]), what
        # A draft carries one stamp per page and no letters of a watermark in its text.
        for page in pages:
            assert page.count("DỰ THẢO") <= 1, what
        if what.startswith("BB"):
            # Once when the delegates were introduced; a session not yet held has no such part.
            assert text.count("Giới thiệu đại biểu") <= 1, what
    # The finalised minutes of every held session introduce the delegates exactly once.
    finalised = [
        "\n".join(p) for w, _plan, p in documents if w.startswith("BB") and "DỰ THẢO" not in p[0]
    ]
    assert len(finalised) >= 7
    assert all(text.count("Giới thiệu đại biểu") == 1 for text in finalised)
