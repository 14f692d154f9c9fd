"""Search served by the trigram index on PostgreSQL, with the same results as SQLite's scan.

The tests run on whichever database is active (CI runs both) and check every query against the
definition: a row matches when each folded term occurs in its folded text; the list pages the
matches in scope newest first (dialogue.pagination.search_page, in two bounded reads). The last
checks, on PostgreSQL, that the migration built the index and that the query shape `search`
produces is one the index serves.
"""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.db.models import Q

from dialogue import pagination, querysets
from dialogue.models import AdministrativeUnit
from dialogue.pagination import keyset_page, search_page
from dialogue.querysets import essential_terms
from dialogue.textfold import fold, fold_query, search_document
from petitions.models import Petition
from petitions.views import LIST_ORDER, SEARCH_ORDER, filtered_petitions, is_search
from tests.factories import UnitFactory, make_petition, make_plan, make_session

pytestmark = pytest.mark.django_db

NAMES = ["Nguyễn Văn An", "Nguyễn Văn Ân", "Trần Thị Ánh", "Lê Văn Anh", "Đặng Đức Hà", "Hà Văn"]
MATTERS = [
    "tranh chấp Đất đai ở thôn Đông",
    "đất dịch vụ chưa giao",
    "ô nhiễm môi trường do lò gạch",
    "đường liên thôn xuống cấp",
    "hỗ trợ 50% học phí",
    "mức_bồi_thường chưa công khai",
    "KARAOKE gây ồn sau 22 giờ",
]
QUERIES = [
    "nguyen van an",
    "Nguyễn Văn Ân",
    "an",
    "a",
    "van",
    "dat dai",
    "ĐẤT",
    "dat dich vu",
    "karaoke",
    "50%",
    "%",
    "_",
    "muc_boi",
    "thon dong dat",
    "ha",
    "xyzzy",
    "nguyen xyzzy",
]


@pytest.fixture
def petitions(world):
    session = make_session(make_plan(world.commune_a, actor=world.organiser_a))
    template = make_petition(session, actor=world.organiser_a)
    rng = random.Random(14)
    # Spread over the supervisor's province (two communes, the district), a commune of another
    # province, and several list ranks, so scope, unit filter and order all matter.
    district = world.commune_a.parent
    units = [world.commune_a, world.commune_b, district, world.other_province]
    units.append(UnitFactory(name="Xã Khác", parent=world.other_province))
    clones = []
    for i in range(120):
        name, matter = rng.choice(NAMES), rng.choice(MATTERS)
        content = f"Đề nghị giải quyết {matter} ({i})."
        clones.append(
            Petition(
                session_id=template.session_id,
                unit_id=units[i % len(units)].pk,
                times_raised=1 + rng.randrange(3),
                is_resolved=rng.random() < 0.3,
                source=template.source,
                received_on=template.received_on,
                field_id=template.field_id,
                competence=template.competence,
                petitioner_name=name,
                content=content,
                search=search_document(name, content),
            )
        )
    Petition.objects.bulk_create(clones)
    return {p.pk: p.search for p in Petition.objects.all()}


def test_search_finds_exactly_the_rows_whose_folded_text_holds_every_term(petitions):
    for query in QUERIES:
        terms = fold_query(query)
        expected = {pk for pk, text in petitions.items() if all(t in fold(text) for t in terms)}
        assert set(Petition.objects.search(query).values_list("pk", flat=True)) == expected, query


def test_a_term_inside_another_is_not_checked_twice():
    assert essential_terms(["nguyen", "van", "an"]) == ["nguyen", "van"]
    assert essential_terms(["an", "an"]) == ["an"]
    assert essential_terms(["dat", "dai"]) == ["dat", "dai"]
    assert essential_terms(["thon", "dong", "dat"]) == ["thon", "dong", "dat"]
    assert essential_terms([]) == []


def _pages(user, query: str, unit=None) -> list[int]:
    """Every petition the list shows for `query`, following its keyset pages (7 rows each)."""
    data = {"q": query, **({"unit": unit.pk} if unit else {})}
    shown, cursor = [], None
    while True:
        qs, form, _session, small_scope = filtered_petitions(user, data)
        assert form.is_valid(), form.errors
        if is_search(form):
            page = search_page(qs, cursor=cursor, size=7, window=0 if small_scope else None)
        else:
            page = keyset_page(qs, order=LIST_ORDER, cursor=cursor, size=7)
        shown += [p.pk for p in page.rows]
        if page.next_cursor is None:
            return shown
        cursor = page.next_cursor


