"""PDF documents (dialogue.documents): real WeasyPrint renders, checked by extracting the text."""

from datetime import date

import pytest

from dialogue.documents import (
    DocumentHeader,
    ResourceRefused,
    html_to_pdf,
    render_pdf,
    safe_url_fetcher,
    vietnamese_date_line,
)
from tests.pdf import font_names
from tests.pdf import raw_pages_text as pages_text

PASSWD_LINE = "root:x:0:0"


def header(**overrides) -> DocumentHeader:
    values = {
        "parent_body": "Ủy ban nhân dân tỉnh Hà Nam",
        "issuing_body": "Ủy ban nhân dân xã An Lão",
        "number": "12/QĐ-UBND",
        "place": "Hà Nam",
        "date": date(2026, 2, 5),
        "title": "Quyết định",
        "subtitle": "Về việc tổ chức hội nghị đối thoại với Nhân dân năm 2026",
        "recipients": ["Như Điều 3;", "TT Đảng ủy, HĐND xã;", "Lưu: VT."],
        "signer_capacity": "TM.",
        "signer_body": "Ủy ban nhân dân",
        "signer_delegation": "KT. CHỦ TỊCH",
        "signer_title": "Phó Chủ tịch",
        "signer_name": "Nguyễn Văn An",
    }
    values.update(overrides)
    return DocumentHeader(**values)


def render(body_text="Điều 1. Tổ chức hội nghị đối thoại.", *, draft=False, **overrides) -> bytes:
    context = {**header(**overrides).as_context(), "body_text": body_text}
    return render_pdf("documents/base.html", context, draft=draft)


@pytest.fixture(scope="module")
def plain_pdf():
    return render()


# --- Dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 5), "Hà Nam, ngày 05 tháng 02 năm 2026"),
        (date(2018, 4, 16), "Hà Nam, ngày 16 tháng 4 năm 2018"),
        (date(2026, 3, 12), "Hà Nam, ngày 12 tháng 3 năm 2026"),
        (date(2025, 12, 1), "Hà Nam, ngày 01 tháng 12 năm 2025"),
        (date(2025, 1, 31), "Hà Nam, ngày 31 tháng 01 năm 2025"),
        (date(2025, 10, 9), "Hà Nam, ngày 09 tháng 10 năm 2025"),
    ],
)
def test_vietnamese_date_line(day, expected):
    assert vietnamese_date_line("Hà Nam", day) == expected


# --- Layout and fonts ----------------------------------------------------------------------


def test_pdf_has_the_national_header_and_document_parts(plain_pdf):
    assert plain_pdf.startswith(b"%PDF-")
    text = "\n".join(pages_text(plain_pdf))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN TỈNH HÀ NAM" in text
    assert "ỦY BAN NHÂN DÂN XÃ AN LÃO" in text
    assert "Số: 12/QĐ-UBND" in text
    assert "Hà Nam, ngày 05 tháng 02 năm 2026" in text
    assert "QUYẾT ĐỊNH" in text
    assert "Về việc tổ chức hội nghị đối thoại với Nhân dân năm 2026" in text
    assert "Điều 1. Tổ chức hội nghị đối thoại." in text
    assert "Nơi nhận:" in text
    assert "Lưu: VT." in text
    assert "TM. ỦY BAN NHÂN DÂN" in text
    assert "KT. CHỦ TỊCH" in text
    assert "PHÓ CHỦ TỊCH" in text
    assert "Nguyễn Văn An" in text


def test_bundled_liberation_serif_is_embedded(plain_pdf):
    names = font_names(plain_pdf)
    assert names
    assert all("LiberationSerif" in name.replace("-", "") for name in names), names
    # Regular, bold (header) and italic (date line) faces are all used.
    assert any(name.endswith("Liberation-Serif") for name in names), names
    assert any("Bold" in name for name in names), names
    assert any("Italic" in name for name in names), names


def test_fonts_and_stylesheet_come_through_the_safe_fetcher(fetched):
    render()
    assert "doithoai-static:css/documents.css" in fetched
    assert "doithoai-static:fonts/LiberationSerif-Regular.ttf" in fetched
    assert "doithoai-static:fonts/LiberationSerif-Bold.ttf" in fetched


# --- Draft mark ----------------------------------------------------------------------------


