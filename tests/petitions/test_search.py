"""Folded search on the lists: accents and case do not matter, on SQLite and PostgreSQL alike.

Run under both databases (see the project's test commands): nothing here depends on the
database's own collation or case-folding.
"""

from __future__ import annotations

import unicodedata

import pytest
from django.urls import reverse

from tests.factories import make_petition, make_plan, make_session, make_speaker

pytestmark = pytest.mark.django_db

ALL_LISTS = ["petition-list", "plan-list", "session-list", "speaker-list"]


@pytest.fixture
def rows(world):
    organiser = world.organiser_a
    land_plan = make_plan(
        world.commune_a, actor=organiser, title="Kế hoạch đối thoại về Đất đai năm 2026"
    )
    water_plan = make_plan(
        world.commune_a, actor=organiser, title="Kế hoạch đối thoại về nước sạch"
    )
    land_session = make_session(
        land_plan, actor=organiser, title="Hội nghị chuyên đề Đất đai, giải phóng mặt bằng"
    )
    water_session = make_session(
        water_plan, actor=organiser, title="Hội nghị chuyên đề nước sạch nông thôn"
    )
    return {
        "plan-list": {"land": land_plan.pk, "other": water_plan.pk, "lower": land_plan.pk},
        "session-list": {
            "land": land_session.pk,
            "other": water_session.pk,
            "lower": land_session.pk,
        },
        "speaker-list": {
            "land": make_speaker(
                land_session, actor=organiser, full_name="Nguyễn Văn Ả", topic="Đất đai"
            ).pk,
            "other": make_speaker(
                land_session,
                actor=organiser,
                full_name="Trần Thị Bích",
                address="Thôn Tây",
                topic="Nước sạch",
            ).pk,
            "lower": make_speaker(
                water_session,
                actor=organiser,
                full_name="Lò Văn Sáng",
                address="Bản Mới",
                topic="cấp giấy chứng nhận quyền sử dụng đất",
            ).pk,
        },
        "petition-list": {
            "land": make_petition(
                land_session,
                actor=organiser,
                petitioner_name="Nguyễn Văn Ả",
                content="Tranh chấp Đất đai giữa hai hộ ở thôn Đông.",
            ).pk,
            "other": make_petition(
                water_session,
                actor=organiser,
                petitioner_name="Trần Thị Bích",
                content="Nước sạch chưa về tới xóm.",
            ).pk,
            "lower": make_petition(
                water_session,
                actor=organiser,
                petitioner_name="Lò Văn Sáng",
                content="Hỏi về giấy chứng nhận quyền sử dụng đất.",
            ).pk,
        },
    }


def found(client, list_name: str, query: str) -> set[int]:
    response = client.get(reverse(list_name), {"q": query})
    assert response.status_code == 200
    return {row.id for row in response.context["page"].rows}


def test_nguyen_van_a_finds_nguyen_van_a_with_accents(world, rows, login):
    client = login(world.organiser_a)
    for list_name in ("petition-list", "speaker-list"):
        assert found(client, list_name, "nguyen van a") == {rows[list_name]["land"]}, list_name


@pytest.mark.parametrize("list_name", ALL_LISTS)
def test_dat_dai_finds_dat_dai(world, rows, login, list_name):
    assert found(login(world.organiser_a), list_name, "dat dai") == {rows[list_name]["land"]}


@pytest.mark.parametrize("list_name", ["petition-list", "speaker-list"])
def test_upper_case_with_accents_finds_lower_case(world, rows, login, list_name):
    # "ĐẤT" finds both "Đất đai" and "… quyền sử dụng đất".
    assert found(login(world.organiser_a), list_name, "ĐẤT") == {
        rows[list_name]["land"],
        rows[list_name]["lower"],
    }


@pytest.mark.parametrize("list_name", ALL_LISTS)
def test_query_typed_with_accents_and_decomposed_still_matches(world, rows, login, list_name):
    decomposed = unicodedata.normalize("NFD", "Đất  ĐAI")
    assert found(login(world.organiser_a), list_name, decomposed) == {rows[list_name]["land"]}


@pytest.mark.parametrize("list_name", ALL_LISTS)
def test_absent_term_finds_nothing(world, rows, login, list_name):
    client = login(world.organiser_a)
    # "%" and "_" would match everything if they reached LIKE unescaped; every term must match.
    for query in ("khiếu kiện", "xyzzy", "%", "_", "dat dai xyzzy"):
        assert found(client, list_name, query) == set(), query


@pytest.mark.parametrize("list_name", ALL_LISTS)
def test_empty_query_lists_everything_in_scope(world, rows, login, list_name):
    assert found(login(world.organiser_a), list_name, "  ") == set(rows[list_name].values())


def test_search_stays_inside_the_scope(world, rows, login):
    other_plan = make_plan(world.commune_b, actor=world.organiser_b)
    other_session = make_session(other_plan, actor=world.organiser_b)
    foreign = make_petition(
        other_session,
        actor=world.organiser_b,
        petitioner_name="Nguyễn Văn Ả",
        content="Đất đai ở xã B.",
    )
    assert found(login(world.organiser_a), "petition-list", "nguyen van a") == {
        rows["petition-list"]["land"]
    }
    assert found(login(world.organiser_b), "petition-list", "nguyen van a") == {foreign.pk}


def test_search_follows_an_edit(world, rows, login):
    from petitions import services
    from petitions.models import Petition

    petition = Petition.objects.get(pk=rows["petition-list"]["other"])
    services.petition_update(
        actor=world.organiser_a, petition=petition, content="Ô nhiễm môi trường từ lò gạch."
    )
    client = login(world.organiser_a)
    assert found(client, "petition-list", "o nhiem moi truong") == {petition.pk}
    assert found(client, "petition-list", "nuoc sach") == set()


def _unit_options(html: str) -> set[str]:
    import re

    select = re.search(r'<select name="unit".*?</select>', html, re.S)
    assert select is not None
    return set(re.findall(r'<option value="(\d+)"', select.group(0)))


def test_the_petition_filter_form_is_made_once_per_user_and_never_shared(world, login, rows):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    organiser = login(world.organiser_a)
    first = organiser.get(reverse("petition-list"), {"q": "đất"})
    with CaptureQueriesContext(connection) as again:
        second = organiser.get(reverse("petition-list"), {"q": "đất"})
    assert [r.id for r in second.context["page"].rows] == [r.id for r in first.context["page"].rows]
    # The form's options (the fields, the units) are not read again.
    assert not [q for q in again.captured_queries if 'FROM "petitions_field"' in q["sql"]]
    assert _unit_options(second.text) == _unit_options(first.text) == {str(world.commune_a.pk)}
    # A supervisor with the same search gets the units of their own scope.
    supervisor = login(world.supervisor).get(reverse("petition-list"), {"q": "đất"})
    assert {str(world.commune_a.pk), str(world.commune_b.pk)} <= _unit_options(supervisor.text)
    # The typed search is in the key: the box shows what was typed.
    other = login(world.organiser_a).get(reverse("petition-list"), {"q": "karaoke"})
    assert 'value="karaoke"' in other.text