def _expected(query: str, unit_paths: tuple[str, ...]) -> list[int]:
    terms = fold_query(query)
    in_scope = Q(pk__in=[])
    for path in unit_paths:
        in_scope |= Q(unit__path__startswith=path)
    rows = Petition.objects.filter(in_scope)
    order = SEARCH_ORDER if essential_terms(terms) else LIST_ORDER
    return [
        pk
        for pk, text in rows.order_by(*order).values_list("pk", "search")
        if all(t in fold(text) for t in terms)
    ]


@pytest.mark.parametrize("window", [3, 40, 10_000], ids=["tiny-window", "window", "one-read"])
@pytest.mark.parametrize("ids_limit", [1000, 1], ids=["scope-by-ids", "scope-by-path"])
def test_the_list_pages_the_matches_in_scope_newest_first(
    world, petitions, monkeypatch, ids_limit, window
):
    # A small scope is also given to the query as unit ids; a large one is not. A page is read
    # from a window of recent ids, then from the older matches: with a window of 3 ids most
    # pages need both reads, with 40 some do, with 10,000 none. Every shape must page through
    # exactly the rows the definition gives, newest first.
    monkeypatch.setattr(querysets, "SEARCH_UNIT_IDS", ids_limit)
    monkeypatch.setattr(pagination, "SEARCH_WINDOW", window)
    district = AdministrativeUnit.objects.get(pk=world.commune_a.parent_id)
    for query in QUERIES:
        assert _pages(world.supervisor, query) == _expected(query, (world.province.path,)), query
        assert _pages(world.supervisor, query, district) == _expected(query, (district.path,))
    assert _pages(world.organiser_b, "de nghi") == _expected("de nghi", (world.commune_b.path,))


def test_a_small_scope_is_named_by_unit_ids_and_a_large_one_is_not(world, petitions, monkeypatch):
    qs, _form, _session, small_scope = filtered_petitions(world.supervisor, {"q": "van"})
    assert '"unit_id" IN (' in str(qs.query) and small_scope
    monkeypatch.setattr(querysets, "SEARCH_UNIT_IDS", 2)
    qs, _form, _session, small_scope = filtered_petitions(world.supervisor, {"q": "van"})
    assert '"unit_id" IN (' not in str(qs.query) and not small_scope


def test_postgresql_serves_search_from_the_trigram_index(petitions):
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only; SQLite scans")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'petition_search_trgm'")
        (definition,) = cursor.fetchone()
        assert "gin" in definition and "gin_trgm_ops" in definition
        # A table this small is cheaper to scan (or to read in list order through a b-tree);
        # forbid both to see what the trigram index can serve.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = Petition.objects.search("nguyen van an").order_by().explain()
    assert "petition_search_trgm" in plan, plan


def test_a_search_page_leaves_the_planner_as_it_found_it(world, petitions, monkeypatch):
    # The window's read turns bitmap scans off for itself only: the request's later queries
    # (and its transaction) plan as usual.
    monkeypatch.setattr(pagination, "SEARCH_WINDOW", 3)
    qs, *_rest = filtered_petitions(world.supervisor, {"q": "nguyen"})
    page = search_page(qs, cursor=None, size=7)
    assert len(page.rows) == 7
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_bitmapscan")
            assert cursor.fetchone() == ("on",)


def test_the_page_says_search_results_come_newest_first(login, world, petitions):
    client = login(world.supervisor)
    searched = client.get("/petitions/", {"q": "dat dai"})
    listed = client.get("/petitions/")
    assert "Kết quả tìm kiếm, mới nhất trước." in searched.content.decode()
    assert "Kết quả tìm kiếm" not in listed.content.decode()
    shown = [p.id for p in searched.context["page"].rows]
    assert shown == sorted(shown, reverse=True) and shown


def test_postgresql_keeps_a_large_statistics_sample_of_the_search_column(petitions):
    # A substring's row count is guessed from the column's histogram: with PostgreSQL's default
    # sample, a province's search for a term in 3 % of the rows sometimes skipped the index
    # intersection (petitions/migrations/0010_search_statistics.py).
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = 'search'",
            [Petition._meta.db_table],
        )
        assert cursor.fetchone() == (1000,)
