"""Admin for unit mergers: recorded through dialogue.services.unit_merge, never edited after.

A merger is decided nationally (a resolution of the National Assembly's Standing Committee), so
only superusers record one; imported by dialogue/admin.py.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from dialogue import services
from dialogue.models import UnitSuccession
from dialogue.scoped_admin import SuperuserOnlyAdminMixin


class UnitSuccessionForm(forms.ModelForm):
    class Meta:
        model = UnitSuccession
        fields = ["predecessor", "successor", "on", "source"]

    def clean(self):
        data = super().clean()
        predecessor, successor, on = (data.get(k) for k in ("predecessor", "successor", "on"))
        if predecessor and successor and predecessor.pk == successor.pk:
            raise ValidationError(services.MERGE_INTO_ITSELF)
        if successor and on and successor.valid_to and successor.valid_to < on:
            raise ValidationError(
                services.MERGE_SUCCESSOR_GONE,
                params={"unit": successor.name, "day": f"{on:%d/%m/%Y}"},
            )
        return data


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    form = UnitSuccessionForm
    list_display = ["predecessor", "successor", "on", "source"]
    list_filter = ["on"]
    search_fields = ["predecessor__name", "successor__name", "predecessor__code"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]

    def has_change_permission(self, request, obj=None):
        # A merger is history: a wrong one is corrected by the database administrator.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        (made,) = services.unit_merge(
            actor=request.user,
            into=data["successor"],
            predecessors=[data["predecessor"]],
            on=data["on"],
            source=data["source"],
        )
        obj.pk = made.pk
        obj._state.adding = False
