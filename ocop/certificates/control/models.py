"""The models of post-recognition control: problem reports sent from the public verification
page, inspections (hậu kiểm, art. 9) with their findings, and the revocations due (art. 8(4)).
Their tables keep the ``certificates_`` prefix; import them from ``ocop.certificates.models``.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ocop.accounts.scope import official_scope
from ocop.core.deadlines import revocation_due_on
from ocop.core.models import TimeStampedModel
from ocop.producers.models import ProducerMember

from ..recognition.models import Certificate, RevocationGround, scope_filter


class ProblemReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The central office sees every report; a provincial office the reports about its
        province's products. Reports about unknown codes reach the central office only."""
        condition = scope_filter(user, province_field="province_id")
        if condition is None:
            return self.none()
        return self.filter(condition)


class ProblemReport(TimeStampedModel):
    """A problem with a stamp or a product, reported by anyone from the verification page.

    The reporter's name and contact are optional and volunteered; nothing else about them (no
    IP address) is stored."""

    class Kind(models.TextChoices):
        FAKE_STAMP = "fake_stamp", _("The stamp looks fake or its code is unknown")
        NOT_VALID_ON_SALE = (
            "not_valid_on_sale",
            _("The product is sold with an expired or revoked stamp"),
        )
        DETAILS_DIFFER = (
            "details_differ",
            _("The product or producer differs from the package"),
        )
        QUALITY = "quality", _("A problem with the product's quality or safety")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        HANDLED = "handled", _("handled")

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problem_reports",
    )
    code = models.CharField(
        _("code"), max_length=64, help_text=_("The verification code as scanned or typed.")
    )
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The province whose OCOP office receives it; empty: the central office."),
    )
    kind = models.CharField(_("what is wrong"), max_length=20, choices=Kind.choices)
    message = models.TextField(_("message"))
    reporter_name = models.CharField(_("name"), max_length=100, blank=True)
    reporter_contact = models.CharField(_("phone or e-mail"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    response_note = models.TextField(
        _("what was done"),
        blank=True,
        help_text=_("For the office's record: what was checked and what was done."),
    )

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["province", "status"], name="certificates_report_inbox")]

    def __str__(self):
        return f"{self.code} — {self.get_kind_display()}"


def revoking_office_filter(user, *, prefix=""):
    """The rows whose certificate ``user`` could revoke (the semantics of
    ``guards.can_revoke``): 5★ by the central office, 3★ and 4★ by the OCOP office of the
    product's province; superusers all. None for nobody. ``prefix`` leads from the row to the
    certificate (``"certificate__"`` for inspections, ``""`` for certificates)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    scope = official_scope(user)
    conditions = []
    if scope.is_national:
        conditions.append(Q(**{f"{prefix}star": 5}))
    if scope.province_codes:
        conditions.append(
            Q(
                **{
                    f"{prefix}star__lt": 5,
                    f"{prefix}product__producer__province_id__in": scope.province_codes,
                }
            )
        )
    if not conditions:
        return None
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    return condition


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The central office sees every inspection, a provincial office its province's;
        producer members their products' inspections once recorded (never a planned visit)."""
        condition = scope_filter(user, province_field="certificate__product__producer__province_id")
        if condition is None:
            return self.none()
        if official_scope(user).is_national:
            return self
        mine = Q(
            status__in=[Inspection.Status.RECORDED, Inspection.Status.CLOSED],
            certificate__product__producer_id__in=ProducerMember.objects.filter(user=user).values(
                "producer_id"
            ),
        )
        return self.filter(condition | mine)

    def editable_by(self, user):
        """The inspections the user's office may plan, record, follow up and escalate: the
        office that could revoke the certificate."""
        condition = revoking_office_filter(user, prefix="certificate__")
        if condition is None:
            return self.none()
        return self.filter(condition)

    def with_list_data(self):
        return self.select_related(
            "certificate__product__producer__province", "certificate__decision"
        )


