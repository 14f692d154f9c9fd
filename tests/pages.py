"""Every page of the product, as the role that uses it, with the objects its URL needs.

The URLconf is the list: each named URL is either a page here (checked with axe-core in a real
Chromium, tests/browser/test_accessibility.py) or exempt below with the reason. A guard test
(tests/dialogue/test_page_catalogue.py) fails when a URL is added and is neither, so a new page
cannot skip the accessibility check unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace
from unittest import mock

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

# --- the catalogue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str  # the URL name
    role: str  # attribute of the tour holding the user; "anonymous" for nobody
    kwargs: Callable[[SimpleNamespace], dict] = field(default=lambda t: {})
    query: str = ""
    phone: bool = False  # also checked at 375 px (a representative subset, for the run time)
    status: int = 200

    @property
    def id(self) -> str:
        return f"{self.name}[{self.role}]{'?' + self.query if self.query else ''}"


def _pk(attr: str) -> Callable[[SimpleNamespace], dict]:
    return lambda t: {"pk": getattr(t, attr).pk}


PAGES: list[Page] = [
    # Signing in and the account
    Page("login", "anonymous", phone=True),
    Page("account-security", "organiser"),
    Page("two-factor-enrol", "organiser"),
    Page("two-factor-verify", "verifier"),  # has an authenticator, not verified in this session
    Page("recovery-codes", "codes_holder"),  # right after enrolment: the codes are shown once
    Page("users-security", "administrator"),
    # Home, per role
    Page("home", "organiser", phone=True),
    Page("home", "secretary"),
    Page("home", "responder"),
    Page("home", "supervisor"),
    Page("unit-detail", "supervisor", lambda t: {"pk": t.world.commune_a.pk}),
    # Calendar
    Page("calendar", "organiser"),
    Page("calendar-year", "organiser", lambda t: {"year": 2026}),
    Page("calendar-year", "administrator", lambda t: {"year": 2026}),  # with the edit links
    Page("deadline-calculator", "organiser", query="start=06/12/2026&offset=10&unit=working"),
    Page("deadline-calculator", "organiser", query="start=31/02/2026&offset=0"),  # field errors
    Page("calendar-exception-new", "administrator"),
    Page("calendar-exception-edit", "administrator", _pk("calendar_exception")),
    Page("export-job", "organiser", _pk("export_job")),
    # Plans and sessions
    Page("plan-list", "organiser"),
    Page("plan-create", "organiser"),
    Page("plan-detail", "organiser", _pk("draft_plan")),
    Page("plan-detail", "organiser", _pk("issued_plan")),
    Page("plan-edit", "organiser", _pk("draft_plan")),
    Page("plan-amend", "organiser", _pk("issued_plan")),
    Page("session-create", "organiser", lambda t: {"plan_pk": t.draft_plan.pk}),
    Page("session-list", "organiser"),
    Page("session-detail", "organiser", _pk("upcoming")),
    Page("session-detail", "organiser", _pk("held")),
    Page("session-detail", "organiser", _pk("running")),
    Page("session-detail", "supervisor", _pk("held")),
    Page("session-edit", "organiser", _pk("upcoming")),
    Page("session-speakers", "organiser", _pk("upcoming"), phone=True),
    Page("speaker-list", "organiser"),
    Page("speaker-edit", "organiser", _pk("speaker")),
    Page("session-console", "secretary", _pk("running"), phone=True),
    Page("session-minutes", "organiser", _pk("held")),
    Page("session-minutes", "secretary", _pk("running")),
    Page("session-display", "anonymous", lambda t: {"token": t.display_token}),
    Page("extra-request-list", "organiser"),
    Page("extra-request-create", "organiser"),
    Page("extra-request-detail", "organiser", _pk("extra_request")),
    # Petitions
    Page("petition-list", "organiser", phone=True),
    Page("petition-create", "organiser", lambda t: {"session_pk": t.upcoming.pk}),
    Page("petition-import", "organiser", lambda t: {"session_pk": t.upcoming.pk}),
    Page("petition-import-detail", "organiser", _pk("petition_import")),
    Page("petition-detail", "organiser", _pk("petition")),
    Page("petition-detail", "organiser", _pk("waiting")),
    Page("petition-edit", "organiser", _pk("petition")),
    Page("petition-receipt", "organiser", _pk("petition")),
    Page("preparation-answer", "organiser", _pk("preparation")),
    # After the session
    Page("session-notice", "organiser", _pk("held")),
    Page("session-notice", "organiser", _pk("late")),
    Page("session-notice", "organiser", _pk("unnoticed")),  # held, no notice drafted yet
    Page("assignment-list", "responder"),
    Page("assignment-detail", "responder", _pk("assignment")),
    Page("assignment-detail", "organiser", _pk("assignment")),
    Page("overdue-list", "supervisor"),
    Page("dashboard", "supervisor", phone=True),
    Page("annual-report-list", "organiser"),
    Page("annual-report-detail", "organiser", _pk("annual_report")),
    Page("annual-report-detail", "supervisor", _pk("annual_report")),
    # Public pages (no sign-in)
    Page("public-lookup", "anonymous"),
    Page("public-lookup", "anonymous", query="ma=DT-00000-00000", status=404),  # not found
    Page("public-results", "anonymous", _pk("published"), phone=True),
    Page("public-results-sheet", "anonymous", _pk("published")),
    Page("public-unit", "anonymous", lambda t: {"pk": t.world.commune_a.pk}),
]

POST_ONLY = "an action (POST only): it answers a form of a page above and redirects back"
PDF = "a PDF document, not an HTML page"
EXEMPT: dict[str, str] = {
    "admin:*": "Django's own admin (django.contrib.admin): not the product's templates",
    "healthz": "plain-text liveness answer for the load balancer",
    "console-sw": "the console's service worker script (JavaScript, not a page)",
    "logout": "Django's LogoutView: POST only, redirects to the sign-in page",
    "set_language": "Django's set_language: POST only, redirects back",
    "unit-search": "an HTML fragment (the options of the unit picker), checked inside the forms "
    "that load it",
    "petition-capture": "an HTML fragment loaded into the console, checked there",
    "export-job-download": "a file download (CSV/XLSX)",
    "petition-import-template": "an XLSX file",
    "plan-pdf": PDF,
    "session-invitation-pdf": PDF,
    "minutes-pdf": PDF,
    "session-notice-pdf": PDF,
    "response-pdf": PDF,
    "annual-report-pdf": PDF,
    "annual-report-appendix": "an XLSX file",
    "console-state": "JSON polled by the console",
    "display-state": "JSON polled by the projector page",
    **{
        name: POST_ONLY
        for name in (
            "calendar-exception-delete",
            "plan-issue",
            "session-legal-hold",
            "session-transition",
            "session-milestone",
            "speaker-move",
            "console-entry-save",
            "console-start",
            "console-next",
            "console-speaker-register",
            "console-speaker-status",
            "console-end",
            "console-display-renew",
            "minutes-finalize",
            "minutes-reopen",
            "extra-request-plan",
            "petition-import-apply",
            "petition-legal-hold",
            "preparation-create",
            "session-notice-draft",
            "session-notice-issue",
            "session-publish",
            "session-unpublish",
            "assignment-response",
            "assignment-extension",
            "assignment-forward",
            "assignment-add-agency",
            "extension-decide",
            "annual-report-issue",
            "recovery-codes-renew",
            "two-factor-remove",
            "user-unlock",
            "user-two-factor-reset",
        )
    },
}


def url_names() -> Iterator[tuple[str, str]]:
    """(name, route) of every URL pattern; admin's as "admin:*", unnamed ones by their route."""

    def walk(resolver, prefix: str, namespace: str | None):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if inner == "admin":
                    yield "admin:*", route
                    continue
                yield from walk(pattern, route, inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or route
                yield (f"{namespace}:{name}" if namespace else name), route

    yield from walk(get_resolver(), "", None)


# --- one data set for every page ----------------------------------------------------------------


def build_tour(world) -> SimpleNamespace:
    """The objects every page of the catalogue needs, in one data set (made once per run).

    The PDFs stored on the way (plan, notices, responses) are not what the tour is about: a stub
    spares WeasyPrint's seconds on a loaded machine."""
    from dialogue import documents

    with mock.patch.object(documents, "html_to_pdf", lambda html: b"%PDF-1.7 tour"):
        return _build_tour(world)


def _build_tour(world) -> SimpleNamespace:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dialogue.models import CalendarException, ExportJob
    from followups import annual_report, publication
    from petitions import importing
    from petitions import services as petition_services
    from sessions import services as session_services
    from sessions.console import display_token
    from sessions.extra_conferences import extra_request_create
    from tests.factories import (
        UserFactory,
        issue_notice,
        make_held_session,
        make_petition,
        make_plan,
        make_session,
        make_speaker,
    )
    from tests.public.citizens import held_and_followed

    organiser = world.organiser_a
    story = held_and_followed(world)
    publication.publication_publish(actor=organiser, session=story.session)
    starts_at = timezone.now() - timedelta(days=30)
    late, _ = make_held_session(world.commune_a, starts_at=starts_at, petitions=2)
    issue_notice(
        late,
        actor=organiser,
        agencies=[world.agency_a1],
        issued_on=timezone.localdate(starts_at) + timedelta(days=2),
        number="02/TB-UBND",
    )

    unnoticed, _ = make_held_session(world.commune_a, petitions=1)

    draft_plan = make_plan(world.commune_a, actor=organiser, title="Kế hoạch dự thảo")
    issued_plan = make_plan(world.commune_a, actor=organiser, title="Kế hoạch đã ban hành")
    session_services.plan_update(
        actor=organiser,
        plan=issued_plan,
        number="12/KH-UBND",
        issued_on=date(2026, 11, 2),
        signer_title="Phó Chủ tịch",
        signer_name="Nguyễn Văn Ký",
    )
    session_services.plan_issue(actor=organiser, plan=issued_plan)

    upcoming = make_session(draft_plan, actor=organiser, secretaries=[world.secretary_a])
    speaker = make_speaker(upcoming, actor=organiser)
    make_speaker(upcoming, actor=organiser, full_name="Trần Thị Bê", birth_year=1985)
    session_services.session_transition(
        actor=organiser, session=upcoming, to="scheduled", confirm=True
    )
    petition = make_petition(upcoming, actor=organiser)
    preparation = petition_services.preparation_assign(
        actor=organiser, petition=petition, agency=world.agency_a1
    )
    petition_import = importing.import_upload(
        actor=organiser,
        session=upcoming,
        filename="thon-bac.xlsx",
        content=importing.template_workbook(),
    )

    running = make_session(
        make_plan(world.commune_a, actor=organiser),
        actor=organiser,
        secretaries=[world.secretary_a],
        title="Hội nghị đang diễn ra",
    )
    make_speaker(running, actor=organiser, full_name="Lê Văn Cê")
    make_speaker(running, actor=organiser, full_name="Đỗ Thị Dê", birth_year=1990)
    session_services.session_transition(
        actor=organiser, session=running, to="scheduled", confirm=True
    )
    session_services.session_transition(actor=organiser, session=running, to="in_progress")

    extra_request = extra_request_create(
        actor=organiser,
        unit=world.commune_a,
        voters_count=1000,
        signatures_count=120,
        received_on=date(2026, 11, 20),
    )
    report = annual_report.annual_report_draft(actor=organiser, unit=world.commune_a, year=2026)
    export_job = ExportJob.objects.create(
        user=organiser,
        list_name="petitions",
        params={},
        format="csv",
        expires_at=timezone.now() + timedelta(hours=1),
    )

    verifier = UserFactory(username="verifier")
    TOTPDevice.objects.create(user=verifier, name="phone", confirmed=True)
    codes_holder = UserFactory(username="codes_holder")

    return SimpleNamespace(
        world=world,
        anonymous=None,
        organiser=organiser,
        secretary=world.secretary_a,
        responder=world.responder_a,
        supervisor=world.supervisor,
        administrator=world.administrator,
        verifier=verifier,
        codes_holder=codes_holder,
        calendar_exception=CalendarException.objects.order_by("day").first(),
        export_job=export_job,
        draft_plan=draft_plan,
        issued_plan=issued_plan,
        upcoming=upcoming,
        held=story.session,
        published=story.session,
        late=late,
        unnoticed=unnoticed,
        running=running,
        display_token=display_token(running),
        speaker=speaker,
        extra_request=extra_request,
        petition=petition,
        waiting=story.waiting,
        preparation=preparation,
        petition_import=petition_import,
        assignment=story.answered.assignments.get(),
        annual_report=report,
    )


def session_extras(page: Page) -> dict:
    """What a page needs in the user's session besides the sign-in (the codes shown once)."""
    if page.name == "recovery-codes":
        return {"dt_recovery_codes": ["aaaa-bbbb", "cccc-dddd"]}
    return {}
