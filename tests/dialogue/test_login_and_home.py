import pytest
from django.urls import reverse

from dialogue import demo
from dialogue.models import User

pytestmark = pytest.mark.django_db


def test_login_page_speaks_vietnamese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.text
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_login_page_in_english_after_switching_language(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert "Log in" in client.get(reverse("login")).text


def test_login_with_the_right_password_reaches_the_home_page(client, world, password):
    response = client.post(
        reverse("login"), {"username": "organiser_a", "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Xã A" in response.text


def test_wrong_password_shows_a_vietnamese_error_and_keeps_the_username(client, world):
    response = client.post(reverse("login"), {"username": "organiser_a", "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.text
    assert 'value="organiser_a"' in response.text


def test_login_locks_after_repeated_failures_even_with_the_right_password(
    client, world, password, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "organiser_a", "password": "sai"})
    response = client.post(reverse("login"), {"username": "organiser_a", "password": password})
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.text
    assert "15" in response.text
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_lockout_is_per_user_so_a_colleague_can_still_log_in(client, world, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "organiser_a", "password": "sai"})
    response = client.post(reverse("login"), {"username": "organiser_b", "password": password})
    assert response.status_code == 302


def test_logout_is_post_only(login, world):
    client = login(world.organiser_a)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("organiser_a", ["Xã A", "Công an xã A", "Địa chính xã A", "Người tổ chức"], ["Xã B"]),
        ("secretary_a", ["Xã A", "Thư ký"], ["Xã B"]),
        ("organiser_b", ["Xã B", "Công an xã B"], ["Xã A"]),
        ("responder_a", ["Công an xã A", "Cơ quan được giao"], ["Địa chính xã A", "Xã B"]),
        ("supervisor", ["Tỉnh Thử Nghiệm", "Huyện Thử Nghiệm", "Xã B", "Giám sát"], ["Tỉnh Khác"]),
        ("administrator", ["Tỉnh Thử Nghiệm", "Quản trị", "/admin/"], ["Tỉnh Khác"]),
    ],
)
def test_home_page_fits_the_role(world, login, persona, shown, hidden):
    text = login(getattr(world, persona)).get(reverse("home")).text
    for fragment in shown:
        assert fragment in text
    for fragment in hidden:
        assert fragment not in text


def test_home_page_without_membership_says_so(world, login):
    assert "chưa có vai trò" in login(world.outsider).get(reverse("home")).text


def test_every_demo_user_can_log_in_and_sees_their_home_page(client):
    demo.load()
    for username, password, _ in demo.logins():
        client.logout()
        response = client.post(
            reverse("login"), {"username": username, "password": password}, follow=True
        )
        assert response.status_code == 200, username
        assert response.wsgi_request.user.username == username
        assert User.objects.get(username=username).last_login is not None


def test_load_demo_twice_changes_nothing():
    from django.apps import apps

    demo.load()
    before = {m._meta.label: m.objects.count() for m in apps.get_models()}
    passwords = dict(User.objects.values_list("username", "password"))
    demo.load()
    assert {m._meta.label: m.objects.count() for m in apps.get_models()} == before
    assert dict(User.objects.values_list("username", "password")) == passwords


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in response.text
