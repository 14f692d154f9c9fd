from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dialogue import account_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("units/search/", views.unit_search, name="unit-search"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("calendar/", views.calendar_year, name="calendar"),
    path("calendar/<int:year>/", views.calendar_year, name="calendar-year"),
    path("calendar/deadline/", views.deadline_calculator, name="deadline-calculator"),
    path("calendar/exceptions/new/", views.calendar_exception_edit, name="calendar-exception-new"),
    path(
        "calendar/exceptions/<int:pk>/",
        views.calendar_exception_edit,
        name="calendar-exception-edit",
    ),
    path(
        "calendar/exceptions/<int:pk>/delete/",
        views.calendar_exception_delete,
        name="calendar-exception-delete",
    ),
    path("exports/<int:pk>/", views.export_job, name="export-job"),
    path("exports/<int:pk>/download/", views.export_job_download, name="export-job-download"),
    # Public pages for citizens, each served by the app that owns the data (DESIGN §2).
    path("cong-khai/", include("petitions.public_urls")),
    path("cong-khai/", include("followups.public_urls")),
    path("", include("sessions.urls")),
    path("", include("petitions.urls")),
    path("", include("followups.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/security/", account_views.account_security, name="account-security"),
    path("accounts/security/verify/", account_views.two_factor_verify, name="two-factor-verify"),
    path("accounts/security/enrol/", account_views.two_factor_enrol, name="two-factor-enrol"),
    path(
        "accounts/security/recovery-codes/",
        account_views.recovery_codes,
        name="recovery-codes",
    ),
    path(
        "accounts/security/recovery-codes/renew/",
        account_views.recovery_codes_renew,
        name="recovery-codes-renew",
    ),
    path("accounts/security/remove/", account_views.two_factor_remove, name="two-factor-remove"),
    path("accounts/users/", account_views.users_security, name="users-security"),
    path("accounts/users/<int:pk>/unlock/", account_views.user_unlock, name="user-unlock"),
    path(
        "accounts/users/<int:pk>/two-factor-reset/",
        account_views.user_two_factor_reset,
        name="user-two-factor-reset",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
