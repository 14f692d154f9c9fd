from django.urls import path

from followups import public_views

urlpatterns = [
    path("ket-qua/<int:pk>/", public_views.results_page, name="public-results"),
    path("ket-qua/<int:pk>/niem-yet/", public_views.results_sheet, name="public-results-sheet"),
    path("don-vi/<int:pk>/", public_views.unit_index, name="public-unit"),
]
