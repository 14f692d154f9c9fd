"""System checks: misconfiguration is reported with a stable id and a hint, not found in use."""

from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"


@register(Tags.compatibility)
def check_environment(app_configs, **kwargs):
    problems = []
    if settings.TIME_ZONE != "Asia/Ho_Chi_Minh":
        problems.append(
            Error(
                "TIME_ZONE must be Asia/Ho_Chi_Minh.",
                hint="Due dates are calendar days in Vietnam; do not override TIME_ZONE.",
                id="dialogue.E001",
            )
        )
    try:
        # The version from metadata: importing WeasyPrint costs a second on every command.
        major = int(version("weasyprint").split(".")[0])
    except PackageNotFoundError:
        major = 0
    if major < 70:
        problems.append(
            Error(
                "WeasyPrint 70.0 or newer is required.",
                hint="Older versions have security fixes missing (attachments, redirects, CSS). "
                "Run: pip install 'weasyprint>=70'.",
                id="dialogue.E002",
            )
        )
    if settings.DEBUG:
        return problems
    if settings.EMAIL_BACKEND == CONSOLE_EMAIL:
        problems.append(
            Warning(
                "E-mail goes to the console: reminders will not reach anyone.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@mail.example.gov.vn:587.",
                id="dialogue.W001",
            )
        )
    if not settings.REDIS_URL:
        problems.append(
            Warning(
                "REDIS_URL is not set: tasks run inside web requests and no periodic job runs.",
                hint="Set REDIS_URL=redis://host:6379/0 and run `celery worker` and one "
                "`celery beat`.",
                id="dialogue.W002",
            )
        )
    if not settings.SITE_URL.startswith("https://"):
        problems.append(
            Warning(
                "SITE_URL is not set, or not an https:// address: links in e-mails "
                "(reminders) would be wrong or unencrypted."
                if settings.SITE_URL
                else "SITE_URL is not set: links in e-mails (reminders) would have no address.",
                hint="Set SITE_URL to the address users open, e.g. "
                "SITE_URL=https://doithoai.example.gov.vn (no trailing slash).",
                id="dialogue.W004",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append(
            Warning(
                "The database is not PostgreSQL.",
                hint="SQLite is the single-machine default; set "
                "DATABASE_URL=postgres://user:password@host:5432/doithoai in production.",
                id="dialogue.W003",
            )
        )
    return problems
