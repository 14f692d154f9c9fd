"""Error pages (400, 403, 404, 500, CSRF failure) speak Vietnamese, load the styles and lead home,
with DEBUG off; the production static storage keeps the PDF stylesheet's own URLs."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

ENGLISH_DEFAULTS = ["Server Error (500)", "Bad Request (400)", "403 Forbidden", "Not Found"]


@pytest.fixture
def errors(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.dialogue.error_urls"
    return Client(raise_request_exception=False)


def _assert_error_page(response, status: int, heading: str) -> None:
    assert response.status_code == status
    html = response.content.decode()
    assert f'<h1 class="h3">{heading}</h1>' in html
    assert 'href="/"' in html and "Về trang chủ" in html
    assert "/static/css/app" in html
    for text in ENGLISH_DEFAULTS:
        assert text not in html


def test_404_in_vietnamese(errors):
    _assert_error_page(errors.get("/khong-co-trang-nay/"), 404, "Không tìm thấy")


def test_500_in_vietnamese(errors):
    _assert_error_page(errors.get("/test-errors/500/"), 500, "Lỗi máy chủ")


def test_400_in_vietnamese(errors):
    _assert_error_page(errors.get("/test-errors/400/"), 400, "Yêu cầu không hợp lệ")


def test_403_in_vietnamese(errors):
    _assert_error_page(errors.get("/test-errors/403/"), 403, "Không có quyền truy cập")


def test_csrf_failure_in_vietnamese(settings, world, password):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "organiser_a", "password": password})
    _assert_error_page(response, 403, "Biểu mẫu đã hết hạn")


def test_english_error_page_when_english_is_chosen(errors):
    errors.cookies["django_language"] = "en"
    response = errors.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Back to the home page" in response.content.decode()


def test_manifest_storage_keeps_pdf_stylesheet_urls_and_hashes_the_rest(settings, tmp_path):
    """collectstatic with the production storage: the PDF stylesheet's doithoai-static: URLs
    are left for the PDF fetcher, and pages link the hashed files."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "dialogue.staticfiles.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = [p for p in (tmp_path / "css").glob("documents.*.css") if p.suffix == ".css"]
    assert len(hashed) == 1
    css = hashed[0].read_text()
    assert 'url("doithoai-static:fonts/LiberationSerif-Regular.ttf")' in css

    settings.DEBUG = False
    html = Client(raise_request_exception=False).get("/login/").content.decode()
    assert re.search(r"/static/css/app\.[0-9a-f]{12}\.css", html)
