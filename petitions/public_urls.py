from django.urls import path

from petitions import public_views

urlpatterns = [
    path("tra-cuu/", public_views.petition_lookup, name="public-lookup"),
]
