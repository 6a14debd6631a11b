"""From the producer's dossier to the council's result (Decision 26/2026/QĐ-TTg, art. 5-7).

A :class:`Dossier` (hồ sơ) is filed at the commune with the registration form (Mẫu 01), a
finished self-assessment (Mẫu 02, frozen at submission) and documents from the producer's
evidence locker. The commune reviews it (:class:`CommuneReview`, Mẫu 03) and forwards it; the
provincial OCOP office accepts it and puts it in a :class:`Round` (đợt) whose :class:`Council`
(Hội đồng) scores it, one :class:`ScoreSheet` per member. Closing the scoring writes the
:class:`CouncilResult`. A dossier averaging 90 or more goes, once the province approves, to a
central round scored by a central council.

Every status change is a service function (``services/``, one module per stage) checked
against :data:`ALLOWED_TRANSITIONS`; ``docs/evaluations.md`` draws the state diagram.

One module on purpose, although it is long: it is the single record of the procedure, and its
parts read one another both ways (a dossier is visible to the members of its round's council,
and every round, sheet and result points back to the dossier), so splitting it by stage would
only trade this file's length for imports hidden inside functions. Sections follow the stages.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.accounts.scope import official_scope
from ocop.core.deadlines import is_overdue
from ocop.core.models import TimeStampedModel
from ocop.producers.models import ProducerMember

DEFAULT_SAMPLE_COUNT = 5
# Annex I: set 26 (community tourism, ecotourism and tourist sites) sends no samples.
NO_SAMPLE_SETS = frozenset({26})
DEFAULT_QUORUM_PERCENT = 75
DEFAULT_SPREAD_LIMIT = 10


class Actor(models.TextChoices):
    """Who may move a dossier on: the roles of :data:`ALLOWED_TRANSITIONS`."""

    PRODUCER = "producer", _("producer member")
    COMMUNE = "commune", _("commune officer")
    PROVINCE = "province", _("provincial OCOP office")
    CENTRAL = "central", _("central OCOP office")
    CHAIR = "chair", _("council chair")


# --------------------------------------------------------------------------------------
# Dossier
# --------------------------------------------------------------------------------------


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Producer members see their producers' dossiers (drafts too); officials the dossiers
        filed in their territory once submitted; council members the dossiers of their
        councils' rounds; the central office and superusers every filed dossier."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        scope = official_scope(user)
        mine = Q(producer_id__in=ProducerMember.objects.filter(user=user).values("producer_id"))
        council = Q(
            pk__in=RoundDossier.objects.filter(round__council__members__user=user).values(
                "dossier_id"
            )
        )
        filed = Q(submitted_at__isnull=False)
        if scope.is_national:
            return self.filter(mine | filed)
        territory = Q(province_id__in=scope.province_codes) | Q(commune_id__in=scope.commune_codes)
        return self.filter(mine | council | (filed & territory))

    def editable_by(self, user):
        """The dossiers waiting for this user: those whose status allows a transition by a role
        the user holds for them (a producer's drafts, a commune's inbox, and so on)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        scope = official_scope(user)
        statuses = statuses_actionable_by
        condition = Q(
            status__in=statuses(Actor.PRODUCER),
            producer_id__in=ProducerMember.objects.filter(user=user).values("producer_id"),
        )
        chair_rounds = Council.objects.filter(
            members__user=user, members__role=CouncilMember.Role.CHAIR
        ).values("round_id")
        condition |= Q(
            status__in=statuses(Actor.CHAIR),
            pk__in=RoundDossier.objects.filter(round_id__in=chair_rounds).values("dossier_id"),
        )
        if scope.is_national:
            condition |= Q(status__in=statuses(Actor.CENTRAL))
            if user.is_superuser:
                condition |= Q(status__in=statuses(Actor.COMMUNE) + statuses(Actor.PROVINCE))
        if scope.commune_codes:
            condition |= Q(status__in=statuses(Actor.COMMUNE), commune_id__in=scope.commune_codes)
        if scope.province_codes:
            condition |= Q(
                status__in=statuses(Actor.PROVINCE), province_id__in=scope.province_codes
            )
        return self.filter(condition)

    def with_list_data(self):
        """What the dossier lists show: the producer and the places, without the answers of
        the self-assessment (a large JSON column the lists never read)."""
        return self.select_related("producer", "province", "commune").defer(
            "self_assessment_answers"
        )

    def commune_overdue(self, today=None):
        """Submitted dossiers whose 15 working days for the commune's report have passed."""
        today = today or timezone.localdate()
        return self.filter(status=Dossier.Status.SUBMITTED, commune_deadline__lt=today)

    def re_ratings_in_progress(self):
        """Re-ratings filed at the commune and not decided yet."""
        return self.filter(kind=Dossier.Kind.RE_RATING, submitted_at__isnull=False).exclude(
            status__in=FINAL_STATUSES
        )

    def extending_certificates(self):
        """The re-ratings that keep their product's certificate valid after it expires
        (art. 12(3)): filed later than 120 days before the expiry day, and not ended without a
        recognition. A proposal keeps the certificate valid until the decision replaces it;
        ``certificates`` caps the extension at 180 days past expiry."""
        return self.filter(
            kind=Dossier.Kind.RE_RATING, is_late_re_rating=True, submitted_at__isnull=False
        ).exclude(status__in=ENDED_WITHOUT_RECOGNITION)

    def re_rating_overdue(self, today=None):
        """Re-ratings still being evaluated after their 45 days (art. 7(6)(g))."""
        today = today or timezone.localdate()
        return self.filter(
            kind=Dossier.Kind.RE_RATING,
            re_rating_due_on__lt=today,
            status__in=RE_RATING_EVALUATION_STATUSES,
        )


