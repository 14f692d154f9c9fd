from django.urls import path

from followups import views

urlpatterns = [
    path("sessions/<int:pk>/notice/", views.session_notice, name="session-notice"),
    path(
        "sessions/<int:pk>/notice/draft/", views.session_notice_draft, name="session-notice-draft"
    ),
    path(
        "sessions/<int:pk>/notice/issue/", views.session_notice_issue, name="session-notice-issue"
    ),
    path("sessions/<int:pk>/publish/", views.session_publish, name="session-publish"),
    path("sessions/<int:pk>/unpublish/", views.session_unpublish, name="session-unpublish"),
    path("sessions/<int:pk>/notice/pdf/", views.session_notice_pdf, name="session-notice-pdf"),
    path("assignments/", views.assignment_list, name="assignment-list"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment-detail"),
    path("assignments/<int:pk>/response/", views.assignment_response, name="assignment-response"),
    path(
        "assignments/<int:pk>/extension/",
        views.assignment_extension,
        name="assignment-extension",
    ),
    path("assignments/<int:pk>/forward/", views.assignment_forward, name="assignment-forward"),
    path(
        "assignments/<int:pk>/agencies/",
        views.assignment_add_agency,
        name="assignment-add-agency",
    ),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension-decide"),
    path("responses/<int:pk>/pdf/", views.response_pdf, name="response-pdf"),
    path("overdue/", views.overdue_list, name="overdue-list"),
    path("dashboard/", views.supervisor_dashboard, name="dashboard"),
    path("reports/annual/", views.annual_report_list, name="annual-report-list"),
    path("reports/annual/<int:pk>/", views.annual_report_detail, name="annual-report-detail"),
    path("reports/annual/<int:pk>/issue/", views.annual_report_issue, name="annual-report-issue"),
    path("reports/annual/<int:pk>/pdf/", views.annual_report_pdf, name="annual-report-pdf"),
    path(
        "reports/annual/<int:pk>/appendix.xlsx",
        views.annual_report_appendix,
        name="annual-report-appendix",
    ),
]
