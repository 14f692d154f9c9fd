"""The history of changes reads as words, not as the codes the services record."""

import pytest
from django.utils import translation

from dialogue import audit
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


def test_actions_and_fields_are_shown_by_their_names(world):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    record = audit.record(
        plan,
        actor=world.organiser_a,
        action="status",
        changes={"title": ["Cũ", "Mới"], "secretaries": ["", "Thư ký A"], "unknown": 1},
    )
    with translation.override("vi"):
        assert record.action_label == "đã đổi trạng thái"
        assert record.change_items == [
            ("tiêu đề", "Cũ", "Mới"),
            ("thư ký", "", "Thư ký A"),
            ("unknown", None, 1),
        ]
    with translation.override("en"):
        assert record.action_label == "status changed"
    # Codes of a field with choices read as their labels, dates as dd/mm/yyyy.
    coded = audit.record(
        plan,
        actor=None,
        action="status",
        changes={"status": ["draft", "issued"], "issued_on": [None, "2026-12-21"]},
    )
    with translation.override("vi"):
        rows = [
            (label, str(old) if old else old, str(new)) for label, old, new in coded.change_items
        ]
    assert rows == [("trạng thái", "Dự thảo", "Đã ban hành"), ("ngày ban hành", None, "21/12/2026")]
    # An action nobody has named yet is shown as recorded rather than hidden.
    other = audit.record(plan, actor=None, action="imported")
    assert other.action_label == "imported"
