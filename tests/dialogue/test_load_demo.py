"""`load_demo` is for development: with DEBUG=0 it refuses, unless told, and then publishes no
password."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from dialogue import demo
from dialogue.models import User
from sessions.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick(monkeypatch):
    """Only the users matter here: the other apps' demo data take seconds to load."""
    from importlib import import_module

    for app in ("sessions", "petitions", "followups"):
        monkeypatch.setattr(import_module(f"{app}.demo"), "load", lambda: None)


def run(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        run()
    assert not User.objects.exists()
    assert not Plan.objects.exists()


def test_in_production_no_demo_account_has_the_published_password(settings):
    settings.DEBUG = False
    out = run("--allow-production")
    users = User.objects.filter(username__in=[u for u, *_ in demo.USERS])
    assert users.count() == len(demo.USERS)
    assert demo.DEMO_PASSWORD not in out
    printed = dict(re.findall(r"^\s+(\w+)\s+/ (\S+)$", out, re.M))
    assert set(printed) == {u.username for u in users}
    assert len(set(printed.values())) == len(printed)
    for user in users:
        assert not user.check_password(demo.DEMO_PASSWORD)
        assert user.check_password(printed[user.username])
    # A second run prints and changes no password.
    again = run("--allow-production")
    assert not re.findall(r"^\s+\w+\s+/ \S+$", again, re.M)
    assert User.objects.get(username="quantri").check_password(printed["quantri"])


def test_production_run_replaces_the_published_password_left_by_a_development_run(settings):
    settings.DEBUG = True
    assert demo.DEMO_PASSWORD in run()
    assert User.objects.get(username="quantri").check_password(demo.DEMO_PASSWORD)
    settings.DEBUG = False
    run("--allow-production")
    assert not any(u.check_password(demo.DEMO_PASSWORD) for u in User.objects.all())
