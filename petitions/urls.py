from django.urls import path

from petitions import views

urlpatterns = [
    path("petitions/", views.petition_list, name="petition-list"),
    path(
        "sessions/<int:session_pk>/petitions/new/",
        views.petition_create,
        name="petition-create",
    ),
    path(
        "sessions/<int:session_pk>/petitions/import/",
        views.petition_import,
        name="petition-import",
    ),
    path(
        "sessions/<int:session_pk>/petitions/import/mau.xlsx",
        views.petition_import_template,
        name="petition-import-template",
    ),
    path("petition-imports/<int:pk>/", views.petition_import_detail, name="petition-import-detail"),
    path(
        "petition-imports/<int:pk>/apply/",
        views.petition_import_apply,
        name="petition-import-apply",
    ),
    path("petitions/<int:pk>/", views.petition_detail, name="petition-detail"),
    path("petitions/<int:pk>/receipt/", views.petition_receipt, name="petition-receipt"),
    path("petitions/<int:pk>/legal-hold/", views.petition_legal_hold, name="petition-legal-hold"),
    path("petitions/<int:pk>/edit/", views.petition_edit, name="petition-edit"),
    path(
        "petitions/<int:pk>/preparations/",
        views.preparation_create,
        name="preparation-create",
    ),
    path(
        "sessions/<int:session_pk>/console/petitions/",
        views.petition_capture,
        name="petition-capture",
    ),
    path("preparations/<int:pk>/answer/", views.preparation_answer, name="preparation-answer"),
]
