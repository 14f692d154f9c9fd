"""After the session: the conclusion notice, the assignments it creates, the agencies' responses,
extensions, forwarding to a competent level, and the reminder outbox.

Writes go through followups.services (and followups.reminders for the outbox).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dialogue.models import AdministrativeUnit, Agency, CachedChoiceLabels, DeadlineRule
from followups.querysets import (
    AnnualReportQuerySet,
    AssignmentQuerySet,
    ConclusionNoticeQuerySet,
    ReminderQuerySet,
)
from petitions.models import Petition
from sessions.models import DialogueSession, SignerCapacity


class ConclusionNotice(models.Model):
    """Thông báo kết luận: one per session; issuing it creates the assignments."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    session = models.OneToOneField(
        DialogueSession,
        verbose_name=_("dialogue session"),
        on_delete=models.PROTECT,
        related_name="conclusion_notice",
    )
    # Copied from the session: scoped lists filter without a join.
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="conclusion_notices",
    )
    parent_body = models.CharField(_("parent body"), max_length=200, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    number = models.CharField(
        _("number and symbol"), max_length=50, blank=True, help_text=_("For example: 45/TB-UBND.")
    )
    place = models.CharField(_("place"), max_length=100)
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=400)
    body = models.TextField(_("body"))
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("One per line."))
    signer_capacity = models.CharField(
        _("signing capacity"), max_length=10, choices=SignerCapacity.choices, blank=True
    )
    signer_body = models.CharField(_("signing on behalf of"), max_length=200, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ConclusionNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("conclusion notice")
        verbose_name_plural = _("conclusion notices")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return self.number or self.title

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED


class Assignment(CachedChoiceLabels):
    """Giao giải quyết: one agency answers one petition by a due date in working days."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        FORWARDED = "forwarded", _("Forwarded to the competent level")

    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="assignments"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="assignments"
    )
    # Copied from the petition: every scoped list filters without a join.
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    notice = models.ForeignKey(
        ConclusionNotice,
        verbose_name=_("conclusion notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    assigned_on = models.DateField(_("assigned on"))
    # What the due date is counted from, kept so that a calendar change recomputes it.
    rule = models.ForeignKey(
        DeadlineRule,
        verbose_name=_("deadline rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    anchor_on = models.DateField(_("counted from"))
    due_on = models.DateField(_("due on"))
    due_explanation = models.CharField(_("how the date was computed"), max_length=500)
    extended = models.BooleanField(_("extended"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_on", "pk"]
        indexes = [
            # Open rows only (DESIGN §11: a partial index on open rows serves "past due" lists
            # and the reminder sweep in well under a millisecond at a million rows).
            models.Index(
                fields=["due_on", "id"],
                condition=models.Q(status="open"),
                name="assignment_open_due_idx",
            ),
            models.Index(
                fields=["agency", "due_on", "id"],
                condition=models.Q(status="open"),
                name="assignment_open_agency_idx",
            ),
            models.Index(
                fields=["unit", "due_on", "id"],
                condition=models.Q(status="open"),
                name="assignment_open_unit_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "agency"],
                condition=models.Q(status="open"),
                name="assignment_open_once_per_agency",
            )
        ]

    def __str__(self) -> str:
        return self.label(str(self.agency), self.petition_id)

    @staticmethod
    def label(agency_name: str, petition_id: int) -> str:
        """What __str__ shows, from plain values (bulk change records need no instances)."""
        return f"{agency_name}: #{petition_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Response(models.Model):
    """Văn bản trả lời: the agency's answer to the citizen."""

    class Method(models.TextChoices):
        IN_WRITING = "in_writing", _("In writing")
        IN_PERSON = "in_person", _("In person")

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    responded_on = models.DateField(_("date of response"))
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    text = models.TextField(_("content of the response"))
    has_attachment = models.BooleanField(_("signed PDF attached"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-responded_on", "-pk"]

    def __str__(self) -> str:
        return self.document_number or f"#{self.pk}"


class Extension(models.Model):
    """Gia hạn: a later due date the agency asks for; the citizen must be told (Hà Nam 2018)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="extensions",
    )
    old_due_on = models.DateField(_("previous due date"))
    new_due_on = models.DateField(_("new due date"))
    reason = models.TextField(_("reason"))
    citizen_told_on = models.DateField(_("citizen told on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=models.Q(status="requested"),
                name="extension_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.new_due_on:%d/%m/%Y}"


class Forwarding(models.Model):
    """Chuyển cấp có thẩm quyền: a matter beyond local authority sent to the competent level."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="forwardings",
    )
    level = models.CharField(
        _("level of competence"), max_length=12, choices=Petition.Competence.choices
    )
    to_body = models.CharField(_("forwarded to"), max_length=300)
    document_number = models.CharField(_("document number"), max_length=50)
    forwarded_on = models.DateField(_("date of forwarding"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("forwarding")
        verbose_name_plural = _("forwardings")
        ordering = ["-forwarded_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.to_body} ({self.document_number})"


class Reminder(models.Model):
    """The outbox: one row per message owed. Unique per (assignment, kind, date, recipient),
    so a sweep that runs twice owes nothing twice (followups.reminders)."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due in 2 working days")
        DUE_TODAY = "due_today", _("Due today")
        OVERDUE = "overdue", _("Overdue")
        DIGEST = "digest", _("Daily overdue digest")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reminders",
        db_index=False,  # the unique constraint below leads with it
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    for_date = models.DateField(_("for the day"))
    recipient = models.EmailField(_("recipient"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-for_date", "pk"]
        indexes = [
            models.Index(
                fields=["status", "id"],
                condition=~models.Q(status="sent"),
                name="reminder_unsent_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "for_date", "recipient"],
                condition=models.Q(assignment__isnull=False),
                name="reminder_once_per_assignment",
            ),
            models.UniqueConstraint(
                fields=["kind", "for_date", "recipient"],
                condition=models.Q(assignment__isnull=True),
                name="reminder_digest_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.for_date:%d/%m/%Y} → {self.recipient}"


class Recomputation(models.Model):
    """A recount of the open due dates a calendar change touches, run in chunks of assignment ids.

    `next_id` is the progress: every assignment below it has been recounted (and committed with
    it), so a run that is killed goes on from there. A worker claims the row (status RUNNING,
    `claimed_at`) before working; a claim older than the claim timeout belongs to a dead worker.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    days = models.JSONField(_("changed days"), default=list)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    next_id = models.BigIntegerField(_("next assignment id"), default=0)
    changed = models.PositiveIntegerField(_("due dates changed"), default=0)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("recount finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("due-date recomputation")
        verbose_name_plural = _("due-date recomputations")
        ordering = ["requested_at", "pk"]
        indexes = [
            models.Index(
                fields=["status", "id"],
                condition=~models.Q(status="done"),
                name="recomputation_unfinished_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{', '.join(self.days)} ({self.get_status_display()})"


class AnnualReport(models.Model):
    """Báo cáo kết quả tổ chức hội nghị đối thoại hằng năm (the Điện Biên outline, 2024): one per
    reporting unit and year. Its figures are computed from the records (followups.annual_report);
    the narrative sections are pre-filled with them and edited by the organisers of the unit."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("reporting unit"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(_("year reported on"))
    parent_body = models.CharField(_("parent body"), max_length=200, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    number = models.CharField(
        _("number and symbol"), max_length=50, blank=True, help_text=_("For example: 12/BC-UBND.")
    )
    place = models.CharField(_("place"), max_length=100)
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=400)
    situation = models.TextField(_("I. Characteristics and situation"), blank=True)
    direction = models.TextField(_("II. Leadership, direction and guidance"), blank=True)
    preparation = models.TextField(_("III.1. Preparation"), blank=True)
    results = models.TextField(_("III.2. Results"), blank=True)
    shortcomings = models.TextField(_("III.3. Shortcomings and their causes"), blank=True)
    assessment = models.TextField(_("III.4. Overall assessment and lessons"), blank=True)
    proposals = models.TextField(_("IV. Proposals and recommendations"), blank=True)
    #: Why each commune that did not hold its conference did not: {unit id (text): reason}.
    reasons = models.JSONField(_("reasons for not holding"), default=dict, blank=True)
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("One per line."))
    signer_capacity = models.CharField(
        _("signing capacity"), max_length=10, choices=SignerCapacity.choices, blank=True
    )
    signer_body = models.CharField(_("signing on behalf of"), max_length=200, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="annual_report_once_per_year")
        ]

    def __str__(self) -> str:
        return self.number or f"{self.title} ({self.year})"

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED


class Publication(models.Model):
    """The published results of a session (Luật Tổ chức chính quyền địa phương 2025: posted on
    the notice board and told to hamlets within 10 days). Unpublishing keeps the row; the public
    page then answers 410 Gone. Each change is recorded on this row (dialogue.audit)."""

    session = models.OneToOneField(
        DialogueSession,
        verbose_name=_("dialogue session"),
        on_delete=models.PROTECT,
        related_name="publication",
    )
    # Copied from the session: the public index of a unit filters without a join.
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unpublished_at = models.DateTimeField(_("unpublished at"), null=True, blank=True)
    unpublished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("unpublished by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("publication of results")
        verbose_name_plural = _("publications of results")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(
                fields=["unit", "-published_at"],
                condition=models.Q(unpublished_at__isnull=True),
                name="publication_unit_live_idx",
            )
        ]

    def __str__(self) -> str:
        return str(self.session)

    @property
    def is_live(self) -> bool:
        return self.unpublished_at is None


class DashboardCell(models.Model):
    """A cell of the supervisors' dashboard (followups.summary): what the petitions and
    assignments of `year` under `scope` (the unit and everything below it) add up to, broken
    down one way (`kind`): per child unit, per agency, per field or per month.

    Derived data: written in the same transaction as the records, as signed differences
    (several rows may share a key; readers sum them, followups.summary.compact merges them), and
    rebuilt from the records by `manage.py rebuild_dashboard_summary`.
    """

    class Kind(models.TextChoices):
        CHILD = "child", _("Per unit below")
        AGENCY = "agency", _("Per agency")
        FIELD = "field", _("Per field")
        MONTH = "month", _("Per month")

    scope = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the index below leads with it
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("breakdown"), max_length=6, choices=Kind.choices)
    # The key of the row in its breakdown; empty child: the scope's own records.
    child = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("unit below"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    field = models.ForeignKey(
        "petitions.Field",
        verbose_name=_("field"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    # Petitions (by the day received; FIELD and MONTH rows).
    p_received = models.IntegerField(default=0)
    p_answered_at_session = models.IntegerField(default=0)
    p_assigned = models.IntegerField(default=0)
    p_resolved = models.IntegerField(default=0)
    p_forwarded = models.IntegerField(default=0)
    p_routed_out = models.IntegerField(default=0)
    # Assignments (by the day made; MONTH rows: by the month closed). Open ones are split into
    # not yet due / overdue as of DashboardSummaryState.as_of.
    a_total = models.IntegerField(default=0)
    a_on_time = models.IntegerField(default=0)
    a_late = models.IntegerField(default=0)
    a_open = models.IntegerField(default=0)
    a_overdue = models.IntegerField(default=0)
    a_forwarded = models.IntegerField(default=0)
    # Written by a rebuild or a merge: the only merged row of its key. Difference rows (the
    # trackers, the roll) are not; the page ranks the country's agencies on the merged rows by
    # an index and sums only the few agencies that have differences (followups.dashboard).
    merged = models.BooleanField(_("merged"), default=False)

    class Meta:
        verbose_name = _("dashboard cell")
        verbose_name_plural = _("dashboard cells")
        indexes = [
            models.Index(fields=["scope", "year", "kind", "agency"], name="dashboard_cell_key_idx"),
            # The most overdue agencies of a scope, read in order (a country has some 17,000).
            models.Index(
                fields=["scope", "year", "-a_overdue", "-a_total", "agency"],
                name="dashboard_cell_agency_rank_idx",
                condition=models.Q(kind="agency", merged=True),
            ),
            models.Index(
                fields=["scope", "year", "kind", "agency"],
                name="dashboard_cell_difference_idx",
                condition=models.Q(merged=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_id} {self.year} {self.kind}"


class DashboardSummaryState(models.Model):
    """One row: the day the cells judge open assignments on (due before it: overdue). Moved
    forward each night (followups.summary.roll); writers lock it shared, the roll exclusively."""

    as_of = models.DateField(_("overdue judged on"))
    rebuilt_at = models.DateTimeField(_("rebuilt at"), null=True, blank=True)
    compacted_at = models.DateTimeField(_("merged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dashboard summary state")
        verbose_name_plural = _("dashboard summary states")

    def __str__(self) -> str:
        return f"{self.as_of:%d/%m/%Y}"
