"""Search folding (dialogue.textfold): tables for every Vietnamese letter, properties.

No database used; the module under test imports no Django (tests/conftest.py still does):
``DEBUG=1 pytest -q tests/dialogue/test_textfold.py``.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dialogue.textfold import _fold_reference, fold, fold_query, search_document

TONES = {
    "huyền": "\u0300",
    "sắc": "\u0301",
    "ngã": "\u0303",
    "hỏi": "\u0309",
    "nặng": "\u0323",
}
# Every vowel letter with its base Latin vowel, written NFC (ă, â, ê, ô, ơ, ư precomposed).
VOWELS = {
    "a": "a",
    "ă": "a",
    "â": "a",
    "e": "e",
    "ê": "e",
    "i": "i",
    "o": "o",
    "ô": "o",
    "ơ": "o",
    "u": "u",
    "ư": "u",
    "y": "y",
}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


TONED = [
    pytest.param(nfc(letter + mark), base, id=f"{letter}-{tone}")
    for letter, base in VOWELS.items()
    for tone, mark in {"ngang": "", **TONES}.items()
]
# Upper-case forms of all of the above.
TONED += [pytest.param(p.values[0].upper(), p.values[1], id=p.id.upper()) for p in list(TONED)]
VIETNAMESE_LETTERS = sorted(
    {p.values[0] for p in TONED} | set("bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX")
)


def test_table_is_complete():
    # 12 vowels x (no tone + 5 tones) x (lower, upper), all distinct precomposed characters.
    assert len(TONED) == 144
    assert all(len(p.values[0]) == 1 for p in TONED)
    assert len({p.values[0] for p in TONED}) == 144


@pytest.mark.parametrize(("letter", "base"), TONED)
def test_each_toned_vowel_folds_to_its_base(letter, base):
    assert fold(letter) == base
    assert fold(nfd(letter)) == base
    assert fold(f"x{letter}x") == f"x{base}x"
    assert _fold_reference(letter) == base


@pytest.mark.parametrize("letter", ["đ", "Đ"])
def test_d_with_stroke(letter):
    assert fold(letter) == "d"
    assert fold(nfd(letter)) == "d"  # no canonical decomposition: still one character


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Văn Ả", "nguyen van a"),
        ("Đất đai", "dat dai"),
        ("  GIẢI  PHÓNG mặt bằng ", "giai phong mat bang"),
        ("Hòa Sơn", "hoa son"),
        ("Hoà Sơn", "hoa son"),  # old-style tone placement
        ("thúy", "thuy"),
        ("thuý", "thuy"),
        ("KHOẺ", "khoe"),
        ("khỏe", "khoe"),
        ("Phường\tHải\u00a0Châu\n 1", "phuong hai chau 1"),
        ("Điều 147–148, BLDS 2015.", "dieu 147–148, blds 2015."),
        ("", ""),
        ("   ", ""),
        ("ASCII only", "ascii only"),
        ("Straße", "strasse"),  # casefold, not lower
        ("Ελληνικά", "ελληνικα"),  # other scripts: same NFD rule
    ],
)
def test_examples(text, expected):
    assert fold(text) == expected
    assert fold(nfc(text)) == expected
    assert fold(nfd(text)) == expected
    assert _fold_reference(text) == expected


@pytest.mark.parametrize(
    ("old_style", "new_style"),
    [("hoà", "hòa"), ("thuý", "thúy"), ("hoá", "hóa"), ("khoẻ", "khỏe"), ("Thuỵ", "Thụy")],
)
def test_tone_placement_is_irrelevant(old_style, new_style):
    assert old_style != new_style
    assert fold(old_style) == fold(new_style)
    assert fold(nfd(old_style)) == fold(new_style)


def test_fold_query():
    assert fold_query("  Đất   ĐAI ") == ["dat", "dai"]
    assert fold_query("Hoà") == ["hoa"]
    assert fold_query("") == []
    assert fold_query(" \t\n") == []


def test_search_document():
    assert search_document("Nguyễn Văn Ả", None, "  ", "", "Đất đai") == "nguyen van a dat dai"
    assert search_document() == ""
    assert search_document(None, " ") == ""
    assert search_document("  Hoà  ") == "hoa"


# --- properties ----------------------------------------------------------------------

vietnamese_text = st.text(
    alphabet=st.sampled_from(VIETNAMESE_LETTERS + list("0123456789") + list(" \t\n.,;:!?-()/\"'%")),
    max_size=60,
)
# The same text, possibly decomposed, so that NFD input and stray combining marks are drawn.
any_form = vietnamese_text.flatmap(lambda s: st.sampled_from([s, nfd(s)]))
non_blank = any_form.filter(lambda s: s.strip())


@given(any_form)
def test_fold_is_ascii_and_idempotent(text):
    folded = fold(text)
    assert folded.isascii()
    assert fold(folded) == folded
    assert folded == folded.strip()
    assert "  " not in folded


@given(vietnamese_text)
def test_nfc_and_nfd_agree(text):
    assert fold(nfc(text)) == fold(nfd(text)) == fold(text)


@given(st.text())
@example("ẖ\u0331İ")
@example("a\U0001d165\u0323\U0001d16d")  # Mc marks with non-zero combining class
@settings(max_examples=500)
def test_fast_path_equals_reference_and_idempotent_on_any_unicode(text):
    assert fold(text) == _fold_reference(text)
    assert fold(fold(text)) == fold(text)


@given(non_blank, non_blank)
def test_search_document_joins_folded_parts(a, b):
    assert fold(a + " " + b) == search_document(a, b)


@given(any_form)
def test_query_terms_are_substrings_of_folded_query(query):
    folded = fold(query)
    terms = fold_query(query)
    assert all(term and term in folded for term in terms)
    assert " ".join(terms) == folded
