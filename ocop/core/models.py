import hashlib
import hmac
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def audit_keys() -> list[bytes]:
    """The audit log's keys, the current one first (``AUDIT_KEY``, then ``AUDIT_OLD_KEYS``)."""
    return [key.encode() for key in (settings.AUDIT_KEY, *settings.AUDIT_OLD_KEYS) if key]


def seal(text: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of ``text`` with the audit key (the current one unless ``key`` is given)."""
    return hmac.new(key or audit_keys()[0], text.encode(), hashlib.sha256).hexdigest()


def sealed_by_a_key(text: str, mac: str) -> bool:
    """Whether ``mac`` seals ``text`` under the current audit key or an older one."""
    return any(hmac.compare_digest(seal(text, key), mac) for key in audit_keys())


def checkpoint_text(taken_at, reason, event_id, event_count, head_hash, previous_signature):
    """The text a checkpoint's signature covers (a migration signs the first one with it)."""
    fields = (taken_at.isoformat(), reason, event_id, event_count, head_hash, previous_signature)
    return "|".join(["ocop-audit-checkpoint-1", *map(str, fields)])


class AuditChain(models.Model):
    """A single row holding the head of the audit chain; locking it serialises appends. It also
    counts the events and remembers the newest checkpoint, so that a checkpoint costs no
    count: whoever edits this row gains nothing, as the checkpoints are signed."""

    last_hash = models.CharField(max_length=64, default="0" * 64)
    last_event_id = models.PositiveBigIntegerField(default=0)
    event_count = models.PositiveBigIntegerField(default=0)
    last_signature = models.CharField(max_length=64, blank=True)
    checkpointed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit chain")

    def __str__(self):
        return self.last_hash


class AuditEvent(models.Model):
    """An append-only, hash-chained record of a change: who, when, what, old → new.

    ``hash`` seals every field and the hash of the event before it. Scheme 2 (every event
    written since the checkpoints exist) seals with HMAC-SHA256 under ``AUDIT_KEY``, so that
    rewriting an event and rehashing the chain after it needs the key; scheme 1 (events written
    before) is a plain SHA-256 that left ``object_repr`` out, and is accepted only up to the
    signed checkpoint taken when the scheme changed (docs/audit.md)."""

    LEGACY_SCHEME, SCHEME = 1, 2

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
    scheme = models.PositiveSmallIntegerField(default=SCHEME)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def payload(self) -> str:
        """The canonical text that the hash covers: every field but the id (the chain's
        order) and the hash itself."""
        fields = {
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
        }
        if self.scheme != self.LEGACY_SCHEME:
            fields |= {"object_repr": self.object_repr, "scheme": self.scheme}
        return json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)

    def compute_hash(self) -> str:
        """The hash of a new event (under the current key)."""
        if self.scheme == self.LEGACY_SCHEME:
            return hashlib.sha256(self.payload().encode()).hexdigest()
        return seal(self.payload())

    def is_sealed(self) -> bool:
        """Whether ``hash`` still seals this event's fields, under any accepted key."""
        if self.scheme == self.LEGACY_SCHEME:
            return hmac.compare_digest(self.compute_hash(), self.hash)
        return sealed_by_a_key(self.payload(), self.hash)


