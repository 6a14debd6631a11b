import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditChain(models.Model):
    """A single row holding the hash of the newest audit event; locking it serialises appends."""

    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain")

    def __str__(self):
        return self.last_hash


class AuditEvent(models.Model):
    """An append-only, hash-chained record of a change: who, when, what, old → new."""

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    old_status = models.CharField(_("old status"), max_length=40, blank=True)
    new_status = models.CharField(_("new status"), max_length=40, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def payload(self) -> str:
        """The canonical text that the hash covers."""
        return json.dumps(
            {
                "created_at": self.created_at.isoformat(),
                "actor_id": self.actor_id,
                "actor_name": self.actor_name,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "old_status": self.old_status,
                "new_status": self.new_status,
                "changes": self.changes,
                "comment": self.comment,
                "previous_hash": self.previous_hash,
            },
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(self.payload().encode()).hexdigest()


class PublicHoliday(models.Model):
    """An official day off, or a Saturday worked to make up for a swapped day, as decided for
    civil servants each year. ``ocop.core.deadlines`` counts working days with these rows;
    they are loaded for 2025-2027 by a migration and kept up to date in the admin when the
    Government announces a year's plan."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("public holiday")
        COMPENSATORY = "compensatory", _("day off in lieu of a holiday on a weekend")
        SWAPPED = "swapped", _("working day swapped for a day off")
        MAKE_UP = "make_up", _("weekend day worked to make up a swapped day")

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("occasion"), max_length=120)
    source = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_("The law or announcement that sets this day."),
    )

    class Meta:
        verbose_name = _("official day off")
        verbose_name_plural = _("official days off")
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["holiday", "compensatory", "swapped", "make_up"]),
                name="%(app_label)s_%(class)s_kind_valid",
            )
        ]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.name}"

    @property
    def is_day_off(self) -> bool:
        return self.kind != self.Kind.MAKE_UP