def test_draft_mark_on_every_page():
    long_body = "\n\n".join(f"Khoản {i}. Nội dung đối thoại về đất đai." for i in range(120))
    texts = pages_text(render(long_body, draft=True))
    assert len(texts) >= 2
    assert all("DỰ THẢO" in text for text in texts)


def test_final_document_has_no_draft_mark(plain_pdf):
    assert "DỰ THẢO" not in "\n".join(pages_text(plain_pdf))
    assert "THẢO" not in "\n".join(pages_text(plain_pdf))


# --- Escaping and the restricted fetcher ---------------------------------------------------

HOSTILE = (
    'Kiến nghị <img src="file:///etc/passwd"> của công dân '
    '<link rel=attachment href="file:///etc/passwd"> <b>đậm</b>'
)


def test_user_text_is_escaped_and_nothing_is_fetched(fetched):
    pdf = render(HOSTILE, signer_name='<img src="file:///etc/passwd">Lê Thị Bình')
    text = "\n".join(pages_text(pdf))
    assert '<img src="file:///etc/passwd">' in text  # shown as literal text
    assert "<b>đậm</b>" in text
    assert '<img src="file:///etc/passwd">Lê Thị Bình' in text
    assert PASSWD_LINE not in text
    assert b"root:x:0:0" not in pdf
    assert b"/EmbeddedFile" not in pdf
    assert not [url for url in fetched if "passwd" in url]


def test_raw_html_cannot_reach_local_files_or_the_network():
    """Even unescaped markup (a template bug) only gets static files."""
    html = (
        "<html><head>"
        '<link rel="attachment" href="file:///etc/passwd">'
        '<link rel="stylesheet" href="http://example.com/x.css">'
        "</head><body><p>Xin chào</p>"
        '<img src="file:///etc/passwd"><img src="http://example.com/x.png">'
        '<img src="../../../../etc/passwd"><img src="data:text/plain,root:x:0:0">'
        '<object data="file:///etc/passwd"></object>'
        '<iframe src="file:///etc/passwd"></iframe>'
        "</body></html>"
    )
    pdf = html_to_pdf(html)
    assert b"root:x:0:0" not in pdf
    assert b"/EmbeddedFile" not in pdf
    text = "\n".join(pages_text(pdf))
    assert "Xin chào" in text
    assert PASSWD_LINE not in text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://example.com/x.png",
        "https://example.com/x.png",
        "data:text/plain,root:x:0:0",
        "/etc/passwd",
        "fonts/LiberationSerif-Regular.ttf",  # relative without the scheme: not resolved
        "doithoai-static:../../etc/passwd",
        "doithoai-static:/../../../etc/passwd",
        "doithoai-static:fonts/../../../../etc/passwd",
        "doithoai-static:%2e%2e/%2e%2e/etc/passwd",
        "doithoai-static:/etc/passwd",
        "doithoai-static:fonts/",
        "doithoai-static:fonts/missing.ttf",
    ],
)
def test_safe_fetcher_refuses(url):
    with pytest.raises(ResourceRefused):
        safe_url_fetcher(url)


@pytest.mark.parametrize(
    "url",
    [
        "doithoai-static:fonts/LiberationSerif-Regular.ttf",
        "doithoai-static:/fonts/LiberationSerif-Regular.ttf",
    ],
)
def test_safe_fetcher_serves_static_fonts(url):
    response = safe_url_fetcher(url)
    try:
        body = response.read()
    finally:
        response.close()
    assert body[:4] == b"\x00\x01\x00\x00"  # TrueType
    assert response.content_type == "font/ttf"


def test_safe_fetcher_refuses_symlinks_out_of_the_static_dir(settings, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "ok.css").write_text("p { color: red }")
    outside = tmp_path / "secret.txt"
    outside.write_text(PASSWD_LINE)
    (static / "link.txt").symlink_to(outside)
    (static / "dirlink").symlink_to(tmp_path)
    settings.STATICFILES_DIRS = [static]

    response = safe_url_fetcher("doithoai-static:ok.css")
    assert response.read() == b"p { color: red }"
    assert response.content_type == "text/css"
    for url in ("doithoai-static:link.txt", "doithoai-static:dirlink/secret.txt"):
        with pytest.raises(ResourceRefused):
            safe_url_fetcher(url)
