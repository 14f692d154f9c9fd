import copy

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib import messages as admin_messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from dialogue import access, admin_scope, audit, security, services
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
from dialogue.scoped_admin import (
    ActorFormMixin,
    NationalAdminMixin,
    NationalInlineMixin,
    ScopedAdminMixin,
    ScopedInlineMixin,
    SuperuserOnlyAdminMixin,
    form_for_actor,
)

admin.site.site_header = _("Đối thoại administration")
admin.site.site_title = _("Đối thoại")
admin.site.index_title = _("Administration")


class AdministrativeUnitForm(ActorFormMixin, forms.ModelForm):
    class Meta:
        model = AdministrativeUnit
        fields = ["name", "kind", "code", "parent", "is_active"]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent and self.instance.pk and parent.path.startswith(self.instance.path):
            raise forms.ValidationError(services.UNIT_CYCLE_ERROR)
        if parent is None and self.actor is not None and not self.actor.is_superuser:
            # A unit without a parent would leave its administrator's subtree.
            raise forms.ValidationError(admin_scope.PARENT_REQUIRED)
        return parent


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = admin_scope.SELF
    form = AdministrativeUnitForm
    list_display = ["indented_name", "kind", "code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return f"{'— ' * obj.depth}{obj.name}"

    def may_change(self, request, obj) -> bool:
        return admin_scope.can_manage_unit(request.user, obj)

    def get_form(self, request, obj=None, **kwargs):
        return form_for_actor(super().get_form(request, obj, **kwargs), request.user)

    def save_model(self, request, obj, form, change):
        if change:
            stored = AdministrativeUnit.objects.get(pk=obj.pk)
            obj._admin_changes = audit.diff(
                audit.snapshot(stored, form.changed_data), audit.snapshot(obj, form.changed_data)
            )
        data = form.cleaned_data
        if change:
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
    scope_field = "unit"
    list_display = ["name", "short_name", "unit", "email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "short_name", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]


class MembershipForm(ActorFormMixin, forms.ModelForm):
    """A role given in the admin: within the giver's subtree, never above it, never to itself."""

    class Meta:
        model = Membership
        fields = ["user", "unit", "role", "agency"]

    def clean(self):
        data = super().clean()
        if self.actor is None:
            return data
        user = data.get("user")
        if user is None and self.instance.user_id:
            user = self.instance.user
        error = admin_scope.grant_error(
            self.actor, user=user, unit=data.get("unit"), role=data.get("role")
        )
        if error:
            field, message = error
            self.add_error(field if field in self.fields else None, message)
        return data


class MembershipInline(ScopedInlineMixin, admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 1
    autocomplete_fields = ["unit", "agency"]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = form_for_actor(self.form, request.user)
        return super().get_formset(request, obj, **kwargs)

    def get_min_num(self, request, obj=None, **kwargs):
        # A user an administrator creates is in its scope through a role, or out of its sight.
        if obj is None and not request.user.is_superuser:
            return 1
        return super().get_min_num(request, obj, **kwargs)


#: Fields only a superuser sets: they grant power beyond any unit.
PRIVILEGED_USER_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
ADMIN_ACTION_REASON = _("Done in the administration pages.")
USERS_UNLOCKED = _("Sign-in unlocked for %(count)s user(s).")
USERS_RESET = _("Two-step sign-in reset for %(count)s user(s); they enrol again at next sign-in.")
USERS_SKIPPED = _("%(count)s selected user(s) are outside what you may manage: left unchanged.")


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    scope_field = "memberships__unit"
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

    actions = ["unlock_sign_in", "reset_two_factor"]

    def may_change(self, request, obj) -> bool:
        return admin_scope.can_manage_user(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return fields + PRIVILEGED_USER_FIELDS

    def _each_manageable(self, request, queryset, service, done_message) -> None:
        """Apply `service` to the selected users this administrator may manage; say how many."""
        done = skipped = 0
        for user in queryset:
            if admin_scope.can_manage_user(request.user, user):
                service(user=user, actor=request.user, reason=str(ADMIN_ACTION_REASON))
                done += 1
            else:
                skipped += 1
        self.message_user(request, done_message % {"count": done})
        if skipped:
            self.message_user(
                request, USERS_SKIPPED % {"count": skipped}, level=admin_messages.WARNING
            )

    @admin.action(description=_("Unlock sign-in (forget failed attempts)"))
    def unlock_sign_in(self, request, queryset):
        self._each_manageable(request, queryset, security.user_unlock, USERS_UNLOCKED)

    @admin.action(description=_("Reset two-step sign-in (lost phone)"))
    def reset_two_factor(self, request, queryset):
        self._each_manageable(request, queryset, security.otp_device_reset, USERS_RESET)


@admin.register(Membership)
class MembershipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "unit"
    form = MembershipForm
    list_display = ["user", "role", "unit", "agency"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "unit__name", "agency__name"]
    autocomplete_fields = ["user", "unit", "agency"]
    list_select_related = ["user", "unit", "agency"]

    def may_change(self, request, obj) -> bool:
        return admin_scope.can_change_membership(request.user, obj)

    def get_form(self, request, obj=None, **kwargs):
        return form_for_actor(super().get_form(request, obj, **kwargs), request.user)


@admin.register(CalendarException)
class CalendarExceptionAdmin(NationalAdminMixin, admin.ModelAdmin):
    """Every save and delete goes through the service, which records it and bumps the revision.

    The calendar is national: changed by those the app's calendar pages let change it."""

    records_history = False  # the service records each change with the reason given
    form = CalendarExceptionForm
    list_display = ["day", "kind", "name", "source"]
    list_filter = ["kind"]
    search_fields = ["name", "source", "note"]
    date_hierarchy = "day"
    actions = None  # bulk delete would skip the record and the revision

    def may_edit(self, request) -> bool:
        return access.can_edit_calendar(request.user)

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


class DeadlineRuleInline(NationalInlineMixin, admin.StackedInline):
    model = DeadlineRule
    extra = 0


@admin.register(DeadlineProfile)
class DeadlineProfileAdmin(NationalAdminMixin, admin.ModelAdmin):
    """Shared by every province's plans: only superusers change a profile."""

    list_display = ["name", "code", "source", "is_active"]
    search_fields = ["name", "code", "source"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [DeadlineRuleInline]


admin_scope.register(DeadlineRule, admin_scope.NATIONAL)


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    """The change history, about the objects the user administers; citizens' personal data
    (a speaker's phone or address) is shown masked, as the app's own history pages do."""

    list_display = ["at", "object_repr", "action", "actor", "reason"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "reason"]
    list_select_related = ["actor", "content_type"]
    fields = [
        "at",
        "content_type",
        "object_id",
        "object_repr",
        "action",
        "actor",
        "reason",
        "shown_changes",
    ]
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request):
        return admin_scope.change_records(super().get_queryset(request), request.user)

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("changes"))
    def shown_changes(self, obj):
        shown = copy.copy(obj)
        model = obj.content_type.model_class()
        shown.changes = audit.masked(obj.changes, admin_scope.personal_fields(model))
        return format_html_join(
            mark_safe("<br>"),
            "{}: {} → {}",
            (
                (label, "—" if old is None else old, "—" if new is None else new)
                for label, old, new in shown.change_items
            ),
        )


# Groups carry permissions, and the sign-in records name every account: superusers only.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SuperuserOnlyAdminMixin, DjangoGroupAdmin):
    pass


def _superuser_only(model) -> None:
    """Re-register a third-party admin class (django-axes) for superusers only."""
    if admin.site.is_registered(model):
        original = type(admin.site._registry[model])
        admin.site.unregister(model)
        admin.site.register(model, type(original.__name__, (SuperuserOnlyAdminMixin, original), {}))


# Two-step devices hold secrets: administrators reset them with the user action above instead.
for _model in (AccessAttempt, AccessLog, AccessFailureLog, TOTPDevice, StaticDevice):
    _superuser_only(_model)

# Unit mergers: superusers only (dialogue.admin_units).
from dialogue import admin_units  # noqa: E402, F401
