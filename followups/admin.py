"""Read-mostly views of the follow-up records: every change goes through followups.services
(which records it), so the admin lists and shows, and changes nothing."""

from django.contrib import admin

from followups.models import (
    Assignment,
    ConclusionNotice,
    Extension,
    Forwarding,
    Reminder,
    Response,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse and search; adding, editing and deleting happen in the app, through services."""

    show_full_result_count = False  # no COUNT(*) over a million rows on every list page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConclusionNotice)
class ConclusionNoticeAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "unit", "issued_on", "status"]
    list_filter = ["status"]
    search_fields = ["number", "title"]
    date_hierarchy = "issued_on"
    list_select_related = ["unit"]
    raw_id_fields = ["session", "unit", "issued_by", "created_by"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["id", "petition_id", "agency", "unit", "assigned_on", "due_on", "status"]
    list_filter = ["status", "extended"]
    search_fields = ["=id", "=petition__id", "agency__name"]
    list_select_related = ["agency", "unit"]
    raw_id_fields = ["petition", "agency", "unit", "notice", "rule", "assigned_by"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["id", "assignment_id", "responded_on", "method", "document_number"]
    list_filter = ["method", "has_attachment"]
    search_fields = ["document_number", "=assignment__id"]
    raw_id_fields = ["assignment", "recorded_by"]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ["id", "assignment_id", "old_due_on", "new_due_on", "status", "requested_at"]
    list_filter = ["status"]
    search_fields = ["=assignment__id"]
    raw_id_fields = ["assignment", "requested_by", "decided_by"]


@admin.register(Forwarding)
class ForwardingAdmin(ReadOnlyAdmin):
    list_display = ["id", "assignment_id", "level", "to_body", "document_number", "forwarded_on"]
    list_filter = ["level"]
    search_fields = ["to_body", "document_number", "=assignment__id"]
    raw_id_fields = ["assignment", "recorded_by"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["for_date", "kind", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "=assignment__id"]
    raw_id_fields = ["assignment", "user"]
