"""Search served by the trigram index on PostgreSQL, with the same results as SQLite's scan.

The first test runs on whichever database is active (CI runs both) and checks every query
against the definition: a row matches when each folded term occurs in its folded text. The
second checks, on PostgreSQL, that the migration built the index and that the query shape
`search` produces is one the index serves.
"""

from __future__ import annotations

import random

import pytest
from django.db import connection

from dialogue.textfold import fold, fold_query, search_document
from petitions.models import Petition
from tests.factories import make_petition, make_plan, make_session

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
    clones = []
    for i in range(120):
        name, matter = rng.choice(NAMES), rng.choice(MATTERS)
        content = f"Đề nghị giải quyết {matter} ({i})."
        clones.append(
            Petition(
                session_id=template.session_id,
                unit_id=template.unit_id,
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
