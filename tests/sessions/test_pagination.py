"""Keyset pagination (dialogue.pagination) on the lists, and the "next page" link of a list page."""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dialogue.pagination import keyset_page
from petitions import views as petition_views
from petitions.models import Petition
from sessions.models import DialogueSession
from tests.factories import make_petition, make_plan, make_session

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PETITION_ORDER = ("is_resolved", "-times_raised", "-id")

#: (times_raised, resolved) of each petition, in creation order: ties on both sort keys.
SHAPE = [
    (1, False),
    (3, False),
    (1, True),
    (2, False),
    (3, False),
    (1, False),
    (5, True),
    (2, False),
    (3, True),
    (1, False),
    (2, False),
    (5, True),
    (1, False),
]


@pytest.fixture
def session(world):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    return make_session(plan, actor=world.organiser_a)


@pytest.fixture
def petitions(world, session) -> list[Petition]:
    rows = []
    for number, (times, resolved) in enumerate(SHAPE, start=1):
        petition = make_petition(
            session, actor=world.organiser_a, content=f"Kiến nghị số {number:02d}"
        )
        Petition.objects.filter(pk=petition.pk).update(times_raised=times, is_resolved=resolved)
        rows.append(Petition.objects.get(pk=petition.pk))
    return rows


def expected_order(rows: list[Petition]) -> list[int]:
    """The list order, computed here without the database: unresolved first, most raised first,
    newest first."""
    return [p.pk for p in sorted(rows, key=lambda p: (p.is_resolved, -p.times_raised, -p.pk))]


def walk(qs, order, size) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        page = keyset_page(qs, order=order, cursor=cursor, size=size)
        assert page.is_first is (cursor is None)
        pages.append([row.pk for row in page.rows])
        if page.next_cursor is None:
            return pages
        assert len(page.rows) == size
        cursor = page.next_cursor


