"""Emoji in official text are refused on the field; Vietnamese text and its punctuation are not.

The rule exists because the documents' font has no emoji (WeasyPrint would drop them from the
stored PDF): the first tests check that premise on the bundled font itself.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from fontTools.ttLib import TTFont
from hypothesis import given
from hypothesis import strategies as st

from dialogue.emoji import EMOJI_REFUSED, has_emoji, refuse_emoji
from petitions import importing
from petitions.models import Petition
from sessions import services as session_services
from tests.factories import make_plan, make_session
from tests.helpers import field_block, field_errors, in_language, shown, widget_is_invalid
from tests.petitions.test_forms import petition_post
from tests.petitions.test_import import row, upload, xlsx

VIETNAMESE_LETTERS = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
#: What official writing uses besides letters: quotes, dashes, the ellipsis, № and §.
PUNCTUATION = " \n.,;:!?()[]/%-–—…“”‘’'\"№§+=*&@#0123456789"
ALPHABET = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + PUNCTUATION
#: Faces, hands, hearts, flags, keycaps, a family (ZWJ sequence), skin tones, the ticks people type.
EMOJI = ["😀", "🙏", "👍🏽", "❤️", "✅", "⭐", "🇻🇳", "1️⃣", "👨‍👩‍👧", "☀", "⚠️", "🔥", "🏠", "⌛"]

vietnamese_text = st.text(alphabet=ALPHABET, max_size=200)


def font_characters() -> set[int]:
    font = TTFont(Path(settings.BASE_DIR) / "static/fonts/LiberationSerif-Regular.ttf")
    return set(font.getBestCmap())


def test_the_documents_font_has_no_emoji_and_every_vietnamese_character():
    printable = font_characters()
    for emoji in EMOJI:
        assert not all(ord(c) in printable for c in emoji), emoji
    assert all(ord(c) in printable for c in ALPHABET if not c.isspace())


@given(vietnamese_text)
def test_vietnamese_text_and_its_punctuation_are_accepted(text):
    assert not has_emoji(text)
    refuse_emoji(text)  # raises nothing


@given(vietnamese_text, st.sampled_from(EMOJI), vietnamese_text)
def test_an_emoji_anywhere_is_found(before, emoji, after):
    assert has_emoji(before + emoji + after)


pytestmark = pytest.mark.django_db


@pytest.fixture
def session(world):
    return make_session(
        make_plan(world.commune_a, actor=world.organiser_a),
        actor=world.organiser_a,
        secretaries=[world.secretary_a],
    )


def test_a_petition_with_an_emoji_is_refused_on_the_field_in_vietnamese(world, session, login):
    content = "Đề nghị sửa cầu treo bản Pá 🙏 “sớm” – cảm ơn…"
    response = login(world.organiser_a).post(
        reverse("petition-create", args=[session.pk]), petition_post(content=content)
    )
    assert response.status_code == 200
    assert not Petition.objects.exists()
    assert field_errors(response.text, "content") == [shown(EMOJI_REFUSED)]
    assert shown(EMOJI_REFUSED).startswith("Không dùng biểu tượng cảm xúc")
    assert widget_is_invalid(response.text, "content")
    assert content in field_block(response.text, "content")


def test_the_same_petition_without_the_emoji_is_recorded(world, session, login):
    content = "Đề nghị sửa cầu treo bản Pá “sớm” – cảm ơn… (№ 5, § 2)"
    response = login(world.organiser_a).post(
        reverse("petition-create", args=[session.pk]), petition_post(content=content)
    )
    assert response.status_code == 302
    assert Petition.objects.get().content == content


def test_a_search_may_hold_an_emoji(world, session, login):
    # A search box is not a document: nothing to refuse, the list answers.
    response = login(world.organiser_a).get(reverse("petition-list"), {"q": "cầu 🙏"})
    assert response.status_code == 200
    assert shown(EMOJI_REFUSED) not in response.text


def test_a_minutes_entry_with_an_emoji_is_refused_on_its_text(world, session, login):
    session_services.session_transition(
        actor=world.organiser_a, session=session, to="scheduled", confirm=True
    )
    session_services.session_transition(actor=world.organiser_a, session=session, to="in_progress")
    response = login(world.secretary_a).post(
        reverse("console-entry-save", args=[session.pk]),
        json.dumps({"uuid": str(uuid.uuid4()), "kind": "note", "text": "Ý kiến hay 👍"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"text": [in_language("vi", EMOJI_REFUSED)]}
    assert not session.minutes_entries.exists()


def test_an_imported_row_with_an_emoji_is_refused_on_its_cell(world, session):
    content = xlsx(row(1), row(2, **{"Nội dung ý kiến, kiến nghị": "Đường hỏng 😡"}))
    preview = importing.check(session, bytes(upload(session, content, world.organiser_a).content))
    bad = [r for r in preview.rows if r.errors]
    assert [r.line for r in bad] == [3]
    assert list(bad[0].errors) == ["content"]
