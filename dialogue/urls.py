from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dialogue import views

urlpatterns = [
    path("", views.home, name="home"),
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
    # Public pages for citizens, each served by the app that owns the data (DESIGN §2).
    path("cong-khai/", include("petitions.public_urls")),
    path("cong-khai/", include("followups.public_urls")),
    path("", include("sessions.urls")),
    path("", include("petitions.urls")),
    path("", include("followups.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
