"""Configuration: production values pass `check --deploy`; a missing secret refuses to start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "doithoai.example.gov.vn",
    "HTTPS": "on",
    "DATABASE_URL": "postgres://doithoai:secret@127.0.0.1:5432/doithoai",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://user:secret@mail.example.gov.vn:587",
    "SITE_URL": "https://doithoai.example.gov.vn",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_key_refuses_to_start():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_console_email_and_no_redis_is_warned_about():
    env = {**PRODUCTION, "EMAIL_URL": "consolemail://", "REDIS_URL": ""}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "dialogue.W001" in result.stderr and "dialogue.W002" in result.stderr
    assert "EMAIL_URL" in result.stderr


def test_embedded_default_needs_nothing():
    result = manage("check", env={"DEBUG": "1"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("site_url", ["", "http://doithoai.example.gov.vn"])
def test_production_without_an_https_site_url_is_warned_about(site_url):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "SITE_URL": site_url}
    )
    assert result.returncode != 0
    assert "dialogue.W004" in result.stderr and "SITE_URL" in result.stderr


def test_site_url_has_no_default_in_production_and_one_in_development():
    code = "from django.conf import settings; print(repr(settings.SITE_URL))"
    shell = ["shell", "--no-imports", "-c", code]
    production = {k: v for k, v in PRODUCTION.items() if k != "SITE_URL"}
    assert manage(*shell, env=production).stdout.strip() == "''"
    assert manage(*shell, env={"DEBUG": "1"}).stdout.strip() == "'http://127.0.0.1:8000'"


def test_the_site_url_check_is_quiet_in_development(settings):
    from dialogue.checks import check_environment

    settings.DEBUG, settings.SITE_URL = True, ""
    assert "dialogue.W004" not in {p.id for p in check_environment(None)}
    settings.DEBUG = False
    assert "dialogue.W004" in {p.id for p in check_environment(None)}
    settings.SITE_URL = "https://doithoai.example.gov.vn"
    assert "dialogue.W004" not in {p.id for p in check_environment(None)}
