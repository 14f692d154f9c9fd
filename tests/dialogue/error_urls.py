"""The product's URLs plus three views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from dialogue.urls import urlpatterns as product_urlpatterns


def _server_error(request):
    raise RuntimeError("boom (test)")


def _bad_request(request):
    raise SuspiciousOperation("bad (test)")


def _denied(request):
    raise PermissionDenied


urlpatterns = [
    path("test-errors/500/", _server_error),
    path("test-errors/400/", _bad_request),
    path("test-errors/403/", _denied),
    *product_urlpatterns,
]
