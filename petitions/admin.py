from django.contrib import admin

from petitions.models import Field


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    """The category list is data the administrators keep; petitions are edited in the app."""

    list_display = ("name", "code", "position", "is_active")
    list_editable = ("position", "is_active")
    prepopulated_fields = {"code": ("name",)}
    search_fields = ("name",)
