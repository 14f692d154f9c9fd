"""`make loadtest` works in a database of its own, named after DATABASE_URL's, never in it."""

import pytest

from bench import loadtest


def test_the_loadtest_database_is_named_after_database_url_never_it(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app:secret@db.example:6543/doithoai")
    assert loadtest._target_url() == "postgres://app:secret@db.example:6543/doithoai_loadtest"
    monkeypatch.delenv("DATABASE_URL")
    assert loadtest._target_url() == "postgres://postgres@127.0.0.1:5432/doithoai_loadtest"
    # A long name is cut before the suffix: the result is never the database named (a rebuild
    # drops the loadtest database), whatever its length.
    for length in (54, 60, 63):
        monkeypatch.setenv("DATABASE_URL", f"postgres://postgres@127.0.0.1/{'x' * length}")
        name = loadtest._target_url().rsplit("/", 1)[1]
        assert name.endswith("_loadtest") and len(name) <= 63 and name != "x" * length


def test_the_loadtest_refuses_sqlite(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///var/db.sqlite3")
    with pytest.raises(SystemExit, match="PostgreSQL"):
        loadtest._target_url()


def test_the_data_marker_changes_with_the_data_version(monkeypatch):
    before = loadtest._marker()
    assert loadtest._marker() == before  # the same data and migrations: the data is reused
    monkeypatch.setattr(loadtest, "DATA_VERSION", loadtest.DATA_VERSION + 1)
    assert loadtest._marker() != before
