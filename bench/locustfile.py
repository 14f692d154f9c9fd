"""The locust users of `make loadtest` (bench.loadtest starts one headless locust per scenario).

Not run by hand: bench.loadtest passes everything through the environment (LOADTEST_CONFIG, a
JSON object: the session cookies it made, the console session, the search terms) and reads the
figures back from LOADTEST_OUT, written when locust quits. The first LOADTEST_WARMUP seconds are
not counted (the statistics are reset then): the workers' database connections and caches are
warm when the counting starts. Every check is exact (a status code, no redirect followed), so a
signed-out user or a refused save counts as an error, never as a fast page.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import uuid
from http.cookiejar import Cookie

import gevent
from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

CONFIG = json.loads(os.environ.get("LOADTEST_CONFIG", "{}"))
WARMUP = float(os.environ.get("LOADTEST_WARMUP", "3"))
_terms = itertools.cycle(CONFIG.get("terms") or ["dat dai"])
_CSRF = re.compile(r'data-csrf="([^"]+)"')
#: Failures over the whole run, the warm-up included (the statistics forget those).
_all_failures: dict[str, int] = {}


def _cookie(name: str, value: str) -> Cookie:
    return Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain="127.0.0.1",
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )


class _Signed(FastHttpUser):
    """A user signed in with a session made by bench.loadtest (CONFIG["cookies"][role])."""

    abstract = True
    wait_time = constant(0)  # closed loop: each user sends its next request at once
    role = ""

    def on_start(self) -> None:
        for name, value in CONFIG["cookies"][self.role].items():
            self.client.cookiejar.set_cookie(_cookie(name, value))

    def expect(self, response, status: int) -> None:
        if response.status_code != status:
            response.failure(f"{response.status_code} (expected {status})")
        else:
            response.success()


class Search(_Signed):
    """The petition list searched by the national supervisor, one real term after another."""

    role = "supervisor"

    @task
    def search(self) -> None:
        term = next(_terms)
        with self.client.get(
            f"/petitions/?q={term.replace(' ', '+')}",
            name="/petitions/?q=…",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.expect(response, 200)


class Overdue(_Signed):
    """The overdue list of the national supervisor (every province in scope)."""

    role = "supervisor"

    @task
    def overdue(self) -> None:
        with self.client.get(
            CONFIG["overdue_url"], allow_redirects=False, catch_response=True
        ) as response:
            self.expect(response, 200)


class Poll304(_Signed):
    """The console's poll of an unchanged session, with the tag of the state it already has."""

    role = "secretary"

    def on_start(self) -> None:
        super().on_start()
        response = self.client.get(CONFIG["state_url"], name="first load (full state)")
        self.etag = response.headers.get("ETag", "")

    @task
    def poll(self) -> None:
        with self.client.get(
            CONFIG["state_url"],
            name="console state (304)",
            headers={"If-None-Match": self.etag},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.expect(response, 304)


class MixedPoll(Poll304):
    """With MixedSearch: eight consoles polling while two supervisors search (slow pages)."""

    fixed_count = 8


class MixedSearch(Search):
    fixed_count = 2


class SaveEntry(_Signed):
    """The session's secretary saving new minutes entries, all ten users on the same console."""

    role = "secretary"

    def on_start(self) -> None:
        super().on_start()
        page = self.client.get(CONFIG["console_url"], name="console page")
        found = _CSRF.search(page.text or "")
        self.csrf = found.group(1) if found else ""

    @task
    def save(self) -> None:
        body = {"uuid": str(uuid.uuid4()), "kind": "speech", "text": "Ý kiến của người dân."}
        with self.client.post(
            CONFIG["save_url"],
            data=json.dumps(body),
            headers={
                "Content-Type": "application/json",
                "X-CSRFToken": self.csrf,
                "Referer": self.host + CONFIG["console_url"],
            },
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.expect(response, 201)


class SaveEntryPaced(SaveEntry):
    """The same secretaries, each saving about twice a second instead of back to back."""

    wait_time = between(0.3, 0.7)


@events.request.add_listener
def _count_failure(request_type, name, exception=None, **_kwargs) -> None:
    if exception is not None:
        key = f"{request_type} {name}: {exception}"[:300]
        _all_failures[key] = _all_failures.get(key, 0) + 1


@events.test_start.add_listener
def _reset_after_warmup(environment, **_kwargs) -> None:
    def reset() -> None:
        gevent.sleep(WARMUP)
        environment.runner.stats.reset_all()

    gevent.spawn(reset)


@events.quitting.add_listener
def _write_figures(environment, **_kwargs) -> None:
    stats = environment.runner.stats
    # The scenario's own requests: not the first load of each user, nor its console page.
    setup = ("first load (full state)", "console page")
    entries = [e for e in stats.entries.values() if e.name not in setup]
    if os.environ.get("LOADTEST_FOCUS"):  # a mixed run: the figures of one kind of request
        entries = [e for e in entries if e.name == os.environ["LOADTEST_FOCUS"]]
    entry = entries[0] if len(entries) == 1 else stats.total
    figures = {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": entry.total_rps,
        "p50_ms": entry.get_response_time_percentile(0.5),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
        "max_ms": entry.max_response_time,
        "avg_bytes": entry.avg_content_length,
        "failures_with_warmup": sum(_all_failures.values()),
        "errors": _all_failures,
        "seconds": (stats.last_request_timestamp or 0) - (stats.start_time or 0),
    }
    with open(os.environ["LOADTEST_OUT"], "w") as out:
        json.dump(figures, out)
