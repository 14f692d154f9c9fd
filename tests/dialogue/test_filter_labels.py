"""Every list filter's empty choice reads "Tất cả", and every other select's "— Chọn —", never
Django's "---------" (issue 13)."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from dialogue.forms import UNIT_PICKER_LIMIT
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

LISTS = [
    ("organiser_a", "plan-list"),
    ("organiser_a", "session-list"),
    ("secretary_a", "speaker-list"),
    ("organiser_a", "petition-list"),
    ("responder_a", "assignment-list"),
    ("supervisor", "overdue-list"),
]


def first_options(html: str) -> list[str]:
    """The text of the first option of every select of the filter form."""
    start = html.index('role="search"')
    form = html[start : html.index("</form>", start)]
    selects = re.findall(r"<select[^>]*>(.*?)</select>", form, flags=re.S)
    assert selects
    return [re.search(r"<option[^>]*>(.*?)</option>", s, flags=re.S).group(1) for s in selects]


@pytest.mark.parametrize("persona, name", LISTS)
def test_every_filter_offers_all_first(world, login, persona, name):
    response = login(getattr(world, persona)).get(reverse(name))
    assert response.status_code == 200
    assert "---------" not in response.text
    assert set(first_options(response.text)) == {"Tất cả"}


@override_settings(LANGUAGE_CODE="vi")
def test_the_searchable_unit_picker_of_a_large_scope_offers_all_too(world, login):
    for n in range(UNIT_PICKER_LIMIT + 5):
        UnitFactory(name=f"Xã số {n}", parent=world.province)
    response = login(world.supervisor).get(reverse("session-list"))
    assert response.status_code == 200
    assert "---------" not in response.text
    assert reverse("unit-search") in response.text  # the searchable picker, not a select


FORM_PAGES = [
    ("secretary_a", "petition-capture", "session"),
    ("organiser_a", "petition-create", "session"),
    ("organiser_a", "session-create", "plan"),
]


@override_settings(LANGUAGE_CODE="vi")
@pytest.mark.parametrize("persona, name, needs", FORM_PAGES)
def test_form_selects_name_their_empty_choice(world, login, persona, name, needs):
    from sessions.models import DialogueSession
    from tests.factories import make_plan, make_session

    session = make_session(
        make_plan(world.commune_a), actor=world.organiser_a, secretaries=[world.secretary_a]
    )
    DialogueSession.objects.filter(pk=session.pk).update(status="in_progress")
    url = reverse(name, args=[session.pk if needs == "session" else session.plan_id])
    response = login(getattr(world, persona)).get(url)
    assert response.status_code == 200, url
    assert "---------" not in response.text
    assert "— Chọn —" in response.text
