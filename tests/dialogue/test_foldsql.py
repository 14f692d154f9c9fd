"""The search folding inside SQL (dialogue.foldsql), against the Python fold it stands for, on
the database under test (SQLite by default, PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from django.db import connection
from django.db.models import Value
from hypothesis import example, given
from hypothesis import strategies as st

from dialogue import foldsql
from dialogue.models import AdministrativeUnit
from dialogue.textfold import _vietnamese_letters, fold, search_document

VIETNAMESE = [
    "  GIẢI  PHÓNG mặt bằng ",
    "Nguyễn Văn Ả, thôn Đông",
    "Hoà Sơn / Hòa Sơn / THUÝ / thúy",
    unicodedata.normalize("NFD", "Đường liên thôn Bãi Sậy bị xuống cấp, đề nghị sửa chữa."),
    "Trần\tThị\nỞ\r\x0b\x0c\x1c\x1d\x1e\x1f  ĐẶNG",
    "[đã ẩn danh] 0912345678 (số 9, ngõ 12)",
    "",
    "   ",
    # Every precomposed Vietnamese letter, both cases, NFC and NFD.
    " ".join(sorted(_vietnamese_letters())),
    unicodedata.normalize("NFD", " ".join(sorted(_vietnamese_letters()))),
]
# Other letters and scripts: SQL may leave them to Python (foldsql.needs_python).
FOREIGN = [
    "Müller Straße",
    "ΣΊΣΥΦΟΣ",
    "İstanbul",
    "Ǆ ligature",
    "x\u0308y",
    "王小明",
    "\u212a Kelvin, \u212b Ångström",
    "a\u037eb\u1fefc",
    "en\u2002space\u0085",
]


def _fold_in_sql(text: str) -> str:
    unit = AdministrativeUnit.objects.annotate(folded=foldsql.Fold(Value(text))).first()
    return unit.folded


@pytest.mark.django_db
@pytest.mark.parametrize("text", VIETNAMESE)
def test_sql_fold_is_the_python_fold_for_vietnamese_text(world, text):
    assert _fold_in_sql(text) == fold(text)


@pytest.mark.django_db
@pytest.mark.parametrize("text", FOREIGN)
def test_other_scripts_are_exact_or_flagged_for_python(world, text):
    folded = _fold_in_sql(text)
    if foldsql.exact_in_sql(connection):
        assert folded == fold(text)
    else:
        assert folded == fold(text) or re.search(foldsql.NON_ASCII, folded)


@pytest.mark.django_db
def test_search_document_sql_joins_parts_like_search_document(world):
    parts = ["Lê Thị Bé", None, "", "  Thôn  TÂY ", "Đề nghị\tlàm rõ."]
    row = AdministrativeUnit.objects.annotate(
        folded=foldsql.search_document_sql(*(Value(p) for p in parts))
    ).first()
    assert row.folded == search_document(*parts) == "le thi be thon tay de nghi lam ro."


def test_each_sql_replacement_is_what_fold_does_to_that_character():
    for old, new in foldsql.REPLACEMENTS:
        assert fold(f"x{old}y") == fold(f"x{new}y")


parts = st.one_of(st.none(), st.text())


@given(parts, parts, parts)
@example("Ả", None, " \x1c ")
def test_search_document_is_the_fold_of_the_joined_parts(a, b, c):
    """What search_document_sql relies on."""
    joined = " ".join(part or "" for part in (a, b, c))
    assert search_document(a, b, c) == fold(joined)
