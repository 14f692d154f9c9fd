"""A fixed-window rate limit on Django's cache (Redis in production, shared by every process)."""

from __future__ import annotations

from django.core.cache import cache

from dialogue.login_limits import client_ip as _proxy_aware_ip


def client_ip(request) -> str:
    """The address sign-in limits count too: X-Forwarded-For only as far as TRUSTED_PROXY_COUNT
    says (behind the reverse proxy every request would otherwise share the proxy's address)."""
    return _proxy_aware_ip(request) or "unknown"


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit on `key`; False once more than `limit` hits fall in the current window."""
    cache_key = f"ratelimit:{key}"
    if cache.add(cache_key, 1, timeout=window):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this hit opens a new window
        cache.add(cache_key, 1, timeout=window)
        return True
    return count <= limit
