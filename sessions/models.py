"""Plans, dialogue sessions and registered speakers (DESIGN §1 steps 1–3, §3).

Writes go through sessions.services; the folded `search` columns are filled there
(dialogue.textfold), so "nguyen van a" finds "Nguyễn Văn Ả" on every database.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dialogue.document_systems import DocumentSystem
from dialogue.models import (
    AdministrativeUnit,
    Agency,
    CachedChoiceLabels,
    DeadlineProfile,
    Milestone,
)
from sessions.querysets import (
    DialogueSessionQuerySet,
    ExtraConferenceRequestQuerySet,
    PlanQuerySet,
    SpeakerQuerySet,
)


class SignerCapacity(models.TextChoices):
    """How the signer signs (Nghị định 30/2020, Điều 13)."""

    NONE = "", _("in own name")
    ON_BEHALF = "TM.", _("on behalf of the collective (TM.)")
    DEPUTY = "KT.", _("as deputy (KT.)")
    ACTING = "Q.", _("acting (Q.)")
    BY_ORDER = "TL.", _("by order (TL.)")


class Plan(CachedChoiceLabels):
    """Kế hoạch: the document a unit issues to organise one or more dialogues."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("issuing unit"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    parent_body = models.CharField(
        _("governing body"),
        max_length=200,
        blank=True,
        help_text=_("First line of the header, if any (for example: UBND TỈNH HÀ NAM)."),
    )
    issuing_body = models.CharField(
        _("issuing body"),
        max_length=200,
        help_text=_("As printed in the header, for example: ỦY BAN NHÂN DÂN TỈNH HÀ NAM."),
    )
    # The issuing body's system decides the header, the number format and the signature of
    # every document of the plan (dialogue.document_systems).
    system = models.CharField(
        _("system of the issuing body"),
        max_length=5,
        choices=DocumentSystem.choices,
        default=DocumentSystem.STATE,
        help_text=_(
            "State bodies print the national motto; Party committees print “ĐẢNG CỘNG SẢN VIỆT "
            "NAM” and number their documents like 12-KH/ĐU."
        ),
    )
    number = models.CharField(
        _("number and symbol"), max_length=50, blank=True, help_text=_("For example: 12/KH-UBND.")
    )
    place = models.CharField(_("place"), max_length=100, help_text=_("For example: Hà Nam."))
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=400)
    year = models.PositiveSmallIntegerField(_("year"))
    legal_bases = models.TextField(_("legal bases"), blank=True, help_text=_("One per line."))
    purpose = models.TextField(_("purpose"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    topics = models.TextField(_("topics"), blank=True, help_text=_("One per line."))
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("One per line."))
    signer_capacity = models.CharField(
        _("signs"), max_length=4, choices=SignerCapacity.choices, blank=True
    )
    signer_body = models.CharField(
        _("signing body"), max_length=200, blank=True, help_text=_("For example: ỦY BAN NHÂN DÂN.")
    )
    signer_delegation = models.CharField(
        _("signing for"),
        max_length=100,
        blank=True,
        help_text=_("Second line when a deputy signs, for example: KT. CHỦ TỊCH."),
    )
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    profile = models.ForeignKey(
        DeadlineProfile,
        verbose_name=_("deadline profile"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
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
    search = models.TextField(editable=False, default="")

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "-pk"]
        indexes = [models.Index(fields=["unit", "-year", "-id"], name="plan_unit_year_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip() if self.number else self.title

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED


class PlanTask(models.Model):
    """One line of "Tổ chức thực hiện": an agency (or a role) and its duty."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_tasks",
    )
    assignee = models.CharField(
        _("or role"),
        max_length=200,
        blank=True,
        help_text=_("When the duty is not an agency's: for example, the secretariat."),
    )
    duty = models.TextField(_("duty"))

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.who

    @property
    def who(self) -> str:
        return self.agency.name if self.agency_id else self.assignee


class DialogueSession(CachedChoiceLabels):
    """Hội nghị / buổi đối thoại: one dialogue held under a plan."""

    class Kind(models.TextChoices):
        ANNUAL_CONFERENCE = "annual_conference", _("Annual commune dialogue conference")
        # Luật Tổ chức chính quyền địa phương 72/2025/QH15, Điều 43: held by the commune People's
        # Committee with the Fatherland Front, co-chaired with the People's Council's standing
        # body; another one when at least 10% of the commune's voters ask (ExtraConferenceRequest).
        ANNUAL_COMMUNE_2025 = (
            "annual_commune_2025",
            _("Annual commune dialogue conference (Law 72/2025/QH15)"),
        )
        EXTRA_COMMUNE_2025 = (
            "extra_commune_2025",
            _("Extra commune dialogue conference requested by voters (Law 72/2025/QH15)"),
        )
        CHAIRMAN = "chairman", _("People's Committee chairman's dialogue")
        THEMATIC = "thematic", _("Thematic dialogue")
        PARTY_SECRETARY = "party_secretary", _("Party Secretary's dialogue")
        OTHER = "other", _("Other dialogue")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        IN_PROGRESS = "in_progress", _("In progress")
        HELD = "held", _("Held")
        CONCLUDED = "concluded", _("Concluded")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="sessions"
    )
    # Copied from the plan: every scoped list filters on it without a join.
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="dialogue_sessions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=400)
    topics = models.TextField(_("topics"), blank=True, help_text=_("One per line."))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=300)
    chair_name = models.CharField(_("chair"), max_length=150)
    chair_title = models.CharField(_("chair's title"), max_length=200, blank=True)
    co_chairs = models.TextField(_("co-chairs"), blank=True, help_text=_("One per line."))
    secretaries = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("secretaries"),
        blank=True,
        related_name="secretary_of_sessions",
    )
    participants = models.TextField(_("participants"), blank=True, help_text=_("One per line."))
    invited_count = models.PositiveIntegerField(_("invited"), null=True, blank=True)
    expected_count = models.PositiveIntegerField(_("expected"), null=True, blank=True)
    attending_count = models.PositiveIntegerField(_("attending"), null=True, blank=True)
    invitation_number = models.CharField(
        _("invitation number"), max_length=50, blank=True, help_text=_("For example: 15/GM-UBND.")
    )
    invitation_date = models.DateField(_("invitation date"), null=True, blank=True)
    invitation_addressee = models.CharField(
        _("invitation addressed to"),
        max_length=300,
        blank=True,
        help_text=_("Left empty, the invitation has a line to write the name on."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    # Bumped by every change the live console shows: the ETag of its polls (sessions.console).
    console_revision = models.PositiveBigIntegerField(default=0, editable=False)
    # Minutes.finalised_at, mirrored on this row by sessions.minutes: a console save claims its
    # revision with one UPDATE of this row that also checks it, so a finalisation committed
    # while the save waited for the row is seen (a condition on another table would not be).
    minutes_final = models.BooleanField(default=False, editable=False)
    # The projector page is opened without logging in, by this unguessable token.
    display_token = models.CharField(max_length=43, blank=True, default="", editable=False)
    started_at = models.DateTimeField(_("actually started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("actually ended at"), null=True, blank=True)
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
    search = models.TextField(editable=False, default="")
    # A legal hold keeps the citizens' personal data past the retention period.
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    legal_hold_reason = models.CharField(_("reason for the legal hold"), max_length=300, blank=True)
    # Set by the retention sweep (dialogue.retention) when the personal data was removed.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    objects = DialogueSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("dialogue session")
        verbose_name_plural = _("dialogue sessions")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "-starts_at", "-id"], name="session_unit_start_idx"),
            models.Index(fields=["status", "-starts_at"], name="session_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("The end cannot be before the start."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class SessionMilestone(models.Model):
    """A milestone of the session's deadline profile marked as done (invitations sent…)."""

    session = models.ForeignKey(
        DialogueSession,
        verbose_name=_("dialogue session"),
        on_delete=models.CASCADE,
        related_name="milestones_done",
    )
    milestone = models.CharField(_("milestone"), max_length=30, choices=Milestone.choices)
    done_on = models.DateField(_("done on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone done")
        verbose_name_plural = _("milestones done")
        constraints = [
            models.UniqueConstraint(fields=["session", "milestone"], name="milestone_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_milestone_display()}: {self.done_on:%d/%m/%Y}"


class Speaker(CachedChoiceLabels):
    """Đăng ký phát biểu: a citizen registered to speak, in queue order."""

    class Channel(models.TextChoices):
        IN_ADVANCE = "in_advance", _("Registered in advance with the secretariat")
        HAMLET = "hamlet", _("Through the hamlet or residential group")
        FRONT = "front", _("Through the Fatherland Front or a mass organisation")
        IN_WRITING = "in_writing", _("In writing")
        AT_SESSION = "at_session", _("At the session")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        SPEAKING = "speaking", _("Speaking")
        SPOKE = "spoke", _("Spoke")
        ABSENT = "absent", _("Absent")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REFUSED = "refused", _("Refused")

    session = models.ForeignKey(
        DialogueSession,
        verbose_name=_("dialogue session"),
        on_delete=models.PROTECT,
        related_name="speakers",
    )
    position = models.PositiveIntegerField(_("order"))
    full_name = models.CharField(_("full name"), max_length=150)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    address = models.CharField(
        _("address"), max_length=300, help_text=_("Hamlet, village or residential group.")
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    topic = models.CharField(_("topic"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    channel = models.CharField(
        _("registered through"), max_length=12, choices=Channel.choices, default="in_advance"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    allotted_seconds = models.PositiveIntegerField(_("allotted time (seconds)"), default=300)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    likely_duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("likely the same person as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # fold(full_name) + "|" + fold(address): the duplicate check is one indexed lookup.
    identity_key = models.CharField(max_length=460, editable=False, default="")
    search = models.TextField(editable=False, default="")
    # The session's console_revision of the last change to this row: a poll sends the rows
    # changed since the client's revision (sessions.console.bump).
    rev = models.PositiveBigIntegerField(default=0, editable=False)

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        verbose_name = _("registered speaker")
        verbose_name_plural = _("registered speakers")
        ordering = ["session", "position", "pk"]
        indexes = [
            models.Index(fields=["session", "identity_key"], name="speaker_identity_idx"),
            models.Index(fields=["session", "position"], name="speaker_queue_idx"),
            models.Index(fields=["session", "rev"], name="speaker_rev_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name


class MinutesEntry(models.Model):
    """One entry of the live minutes. The client makes the UUID (a retried save is the same
    entry) and sends the version it edited (a stale one is refused, never overwritten)."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        DELEGATES = "delegates", _("Delegates")
        REPORT = "report", _("Report")
        SPEECH = "speech", _("Speech")
        ANSWER = "answer", _("Answer")
        CONCLUSION = "conclusion", _("Conclusion")
        NOTE = "note", _("Note")

    session = models.ForeignKey(
        DialogueSession,
        verbose_name=_("dialogue session"),
        on_delete=models.PROTECT,
        related_name="minutes_entries",
    )
    uuid = models.UUIDField(unique=True)
    seq = models.PositiveIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    speaker = models.ForeignKey(
        Speaker,
        verbose_name=_("speaker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="minutes_entries",
    )
    text = models.TextField(_("text"))
    # The speaker FK names the citizen whose turn it is; who delivered a report, answered or
    # concluded is an official, named here (the minutes print the answer under this name).
    given_by = models.CharField(
        _("given by"),
        max_length=200,
        blank=True,
        help_text=_("Who delivered the report, gave the answer or concluded."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    typed_at = models.DateTimeField(_("typed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)
    # The session's console_revision of the last change (see Speaker.rev).
    rev = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("minutes entry")
        verbose_name_plural = _("minutes entries")
        ordering = ["session", "seq"]
        constraints = [models.UniqueConstraint(fields=["session", "seq"], name="minutes_entry_seq")]
        indexes = [models.Index(fields=["session", "rev"], name="minutes_entry_rev_idx")]

    def __str__(self) -> str:
        return f"{self.seq}. {self.get_kind_display()}"


class Minutes(models.Model):
    """Biên bản: the finalisation state of a session's minutes (entries are MinutesEntry)."""

    session = models.OneToOneField(
        DialogueSession,
        verbose_name=_("dialogue session"),
        on_delete=models.PROTECT,
        related_name="minutes",
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    chair_name = models.CharField(_("chair who signs"), max_length=150, blank=True)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(self.session)

    @property
    def is_final(self) -> bool:
        return self.finalised_at is not None


class ExtraConferenceRequest(models.Model):
    """Voters asking for another dialogue conference (Luật 72/2025/QH15, Điều 43): when the
    signatures reach 10% of the commune's voters, the conference must be held. The request and
    its outcome (the session planned from it) are kept."""

    class Status(models.TextChoices):
        BELOW_THRESHOLD = "below", _("Below the threshold")
        THRESHOLD_REACHED = "reached", _("Threshold reached")
        SESSION_PLANNED = "planned", _("Conference planned")

    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="extra_conference_requests",
    )
    voters_count = models.PositiveIntegerField(_("voters of the commune"))
    signatures_count = models.PositiveIntegerField(_("signatures received"))
    received_on = models.DateField(_("received on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BELOW_THRESHOLD
    )
    session = models.OneToOneField(
        DialogueSession,
        verbose_name=_("conference"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="extra_request",
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ExtraConferenceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request for an extra conference")
        verbose_name_plural = _("requests for an extra conference")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["unit", "-received_on"], name="extra_request_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.received_on:%d/%m/%Y}"

    @property
    def share_percent(self) -> float:
        return 100 * self.signatures_count / self.voters_count if self.voters_count else 0.0
