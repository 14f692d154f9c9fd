"""The three kinds of admin class every registered model uses (tests/dialogue/test_admin_scope.py
walks the registry and fails on any other):

- `ScopedAdminMixin`: rows that belong to a unit; a non-superuser lists, opens, changes and
  deletes only rows in its administrator scope, and picks related rows only from that scope;
- `NationalAdminMixin`: reference data shared by the whole country (calendar, deadline profiles,
  petition fields); read by staff, changed only by those `may_edit` allows (superusers);
- `SuperuserOnlyAdminMixin`: Django's groups and the sign-in records: superusers only.

Every add, change and delete made through them is also recorded in the app's change history
(`dialogue.audit`), beside Django's own LogEntry. The rules themselves live in
`dialogue.admin_scope`.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dialogue import admin_scope, audit

ADMIN_REASON = _("In the administration pages")


def _diff(stored, obj, form) -> dict:
    """{field: [old, new]} between the stored row and the object the form is about to save."""
    names = form.changed_data
    plain, related = [], []
    for name in names:
        field = next((f for f in obj._meta.get_fields() if f.name == name), None)
        if field is None or not getattr(field, "concrete", False):
            continue
        (related if field.many_to_many else plain).append(name)
    changes = audit.diff(audit.snapshot(stored, plain), audit.snapshot(obj, plain))
    for name in related:
        before = ", ".join(str(o) for o in getattr(stored, name).all())
        changes[name] = [before, ", ".join(str(o) for o in form.cleaned_data.get(name) or ())]
    return changes


class HistoryRecordingMixin:
    """Admin writes go into the change history too: who, when, which fields (personal data and
    passwords masked), with the reason "in the administration pages"."""

    #: False where save_model goes through a service that records the change itself.
    records_history = True

    def _masked(self, model, changes: dict) -> dict:
        return audit.masked(changes, admin_scope.personal_fields(model) | {"password"})

    def _record(self, request, obj, action: str, changes: dict | None = None) -> None:
        if self.records_history:
            audit.record(
                obj,
                actor=request.user,
                action=action,
                changes=self._masked(type(obj), changes or {}),
                reason=str(ADMIN_REASON),
            )

    def save_model(self, request, obj, form, change):
        if self.records_history and change and obj.pk is not None:
            # The form already copied its values onto obj: the stored row is still the "before".
            stored = type(obj)._default_manager.get(pk=obj.pk)
            obj._admin_changes = _diff(stored, obj, form)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk is not None:
                self._record(request, inline_form.instance, "delete")
        changed = {}
        for inline_form in formset.initial_forms:
            instance = inline_form.instance
            if instance.pk is not None and inline_form.has_changed():
                stored = type(instance)._default_manager.get(pk=instance.pk)
                changed[instance.pk] = _diff(stored, instance, inline_form)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            self._record(request, obj, "created")
        for obj, _fields in formset.changed_objects:
            self._record(request, obj, "updated", changed.get(obj.pk))

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._record(request, obj, "created")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        changes = getattr(obj, "_admin_changes", None)
        if changes is None:  # the password form: say which field, never the value
            changes = {"password": [None, None]} if "password" in str(message).lower() else {}
        self._record(request, obj, "updated", changes)
        return entry

    def log_deletions(self, request, queryset):
        # Called before the rows are deleted, while they still have their primary keys.
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            self._record(request, obj, "delete")
        return entries


def _scoped_choices(formfield_kwargs: dict, db_field, request) -> dict:
    """Limit a foreign key's or many-to-many's choices to what the user administers."""
    if "queryset" in formfield_kwargs or request.user.is_superuser:
        return formfield_kwargs
    related = db_field.remote_field.model
    formfield_kwargs["queryset"] = admin_scope.scoped(related._default_manager.all(), request.user)
    return formfield_kwargs


class ScopedChoicesMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **_scoped_choices(kwargs, db_field, request)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **_scoped_choices(kwargs, db_field, request)
        )


class ScopedAdminMixin(HistoryRecordingMixin, ScopedChoicesMixin):
    """Rows of units: a non-superuser sees and changes only those in its administrator scope."""

    #: The path from the model to its AdministrativeUnit ("unit", "assignment__unit"), or
    #: admin_scope.SELF for the units themselves.
    scope_field: str = "unit"
    #: Fields holding citizens' personal data, masked in the admin's view of the history.
    personal_fields: frozenset[str] = frozenset()

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        admin_scope.register(model, self.scope_field, personal=self.personal_fields)

    def get_queryset(self, request):
        return admin_scope.scoped(super().get_queryset(request), request.user)

    def _administers(self, request) -> bool:
        return request.user.is_superuser or not admin_scope.admin_scope(request.user).is_empty

    def _in_scope(self, request, obj) -> bool:
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def may_change(self, request, obj) -> bool:
        """Beyond being in scope: whether this object may be changed or deleted by the user."""
        return True

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj) or not self._administers(request):
            return False
        return obj is None or self._in_scope(request, obj)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self._administers(request)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj) or not self._administers(request):
            return False
        return obj is None or (self._in_scope(request, obj) and self.may_change(request, obj))

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj) or not self._administers(request):
            return False
        return obj is None or (self._in_scope(request, obj) and self.may_change(request, obj))


class ScopedInlineMixin(ScopedChoicesMixin):
    """An inline of a scoped parent: shows only the rows in scope (the rest stay untouched).
    Its rows' changes are recorded by the parent's `save_formset`."""

    def get_queryset(self, request):
        return admin_scope.scoped(super().get_queryset(request), request.user)


class ReadOnlyScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Browse and search within the scope; adding, editing and deleting happen in the app,
    through the services that record them."""

    show_full_result_count = False  # no COUNT(*) over a million rows on every list page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NationalAdminMixin(HistoryRecordingMixin):
    """Reference data without a unit, shared by every province: read by staff who hold the view
    permission, changed only by those `may_edit` allows."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        admin_scope.register(model, admin_scope.NATIONAL)

    def may_edit(self, request) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self.may_edit(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_edit(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_edit(request)


class NationalInlineMixin:
    """An inline of national reference data: changed only by superusers."""

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class SuperuserOnlyAdminMixin(HistoryRecordingMixin):
    """Django's groups and permissions, the sign-in records: nothing for anyone else."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class ActorFormMixin:
    """A form that knows who submits it (`actor`), set per request by `form_for_actor`."""

    actor = None


def form_for_actor(form_class: type[forms.BaseForm], actor) -> type[forms.BaseForm]:
    """`form_class` bound to the user submitting it, for rules that depend on who asks."""
    return type(form_class.__name__, (form_class,), {"actor": actor})
