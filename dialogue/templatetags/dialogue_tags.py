from datetime import datetime, timedelta

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from dialogue.forms import FILTER_FORM_SECONDS
from dialogue.once import FIELD, new_token

register = template.Library()


@register.filter
def time_range(start: datetime | None, end: datetime | None) -> str:
    """ "07/12/2026 08:00 – 11:30" on one day, the end's date too only when it is another day."""
    if start is None:
        return ""
    start = timezone.localtime(start)
    text = f"{start:%d/%m/%Y %H:%M}"
    if end is None:
        return text
    end = timezone.localtime(end)
    return (
        f"{text} – {end:%H:%M}" if end.date() == start.date() else f"{text} – {end:%d/%m/%Y %H:%M}"
    )


@register.filter
def minutes(value: timedelta | None) -> int:
    """Whole minutes of a timedelta (rounded up), for messages such as the login cool-off."""
    if not value:
        return 0
    return -(-int(value.total_seconds()) // 60)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with `changes` applied (pagination links keep the filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def query_without(context, *keys: str) -> str:
    query = context["request"].GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


@register.filter
def lines(text: str | None) -> list[str]:
    """Non-empty lines of a "one per line" field."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.simple_tag(takes_context=True)
def export_query(context, fmt: str) -> str:
    """The list's current filters, without the pager's cursor, asking for an export as `fmt`."""
    query = context["request"].GET.copy()
    query.pop("after", None)
    query["format"] = fmt
    return query.urlencode()


@register.simple_tag
def once_token():
    """The hidden one-time token of a form (dialogue.once): a double submit makes one record."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())


@register.simple_tag(takes_context=True)
def cached_filter_form(context) -> str:
    """The list's filter form (_filter_form.html), made at most once every FILTER_FORM_SECONDS
    per `filter_form.fragment_key` (dialogue.forms.keep_filter_form, which a view must call:
    without it this raises rather than share one form between users) and language."""
    form = context["filter_form"]
    key = f"filter-form:{form.fragment_key}:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("_filter_form.html", {"filter_form": form})
        cache.set(key, html, FILTER_FORM_SECONDS)
    # Made above by the template engine, every value escaped; the cache holds only such HTML.
    return mark_safe(html)