class Dossier(TimeStampedModel):
    """A producer's application to have one product rated (hồ sơ sản phẩm)."""

    class Kind(models.TextChoices):
        FIRST_RATING = "first_rating", _("first rating")
        UPGRADE = "upgrade", _("upgrade")
        RE_RATING = "re_rating", _("re-rating")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted to the commune")
        RETURNED = "returned", _("returned to the producer")
        FORWARDED = "forwarded", _("forwarded to the province")
        ACCEPTED = "accepted", _("accepted by the province")
        IN_ROUND = "in_round", _("being scored by the provincial council")
        AWAITING_APPROVAL = "awaiting_approval", _("90 points or more: awaiting the province")
        SENT_CENTRAL = "sent_central", _("sent to the central round")
        IN_CENTRAL_ROUND = "in_central_round", _("being scored by the central council")
        CENTRAL_NOT_FIVE = "central_not_five", _("below 5 stars centrally: with the province")
        RATED_LOW = "rated_low", _("rated 1 or 2 stars")
        REJECTED = "rejected", _("rejected (knocked out)")
        PROPOSED = "proposed", _("proposed for provincial recognition")
        PROPOSED_CENTRAL = "proposed_central", _("proposed for 5-star recognition")
        WITHDRAWN = "withdrawn", _("withdrawn")

    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        editable=False,
    )
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    commune = models.ForeignKey(
        "regions.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text=_("The commune where the dossier is filed: the producer's commune."),
    )
    kind = models.CharField(_("registration"), max_length=20, choices=Kind.choices)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous dossier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followers",
        help_text=_("The rated dossier an upgrade or re-rating starts from."),
    )
    # An upgrade or a re-rating starts from the product's certificate (art. 6(1)(b)-(c)),
    # issued on the platform or recorded from before it (art. 12(1)): what the certificate says,
    # as it stood when the dossier was opened, and again when it was submitted.
    recognised_certificate_number = models.CharField(
        _("certificate it starts from"), max_length=60, blank=True, editable=False
    )
    recognised_star = models.PositiveSmallIntegerField(
        _("recognised star"), null=True, blank=True, editable=False
    )
    recognised_until = models.DateField(
        _("certificate valid until"), null=True, blank=True, editable=False
    )
    is_late_re_rating = models.BooleanField(
        _("re-rating filed after the window"),
        default=False,
        editable=False,
        help_text=_(
            "Filed later than 120 days before the certificate expires (art. 12(3)): the "
            "certificate stays valid until the result, at most 180 days past its expiry."
        ),
    )
    re_rating_due_on = models.DateField(
        _("re-rating to be evaluated by"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("45 days from the receipt of the complete dossier (art. 7(6)(g))."),
    )
    rubric_version = models.ForeignKey(
        "rubric.RubricVersion",
        verbose_name=_("rubric version"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        help_text=_("The rubric in force when the dossier was filed."),
    )
    sheet_number = models.PositiveSmallIntegerField(_("scoring sheet"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )

    # Mẫu 01: the registration form.
    applicant_name = models.CharField(_("registering unit"), max_length=200)
    representative_name = models.CharField(_("legal representative"), max_length=150, blank=True)
    representative_position = models.CharField(_("job title"), max_length=100, blank=True)
    contact_address = models.CharField(_("contact address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    product_name = models.CharField(_("product name"), max_length=200)
    sample_count = models.PositiveSmallIntegerField(
        _("product samples"),
        default=DEFAULT_SAMPLE_COUNT,
        help_text=_("Five samples go with the dossier; none for community tourism (set 26)."),
    )
    is_declaration_accepted = models.BooleanField(
        _("information declared true"),
        default=False,
        help_text=_(
            "The representative confirms that the information is true and that the producer "
            "follows the OCOP evaluation rules."
        ),
    )
    # Mẫu 02, part II (optional summary for the council).
    production_address = models.CharField(_("production site"), max_length=255, blank=True)
    production_capacity = models.CharField(_("production capacity"), max_length=200, blank=True)
    markets = models.TextField(_("markets"), blank=True)

    # Mẫu 02, part III: the self-assessment, frozen at submission.
    self_assessment = models.ForeignKey(
        "rubric.SelfAssessment",
        verbose_name=_("self-assessment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    self_assessment_answers = models.JSONField(
        _("self-assessment answers"), default=dict, blank=True, editable=False
    )
    self_assessment_total = models.DecimalField(
        _("self-assessed points"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    self_assessment_star = models.PositiveSmallIntegerField(
        _("self-assessed star"), null=True, blank=True, editable=False
    )

    attachments = models.ManyToManyField(
        "producers.ProducerDocument",
        verbose_name=_("attached documents"),
        through="DossierAttachment",
        related_name="dossiers",
        blank=True,
    )

    # The commune's receipt (Mẫu 01, "Dành cho Ủy ban nhân dân cấp xã").
    receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True)
    receipt_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    commune_deadline = models.DateField(
        _("commune review deadline"),
        null=True,
        blank=True,
        help_text=_("15 working days after receipt."),
    )
    forwarded_on = models.DateField(_("forwarded to the province on"), null=True, blank=True)
    province_received_at = models.DateTimeField(
        _("accepted by the province at"), null=True, blank=True
    )
    approved_for_central_on = models.DateField(
        _("approved for the central round on"), null=True, blank=True
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    proposed_star = models.PositiveSmallIntegerField(_("proposed star"), null=True, blank=True)
    decisive_result = models.ForeignKey(
        "CouncilResult",
        verbose_name=_("result the proposal rests on"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt_number"],
                condition=~Q(receipt_number=""),
                name="%(app_label)s_%(class)s_unique_receipt_number",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["first_rating", "upgrade", "re_rating"]),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["upgrade", "re_rating"]) | Q(previous__isnull=True),
                name="%(app_label)s_%(class)s_previous_only_for_upgrade_and_re_rating",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["upgrade", "re_rating"])
                | Q(
                    recognised_certificate_number="",
                    recognised_star__isnull=True,
                    recognised_until__isnull=True,
                ),
                name="%(app_label)s_%(class)s_recognition_only_for_upgrade_and_re_rating",
            ),
            models.CheckConstraint(
                condition=Q(kind="re_rating")
                | Q(is_late_re_rating=False, re_rating_due_on__isnull=True),
                name="%(app_label)s_%(class)s_re_rating_dates_only_for_re_rating",
            ),
            models.UniqueConstraint(
                fields=["product"],
                condition=~Q(
                    status__in=[
                        "rated_low",
                        "rejected",
                        "proposed",
                        "proposed_central",
                        "withdrawn",
                    ]
                ),
                name="%(app_label)s_%(class)s_one_open_per_product",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="withdrawn") | Q(submitted_at__isnull=False),
                name="%(app_label)s_%(class)s_submitted_at_after_draft",
            ),
            models.CheckConstraint(
                condition=Q(proposed_star__isnull=True)
                | Q(proposed_star__gte=3, proposed_star__lte=5),
                name="%(app_label)s_%(class)s_proposed_star_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "commune"], name="evaluations_dossier_commune"),
            models.Index(fields=["status", "province"], name="evaluations_dossier_province"),
            # The list's default order (newest first), read by keyset pages.
            models.Index(fields=["-created_at", "-id"], name="evaluations_dossier_created"),
            # Counts the filed dossiers (and a member's own) without reading the wide rows.
            models.Index(fields=["submitted_at", "producer"], name="evaluations_dossier_filed"),
            # The late re-ratings that keep certificates valid past expiry (art. 12(3)): a few
            # rows that every validity test asks for, found without reading every dossier.
            models.Index(
                fields=["is_late_re_rating", "kind", "product"],
                name="evaluations_dossier_late",
            ),
        ]

    def __str__(self):
        return self.receipt_number or f"{self.product_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("evaluations:dossier_detail", args=[self.pk])

    @property
    def is_editable_by_producer(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_commune_overdue(self) -> bool:
        return self.status == self.Status.SUBMITTED and is_overdue(
            self.commune_deadline, timezone.localdate()
        )

    @property
    def is_re_rating_overdue(self) -> bool:
        """Still being evaluated after the 45 days of art. 7(6)(g)."""
        return self.status in RE_RATING_EVALUATION_STATUSES and is_overdue(
            self.re_rating_due_on, timezone.localdate()
        )

    def can_transition_to(self, status, role=None) -> bool:
        allowed = ALLOWED_TRANSITIONS.get(self.status, {})
        if status not in allowed:
            return False
        return role is None or allowed[status] == role

    def next_statuses(self, roles=None) -> list[str]:
        """The statuses reachable now, by any of ``roles`` (every role when None)."""
        return [
            status
            for status, role in ALLOWED_TRANSITIONS.get(self.status, {}).items()
            if roles is None or role in roles
        ]


S = Dossier.Status

# status → {next status: the role that moves it there}. The service functions check every
# change against this table; docs/evaluations.md draws it.
ALLOWED_TRANSITIONS: dict[str, dict[str, str]] = {
    S.DRAFT: {S.SUBMITTED: Actor.PRODUCER, S.WITHDRAWN: Actor.PRODUCER},
    S.RETURNED: {S.SUBMITTED: Actor.PRODUCER, S.WITHDRAWN: Actor.PRODUCER},
    S.SUBMITTED: {S.FORWARDED: Actor.COMMUNE, S.RETURNED: Actor.COMMUNE},
    S.FORWARDED: {S.ACCEPTED: Actor.PROVINCE, S.RETURNED: Actor.PROVINCE},
    # A 5★ product's re-rating may go to the Ministry on the office's report (art. 6(3)(b),
    # 7(6)(e)); the services check that it is one.
    S.ACCEPTED: {
        S.IN_ROUND: Actor.PROVINCE,
        S.RETURNED: Actor.PROVINCE,
        S.SENT_CENTRAL: Actor.PROVINCE,
    },
    S.IN_ROUND: {
        S.RATED_LOW: Actor.CHAIR,
        S.REJECTED: Actor.CHAIR,
        S.PROPOSED: Actor.CHAIR,
        S.AWAITING_APPROVAL: Actor.CHAIR,
    },
    # 90 points or more is approved and sent up (art. 7(3)(e)); 4★ ends below 90 (art. 3(3)(b)).
    S.AWAITING_APPROVAL: {S.SENT_CENTRAL: Actor.PROVINCE},
    S.SENT_CENTRAL: {S.IN_CENTRAL_ROUND: Actor.CENTRAL},
    # Not 5★ centrally, whatever the score, goes back to the province (art. 7(4)(g)).
    S.IN_CENTRAL_ROUND: {
        S.PROPOSED_CENTRAL: Actor.CHAIR,
        S.CENTRAL_NOT_FIVE: Actor.CHAIR,
        S.REJECTED: Actor.CHAIR,
    },
    S.CENTRAL_NOT_FIVE: {S.PROPOSED: Actor.PROVINCE, S.ACCEPTED: Actor.PROVINCE},
}
FINAL_STATUSES = frozenset({S.RATED_LOW, S.REJECTED, S.PROPOSED, S.PROPOSED_CENTRAL, S.WITHDRAWN})
SCORING_STATUSES = frozenset({S.IN_ROUND, S.IN_CENTRAL_ROUND})
# The outcomes that end a dossier with no recognition to come.
ENDED_WITHOUT_RECOGNITION = frozenset({S.RATED_LOW, S.REJECTED, S.WITHDRAWN})
# From the receipt of the complete dossier (accepted by the province, or sent to the Ministry)
# to the council's result: the statuses the 45 days of art. 7(6)(g) run in.
RE_RATING_EVALUATION_STATUSES = frozenset(
    {S.ACCEPTED, S.IN_ROUND, S.SENT_CENTRAL, S.IN_CENTRAL_ROUND}
)


def statuses_actionable_by(role) -> list[str]:
    """The statuses from which ``role`` has a transition."""
    return [
        status
        for status, targets in ALLOWED_TRANSITIONS.items()
        if any(target_role == role for target_role in targets.values())
    ]


class DossierAttachment(models.Model):
    """A document of the evidence locker attached to a dossier; its number and dates are
    copied at submission, so the dossier keeps what was filed even if the locker changes."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="attachment_rows"
    )
    document = models.ForeignKey(
        "producers.ProducerDocument",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="dossier_attachments",
    )
    kind = models.CharField(_("kind"), max_length=30, blank=True)
    number = models.CharField(_("number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("copied at submission"), null=True, blank=True)

    class Meta:
        verbose_name = _("attached document")
        verbose_name_plural = _("attached documents")
        ordering = ["dossier", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "document"], name="%(app_label)s_%(class)s_unique"
            )
        ]

    def __str__(self):
        return f"{self.dossier} — {self.document}"


class ReceiptCounter(models.Model):
    """The last receipt number given by a commune in a year; the row is locked while the next
    number is taken, so numbers have no gaps and no duplicates."""

    commune = models.ForeignKey(
        "regions.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("receipt counter")
        verbose_name_plural = _("receipt counters")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year"], name="%(app_label)s_%(class)s_unique"
            )
        ]

    def __str__(self):
        return f"{self.commune_id}/{self.year}: {self.last_number}"


# --------------------------------------------------------------------------------------
# Dossiers filed before 22 May 2026 (art. 12(2))
# --------------------------------------------------------------------------------------


class TransitionalDossierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The provincial office of the product's province (the central office all); the
        producer's members their own."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        scope = official_scope(user)
        if scope.is_national:
            return self
        mine = Q(producer_id__in=ProducerMember.objects.filter(user=user).values("producer_id"))
        return self.filter(mine | Q(province_id__in=scope.province_codes))

    def editable_by(self, user):
        """Only the provincial office of the product's province enters and closes them."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(province_id__in=official_scope(user).province_codes)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=TransitionalDossier.Status.PENDING, completion_due_on__lt=today)


class TransitionalDossier(TimeStampedModel):
    """A dossier filed before 22 May 2026 and not yet rated then (art. 12(2)): it finishes under
    the 2021-2025 rules, outside the platform's scoring, within 60 days of the decision's effect
    for a first rating or an upgrade, 30 days for a re-rating. The office enters it to follow
    that limit; its outcome is recorded as a historical decision (certificates), which closes
    it, or as not recognised or withdrawn."""

    class Status(models.TextChoices):
        PENDING = "pending", _("being rated under the 2021-2025 rules")
        RECOGNISED = "recognised", _("recognised (historical decision recorded)")
        NOT_RECOGNISED = "not_recognised", _("not recognised")
        WITHDRAWN = "withdrawn", _("withdrawn")

    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="transitional_dossiers",
    )
    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    kind = models.CharField(_("registration"), max_length=20, choices=Dossier.Kind.choices)
    filed_on = models.DateField(
        _("filed on"), help_text=_("Before 22 May 2026, when Decision 26/2026 took effect.")
    )
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("The receipt or document number of the filing, as recorded at the time."),
    )
    completion_due_on = models.DateField(_("to be rated by"), editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    decision_number = models.CharField(
        _("recognition decision"),
        max_length=50,
        blank=True,
        help_text=_("The historical decision that recognised the product."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = TransitionalDossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier filed before 22 May 2026")
        verbose_name_plural = _("dossiers filed before 22 May 2026")
        ordering = ["completion_due_on", "filed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(filed_on__lt=datetime.date(2026, 5, 22)),
                name="%(app_label)s_%(class)s_filed_before_the_decision",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", closed_on__isnull=True)
                | (~Q(status="pending") & Q(closed_on__isnull=False)),
                name="%(app_label)s_%(class)s_closed_on_iff_closed",
            ),
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(status="pending"),
                name="%(app_label)s_%(class)s_one_pending_per_product",
            ),
        ]

    def __str__(self):
        return f"{self.product} ({self.get_kind_display()}, {self.filed_on:%d/%m/%Y})"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.PENDING and is_overdue(
            self.completion_due_on, timezone.localdate()
        )


# --------------------------------------------------------------------------------------
# Commune review (Mẫu 03)
# --------------------------------------------------------------------------------------


class CommuneReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(dossier__in=Dossier.objects.visible_to(user))


class CommuneReview(models.Model):
    """The commune's check of a submitted dossier and its report on four points (Mẫu 03).
    A dossier returned and filed again gets a new review; the newest one counts."""

    class Decision(models.TextChoices):
        FORWARD = "forward", _("forward to the province")
        RETURN = "return", _("return to the producer")

    class Finding(models.TextChoices):
        YES = "yes", _("yes")
        PARTLY = "partly", _("partly")
        NO = "no", _("no")

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)
    # Completeness of the dossier (art. 6(1) and 6(2)).
    has_registration_form = models.BooleanField(_("registration form (Mẫu 01)"), default=False)
    has_self_assessment = models.BooleanField(_("self-assessment report (Mẫu 02)"), default=False)
    has_required_documents = models.BooleanField(_("required documents"), default=False)
    has_samples = models.BooleanField(
        _("product samples received (none for set 26)"), default=False
    )
    # The four points of Mẫu 03, part II.
    local_raw_material = models.CharField(
        _("uses local raw material"), max_length=10, choices=Finding.choices, blank=True
    )
    local_raw_material_note = models.TextField(_("raw material: assessment"), blank=True)
    local_labour = models.CharField(
        _("employs local labour"), max_length=10, choices=Finding.choices, blank=True
    )
    local_labour_note = models.TextField(_("labour: assessment"), blank=True)
    local_idea = models.CharField(
        _("product idea from the locality"), max_length=10, choices=Finding.choices, blank=True
    )
    local_idea_note = models.TextField(
        _("origin of the idea (traditional or new product)"), blank=True
    )
    local_identity = models.CharField(
        _("carries local identity and know-how"),
        max_length=10,
        choices=Finding.choices,
        blank=True,
    )
    local_identity_note = models.TextField(_("local identity: assessment"), blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason for return"), blank=True)

    objects = CommuneReviewQuerySet.as_manager()

    FINDING_FIELDS = ("local_raw_material", "local_labour", "local_idea", "local_identity")
    CHECKLIST_FIELDS = (
        "has_registration_form",
        "has_self_assessment",
        "has_required_documents",
        "has_samples",
    )

    class Meta:
        verbose_name = _("commune review")
        verbose_name_plural = _("commune reviews")
        ordering = ["-reviewed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="forward") | ~Q(reason=""),
                name="%(app_label)s_%(class)s_return_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(decision="return")
                | (
                    ~Q(local_raw_material="")
                    & ~Q(local_labour="")
                    & ~Q(local_idea="")
                    & ~Q(local_identity="")
                ),
                name="%(app_label)s_%(class)s_forward_has_four_points",
            ),
        ]

    def __str__(self):
        return f"{self.dossier} — {self.get_decision_display()}"


# --------------------------------------------------------------------------------------
# Rounds and councils
# --------------------------------------------------------------------------------------


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Provincial offices see their province's rounds; the central office every round;
        council members the rounds of their councils."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        scope = official_scope(user)
        if scope.is_national:
            return self
        return self.filter(
            Q(level=Round.Level.PROVINCE, province_id__in=scope.province_codes)
            | Q(pk__in=Council.objects.filter(members__user=user).values("round_id"))
        )

    def editable_by(self, user):
        """Rounds the user organises: the province office its province's, the central office
        the central ones."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        scope = official_scope(user)
        condition = Q(level=Round.Level.PROVINCE, province_id__in=scope.province_codes)
        if scope.is_national:
            condition |= Q(level=Round.Level.CENTRAL)
            if user.is_superuser:
                condition |= Q(level=Round.Level.PROVINCE)
        return self.filter(condition)

    def with_list_data(self):
        return self.select_related("province", "council").annotate(
            dossier_count=models.Count("entries", distinct=True)
        )


class Round(TimeStampedModel):
    """An evaluation round (đợt) at provincial or central level, with its legal dates."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("provincial")
        CENTRAL = "central", _("central")

    class Kind(models.TextChoices):
        STATUTORY = "statutory", _("statutory round")
        EXTRA = "extra", _("extra round")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    forward_before = models.DateField(
        _("for dossiers proposed before"),
        null=True,
        blank=True,
        help_text=_("Dossiers proposed on this day or later belong to a later round."),
    )
    decide_before = models.DateField(_("to be decided before"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dossiers = models.ManyToManyField(
        Dossier, verbose_name=_("dossiers"), through="RoundDossier", related_name="rounds"
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-year", "-decide_before", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="province", province__isnull=False)
                | Q(level="central", province__isnull=True),
                name="%(app_label)s_%(class)s_province_matches_level",
            ),
            models.CheckConstraint(
                condition=Q(kind="extra") | Q(number__in=[1, 2], forward_before__isnull=False),
                name="%(app_label)s_%(class)s_statutory_has_number",
            ),
            models.UniqueConstraint(
                fields=["province", "year", "number"],
                condition=Q(level="province", kind="statutory"),
                name="%(app_label)s_%(class)s_unique_province_statutory",
            ),
            models.UniqueConstraint(
                fields=["year", "number"],
                condition=Q(level="central", kind="statutory"),
                name="%(app_label)s_%(class)s_unique_central_statutory",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="%(app_label)s_%(class)s_closed_at_iff_closed",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("evaluations:round_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class RoundDossier(models.Model):
    """A dossier put in a round."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="entries"
    )
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="round_entries"
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dossier in a round")
        verbose_name_plural = _("dossiers in rounds")
        ordering = ["round", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "dossier"], name="%(app_label)s_%(class)s_unique"
            )
        ]

    def __str__(self):
        return f"{self.round} — {self.dossier}"


class CouncilQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(round__in=Round.objects.visible_to(user))

    def editable_by(self, user):
        return self.filter(round__in=Round.objects.editable_by(user))


class Council(TimeStampedModel):
    """The council (Hội đồng) of a round, with its advisory team (Tổ tư vấn) among its
    members, and the rules it scores by."""

    round = models.OneToOneField(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="council"
    )
    name = models.CharField(_("name"), max_length=200)
    establishing_decision = models.CharField(
        _("establishing decision"),
        max_length=120,
        blank=True,
        help_text=_("Number and date of the decision that set up the council."),
    )
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (percent of scoring members)"),
        default=DEFAULT_QUORUM_PERCENT,
        help_text=_(
            "Scoring closes only with sheets from this share of members, the chair's included."
        ),
    )
    spread_limit = models.DecimalField(
        _("largest allowed spread (points)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_SPREAD_LIMIT,
        help_text=_("Above it, the council discusses and re-scores before closing."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CouncilQuerySet.as_manager()

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        ordering = ["-round__year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_percent__gte=1, quorum_percent__lte=100),
                name="%(app_label)s_%(class)s_quorum_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(spread_limit__gte=0, spread_limit__lte=100),
                name="%(app_label)s_%(class)s_spread_limit_range",
            ),
        ]

    def __str__(self):
        return self.name


class CouncilMember(TimeStampedModel):
    """A user's seat in a council: what makes the user a council member (scope for council
    work). Advisers (Tổ tư vấn) do not score."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        SECRETARY = "secretary", _("secretary")
        MEMBER = "member", _("member")
        ADVISER = "adviser", _("advisory team")

    SCORING_ROLES = (Role.CHAIR, Role.SECRETARY, Role.MEMBER)

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="council_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, help_text=_("E.g. Department of Health.")
    )

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "user"], name="%(app_label)s_%(class)s_unique"
            ),
            models.UniqueConstraint(
                fields=["council"],
                condition=Q(role="chair"),
                name="%(app_label)s_%(class)s_one_chair",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["chair", "secretary", "member", "adviser"]),
                name="%(app_label)s_%(class)s_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"

    @property
    def is_scoring(self) -> bool:
        return self.role in self.SCORING_ROLES


class ConflictDeclaration(models.Model):
    """A council member's declaration of interest for one dossier. A member must declare before
    scoring; a member with a conflict cannot score that dossier and is not counted."""

    member = models.ForeignKey(
        CouncilMember,
        verbose_name=_("council member"),
        on_delete=models.CASCADE,
        related_name="conflict_declarations",
    )
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="conflict_declarations",
    )
    has_conflict = models.BooleanField(_("has a conflict of interest"))
    note = models.TextField(_("note"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest declaration")
        verbose_name_plural = _("conflict of interest declarations")
        ordering = ["dossier", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "dossier"], name="%(app_label)s_%(class)s_unique"
            ),
            models.CheckConstraint(
                condition=Q(has_conflict=False) | ~Q(note=""),
                name="%(app_label)s_%(class)s_conflict_has_note",
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.dossier}"


class AdvisoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Officials and council members who see the dossier; never the producer."""
        if user is None or not user.is_authenticated:
            return self.none()
        own = ProducerMember.objects.filter(user=user).values("producer_id")
        return self.filter(dossier__in=Dossier.objects.visible_to(user)).exclude(
            dossier__producer_id__in=own
        )


class SiteVisit(models.Model):
    """A visit of the advisory team to the production site (art. 7(3)(c))."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="site_visits"
    )
    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="site_visits"
    )
    visited_on = models.DateField(_("visited on"))
    participants = models.TextField(_("participants"), blank=True)
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = AdvisoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.dossier} — {self.visited_on:%d/%m/%Y}"


class OfficeCheck(models.Model):
    """The provincial OCOP office's check of a re-rating dossier (art. 7(6)(c)): a site check
    where the scale of production changed a lot or the evidence is unclear, and the office's
    report on the dossier to the council's chair. For a 5★ product it is the report the
    province sends to the Ministry in place of its council's (art. 6(3)(b), 7(6)(e))."""

    class SiteCheckReason(models.TextChoices):
        SCALE_CHANGE = "scale_change", _("a major change in the scale of production")
        UNCLEAR_EVIDENCE = "unclear_evidence", _("evidence in the dossier that is not clear")

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="office_checks"
    )
    site_check_reason = models.CharField(
        _("site check needed for"),
        max_length=20,
        choices=SiteCheckReason.choices,
        blank=True,
        help_text=_("Empty when the dossier needs no site check."),
    )
    visited_on = models.DateField(_("site checked on"), null=True, blank=True)
    participants = models.TextField(_("participants"), blank=True)
    site_findings = models.TextField(_("site findings"), blank=True)
    report = models.TextField(_("the office's report on the dossier"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = AdvisoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("office check of a re-rating")
        verbose_name_plural = _("office checks of re-ratings")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(site_check_reason="")
                | (Q(visited_on__isnull=False) & ~Q(site_findings="")),
                name="%(app_label)s_%(class)s_site_check_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.dossier} — {self.recorded_at:%d/%m/%Y}"


class LabTestOrder(models.Model):
    """Additional laboratory tests the advisory team asks for (art. 7(3)(c))."""

    class Status(models.TextChoices):
        ORDERED = "ordered", _("ordered")
        REPORTED = "reported", _("result received")

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="lab_tests"
    )
    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="lab_tests"
    )
    ordered_on = models.DateField(_("ordered on"))
    laboratory = models.CharField(_("laboratory"), max_length=200)
    tests = models.TextField(_("tests requested"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ORDERED
    )
    result_summary = models.TextField(_("result"), blank=True)
    result_document = models.ForeignKey(
        "producers.ProducerDocument",
        verbose_name=_("test report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_on = models.DateField(_("result received on"), null=True, blank=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ordered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AdvisoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("laboratory test order")
        verbose_name_plural = _("laboratory test orders")
        ordering = ["-ordered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="ordered", reported_on__isnull=True)
                | Q(status="reported", reported_on__isnull=False),
                name="%(app_label)s_%(class)s_reported_on_iff_reported",
            )
        ]

    def __str__(self):
        return f"{self.dossier} — {self.laboratory}"


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------


class ScoreSheetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A member sees their own sheets; once the chair has closed the scoring of a dossier
        the council's members and the officials governing it see every sheet of that council.
        Producers never see individual sheets (only the council's result)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        own = Q(member__user=user)
        closed = Q(
            models.Exists(
                CouncilResult.objects.filter(
                    dossier_id=models.OuterRef("dossier_id"),
                    council_id=models.OuterRef("member__council_id"),
                )
            )
        )
        scope = official_scope(user)
        if scope.is_national:
            return self.filter(own | closed)
        readers = Q(dossier__province_id__in=scope.province_codes) | Q(
            member__council_id__in=CouncilMember.objects.filter(user=user).values("council_id")
        )
        return self.filter(own | (closed & readers))

    def editable_by(self, user):
        """The user's own sheets that may still change (draft or sent back, not closed)."""
        return self.filter(
            member__user=user,
            status__in=[ScoreSheet.Status.DRAFT, ScoreSheet.Status.RETURNED],
            dossier__status__in=SCORING_STATUSES,
        )

    def with_list_data(self):
        return self.select_related(
            "dossier", "dossier__product", "member__council__round", "member__user"
        )


class ScoreSheet(TimeStampedModel):
    """One member's independent scoring of one dossier (phiếu đánh giá). Locked once submitted,
    unless the chair sends it back for re-scoring with a comment."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("sent back for re-scoring")

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="score_sheets"
    )
    member = models.ForeignKey(
        CouncilMember,
        verbose_name=_("council member"),
        on_delete=models.PROTECT,
        related_name="score_sheets",
    )
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="score_sheets"
    )
    rubric_version = models.ForeignKey(
        "rubric.RubricVersion",
        verbose_name=_("rubric version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sheet_number = models.PositiveSmallIntegerField(_("scoring sheet"))
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    knockouts = models.JSONField(
        _("knock-out rules found"),
        default=list,
        blank=True,
        help_text=_("Rules of the sheet that the member found to apply (the dossier is rejected)."),
    )
    stop_at = models.CharField(_("scoring stopped at"), max_length=20, blank=True)
    note = models.TextField(_("member's note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    total = models.DecimalField(
        _("total points"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    star = models.PositiveSmallIntegerField(_("star"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("sent back at"), null=True, blank=True)
    return_comment = models.TextField(_("chair's comment"), blank=True)

    objects = ScoreSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["dossier", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "member", "round"], name="%(app_label)s_%(class)s_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted")
                | Q(submitted_at__isnull=False, total__isnull=False),
                name="%(app_label)s_%(class)s_submitted_has_total",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_comment=""),
                name="%(app_label)s_%(class)s_returned_has_comment",
            ),
        ]

    def __str__(self):
        return f"{self.dossier} — {self.member}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SUBMITTED


class CouncilResultQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The result of a closed scoring: for the producer of the dossier, the officials who
        see the dossier and the council's members."""
        return self.filter(dossier__in=Dossier.objects.visible_to(user))

    def with_list_data(self):
        return self.select_related("dossier__product", "council__round", "closed_by")


class CouncilResult(models.Model):
    """What a council decided for a dossier when its chair closed the scoring, as computed by
    the rubric engine (``score_council``). Never changed afterwards."""

    class Method(models.TextChoices):
        MEETING = "meeting", _("at a meeting")
        WRITTEN = "written", _("on written opinions")

    class Outcome(models.TextChoices):
        RECORDED_LOW = "recorded_low", _("1 or 2 stars: recorded, gap report sent")
        REJECTED = "rejected", _("knocked out: no rating")
        PROPOSED = "proposed", _("3 or 4 stars: proposed for provincial recognition")
        SENT_CENTRAL = "sent_central", _("90 points or more: for the central round")
        FIVE_STAR = "five_star", _("5 stars: proposed to the Minister")
        NOT_FIVE_STAR = "not_five_star", _("below 5 stars centrally: back to the province")

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="results"
    )
    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="results"
    )
    level = models.CharField(_("level"), max_length=10, choices=Round.Level.choices)
    rubric_version = models.ForeignKey(
        "rubric.RubricVersion",
        verbose_name=_("rubric version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sheet_number = models.PositiveSmallIntegerField(_("scoring sheet"))
    mean_total = models.DecimalField(_("mean total"), max_digits=5, decimal_places=2)
    parts = models.JSONField(_("mean points by part"), default=dict)
    star = models.PositiveSmallIntegerField(_("star"))
    band_star = models.PositiveSmallIntegerField(_("star band of the mean total"))
    unmet_minimums = models.JSONField(_("unmet star minimums"), default=dict)
    is_knocked_out = models.BooleanField(_("knocked out"), default=False)
    knockouts = models.JSONField(_("knock-out rules applied"), default=list)
    stopped_at = models.CharField(_("scoring stopped at"), max_length=20, blank=True)
    spread = models.DecimalField(_("spread"), max_digits=5, decimal_places=2)
    spread_limit = models.DecimalField(_("spread limit"), max_digits=5, decimal_places=2)
    is_spread_exceeded = models.BooleanField(_("spread above the limit"), default=False)
    quorum_percent = models.PositiveSmallIntegerField(_("quorum (%)"))
    scoring_members = models.PositiveSmallIntegerField(_("scoring members of the council"))
    members_counted = models.PositiveSmallIntegerField(_("sheets counted"))
    member_totals = models.JSONField(_("members' totals (highest first)"), default=list)
    explanation = models.JSONField(_("engine's explanation"), default=dict)
    rule_note = models.TextField(_("rules applied"))
    gap_report = models.JSONField(_("gap report"), default=dict)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    comment = models.TextField(_("chair's note"), blank=True)
    method = models.CharField(
        _("how the council decided"),
        max_length=10,
        choices=Method.choices,
        default=Method.MEETING,
        help_text=_(
            "A re-rating is decided on written opinions, with a meeting only when opinions "
            "differ or the content is complex (art. 7(6)(d)-(e))."
        ),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"))

    objects = CouncilResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("council result")
        verbose_name_plural = _("council results")
        ordering = ["-closed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "council"], name="%(app_label)s_%(class)s_unique"
            ),
            models.CheckConstraint(
                condition=Q(star__gte=0, star__lte=5), name="%(app_label)s_%(class)s_star_valid"
            ),
            models.CheckConstraint(
                condition=Q(mean_total__gte=0, mean_total__lte=100),
                name="%(app_label)s_%(class)s_mean_total_range",
            ),
            models.CheckConstraint(
                condition=~Q(is_spread_exceeded=True) | ~Q(comment=""),
                name="%(app_label)s_%(class)s_spread_exceeded_has_comment",
            ),
        ]

    def __str__(self):
        return f"{self.dossier} — {self.mean_total} ({self.star}★)"

    @property
    def star_mark(self) -> str:
        return "★" * self.star
