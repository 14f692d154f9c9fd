"""The supervisor in a real browser: the dashboard, a drill-down to a district, an export."""

from __future__ import annotations

from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import issue_notice, make_held_session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def held(world):
    """Commune A held its dialogue a month ago; its two petitions went to agency A1."""
    starts_at = timezone.now() - timedelta(days=30)
    session, _ = make_held_session(world.commune_a, starts_at=starts_at, petitions=2)
    issue_notice(
        session,
        actor=world.organiser_a,
        agencies=[world.agency_a1],
        issued_on=timezone.localdate(starts_at) + timedelta(days=2),
    )
    return timezone.localdate(starts_at).year


def test_supervisor_opens_the_dashboard_drills_down_and_exports(
    world, logged_in_page, held, tmp_path
):
    page = logged_in_page(world.supervisor)
    page.goto(f"/dashboard/?year={held}")
    expect(page.locator("h1")).to_contain_text("Tỉnh Thử Nghiệm")
    expect(page.locator("svg.chart")).to_have_count(3)
    expect(page.locator("#dashboard-assignments")).to_contain_text("2")
    expect(page.locator("#dashboard-without")).to_contain_text("Xã B")

    page.locator("#dashboard-children").get_by_role("link", name="Huyện Thử Nghiệm").click()
    expect(page.locator("h1")).to_contain_text("Huyện Thử Nghiệm")
    expect(page.locator(".breadcrumb")).to_contain_text("Tỉnh Thử Nghiệm")
    expect(page.locator("#dashboard-children")).to_contain_text("Xã A")
    expect(page.locator("#dashboard-children")).not_to_contain_text("Xã B")

    page.goto("/assignments/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Xuất XLSX").click()
    path = tmp_path / "export.xlsx"
    info.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0] == "Số giao"
    assert len(rows) == 1 + 2
    assert {r[3] for r in rows[1:]} == {"Công an xã A"}
