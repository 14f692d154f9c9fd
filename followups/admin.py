"""Read-mostly views of the follow-up records: every change goes through followups.services
(which records it), so the admin lists and shows, within the user's scope, and changes nothing."""

from django.contrib import admin

from dialogue.scoped_admin import ReadOnlyScopedAdmin
from followups.models import (
    Assignment,
    ConclusionNotice,
    Extension,
    Forwarding,
    Reminder,
    Response,
)


@admin.register(ConclusionNotice)
class ConclusionNoticeAdmin(ReadOnlyScopedAdmin):
    scope_field = "unit"
    list_display = ["number", "title", "unit", "issued_on", "status"]
    list_filter = ["status"]
    search_fields = ["number", "title"]
    date_hierarchy = "issued_on"
    list_select_related = ["unit"]
    raw_id_fields = ["session", "unit", "issued_by", "created_by"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyScopedAdmin):
    scope_field = "unit"
    list_display = ["id", "petition_id", "agency", "unit", "assigned_on", "due_on", "status"]
    list_filter = ["status", "extended"]
    search_fields = ["=id", "=petition__id", "agency__name"]
    list_select_related = ["agency", "unit"]
    raw_id_fields = ["petition", "agency", "unit", "notice", "rule", "assigned_by"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyScopedAdmin):
    scope_field = "assignment__unit"
    list_display = ["id", "assignment_id", "responded_on", "method", "document_number"]
    list_filter = ["method", "has_attachment"]
    search_fields = ["document_number", "=assignment__id"]
    raw_id_fields = ["assignment", "recorded_by"]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyScopedAdmin):
    scope_field = "assignment__unit"
    list_display = ["id", "assignment_id", "old_due_on", "new_due_on", "status", "requested_at"]
    list_filter = ["status"]
    search_fields = ["=assignment__id"]
    raw_id_fields = ["assignment", "requested_by", "decided_by"]


@admin.register(Forwarding)
class ForwardingAdmin(ReadOnlyScopedAdmin):
    scope_field = "assignment__unit"
    list_display = ["id", "assignment_id", "level", "to_body", "document_number", "forwarded_on"]
    list_filter = ["level"]
    search_fields = ["to_body", "document_number", "=assignment__id"]
    raw_id_fields = ["assignment", "recorded_by"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyScopedAdmin):
    scope_field = "assignment__unit"
    list_display = ["for_date", "kind", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "=assignment__id"]
    raw_id_fields = ["assignment", "user"]
