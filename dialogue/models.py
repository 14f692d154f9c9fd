import re
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dialogue.querysets import AdministrativeUnitQuerySet, AgencyQuerySet, MembershipQuerySet


@lru_cache(maxsize=1024)
def _choice_labels(field: models.Field, language: str | None) -> dict:
    return {
        make_hashable(value): force_str(label, strings_only=True)
        for value, label in field.flatchoices
    }


class CachedChoiceLabels(models.Model):
    """get_FOO_display from labels translated once per field and language. Django's rebuilds
    a dict of every choice, translating each label, on every call: a list page of 50 rows with
    two such columns of ten choices translated a thousand strings."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return _choice_labels(field, get_language()).get(
            make_hashable(value), force_str(value, strings_only=True)
        )


class User(AbstractUser):
    """A staff member. Vietnamese names are written whole, so one full-name field."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username


class AdministrativeUnit(models.Model):
    """A province, (former) district, commune or ward: levels are data, the tree any depth.

    `path` is the materialised path of primary keys ("/3/17/245/"), maintained by
    dialogue.services, so "this unit and everything below" is one indexed prefix query.
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("level"), max_length=50, help_text=_("For example: province, district, commune, ward.")
    )
    code = models.CharField(_("official code"), max_length=20, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # The dates the unit existed, both days included; empty means "not known to have started /
    # still exists". Records made while it existed stay on it after a merger (UnitSuccession).
    valid_from = models.DateField(_("exists from"), null=True, blank=True)
    valid_to = models.DateField(_("exists until"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("successors"),
        symmetrical=False,
        through="UnitSuccession",
        through_fields=("predecessor", "successor"),
        related_name="predecessors",
        blank=True,
    )
    # fold(name): the unit picker searches 3,321 communes by name without diacritics.
    search = models.CharField(max_length=200, editable=False, default="")

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="unit_path_idx", opclasses=["varchar_pattern_ops"])
        ]
        constraints = [
            # An official code names one unit of today; a dissolved unit keeps its old code,
            # which the register may have given to its successor (Bắc Giang's 24 is Bắc Ninh's).
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(code="") & models.Q(valid_to__isnull=True),
                name="unit_current_code_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def exists_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def is_historic(self) -> bool:
        return self.valid_to is not None

    @property
    def display_name_with_successor(self) -> str:
        """ "Tỉnh Hà Nam (nay là tỉnh Ninh Bình)" for a merged unit; its name otherwise.

        Queries only for units that no longer exist (prefetch `successors` in long lists)."""
        if self.valid_to is None:
            return self.name
        names = [s.name for s in self.successors.all()]
        if not names:
            return f"{self.name} (đến ngày {self.valid_to:%d/%m/%Y})"
        return f"{self.name} (nay là {', '.join(_lower_first(n) for n in names)})"

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]


def _lower_first(name: str) -> str:
    """ "Tỉnh Ninh Bình" → "tỉnh Ninh Bình", as it reads inside a sentence."""
    return name[:1].lower() + name[1:]


class UnitSuccession(models.Model):
    """A merger: from `on`, `predecessor` is part of `successor` (Nghị quyết 202/2025/QH15...)."""

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("former unit"),
        on_delete=models.PROTECT,
        related_name="succession_records",
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="predecessor_records",
    )
    on = models.DateField(_("from"))
    source = models.CharField(
        _("deciding document"),
        max_length=300,
        blank=True,
        help_text=_("For example: Nghị quyết 202/2025/QH15."),
    )

    class Meta:
        verbose_name = _("unit merger")
        verbose_name_plural = _("unit mergers")
        ordering = ["-on", "successor", "predecessor"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_once"),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")), name="succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.on:%d/%m/%Y})"


class Agency(models.Model):
    """A responsible body inside a unit: a department, the police, the Front, a commune office."""

    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Reminders are sent here."))
    is_active = models.BooleanField(_("active"), default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["unit__path", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="agency_unit_name")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    SECRETARY = "secretary", _("Secretary")
    AGENCY_RESPONDER = "agency_responder", _("Agency responder")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")


class Membership(models.Model):
    """A user's role in one unit; agency responders also name their agency."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=models.Q(agency__isnull=True),
                name="membership_unique_without_agency",
            ),
            models.UniqueConstraint(
                fields=["user", "unit", "role", "agency"],
                condition=models.Q(agency__isnull=False),
                name="membership_unique_with_agency",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="agency_responder") | models.Q(agency__isnull=False),
                name="membership_responder_has_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"

    def clean(self) -> None:
        if self.role == Role.AGENCY_RESPONDER and not self.agency_id:
            raise ValidationError({"agency": _("An agency responder must belong to an agency.")})
        if self.agency_id and self.unit_id and self.agency.unit_id != self.unit_id:
            raise ValidationError({"agency": _("The agency must belong to the same unit.")})


