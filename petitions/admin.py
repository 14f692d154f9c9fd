from django.contrib import admin

from dialogue import admin_scope
from dialogue.scoped_admin import NationalAdminMixin
from petitions.models import Field, Petition, Preparation
from petitions.services import PERSONAL_FIELDS

# Petitions are kept in the app only; their history is shown in the admin within the scope.
admin_scope.register(Petition, "unit", personal=PERSONAL_FIELDS)
admin_scope.register(Preparation, "petition__unit")


@admin.register(Field)
class FieldAdmin(NationalAdminMixin, admin.ModelAdmin):
    """The category list is national data: superusers keep it; petitions are edited in the app."""

    list_display = ("name", "code", "position", "is_active")
    list_editable = ("position", "is_active")
    prepopulated_fields = {"code": ("name",)}
    search_fields = ("name",)