class Inspection(TimeStampedModel):
    """A post-recognition inspection (hậu kiểm) of one certificate's product: periodic or ad
    hoc, against the criteria of the product's scoring sheet and the use of the OCOP stamp
    (Decision 26/2026/QĐ-TTg, art. 9); its outcome may lead to a revocation (art. 8)."""

    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("periodic")
        AD_HOC = "ad_hoc", _("ad hoc")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        RECORDED = "recorded", _("recorded; action pending")
        CLOSED = "closed", _("closed")
        CANCELLED = "cancelled", _("cancelled")

    class Outcome(models.TextChoices):
        COMPLIANT = "compliant", _("compliant")
        CORRECTIVE_ACTION = "corrective_action", _("corrective action required")
        REVOCATION_RECOMMENDED = "revocation_recommended", _("revocation recommended")

    class FollowUp(models.TextChoices):
        CORRECTED = "corrected", _("corrected")
        NOT_CORRECTED = "not_corrected", _("not corrected")

    class Resolution(models.TextChoices):
        COMPLIANT = "compliant", _("found compliant")
        CORRECTED = "corrected", _("corrected in time")
        REVOKED = "revoked", _("certificate revoked")

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    kind = models.CharField(_("kind of inspection"), max_length=10, choices=Kind.choices)
    trigger = models.CharField(
        _("reason for the ad hoc inspection"),
        max_length=200,
        blank=True,
        help_text=_("E.g. problem report no. 12, a request from the market surveillance."),
    )
    planned_on = models.DateField(_("planned date"))
    team = models.TextField(_("inspection team"), help_text=_("Names and organisations."))
    checks_criteria = models.BooleanField(
        _("review of the criteria"),
        default=True,
        help_text=_("Whether the product still meets the criteria it was rated on."),
    )
    checks_stamp_use = models.BooleanField(
        _("use of the OCOP stamp"),
        default=True,
        help_text=_("How the OCOP mark, its information and promotion are used."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    visited_on = models.DateField(_("inspected on"), null=True, blank=True)
    outcome = models.CharField(_("conclusion"), max_length=30, choices=Outcome.choices, blank=True)
    corrective_deadline = models.DateField(_("correct by"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    follow_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    follow_up_result = models.CharField(
        _("result of the follow-up"), max_length=20, choices=FollowUp.choices, blank=True
    )
    follow_up_note = models.TextField(_("follow-up note"), blank=True)
    resolution = models.CharField(
        _("how it was closed"), max_length=20, choices=Resolution.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Invented for the demo; not a real inspection."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-planned_on", "-id"]
        indexes = [
            models.Index(fields=["status", "corrective_deadline"], name="certificates_insp_open")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["periodic", "ad_hoc"]),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(checks_criteria=True) | Q(checks_stamp_use=True),
                name="%(app_label)s_%(class)s_scope_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["planned", "cancelled"], visited_on__isnull=True, outcome=""
                )
                | Q(
                    status__in=["recorded", "closed"],
                    visited_on__isnull=False,
                    recorded_at__isnull=False,
                )
                & ~Q(outcome=""),
                name="%(app_label)s_%(class)s_recorded_has_visit_and_outcome",
            ),
            models.CheckConstraint(
                condition=Q(outcome="corrective_action", corrective_deadline__isnull=False)
                | (~Q(outcome="corrective_action") & Q(corrective_deadline__isnull=True)),
                name="%(app_label)s_%(class)s_deadline_iff_corrective",
            ),
            models.CheckConstraint(
                condition=Q(corrective_deadline__isnull=True)
                | Q(corrective_deadline__gte=models.F("visited_on")),
                name="%(app_label)s_%(class)s_deadline_after_visit",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_result="", follow_up_on__isnull=True)
                | (~Q(follow_up_result="") & Q(follow_up_on__isnull=False)),
                name="%(app_label)s_%(class)s_follow_up_complete",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) & ~Q(resolution="")
                | (~Q(status="closed") & Q(resolution="", closed_at__isnull=True)),
                name="%(app_label)s_%(class)s_closed_iff_resolved",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.certificate} · {self.planned_on:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("inspections:inspection_detail", args=[self.pk])

    @property
    def awaits_follow_up(self) -> bool:
        return (
            self.status == self.Status.RECORDED
            and self.outcome == self.Outcome.CORRECTIVE_ACTION
            and not self.follow_up_result
        )

    @property
    def awaits_revocation(self) -> bool:
        return self.status == self.Status.RECORDED and (
            self.outcome == self.Outcome.REVOCATION_RECOMMENDED
            or self.follow_up_result == self.FollowUp.NOT_CORRECTED
        )

    @property
    def finding_on(self) -> datetime.date | None:
        """The day of the finding from which the revocation's 15 days run: the follow-up that
        found the corrections not made, else the visit that recommended revocation."""
        if self.follow_up_result == self.FollowUp.NOT_CORRECTED:
            return self.follow_up_on
        if self.outcome == self.Outcome.REVOCATION_RECOMMENDED:
            return self.visited_on
        return None

    @property
    def revocation_due_on(self) -> datetime.date | None:
        finding_on = self.finding_on
        return None if finding_on is None else revocation_due_on(finding_on)

    def is_corrective_overdue(self, today: datetime.date) -> bool:
        return self.awaits_follow_up and self.corrective_deadline < today


class InspectionFinding(models.Model):
    """One finding of an inspection: against a criterion of the product's scoring sheet, the
    use of the OCOP stamp, or something else."""

    class Area(models.TextChoices):
        CRITERION = "criterion", _("a criterion of the scoring sheet")
        STAMP = "stamp", _("use of the OCOP stamp")
        OTHER = "other", _("other")

    class Severity(models.TextChoices):
        MINOR = "minor", _("minor")
        MAJOR = "major", _("major")
        SERIOUS = "serious", _("serious")

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    position = models.PositiveSmallIntegerField(_("line"))
    area = models.CharField(_("about"), max_length=10, choices=Area.choices)
    criterion = models.ForeignKey(
        "rubric.Criterion",
        verbose_name=_("criterion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    criterion_code = models.CharField(_("criterion code"), max_length=20, blank=True)
    criterion_title = models.TextField(_("criterion"), blank=True)
    description = models.TextField(_("what was found"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)

    class Meta:
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        ordering = ["inspection", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "position"], name="%(app_label)s_%(class)s_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(area="criterion") & ~Q(criterion_code="")
                | Q(area__in=["stamp", "other"], criterion__isnull=True, criterion_code=""),
                name="%(app_label)s_%(class)s_criterion_iff_criterion_area",
            ),
            models.CheckConstraint(
                condition=Q(severity__in=["minor", "major", "serious"]),
                name="%(app_label)s_%(class)s_severity_valid",
            ),
            models.CheckConstraint(
                condition=~Q(description=""),
                name="%(app_label)s_%(class)s_description_not_empty",
            ),
        ]

    def __str__(self):
        if self.area == self.Area.CRITERION:
            return f"{self.criterion_code}: {self.description[:80]}"
        return f"{self.get_area_display()}: {self.description[:80]}"


class RevocationCaseQuerySet(models.QuerySet):
    def editable_by(self, user):
        """The office that could revoke the certificate (``guards.can_revoke``) sees and acts
        on its revocations due; no one else (not even an office that reads the certificate)."""
        condition = revoking_office_filter(user, prefix="certificate__")
        if condition is None:
            return self.none()
        return self.filter(condition)

    visible_to = editable_by

    def open(self):
        return self.filter(status=RevocationCase.Status.OPEN)

    def with_list_data(self):
        return self.select_related(
            "certificate__product__producer__province", "inspection", "recorded_by"
        )


class RevocationCase(TimeStampedModel):
    """A revocation that is due: a certificate not yet revoked is to be revoked within 15 days
    of the competent authority's conclusion on a breach (art. 8(1)(a)-(d), (e)) or of the
    commune People's Committee's confirmation that production stopped (art. 8(1)(đ)), art.
    8(4). Recorded by the office that may revoke, or opened by an inspection whose finding
    calls for revocation; closed when the certificate is revoked, or withdrawn with a reason.
    The due day is computed when the case is recorded, with the calendar known that day."""

    class Status(models.TextChoices):
        OPEN = "open", _("revocation due")
        REVOKED = "revoked", _("certificate revoked")
        WITHDRAWN = "withdrawn", pgettext_lazy("revocation due", "withdrawn")

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="revocation_cases",
    )
    inspection = models.OneToOneField(
        Inspection,
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revocation_case",
        help_text=_("The inspection whose finding calls for the revocation, if any."),
    )
    ground = models.CharField(
        _("ground for revocation"),
        max_length=30,
        choices=RevocationGround.choices,
        blank=True,
        help_text=_("Empty for an inspection's finding: chosen with the revocation decision."),
    )
    finding_on = models.DateField(
        _("date of the conclusion or confirmation"),
        help_text=_(
            "The day of the competent authority's conclusion on the breach, or of the commune "
            "People's Committee's confirmation that production stopped."
        ),
    )
    due_on = models.DateField(_("revocation due by"))
    reference = models.CharField(
        _("conclusion or confirmation"),
        max_length=200,
        help_text=_(
            "Its number and the body that issued it, e.g. 12/KL-QLTT of the market surveillance."
        ),
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawing"), blank=True)

    objects = RevocationCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case of revocation due")
        verbose_name_plural = _("cases of revocation due")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="certificates_revocation_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "revoked", "withdrawn"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(ground="") | Q(inspection__isnull=False),
                name="%(app_label)s_%(class)s_ground_or_inspection",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gt=models.F("finding_on")),
                name="%(app_label)s_%(class)s_due_after_finding",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status__in=["revoked", "withdrawn"], closed_at__isnull=False),
                name="%(app_label)s_%(class)s_closed_at_iff_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawal_reason=""),
                name="%(app_label)s_%(class)s_withdrawal_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.certificate} · {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_commune_confirmation(self) -> bool:
        return self.ground == RevocationGround.PRODUCTION_STOPPED

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open and self.due_on < today

    def days_left(self, today: datetime.date) -> int:
        return (self.due_on - today).days
