"""Plans and sessions to browse within the administrator's scope; every change happens in the
app, through sessions.services (which records it)."""

from django.contrib import admin

from dialogue import admin_scope
from dialogue.scoped_admin import ReadOnlyScopedAdmin
from sessions.models import (
    DialogueSession,
    Minutes,
    MinutesEntry,
    Plan,
    PlanTask,
    SessionMilestone,
    Speaker,
)
from sessions.services import SPEAKER_PERSONAL_FIELDS

# Not in the admin, but their change history is, within the scope.
admin_scope.register(PlanTask, "plan__unit")
admin_scope.register(SessionMilestone, "session__unit")
admin_scope.register(Speaker, "session__unit", personal=SPEAKER_PERSONAL_FIELDS)
admin_scope.register(MinutesEntry, "session__unit")
admin_scope.register(Minutes, "session__unit")


@admin.register(Plan)
class PlanAdmin(ReadOnlyScopedAdmin):
    scope_field = "unit"
    list_display = ["title", "number", "unit", "year", "status"]
    list_filter = ["status", "year"]
    search_fields = ["title", "number"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit", "profile", "created_by"]


@admin.register(DialogueSession)
class DialogueSessionAdmin(ReadOnlyScopedAdmin):
    scope_field = "unit"
    list_display = ["title", "unit", "kind", "starts_at", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "venue"]
    date_hierarchy = "starts_at"
    list_select_related = ["unit"]
    raw_id_fields = ["plan", "unit", "created_by"]
