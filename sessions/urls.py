from django.urls import path

from sessions import console_views, extra_views, views

urlpatterns = [
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/amend/", views.plan_amend, name="plan-amend"),
    path("plans/<int:pk>/issue/", views.plan_issue, name="plan-issue"),
    path("plans/<int:pk>/pdf/", views.plan_pdf, name="plan-pdf"),
    path("plans/<int:plan_pk>/sessions/new/", views.session_create, name="session-create"),
    path("sessions/", views.session_list, name="session-list"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/legal-hold/", views.session_legal_hold, name="session-legal-hold"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session-edit"),
    path("sessions/<int:pk>/status/", views.session_transition, name="session-transition"),
    path("sessions/<int:pk>/milestones/", views.session_milestone, name="session-milestone"),
    path(
        "sessions/<int:pk>/invitation/pdf/",
        views.session_invitation_pdf,
        name="session-invitation-pdf",
    ),
    path("sessions/<int:pk>/speakers/", views.session_speakers, name="session-speakers"),
    path("speakers/", views.speaker_list, name="speaker-list"),
    path("speakers/<int:pk>/edit/", views.speaker_edit, name="speaker-edit"),
    path("speakers/<int:pk>/move/", views.speaker_move, name="speaker-move"),
]

urlpatterns += [
    path("sessions/console-sw.js", console_views.console_service_worker, name="console-sw"),
    path("sessions/<int:pk>/console/", console_views.console_page, name="session-console"),
    path("sessions/<int:pk>/console/state/", console_views.console_state, name="console-state"),
    path(
        "sessions/<int:pk>/console/entries/",
        console_views.console_entry_save,
        name="console-entry-save",
    ),
    path("sessions/<int:pk>/console/start/", console_views.console_start, name="console-start"),
    path("sessions/<int:pk>/console/next/", console_views.console_call_next, name="console-next"),
    path(
        "sessions/<int:pk>/console/speakers/",
        console_views.console_speaker_register,
        name="console-speaker-register",
    ),
    path(
        "sessions/<int:pk>/console/speakers/<int:speaker_pk>/status/",
        console_views.console_speaker_status,
        name="console-speaker-status",
    ),
    path("sessions/<int:pk>/console/end/", console_views.console_end, name="console-end"),
    path(
        "sessions/<int:pk>/console/display-link/",
        console_views.console_display_renew,
        name="console-display-renew",
    ),
    path("sessions/<int:pk>/minutes/", console_views.minutes_page, name="session-minutes"),
    path("sessions/<int:pk>/minutes/pdf/", console_views.minutes_pdf, name="minutes-pdf"),
    path(
        "sessions/<int:pk>/minutes/finalize/",
        console_views.minutes_finalize,
        name="minutes-finalize",
    ),
    path("sessions/<int:pk>/minutes/reopen/", console_views.minutes_reopen, name="minutes-reopen"),
    path("display/<str:token>/", console_views.display_page, name="session-display"),
    path("display/<str:token>/state/", console_views.display_state, name="display-state"),
]

urlpatterns += [
    path("extra-conferences/", extra_views.extra_request_list, name="extra-request-list"),
    path("extra-conferences/new/", extra_views.extra_request_create, name="extra-request-create"),
    path(
        "extra-conferences/<int:pk>/", extra_views.extra_request_detail, name="extra-request-detail"
    ),
    path(
        "extra-conferences/<int:pk>/plan/",
        extra_views.extra_request_plan,
        name="extra-request-plan",
    ),
]
