from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dialogue.querysets import AdministrativeUnitQuerySet, AgencyQuerySet, MembershipQuerySet


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

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="unit_path_idx", opclasses=["varchar_pattern_ops"])
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="unit_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]


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
