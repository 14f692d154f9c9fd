from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from dialogue import access, services
from dialogue.forms import CalendarExceptionForm
from dialogue.models import (
    AdministrativeUnit,
    Agency,
    CalendarException,
    ChangeRecord,
    DeadlineProfile,
    DeadlineRule,
    Membership,
    User,
)

admin.site.site_header = _("Đối thoại administration")
admin.site.site_title = _("Đối thoại")
admin.site.index_title = _("Administration")


class ScopedAdminMixin:
    """Non-superuser staff manage only the units they administer (and what is below them)."""

    scope_field = "unit"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = access.scope_for(request.user, roles=[access.ADMINISTRATOR])
        if self.scope_field == "self":
            return qs.filter(pk__in=AdministrativeUnit.objects.visible_to(request.user))
        return qs.filter(scope.unit_q(self.scope_field))


class AdministrativeUnitForm(forms.ModelForm):
    class Meta:
        model = AdministrativeUnit
        fields = ["name", "kind", "code", "parent", "is_active"]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent and self.instance.pk and parent.path.startswith(self.instance.path):
            raise forms.ValidationError(services.UNIT_CYCLE_ERROR)
        return parent


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "self"
    form = AdministrativeUnitForm
    list_display = ["indented_name", "kind", "code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return f"{'— ' * obj.depth}{obj.name}"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            stored = AdministrativeUnit.objects.get(pk=obj.pk)
            saved = services.unit_update(
                unit=stored,
                name=data["name"],
                kind=data["kind"],
                code=data["code"],
                parent=data["parent"],
                is_active=data["is_active"],
            )
        else:
            saved = services.unit_create(
                name=data["name"], kind=data["kind"], code=data["code"], parent=data["parent"]
            )
        obj.pk, obj.path, obj.depth = saved.pk, saved.path, saved.depth
        obj._state.adding = False


@admin.register(Agency)
class AgencyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "unit", "email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "short_name", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["unit", "agency"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "position", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "email")}),
        (None, {"classes": ("wide",), "fields": ("password1", "password2")}),
    )
    list_display = ["username", "full_name", "email", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "unit", "agency"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "unit__name", "agency__name"]
    autocomplete_fields = ["user", "unit", "agency"]
    list_select_related = ["user", "unit", "agency"]


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    """Every save and delete goes through the service, which records it and bumps the revision."""

    form = CalendarExceptionForm
    list_display = ["day", "kind", "name", "source"]
    list_filter = ["kind"]
    search_fields = ["name", "source", "note"]
    date_hierarchy = "day"
    actions = None  # bulk delete would skip the record and the revision

    def save_model(self, request, obj, form, change):
        # The form already copied its values onto obj; the stored row gives the "before".
        saved = services.calendar_exception_save(
            actor=request.user,
            exception=CalendarException.objects.get(pk=obj.pk) if change else None,
            **form.service_fields(),
        )
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.calendar_exception_delete(
            actor=request.user, reason=_("Deleted in the admin"), exception=obj
        )


class DeadlineRuleInline(admin.StackedInline):
    model = DeadlineRule
    extra = 0


@admin.register(DeadlineProfile)
class DeadlineProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "source", "is_active"]
    search_fields = ["name", "code", "source"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [DeadlineRuleInline]


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ["at", "object_repr", "action", "actor", "reason"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "reason"]
    list_select_related = ["actor", "content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