#: What each recorded action reads as on a page (actions are written by the services).
ACTION_LABELS = {
    "created": _("created"),
    "create": _("created"),
    "updated": _("changed"),
    "update": _("changed"),
    "delete": _("deleted"),
    "status": _("status changed"),
    "issued": _("issued"),
    "amended": _("amended"),
    "milestone": _("milestone done"),
    "registered": _("registered"),
    "moved": _("moved in the queue"),
    "captured": _("captured at the session"),
    "attendance": _("attendance recorded"),
    "finalised": _("finalised"),
    "reopened": _("reopened"),
    "document_stored": _("issued document stored"),
    "routed_out": _("routed out"),
    "preparation_assigned": _("asked to prepare the answer"),
    "answer_prepared": _("answer prepared"),
    "drafted": _("drafted"),
    "assigned": _("assigned"),
    "answered": _("answered"),
    "extension_requested": _("extension requested"),
    "extension_accepted": _("extension accepted"),
    "extension_refused": _("extension refused"),
    "forwarded": _("forwarded to the competent level"),
    "due_recomputed": _("due date recomputed after a calendar change"),
    "unlocked": _("sign-in unlocked"),
    "two_factor_enrolled": _("two-step sign-in turned on"),
    "two_factor_removed": _("two-step sign-in turned off"),
    "two_factor_reset": _("two-step sign-in reset"),
    "display_link_renewed": _("projector link renewed"),
    "merged": _("merged into another unit"),
    "received": _("received a merged unit"),
    "ended": _("no longer in the official register"),
}
#: Names recorded in changes that are not fields of the model.
CHANGE_FIELD_LABELS = {
    "secretaries": _("secretaries"),
    "tasks": _("tasks"),
    "agency": _("agency"),
    "assignments": _("assignments"),
    "extension": _("extension"),
    "to": _("forwarded to"),
    "responded_on": _("date of response"),
    "document_number": _("document number"),
    "new_due_on": _("new due date"),
    "due_on": _("due on"),
    "successors": _("now part of"),
    "predecessors": _("merged unit"),
    "minutes": _("minutes"),
    "version": _("version"),
    "sha256": _("SHA-256"),
}


#: Codes recorded as values outside a field with choices (an extension's decision, say).
CHANGE_VALUE_LABELS = {
    "requested": _("requested"),
    "accepted": _("accepted"),
    "refused": _("refused"),
    "not_final": _("not yet finalised when the notice was issued"),
}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _shown_value(value, choices: dict):
    """A recorded value as a reader expects it: a choice's label, a date as dd/mm/yyyy."""
    if isinstance(value, str):
        if value in choices:
            return choices[value]
        if value in CHANGE_VALUE_LABELS:
            return CHANGE_VALUE_LABELS[value]
        if match := _ISO_DATE.match(value):
            year, month, day = match.groups()
            return f"{day}/{month}/{year}"
    return value


