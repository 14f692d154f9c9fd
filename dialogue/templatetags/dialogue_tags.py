from datetime import timedelta

from django import template

register = template.Library()


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
