"""Production smoke: the README's production topology, started for real and used by a browser.

Run by `make smoke` (and so by `.ci/run`), not by `make test`: it needs PostgreSQL, Redis and
Chromium, takes a minute, and starts its own processes. It never touches the test suite's
databases: it creates a fresh PostgreSQL database of its own (SMOKE_DATABASE_URL names it).

What it does, in order, with DEBUG=0, a generated SECRET_KEY and HTTPS=on:
  migrate · collectstatic · check --deploy --fail-level WARNING · load_demo --allow-production
  gunicorn (2 workers, 127.0.0.1, TLS with a throw-away certificate: secure cookies and HSTS
  behave as behind the reverse proxy) · one Celery worker · one Celery beat · an SMTP server
  (aiosmtpd) in this process. Headless Chromium signs in as an organiser, opens the home page,
  the session list, a session and a PDF (all 200, stylesheet loaded); a reminder sweep queued on
  Redis is run by the worker, and its e-mail reaches the SMTP server. Every process it started is
  stopped at the end, whatever happened.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
PYTHON = sys.executable
BIN = Path(PYTHON).parent

DATABASE_URL = os.environ.get(
    "SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/doithoai_smoke"
)
REDIS_URL = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/13")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    """Every process the smoke started, stopped (TERM, then KILL) whatever happens."""

    def __init__(self, logdir: Path) -> None:
        self.logdir = logdir
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.logdir / f"{name}.log", "wb")
        proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started.append((name, proc))
        return proc

    def log(self, name: str) -> str:
        return (self.logdir / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for _name, proc in reversed(self.started):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for _name, proc in reversed(self.started):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def _recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    assert re.fullmatch(r"[a-z0-9_]+", name), name
    admin = [
        "psql",
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
        "-d",
        "postgres",
        "-qc",
    ]
    subprocess.run([*admin, f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run([*admin, f"CREATE DATABASE {name}"], check=True)


def _certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def _wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the process exited before listening"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"nothing listens on {port} after {seconds} s")


def _wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def smtp():
    from aiosmtpd.controller import Controller

    class Collect:
        def __init__(self) -> None:
            self.messages: list[dict] = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            self.messages.append(
                {"to": list(envelope.rcpt_tos), "data": envelope.content.decode("utf-8", "replace")}
            )
            return "250 Message accepted for delivery"

    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def _manage(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def test_production_install_serves(smtp, tmp_path_factory):
    assert shutil.which(CHROMIUM), f"{CHROMIUM} is needed"
    controller, mailbox = smtp
    work = tmp_path_factory.mktemp("smoke")
    port = _free_port()
    password = secrets.token_urlsafe(16)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "PYTEST_CURRENT_TEST")},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "HTTPS": "on",
        "SITE_URL": f"https://localhost:{port}",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
        "CACHE_KEY_PREFIX": "doithoai-smoke",
        "STATIC_ROOT": str(work / "staticfiles"),
    }
    _recreate_database(DATABASE_URL)
    subprocess.run(["redis-cli", "-u", REDIS_URL, "FLUSHDB"], check=True, capture_output=True)

    print(_manage(env, "migrate", "--no-input").splitlines()[-1])
    print(_manage(env, "collectstatic", "--no-input").strip().splitlines()[-1])
    deploy = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert "no issues" in deploy, deploy
    print(deploy.strip())
    _manage(env, "load_demo", "--allow-production")
    _manage(
        env,
        "shell",
        "-c",
        "from dialogue.models import User; u = User.objects.get(username='tochuc'); "
        f"u.set_password({password!r}); u.save()",
    )

    cert, key = _certificate(work)
    procs = Processes(work)
    try:
        web = procs.start(
            "gunicorn",
            [str(BIN / "gunicorn"), "dialogue.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "2", "--certfile", str(cert), "--keyfile", str(key)]
            + ["--access-logfile", "-"],
            env,
        )
        worker = procs.start(
            "worker",
            [str(BIN / "celery"), "-A", "dialogue", "worker", "--concurrency=1"]
            + ["--loglevel=INFO", "--without-gossip", "--without-mingle"],
            env,
        )
        beat = procs.start(
            "beat",
            [str(BIN / "celery"), "-A", "dialogue", "beat", "--loglevel=INFO"]
            + ["--schedule", str(work / "celerybeat-schedule")],
            env,
        )
        _wait_for_port(port, web)
        _wait_for(lambda: "ready." in procs.log("worker"), 60, "the Celery worker")
        _wait_for(lambda: "beat: Starting" in procs.log("beat"), 60, "Celery beat")

        pages = _browse(f"https://localhost:{port}", password)
        print(json.dumps(pages, ensure_ascii=False))

        # The reminder sweep for the next working day, queued on Redis for the worker.
        _manage(
            env,
            "shell",
            "-c",
            "from django.utils import timezone; "
            "from dialogue.workcalendar import get_calendar; "
            "from followups.tasks import reminder_sweep_task; "
            "day = get_calendar().add_working_days(timezone.localdate(), 1); "
            "reminder_sweep_task.delay(day.isoformat())",
        )
        _wait_for(lambda: mailbox.messages, 90, "a reminder e-mail at the SMTP server")
        message = mailbox.messages[0]
        print(f"SMTP received {len(mailbox.messages)} message(s), the first to {message['to']}")
        assert "Subject:" in message["data"]
        assert worker.poll() is None and beat.poll() is None, "worker or beat died"
    finally:
        procs.stop_all()
        for name in ("gunicorn", "worker", "beat"):
            errors = [line for line in procs.log(name).splitlines() if "Traceback" in line]
            assert not errors, f"{name} logged a traceback:\n{procs.log(name)[-4000:]}"
    assert all(proc.poll() is not None for _name, proc in procs.started)


def _browse(base: str, password: str) -> dict[str, int]:
    """Sign in as the demo organiser and open the pages an organiser opens first."""
    from playwright.sync_api import sync_playwright

    statuses: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        context = browser.new_context(ignore_https_errors=True, locale="vi-VN")
        page = context.new_page()
        failed: list[str] = []
        page.on(
            "response",
            lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )

        def visit(label: str, url: str) -> None:
            response = page.goto(url)
            statuses[label] = response.status
            assert response.status == 200, (label, url, response.status)
            # The stylesheet loaded: Bootstrap's navbar colour is applied, not the default.
            colour = page.eval_on_selector(".navbar", "e => getComputedStyle(e).backgroundColor")
            assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), (label, colour)

        def first_link(pattern: str) -> str | None:
            return page.eval_on_selector_all(
                "main a[href]",
                "(els, p) => els.map(e => e.getAttribute('href')).find(h => new RegExp(p).test(h))",
                pattern,
            )

        page.goto(f"{base}/login/")
        page.fill("input[name=username]", "tochuc")
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert "/login/" not in page.url, page.inner_text("main")
        visit("home", f"{base}/")
        visit("session list", f"{base}/sessions/")
        session_href = first_link(r"^/sessions/\d+/$")
        assert session_href, "no session on the list"
        visit("session", f"{base}{session_href}")
        pdf_href = first_link(r"/pdf/$")
        assert pdf_href, "no PDF link on the session page"
        pdf = context.request.get(f"{base}{pdf_href}")
        # A long draft is rendered by the worker: 202 and a progress page until it is ready.
        deadline = time.monotonic() + 90
        while pdf.status == 202 and time.monotonic() < deadline:
            time.sleep(1)
            pdf = context.request.get(f"{base}{pdf_href}")
        statuses["pdf"] = pdf.status
        assert pdf.status == 200 and pdf.body()[:5] == b"%PDF-", (pdf.status, pdf.headers)
        assert not failed, failed
        browser.close()
    return statuses