class ChangeRecord(models.Model):
    """One recorded change to a tracked object: who, when, what changed and why."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=40)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="change_obj_idx")]

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.action}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def change_items(self) -> list[tuple[str, object, object]]:
        """(field's verbose name, old, new) for the history list; unknown names as recorded."""
        # get_for_id is cached per process: no query per history line.
        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        items = []
        for name, values in self.changes.items():
            label, choices = CHANGE_FIELD_LABELS.get(name), {}
            if model is not None:
                try:
                    field = model._meta.get_field(name)
                except FieldDoesNotExist:
                    field = None
                label = label or getattr(field, "verbose_name", None)
                choices = dict(getattr(field, "flatchoices", None) or ())
            pair = (list(values) + [None, None])[:2] if isinstance(values, list) else [None, values]
            old, new = (_shown_value(v, choices) for v in pair)
            items.append((str(label or name), old, new))
        return items


class CalendarException(models.Model):
    """A correction to the working-day calendar decided by a government document."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(
        _("deciding document"),
        max_length=300,
        help_text=_("Number, issuer and date of the notice that decided it."),
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} — {self.name}"


class CalendarRevision(models.Model):
    """A single row that changes with every calendar exception change.

    Every process compares `token` with the one its cached calendar was built from
    (dialogue.workcalendar), so a change made in one process reaches all of them. The token is
    random, not a counter: a rolled-back change must never be mistaken for a later one.
    """

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)
    token = models.CharField(max_length=32, default="")

    class Meta:
        verbose_name = _("calendar revision")
        verbose_name_plural = _("calendar revisions")

    def __str__(self) -> str:
        return str(self.number)


class Milestone(models.TextChoices):
    PREPARED_ANSWERS = "prepared_answers", _("Prepared answers reported")
    INVITATIONS = "invitations", _("Invitations sent")
    PUBLIC_NOTICE = "public_notice", _("Session announced to the public")
    CONCLUSION_NOTICE = "conclusion_notice", _("Conclusion notice issued")
    AGENCY_RESPONSE = "agency_response", _("Agency response")
    RESULTS_PUBLIC = "results_public", _("Results made public")
    ANNUAL_REPORT = "annual_report", _("Annual report sent")


class Anchor(models.TextChoices):
    SESSION_START = "session_start", _("the session")
    SESSION_END = "session_end", _("the end of the session")
    NOTICE_ISSUED = "notice_issued", _("the issue of the conclusion notice")
    SESSION_YEAR = "session_year", _("the year of the session")


class DeadlineProfile(models.Model):
    """A set of deadline rules, one per source document or local regulation."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source document"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("deadline profile")
        verbose_name_plural = _("deadline profiles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeadlineRule(models.Model):
    """One deadline: `amount` working or calendar days before/after an anchor event."""

    class Direction(models.TextChoices):
        BEFORE = "before", _("before")
        AFTER = "after", _("after")

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", _("working days")
        CALENDAR_DAYS = "calendar_days", _("days")
        FIXED_DATE_NEXT_YEAR = "fixed_next_year", _("fixed date of the following year")

    profile = models.ForeignKey(
        DeadlineProfile, verbose_name=_("profile"), on_delete=models.CASCADE, related_name="rules"
    )
    milestone = models.CharField(_("milestone"), max_length=30, choices=Milestone.choices)
    anchor = models.CharField(_("counted from"), max_length=20, choices=Anchor.choices)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    amount = models.PositiveSmallIntegerField(_("amount"), default=0)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    fixed_month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    fixed_day = models.PositiveSmallIntegerField(_("day"), null=True, blank=True)
    source_quote = models.TextField(_("source sentence"))

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["profile", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "milestone"], name="rule_one_per_milestone")
        ]

    def __str__(self) -> str:
        return f"{self.get_milestone_display()}: {self.describe()}"

    def describe(self) -> str:
        if self.unit == self.Unit.FIXED_DATE_NEXT_YEAR:
            return f"{self.fixed_day:02d}/{self.fixed_month:02d}"
        return (
            f"{self.amount} {self.get_unit_display()} {self.get_direction_display()} "
            f"{self.get_anchor_display()}"
        )

    def clean(self) -> None:
        if self.unit == self.Unit.FIXED_DATE_NEXT_YEAR:
            if not (self.fixed_month and self.fixed_day):
                raise ValidationError(_("A fixed date needs a day and a month."))
        elif self.amount < 1:
            raise ValidationError({"amount": _("The number of days must be at least 1.")})


