"""Petitions (ý kiến, kiến nghị) and the answers agencies prepare before the session.

Writes go through petitions.services, which keeps `search` (folded text) and `is_resolved`
(the first sort key of every list: unresolved matters first) up to date. The database keeps
`list_rank` (the list order in one descending number) from `is_resolved` and `times_raised`.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dialogue.models import AdministrativeUnit, Agency, CachedChoiceLabels
from petitions.querysets import PetitionQuerySet, PreparationQuerySet
from petitions.reference import new_reference
from sessions.models import DialogueSession, MinutesEntry

#: Added to `times_raised` (a positive int, < 2**31) in `list_rank` for unresolved petitions.
UNRESOLVED_RANK = 2**31


class Field(models.Model):
    """Lĩnh vực: the category list, edited by administrators."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Petition(CachedChoiceLabels):
    class Source(models.TextChoices):
        MAILBOX = "mailbox", _("Suggestion box")
        FRONT = "front", _("Through the Fatherland Front and mass organisations")
        HAMLET_MEETING = "hamlet_meeting", _("Hamlet or residential group meeting")
        WRITTEN = "written", _("Handed in writing")
        AT_SESSION = "at_session", _("Raised at the session")

    class Competence(models.TextChoices):
        COMMUNE = "commune", _("Commune level")
        PROVINCE = "province", _("Province level")
        CENTRAL = "central", _("Central level")
        OTHER_BODY = "other_body", _("Another body")

    class Scope(models.TextChoices):
        IN_SCOPE = "in_scope", _("In scope of the dialogue")
        COMPLAINT = "complaint", _("Complaint")
        DENUNCIATION = "denunciation", _("Denunciation")
        OFF_TOPIC = "off_topic", _("Off topic (answered in writing)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PREPARING = "preparing", _("Answer being prepared")
        PREPARED = "prepared", _("Answer prepared")
        ROUTED_OUT = "routed_out", _("Routed to the complaint procedure")
        DUPLICATE = "duplicate", _("Duplicate")
        ANSWERED_AT_SESSION = "answered_at_session", _("Answered at the session")
        TO_ANSWER_AFTER = "to_answer_after", _("To be answered after the session")
        ASSIGNED = "assigned", _("Assigned to an agency")
        ANSWERED = "answered", _("Answered by the agency")
        FORWARDED = "forwarded", _("Forwarded to the competent level")

    #: Scopes that are not dialogued: routed out with a recorded reason (Gia Nghĩa 2022).
    ROUTED_SCOPES = frozenset({Scope.COMPLAINT, Scope.DENUNCIATION})
    RESOLVED_STATUSES = frozenset(
        {
            Status.ROUTED_OUT,
            Status.DUPLICATE,
            Status.ANSWERED_AT_SESSION,
            Status.ANSWERED,
            Status.FORWARDED,
        }
    )

    session = models.ForeignKey(
        DialogueSession,
        verbose_name=_("dialogue session"),
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    # Copied from the session so scoped lists filter without a join.
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    received_on = models.DateField(_("received on"))
    petitioner_name = models.CharField(
        _("petitioner(s)"), max_length=300, help_text=_("One person or the first of a group.")
    )
    petitioner_address = models.CharField(_("address"), max_length=300, blank=True)
    petitioner_phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Validators mirror the check constraints below, so a form reports them on the field.
    signatories = models.PositiveIntegerField(
        _("number of signatories"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("How many people signed it."),
    )
    content = models.TextField(_("content"))
    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="petitions"
    )
    competence = models.CharField(
        _("level of competence"), max_length=12, choices=Competence.choices
    )
    scope = models.CharField(
        _("scope"), max_length=14, choices=Scope.choices, default=Scope.IN_SCOPE
    )
    routing_reason = models.TextField(_("reason for routing"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    times_raised = models.PositiveIntegerField(
        _("times raised"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("How many times this matter has been raised, earlier dialogues included."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    # Raised during a speaker's turn: the minutes entry that records it (sessions never
    # points to petitions, DESIGN §2).
    minutes_entry = models.ForeignKey(
        MinutesEntry,
        verbose_name=_("minutes entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    answer_at_session = models.TextField(_("answer given at the session"), blank=True)
    answered_by = models.CharField(_("answered by"), max_length=200, blank=True)
    is_resolved = models.BooleanField(_("resolved"), default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Served on PostgreSQL by a pg_trgm GIN index (migration 0006, not in the model state).
    search = models.TextField(editable=False, default="")
    # The list order (unresolved first, then most raised) as one number, so "newest first" within
    # it makes every key descending: the keyset after a row is then the row comparison
    # (list_rank, id) < (r, i), which an index serves from the cursor, whatever the depth.
    # Generated by the database, so every write (services, bulk updates, F() expressions) keeps it.
    list_rank = models.GeneratedField(
        expression=models.Case(
            models.When(
                is_resolved=False,
                then=models.ExpressionWrapper(
                    models.F("times_raised") + UNRESOLVED_RANK,
                    output_field=models.BigIntegerField(),
                ),
            ),
            default=models.F("times_raised"),
            output_field=models.BigIntegerField(),
        ),
        output_field=models.BigIntegerField(),
        db_persist=True,
    )
    # What the citizen follows the petition by (petitions.reference): printed on the receipt,
    # typed into the public lookup. Never the database id.
    reference = models.CharField(
        _("public reference"), max_length=14, unique=True, default=new_reference, editable=False
    )
    # A legal hold keeps the personal data past the retention period (dialogue.retention).
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    legal_hold_reason = models.CharField(_("reason for the legal hold"), max_length=300, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        # Same order as (is_resolved, -times_raised, -id), in one direction.
        ordering = ["-list_rank", "-id"]
        indexes = [
            # The list order (unresolved first, most raised first): whole scope (a supervisor's
            # province is a join on the unit path, which no unit-led index serves), per unit,
            # per session. bench.petitions: 415 ms → about 1 ms at 200,000 rows.
            models.Index(fields=["-list_rank", "-id"], name="petition_rank_idx"),
            models.Index(fields=["unit", "-list_rank", "-id"], name="petition_unit_rank_idx"),
            models.Index(fields=["session", "-list_rank", "-id"], name="petition_session_rank_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(times_raised__gte=1),
                name="petition_times_raised_positive",
                violation_error_message=_("A matter is raised at least once."),
            ),
            models.CheckConstraint(
                condition=models.Q(signatories__gte=1),
                name="petition_signatories_positive",
                violation_error_message=_("A petition has at least one signatory."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.content[:60]}"

    @property
    def is_routed_out(self) -> bool:
        return self.scope in self.ROUTED_SCOPES


class Preparation(models.Model):
    """An agency asked to prepare the answer to a petition before the session."""

    petition = models.ForeignKey(
        Petition,
        verbose_name=_("petition"),
        on_delete=models.PROTECT,
        related_name="preparations",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="preparations"
    )
    due_on = models.DateField(_("due on"))
    due_explanation = models.CharField(_("how the date was computed"), max_length=500)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    answer = models.TextField(_("prepared answer"), blank=True)
    answered_on = models.DateField(_("answer received on"), null=True, blank=True)
    answer_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answer recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PreparationQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer preparation")
        verbose_name_plural = _("answer preparations")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "agency"], name="preparation_once")
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.petition_id}"

    @property
    def is_done(self) -> bool:
        return self.answered_on is not None


class PetitionImport(models.Model):
    """An XLSX of petitions collected before the session (petitions.importing).

    One row per (session, file SHA-256): uploading the same file again finds this row, so the
    file is imported at most once. The file is kept as uploaded, for the record.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Checked, not imported")
        RUNNING = "running", _("Being imported")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed")

    session = models.ForeignKey(
        DialogueSession,
        verbose_name=_("dialogue session"),
        on_delete=models.PROTECT,
        related_name="petition_imports",
    )
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("file"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    imported_count = models.PositiveIntegerField(_("petitions imported"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW
    )
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("petition import")
        verbose_name_plural = _("petition imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "sha256"], name="petition_import_once")
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.sha256[:12]})"
