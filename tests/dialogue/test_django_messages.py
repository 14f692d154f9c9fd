"""Django's own validation messages, as staff read them in Vietnamese (issue 13)."""

from django import forms
from django.utils import translation


class _Form(forms.Form):
    count = forms.IntegerField(min_value=1, max_value=99)
    day = forms.DateField()
    text = forms.CharField(max_length=5)
    email = forms.EmailField(required=False)


def _errors(data: dict) -> dict[str, list[str]]:
    with translation.override("vi"):
        form = _Form(data)
        form.is_valid()
        return {name: list(errors) for name, errors in form.errors.items()}


def test_numbers_read_as_plain_vietnamese():
    assert _errors({"count": "0"})["count"] == ["Giá trị phải lớn hơn hoặc bằng 1."]
    assert _errors({"count": "100"})["count"] == ["Giá trị phải nhỏ hơn hoặc bằng 99."]
    assert _errors({"count": "1,5"})["count"] == ["Nhập một số nguyên."]


def test_date_error_shows_the_expected_format():
    assert _errors({"day": "31/02/2026"})["day"] == [
        "Nhập ngày hợp lệ theo dạng ngày/tháng/năm (ví dụ 15/02/2026)."
    ]


def test_length_and_email_messages():
    errors = _errors({"text": "x" * 10_000, "email": "khong-phai-thu"})
    assert errors["text"] == ["Nội dung chỉ được dài tối đa 5 ký tự (hiện có 10000)."]
    assert errors["email"][0].startswith("Nhập địa chỉ thư điện tử hợp lệ")
    assert _errors({})["count"] == ["Trường này là bắt buộc."]
