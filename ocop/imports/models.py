"""An import (:class:`RecognitionImport`): the file an office uploaded, who and when, its
preview row by row (:class:`ImportRow`), and, once committed, what it wrote. A row of the list
that printed no decision becomes a :class:`ReportedRecognition`: recorded, shown to the office,
never shown publicly as certified."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.accounts.scope import official_scope
from ocop.core.storage import PrivateStorage


def import_upload_to(instance, filename):
    return f"imports/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}/{filename}"


def report_upload_to(instance, filename):
    return f"imports/{instance.created_at:%Y/%m}/reports/{uuid.uuid4().hex}.csv"


class ImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The central office sees every import; a provincial office those of its provinces."""
        if not user.is_authenticated:
            return self.none()
        scope = official_scope(user)
        if scope.is_national:
            return self
        return self.filter(province_id__in=scope.province_codes)


class RecognitionImport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        VALIDATING = "validating", _("checking the rows")
        VALIDATED = "validated", _("ready to commit")
        INVALID = "invalid", _("rows with errors")
        REFUSED = "refused", _("file refused")
        COMMITTING = "committing", _("writing")
        COMMITTED = "committed", _("committed")
        FAILED = "failed", _("failed")

    #: The statuses in which the worker is still busy (the page polls for progress).
    RUNNING = (Status.QUEUED, Status.VALIDATING, Status.COMMITTING)

    created_at = models.DateTimeField(_("uploaded at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by_name = models.CharField(_("uploaded by"), max_length=150)
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for an import of the central office into any province."),
    )
    language = models.CharField(max_length=10, default="vi")
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("What it creates is marked as sample data (the demo's lists)."),
    )
    file = models.FileField(_("file"), upload_to=import_upload_to, storage=PrivateStorage())
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    message = models.TextField(_("message"), blank=True)
    file_kind = models.CharField(max_length=10, blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    header_notes = models.JSONField(default=list, blank=True)
    columns = models.JSONField(default=dict, blank=True)  # {field: header text as written}
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    counts = models.JSONField(default=dict, blank=True)  # {outcome: rows}
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # the worker's last progress
    report = models.FileField(
        _("report"), upload_to=report_upload_to, storage=PrivateStorage(), blank=True
    )
    validated_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("committed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("recognition import")
        verbose_name_plural = _("recognition imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.VALIDATED

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)


class ImportRow(models.Model):
    """One row of the list as the preview (and, once committed, the report) gives it."""

    class Outcome(models.TextChoices):
        NEW = "new", _("new")
        MATCHED = "matched", _("matched")
        UPDATED = "updated", _("updated")
        UNCHANGED = "unchanged", _("unchanged")
        ERROR = "error", _("error")
        SKIPPED = "skipped", _("skipped")

    class Kind(models.TextChoices):
        CERTIFIED = "certified", _("certified")
        REPORTED = "reported", _("reported")

    job = models.ForeignKey(RecognitionImport, on_delete=models.CASCADE, related_name="rows")
    row = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    status = models.CharField(_("status"), max_length=10, choices=Kind.choices, blank=True)
    product_name = models.CharField(_("product"), max_length=200, blank=True)
    producer_name = models.CharField(_("producer"), max_length=200, blank=True)
    address = models.CharField(_("address as printed"), max_length=400, blank=True)
    province_code = models.CharField(_("province code"), max_length=2, blank=True)
    commune_code = models.CharField(_("commune code"), max_length=5, blank=True)
    place = models.CharField(_("placed in"), max_length=200, blank=True)
    confidence = models.CharField(_("confidence"), max_length=10, blank=True)
    star = models.PositiveSmallIntegerField(_("star"), null=True, blank=True)
    product_id_value = models.PositiveIntegerField(_("product id"), null=True, blank=True)
    producer_id_value = models.PositiveIntegerField(_("producer id"), null=True, blank=True)
    messages = models.JSONField(default=list)  # [{"column": …, "text": …, "error": bool}]

    class Meta:
        ordering = ["job", "row"]
        constraints = [
            models.UniqueConstraint(fields=["job", "row"], name="%(app_label)s_%(class)s_unique")
        ]
        indexes = [models.Index(fields=["job", "outcome", "row"])]

    def __str__(self):
        return f"{self.job_id}:{self.row}"

    @property
    def errors(self):
        return [message for message in self.messages if message.get("error")]

    @property
    def notes(self):
        return [message for message in self.messages if not message.get("error")]


class ReportedQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        scope = official_scope(user)
        if scope.is_national:
            return self
        return self.filter(product__producer__province_id__in=scope.province_codes)


class ReportedRecognition(models.Model):
    """A star a list reports for a product without the decision that gave it. The office
    completes it with the decision (it then becomes a certificate) or dismisses it."""

    class Status(models.TextChoices):
        OPEN = "open", _("to complete")
        COMPLETED = "completed", _("completed with a decision")
        DISMISSED = "dismissed", _("dismissed")

    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="reported_recognitions",
    )
    star = models.PositiveSmallIntegerField(_("star"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    source_text = models.TextField(_("source text"), blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    imported_by = models.ForeignKey(
        RecognitionImport,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported",
    )
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReportedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reported recognition")
        verbose_name_plural = _("reported recognitions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(star__gte=3, star__lte=5), name="%(app_label)s_%(class)s_star"
            ),
            models.UniqueConstraint(
                fields=["product", "star"],
                condition=Q(status="open"),
                name="%(app_label)s_%(class)s_one_open_per_star",
            ),
        ]

    def __str__(self):
        return f"{self.product} — {self.star}★"
