import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The locmem cache outlives a test: start every test with no look-ups counted.
    cache.clear()
    yield
    cache.clear()