class AuditCheckpoint(models.Model):
    """A signed statement that the chain's event ``event_id`` had the hash ``head_hash`` and
    was the ``event_count``-th event, at ``taken_at``. Checkpoints are taken daily and at every
    decision, published in the open data (``audit-checkpoints``) and e-mailed to the central
    office, so that a copy lives where whoever cuts the database cannot reach it. Each signs
    the previous one's signature too: removing one in the middle is seen."""

    class Reason(models.TextChoices):
        DAILY = "daily", _("daily")
        DECISION = "decision", _("decision")
        UPGRADE = "upgrade", _("sealing scheme changed")
        MANUAL = "manual", _("taken by hand")

    taken_at = models.DateTimeField(_("taken at"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    # Not a foreign key: a checkpoint must outlive an event deleted by an attacker.
    event_id = models.PositiveBigIntegerField(_("newest event"))
    event_count = models.PositiveBigIntegerField(_("events"))
    head_hash = models.CharField(_("hash of the newest event"), max_length=64)
    previous_signature = models.CharField(max_length=64, blank=True)
    signature = models.CharField(_("signature"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.taken_at:%Y-%m-%d %H:%M} #{self.event_id} {self.head_hash[:12]}"

    def signed_text(self) -> str:
        return checkpoint_text(
            self.taken_at,
            self.reason,
            self.event_id,
            self.event_count,
            self.head_hash,
            self.previous_signature,
        )

    def sign(self) -> None:
        self.signature = seal(self.signed_text())

    def is_signed(self) -> bool:
        return sealed_by_a_key(self.signed_text(), self.signature)

    def published(self) -> dict:
        """The checkpoint as published (open data, e-mail) and read back by
        ``verify_audit_chain --anchor``."""
        return {
            "taken_at": self.taken_at.isoformat(),
            "reason": self.reason,
            "event_id": self.event_id,
            "event_count": self.event_count,
            "head_hash": self.head_hash,
            "previous_signature": self.previous_signature,
            "signature": self.signature,
        }


class PublicHoliday(models.Model):
    """An official day off, or a Saturday worked to make up for a swapped day, as decided for
    civil servants each year: the Government's yearly plan, entered in the admin when it is
    announced (2025-2027 are loaded by a migration from ``data/public_holidays.json``).

    ``ocop.core.deadlines`` counts working days with these rows on top of the Labour Code's
    days off computed by the ``holidays`` library: the days off (holiday or compensatory) of
    an occasion in a year replace the library's days of that occasion in that year; swapped
    days and make-up Saturdays are always added (docs/deadlines.md)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("public holiday")
        COMPENSATORY = "compensatory", _("day off in lieu of a holiday on a weekend")
        SWAPPED = "swapped", _("working day swapped for a day off")
        MAKE_UP = "make_up", _("weekend day worked to make up a swapped day")

    class Occasion(models.TextChoices):
        """The days off of Labour Code 2019 art. 112(1), and "other" for any other day."""

        NEW_YEAR = "new_year", _("New Year's Day (1 January)")
        TET = "tet", _("Lunar New Year (Tết)")
        HUNG_KINGS = "hung_kings", _("Hùng Kings' Commemoration Day (10/3 lunar)")
        VICTORY_DAY = "victory_day", _("Victory Day (30 April)")
        LABOUR_DAY = "labour_day", _("International Labour Day (1 May)")
        NATIONAL_DAY = "national_day", _("National Day (2 September)")
        OTHER = "other", _("other")

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    occasion = models.CharField(
        _("Labour Code holiday"),
        max_length=20,
        choices=Occasion.choices,
        help_text=_(
            "Days off entered for a holiday in a year (public holiday or day in lieu) replace "
            "the days computed from the Labour Code for it that year; swapped days and make-up "
            "Saturdays are added to them."
        ),
    )
    is_provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_(
            "Estimated before the Government announced the year's plan. A year's plan is "
            "confirmed once it has a Tết day that is not provisional."
        ),
    )
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
            ),
            models.CheckConstraint(
                condition=models.Q(
                    occasion__in=[
                        "new_year",
                        "tet",
                        "hung_kings",
                        "victory_day",
                        "labour_day",
                        "national_day",
                        "other",
                    ]
                ),
                name="%(app_label)s_%(class)s_occasion_valid",
            ),
        ]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.name}"

    @property
    def is_day_off(self) -> bool:
        return self.kind != self.Kind.MAKE_UP


class PersonalDataAccess(models.Model):
    """One view (or export) of someone's personal data by a user: who, what, when and why (the
    page). Kept ``PRIVACY_ACCESS_LOG_DAYS`` days (``ocop.core.privacy``, docs/privacy.md)."""

    class Kind(models.TextChoices):
        PRODUCER = "producer", _("producer's representative, phone, e-mail, registration number")
        INQUIRY = "inquiry", _("buyer's name and contact details")
        PROBLEM_REPORT = "problem_report", _("reporter's name and contact details")

    at = models.DateTimeField(_("time"), db_index=True)
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    viewer_name = models.CharField(_("viewed by"), max_length=150)
    kind = models.CharField(_("data"), max_length=20, choices=Kind.choices)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(_("about"), max_length=200)
    # Whose data it is, as plain values: the producer concerned (its members see the record)
    # and the province (its office sees the record).
    producer_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    province_code = models.CharField(max_length=2, blank=True, db_index=True)
    page = models.CharField(_("page"), max_length=200)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.viewer_name} {self.kind} {self.object_repr}"
