from django.urls import path

from sessions import views

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