def cursor_of(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("size", [1, 2, 3, 5, 13, 14])
def test_mixed_direction_walk_sees_every_row_once_in_order(petitions, size):
    pages = walk(Petition.objects.all(), PETITION_ORDER, size)
    seen = [pk for page in pages for pk in page]
    assert seen == expected_order(petitions)
    assert len(set(seen)) == len(SHAPE)
    assert len(pages) == -(-len(SHAPE) // size)
    assert all(pages)


def test_walk_survives_rows_added_before_the_cursor(world, session, petitions):
    first = keyset_page(Petition.objects.all(), order=PETITION_ORDER, cursor=None, size=4)
    # A petition now raised 9 times sorts before the cursor's position: the next page carries
    # on from the last row shown, without repeating any row or skipping one.
    newcomer = make_petition(session, actor=world.organiser_a, content="Mới thêm")
    Petition.objects.filter(pk=newcomer.pk).update(times_raised=9)
    second = keyset_page(
        Petition.objects.all(), order=PETITION_ORDER, cursor=first.next_cursor, size=4
    )
    order = expected_order(petitions)
    assert [r.pk for r in first.rows] == order[:4]
    assert [r.pk for r in second.rows] == order[4:8]


def test_datetime_order_with_equal_start_times(world):
    plan = make_plan(world.commune_a, actor=world.organiser_a)
    start = datetime(2026, 12, 15, 8, 0, tzinfo=HANOI)
    for i in range(7):
        make_session(plan, actor=world.organiser_a, starts_at=start + timedelta(days=i // 3))
    order = ("-starts_at", "-id")
    pages = walk(DialogueSession.objects.all(), order, 2)
    expected = [
        s.pk
        for s in sorted(
            DialogueSession.objects.all(), key=lambda s: (-s.starts_at.timestamp(), -s.pk)
        )
    ]
    assert [pk for page in pages for pk in page] == expected


GARBAGE = [
    "garbage",
    "!!!",
    "",
    cursor_of("not a list"),
    cursor_of([True, 3]),
    cursor_of([True, 3, 5, 7]),
    cursor_of(["maybe", 3, 5]),
    cursor_of([False, "three", 5]),
    cursor_of([False, {"x": 1}, 5]),
    base64.urlsafe_b64encode(b"\xff\xfe not utf-8").decode(),
]


@pytest.mark.parametrize("cursor", GARBAGE)
def test_garbage_cursor_gives_the_first_page(petitions, cursor):
    page = keyset_page(Petition.objects.all(), order=PETITION_ORDER, cursor=cursor, size=4)
    assert page.is_first
    assert [r.pk for r in page.rows] == expected_order(petitions)[:4]


def test_cursor_with_nulls_gives_the_first_page(petitions):
    page = keyset_page(
        Petition.objects.all(), order=PETITION_ORDER, cursor=cursor_of([False, None, None]), size=4
    )
    assert page.is_first


def test_cursor_with_an_infinite_number_gives_the_first_page(petitions):
    cursor = base64.urlsafe_b64encode(b"[false, 1e400, 1]").decode().rstrip("=")
    page = keyset_page(Petition.objects.all(), order=PETITION_ORDER, cursor=cursor, size=4)
    assert page.is_first


# --- through the petition list -----------------------------------------------------------------


def next_link(html: str) -> str | None:
    """The href of the pager's "next page" link (the only pager link carrying a cursor)."""
    links = [unescape(h) for h in re.findall(r'href="(\?[^"]*)"', html) if "after=" in h]
    assert len(links) <= 1
    return links[0] if links else None


def test_petition_list_next_page_link_walks_the_list(world, petitions, login, monkeypatch):
    monkeypatch.setattr(petition_views, "PAGE_SIZE", 4)
    client = login(world.organiser_a)
    url = reverse("petition-list")
    response = client.get(url)
    seen = []
    pages = 0
    while True:
        assert response.status_code == 200
        pages += 1
        seen.extend(row.id for row in response.context["page"].rows)
        link = next_link(response.text)
        if link is None:
            break
        response = client.get(url + link)
    assert seen == expected_order(petitions)
    assert pages == 4
    # From the second page on there is a link back to the first page.
    assert 'href="?"' in response.text


def test_next_page_link_keeps_the_search(world, session, petitions, login, monkeypatch):
    monkeypatch.setattr(petition_views, "PAGE_SIZE", 2)
    for i in range(3):
        make_petition(session, actor=world.organiser_a, content=f"Đường giao thông {i}")
    client = login(world.organiser_a)
    url = reverse("petition-list")
    first = client.get(url, {"q": "duong giao thong"})
    link = next_link(first.text)
    assert link is not None and "q=duong" in link
    second = client.get(url + link)
    contents = [r.content_start for r in first.context["page"].rows + second.context["page"].rows]
    assert sorted(contents) == [f"Đường giao thông {i}" for i in range(3)]
    assert next_link(second.text) is None


@pytest.mark.parametrize("cursor", ["garbage", cursor_of([True, 3])])
def test_petition_list_with_a_garbage_cursor_shows_the_first_page(
    world, petitions, login, monkeypatch, cursor
):
    monkeypatch.setattr(petition_views, "PAGE_SIZE", 4)
    response = login(world.organiser_a).get(reverse("petition-list"), {"after": cursor})
    assert response.status_code == 200
    assert response.context["page"].is_first
    assert [r.id for r in response.context["page"].rows] == expected_order(petitions)[:4]


def test_plan_list_with_a_null_cursor_shows_the_first_page(world, login):
    make_plan(world.commune_a, actor=world.organiser_a)
    client = login(world.organiser_a)
    client.raise_request_exception = False
    response = client.get(reverse("plan-list"), {"after": cursor_of([None, None])})
    assert response.status_code == 200


# --- the stored list rank: one direction, a row comparison ---------------------------------------


def test_list_rank_orders_exactly_as_the_mixed_order(petitions):
    by_rank = Petition.objects.order_by(*petition_views.LIST_ORDER).values_list("pk", flat=True)
    assert list(by_rank) == expected_order(petitions)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 13, 14])
def test_rank_walk_gives_the_same_pages_as_the_mixed_walk(petitions, size):
    assert walk(Petition.objects.all(), petition_views.LIST_ORDER, size) == walk(
        Petition.objects.all(), PETITION_ORDER, size
    )


def test_list_rank_follows_every_kind_of_write(world, session, petitions):
    from django.db.models import F

    from petitions import services

    first = petitions[0]
    Petition.objects.filter(pk=first.pk).update(times_raised=F("times_raised") + 7)
    services.petition_update(actor=world.organiser_a, petition=petitions[2], content="Sửa lại")
    expected = expected_order(list(Petition.objects.all()))
    assert list(Petition.objects.values_list("pk", flat=True)) == expected
    assert expected[0] == first.pk


def test_rank_keyset_is_a_row_comparison_from_the_cursor(world, petitions, login, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(petition_views, "PAGE_SIZE", 4)
    client = login(world.organiser_a)
    url = reverse("petition-list")
    link = next_link(client.get(url).text)
    with CaptureQueriesContext(connection) as captured:
        second = client.get(url + link)
    assert [r.id for r in second.context["page"].rows] == expected_order(petitions)[4:8]
    listing = [q["sql"] for q in captured.captured_queries if '"list_rank"' in q["sql"]]
    assert listing and all(" OR " not in sql for sql in listing), listing
    assert any('"list_rank", "petitions_petition"."id") <' in sql for sql in listing), listing


@pytest.mark.parametrize("cursor", [cursor_of(["x", 3]), cursor_of([1.5e300, 3]), cursor_of([3])])
def test_garbage_rank_cursor_gives_the_first_page(petitions, cursor):
    order = petition_views.LIST_ORDER
    page = keyset_page(Petition.objects.all(), order=order, cursor=cursor, size=4)
    assert page.is_first
    assert [r.pk for r in page.rows] == expected_order(petitions)[:4]