class StoredDocument(models.Model):
    """The PDF of an issued or finalised document, kept as issued and never re-rendered.

    Stored in the database, not on a disk: web and worker processes on several machines share
    only PostgreSQL and Redis (DESIGN §9). Each amendment adds a version.
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64)
    kind = models.CharField(_("kind"), max_length=20)
    version = models.PositiveIntegerField(_("version"))
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")
        ordering = ["content_type", "object_id", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "version"],
                name="stored_document_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} (v{self.version})"


class ExportJob(models.Model):
    """A large export written by a worker (dialogue.exports): only its owner sees it, for 24 h.

    The file is kept in the database like StoredDocument: web and worker processes share only
    PostgreSQL and Redis (DESIGN §9), so a file written by a worker on another machine must be
    readable by any web process.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    list_name = models.CharField(_("list"), max_length=50)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(_("rows expected"), default=0)
    progress = models.PositiveIntegerField(_("rows written"), default=0)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content = models.BinaryField(_("content"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["expires_at"], name="export_job_expires_idx")]

    def __str__(self) -> str:
        return f"{self.list_name}.{self.format} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.progress * 100 // self.total)


class RenderedDocument(models.Model):
    """A draft or live document's PDF, rendered by a worker and kept while its content is the
    same (dialogue.document_cache).

    A cache, not a record: the key is a hash of the HTML the PDF is rendered from (and of the
    stylesheet), so any change to what the document shows is a new row, and an older row of
    the same document may be deleted at any time. Issued documents are StoredDocument rows;
    a large one waits here as the HTML snapshot taken when it was issued (``stored_version``
    set) until a worker has rendered it and stored it as that version, then the row goes.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being rendered")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(max_length=64)
    kind = models.CharField(_("kind"), max_length=20)
    content_hash = models.CharField(_("content hash"), max_length=64)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    #: What the worker renders: exactly the HTML that was hashed (emptied once rendered).
    html = models.TextField(blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("content"), null=True, blank=True)
    pages_expected = models.PositiveIntegerField(_("pages expected"), default=1)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    writing = models.BooleanField(_("writing the file"), default=False)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    #: An issued document's snapshot: the StoredDocument version it becomes (None: a draft).
    stored_version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    #: The StoredDocument's reason (an amendment's).
    reason = models.TextField(_("reason"), blank=True)
    #: Renders begun (each claim counts): an issued version is no longer retried after
    #: document_cache.MAX_ATTEMPTS; its snapshot stays for an administrator.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("rendered document")
        verbose_name_plural = _("rendered documents")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One render per content: a second request for the same hash finds this row.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "content_hash"],
                condition=models.Q(stored_version__isnull=True),
                name="rendered_document_content",
            ),
            # An issued version is rendered from one snapshot (re-issuing the same text is
            # another version, hence not unique on the content).
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "stored_version"],
                condition=models.Q(stored_version__isnull=False),
                name="rendered_document_issued_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_issued(self) -> bool:
        return self.stored_version is not None

    @property
    def percent(self) -> int:
        """Laying out the pages is about half of the work, writing the file the other half."""
        if self.status == self.Status.DONE:
            return 100
        if self.writing:
            return 75
        return min(50, self.pages * 50 // max(self.pages_expected, 1))
