"""Recognition decisions (Quyết định công nhận) and the certificates (Giấy chứng nhận) they
issue (Decision 26/2026/QĐ-TTg, art. 4(3), 7(3)(e), 7(4)(e), 7(6), 12(1), 12(3)).

A :class:`RecognitionDecision` is drafted by the provincial office from council results (the
provincial chairman recognises 3★ and 4★) or by the central office (the Minister recognises
5★). Each :class:`DecisionItem` names one product and its star. Signing the decision issues one
:class:`Certificate` per item; the product's previous certificate is then superseded.
Decisions taken before the platform are recorded as historical, with their certificates.

A certificate's status is never stored: :func:`certificate_status` computes it from its dates
and events (revocation, supersession, a pending re-rating), with the legal dates of
``ocop.core.deadlines``. ``Certificate.is_current`` (not revoked, not superseded) is kept by the
services, and a database constraint allows one current certificate per product, so a product
never holds two valid certificates.
"""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from ocop.accounts.scope import official_scope
from ocop.core.deadlines import CERTIFICATE_GRACE_DAYS, certificate_valid_through, re_rating_window
from ocop.core.models import TimeStampedModel
from ocop.evaluations.models import Dossier
from ocop.producers.models import ProducerMember

PUBLIC_CODE_BYTES = 9  # 72 random bits, 12 URL-safe characters


def new_public_code() -> str:
    """The code of a certificate's public verification address (``/v/<code>``): random, so it
    cannot be guessed from another certificate's code or number."""
    return secrets.token_urlsafe(PUBLIC_CODE_BYTES)


class Authority(models.TextChoices):
    PROVINCE_CHAIRMAN = "province_chairman", _("Chairman of the provincial People's Committee")
    MINISTER = "minister", _("Minister of Agriculture and Environment")
    DISTRICT_CHAIRMAN = (
        "district_chairman",
        _("Chairman of the district People's Committee (before July 2025)"),
    )


#: Districts were abolished on 1 July 2025; their chairmen decided nothing after that day.
DISTRICTS_ABOLISHED = datetime.date(2025, 7, 1)
#: The stars each authority recognises (art. 7(3); the district chairman under 148/QĐ-TTg).
AUTHORITY_STARS = {
    Authority.PROVINCE_CHAIRMAN: (3, 4),
    Authority.DISTRICT_CHAIRMAN: (3,),
    Authority.MINISTER: (5,),
}


class RevocationGround(models.TextChoices):
    """The six grounds for revoking a certificate (art. 8(1)(a)-(e), in that order)."""

    FALSE_DOCUMENTS = "false_documents", _("false or forged documents in the dossier")
    CRITERIA_NOT_MET = "criteria_not_met", _("the product no longer meets the criteria")
    LAW_BREACH = (
        "law_breach",
        _("breach of quality, food safety, environment, intellectual property or labelling law"),
    )
    MARK_MISUSE = "mark_misuse", _("misuse of the OCOP mark")
    PRODUCTION_STOPPED = "production_stopped", _("production stopped")
    OTHER_FINDING = "other_finding", _("other findings by a competent authority")


# What the 15 days of art. 8(4) run from ("kể từ ngày có kết luận của cơ quan có thẩm quyền về
# hành vi vi phạm của chủ thể hoặc xác nhận của UBND cấp xã về chủ thể OCOP không còn sản xuất
# sản phẩm OCOP"): the commune People's Committee's confirmation when production stopped (art.
# 8(1)(đ)), the competent authority's conclusion on the other grounds. The forms and the
# revocation services word the day after the ground.
CONCLUSION_MESSAGES = {
    "label": _("Date of the competent authority's conclusion"),
    "no_finding_date": _("Enter the date of the competent authority's conclusion."),
    "future_finding": _("The date of the authority's conclusion cannot be in the future."),
    "finding_after_decision": _(
        "The date of the authority's conclusion cannot be after the date of the revocation "
        "decision."
    ),
    "finding_before_issue": _(
        "The date of the authority's conclusion cannot be before the certificate was issued "
        "(%(date)s)."
    ),
}
CONFIRMATION_MESSAGES = {
    "label": _("Date of the commune's confirmation that production stopped"),
    "no_finding_date": _(
        "Enter the date of the commune People's Committee's confirmation that production stopped."
    ),
    "future_finding": _("The date of the commune's confirmation cannot be in the future."),
    "finding_after_decision": _(
        "The date of the commune's confirmation cannot be after the date of the revocation "
        "decision."
    ),
    "finding_before_issue": _(
        "The date of the commune's confirmation cannot be before the certificate was issued "
        "(%(date)s)."
    ),
}


def finding_messages(ground) -> dict:
    """How the day the 15 days run from is named and refused, for ``ground``."""
    if ground == RevocationGround.PRODUCTION_STOPPED:
        return CONFIRMATION_MESSAGES
    return CONCLUSION_MESSAGES


def scope_filter(user, *, province_field):
    """Officials see their territory's rows (the central office every row); producer members
    their producers' rows. None for nobody."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    scope = official_scope(user)
    if scope.is_national:
        return Q()
    return Q(**{f"{province_field}__in": scope.province_codes})


# --------------------------------------------------------------------------------------
# Recognition decision
# --------------------------------------------------------------------------------------


class RecognitionDecisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The central office sees every decision; a provincial office its province's, signed
        or draft; everyone else only signed decisions that recognise one of their products."""
        condition = scope_filter(user, province_field="province_id")
        if condition is not None:
            condition |= scope_filter(user, province_field="items__product__producer__province_id")
        if condition is None:
            return self.none()
        if official_scope(user).is_national:
            return self
        mine = Q(
            status=RecognitionDecision.Status.SIGNED,
            items__product__producer_id__in=ProducerMember.objects.filter(user=user).values(
                "producer_id"
            ),
        )
        return self.filter(condition | mine).distinct()

    def signed(self):
        return self.filter(status=RecognitionDecision.Status.SIGNED)


class RecognitionDecision(TimeStampedModel):
    """A decision recognising products at 3 to 5 stars (Quyết định công nhận)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SIGNED = "signed", _("signed")

    number = models.CharField(
        _("decision number"), max_length=50, help_text=_("As written on it, e.g. 1234/QĐ-UBND.")
    )
    decided_on = models.DateField(_("date of the decision"))
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    authority = models.CharField(_("authority"), max_length=20, choices=Authority.choices)
    signer_name = models.CharField(_("signed by"), max_length=150)
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The province whose chairman decides; empty for the Minister's decisions."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    is_historical = models.BooleanField(
        _("recorded from before the platform"),
        default=False,
        help_text=_("Taken before the platform; its certificates were entered by hand."),
    )
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Invented for the demo; not a real decision.")
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

    objects = RecognitionDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("recognition decision")
        verbose_name_plural = _("recognition decisions")
        ordering = ["-decided_on", "-id"]
        constraints = [
            # Decision numbers restart every year at each issuing body.
            models.UniqueConstraint(
                fields=["province", "authority", "year", "number"],
                condition=Q(province__isnull=False),
                name="%(app_label)s_%(class)s_unique_number_in_province",
            ),
            models.UniqueConstraint(
                fields=["authority", "year", "number"],
                condition=Q(province__isnull=True),
                name="%(app_label)s_%(class)s_unique_number_central",
            ),
            models.CheckConstraint(
                condition=Q(authority="minister") | Q(province__isnull=False),
                name="%(app_label)s_%(class)s_local_authority_has_province",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", signed_at__isnull=True)
                | Q(status="signed", signed_at__isnull=False),
                name="%(app_label)s_%(class)s_signed_at_iff_signed",
            ),
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        self.year = self.decided_on.year
        super().save(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED


class DecisionItem(models.Model):
    """One product recognised by a decision, at one star; the council result it rests on
    (none for a historical decision)."""

    decision = models.ForeignKey(
        RecognitionDecision,
        verbose_name=_("decision"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    position = models.PositiveSmallIntegerField(_("line"))
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="decision_items",
    )
    star = models.PositiveSmallIntegerField(_("star"))
    dossier = models.ForeignKey(
        "evaluations.Dossier",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    council_result = models.ForeignKey(
        "evaluations.CouncilResult",
        verbose_name=_("council result"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("recognised product")
        verbose_name_plural = _("recognised products")
        ordering = ["decision", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "product"], name="%(app_label)s_%(class)s_unique_product"
            ),
            models.UniqueConstraint(
                fields=["decision", "position"], name="%(app_label)s_%(class)s_unique_position"
            ),
            # A dossier is recognised once, by one decision.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(dossier__isnull=False),
                name="%(app_label)s_%(class)s_one_decision_per_dossier",
            ),
            models.CheckConstraint(
                condition=Q(star__gte=3, star__lte=5), name="%(app_label)s_%(class)s_star_valid"
            ),
        ]

    def __str__(self):
        return f"{self.decision} — {self.product} ({self.star}★)"


# --------------------------------------------------------------------------------------
# Certificate
# --------------------------------------------------------------------------------------


class CertificateStatus(models.TextChoices):
    NOT_YET_VALID = "not_yet_valid", _("not yet valid")
    VALID = "valid", _("valid")
    RE_RATING_WINDOW = "re_rating_window", _("valid; re-rating window open")
    EXTENDED = "extended", _("expired; kept valid until the re-rating is decided")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")
    SUPERSEDED = "superseded", _("replaced by a newer certificate")


#: The statuses in which the certificate may be shown on a product's packaging.
VALID_STATUSES = frozenset(
    {CertificateStatus.VALID, CertificateStatus.RE_RATING_WINDOW, CertificateStatus.EXTENDED}
)


def pending_re_rating():
    """A re-rating of the certificate's product that keeps the certificate valid past its
    expiry (art. 12(3): filed after the window closed, no result yet; an ``Exists`` for
    annotating certificates). ``Dossier.objects.extending_certificates`` says which."""
    return Exists(
        Dossier.objects.extending_certificates().filter(product_id=OuterRef("product_id"))
    )


def re_rating_filed():
    """A re-rating of the certificate's product filed and not decided yet, late or on time
    (an ``Exists``): the reminders to file one stop then."""
    return Exists(
        Dossier.objects.re_ratings_in_progress().filter(product_id=OuterRef("product_id"))
    )


class CertificateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Officials see their territory's certificates (the central office all); producer
        members their products' certificates."""
        condition = scope_filter(user, province_field="product__producer__province_id")
        if condition is None:
            return self.none()
        if official_scope(user).is_national:
            return self
        mine = Q(
            product__producer_id__in=ProducerMember.objects.filter(user=user).values("producer_id")
        )
        return self.filter(condition | mine)

    def with_pending_re_rating(self):
        """``has_pending_re_rating``: a late re-rating keeps it valid past expiry."""
        return self.annotate(has_pending_re_rating=pending_re_rating())

    def with_re_rating_filed(self):
        """``has_re_rating_filed``: a re-rating is filed and not decided (late or on time)."""
        return self.annotate(has_re_rating_filed=re_rating_filed())

    def valid_on(self, day: datetime.date):
        """Certificates that may be shown as valid on ``day``: issued, not revoked or
        superseded by then, and not expired (or expired less than 180 days ago with a re-rating
        still pending). The same rule as :func:`certificate_status`."""
        in_grace = Q(
            valid_until__lt=day,
            valid_until__gte=day - datetime.timedelta(days=grace_days()),
            has_pending_re_rating=True,
        )
        return (
            self.with_pending_re_rating()
            .filter(issued_on__lte=day)
            .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
            .filter(Q(superseded_on__isnull=True) | Q(superseded_on__gt=day))
            .filter(Q(valid_until__gte=day) | in_grace)
        )

    def with_list_data(self):
        return self.select_related(
            "product", "product__producer", "decision"
        ).with_pending_re_rating()


def grace_days() -> int:
    """Days a certificate stays valid past expiry while a late re-rating is decided."""
    return CERTIFICATE_GRACE_DAYS


class Certificate(TimeStampedModel):
    """The certificate of one product's star rating (Giấy chứng nhận), valid 36 months."""

    number = models.CharField(_("certificate number"), max_length=60, unique=True)
    decision = models.ForeignKey(
        RecognitionDecision,
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    item = models.OneToOneField(
        DecisionItem,
        verbose_name=_("decision line"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    star = models.PositiveSmallIntegerField(_("star"))
    council_result = models.ForeignKey(
        "evaluations.CouncilResult",
        verbose_name=_("council result"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(
        _("valid until"), help_text=_("36 months after issue; the last day it is valid.")
    )
    public_code = models.CharField(
        _("verification code"),
        max_length=24,
        unique=True,
        default=new_public_code,
        editable=False,
        help_text=_("The random code of the public verification address."),
    )
    is_current = models.BooleanField(
        _("current"),
        default=True,
        editable=False,
        help_text=_("Neither revoked nor replaced; at most one per product."),
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_ground = models.CharField(
        _("ground for revocation"), max_length=30, choices=RevocationGround.choices, blank=True
    )
    revocation_decision_number = models.CharField(
        _("revocation decision number"), max_length=50, blank=True
    )
    revocation_note = models.TextField(_("revocation note"), blank=True)
    revocation_finding_on = models.DateField(
        _("revocation period started on"),
        null=True,
        blank=True,
        help_text=_(
            "The day of the competent authority's conclusion on the breach, or of the commune "
            "People's Committee's confirmation that production stopped: the 15 days of art. 8(4) "
            "run from it."
        ),
    )
    revocation_due_on = models.DateField(
        _("revocation due by"),
        null=True,
        blank=True,
        help_text=_(
            "The 15th day after that day, or the next working day when it is a day off; "
            "computed when the revocation was recorded."
        ),
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    superseded_on = models.DateField(_("replaced on"), null=True, blank=True)
    scan_count = models.PositiveIntegerField(_("verifications"), default=0, editable=False)
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Invented for the demo; not a real certificate."),
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(is_current=True),
                name="%(app_label)s_%(class)s_one_current_per_product",
            ),
            models.CheckConstraint(
                condition=Q(star__gte=3, star__lte=5), name="%(app_label)s_%(class)s_star_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("issued_on")),
                name="%(app_label)s_%(class)s_valid_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(
                    revoked_on__isnull=True,
                    revocation_ground="",
                    revocation_finding_on__isnull=True,
                    revocation_due_on__isnull=True,
                )
                | (
                    Q(
                        revoked_on__isnull=False,
                        revocation_finding_on__isnull=False,
                        revocation_due_on__isnull=False,
                    )
                    & ~Q(revocation_ground="")
                    & ~Q(revocation_decision_number="")
                ),
                name="%(app_label)s_%(class)s_revocation_complete",
            ),
            # The 15 days run from the finding (art. 8(4)); the revocation is not decided
            # before it.
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True)
                | Q(
                    revocation_finding_on__lte=models.F("revoked_on"),
                    revocation_due_on__gt=models.F("revocation_finding_on"),
                ),
                name="%(app_label)s_%(class)s_revocation_after_finding",
            ),
            models.CheckConstraint(
                condition=Q(superseded_by__isnull=True, superseded_on__isnull=True)
                | Q(superseded_by__isnull=False, superseded_on__isnull=False),
                name="%(app_label)s_%(class)s_superseded_on_iff_superseded",
            ),
            models.CheckConstraint(
                condition=Q(is_current=False)
                | Q(revoked_on__isnull=True, superseded_by__isnull=True),
                name="%(app_label)s_%(class)s_current_not_revoked_or_superseded",
            ),
        ]
        indexes = [
            # The back-office list's order (newest first), read by keyset pages.
            models.Index(fields=["-issued_on", "-id"], name="certificates_cert_issued"),
        ]

    def __str__(self):
        return self.number

    @property
    def star_mark(self) -> str:
        return "★" * self.star

    @property
    def re_rating_window(self):
        return re_rating_window(self.valid_until)

    @property
    def revocation_finding_label(self) -> str:
        """What the revocation's 15 days ran from: the authority's conclusion, or the commune's
        confirmation that production stopped."""
        return finding_messages(self.revocation_ground)["label"]

    @property
    def is_revoked_late(self) -> bool:
        """Revoked after the 15 days of art. 8(4) had run out: recorded and reported, never
        refused (the query: ``revoked_on__gt=F("revocation_due_on")``)."""
        return self.revoked_on is not None and self.revoked_on > self.revocation_due_on

    def status_on(self, day: datetime.date, *, pending_re_rating: bool | None = None) -> str:
        """The status on ``day``. Without ``pending_re_rating``, the annotation of
        ``with_pending_re_rating()`` is used, or one query asks for it."""
        if pending_re_rating is None:
            pending_re_rating = getattr(self, "has_pending_re_rating", None)
        if pending_re_rating is None:
            pending_re_rating = (
                Certificate.objects.filter(pk=self.pk)
                .with_pending_re_rating()
                .values_list("has_pending_re_rating", flat=True)
                .first()
                or False
            )
        return certificate_status(self, on=day, pending_re_rating=pending_re_rating)


def certificate_status(
    certificate, *, on: datetime.date, pending_re_rating: bool = False
) -> CertificateStatus:
    """What a certificate is on the day ``on`` (pure: reads only the certificate's fields).

    Revoked and superseded win from their day on. Otherwise: valid from the day of issue to the
    expiry day (``valid_until``) included, with the re-rating window (180 to 120 days before
    expiry, both included) shown as such; after expiry, a re-rating filed after the window
    closed and not decided keeps it valid ("extended") for at most 180 days (art. 12(3)); then
    expired. A re-rating filed in the window has no such grace: it is decided within 45 days
    (art. 7(6)(g)), before the expiry day.
    """
    if certificate.revoked_on is not None and certificate.revoked_on <= on:
        return CertificateStatus.REVOKED
    if certificate.superseded_on is not None and certificate.superseded_on <= on:
        return CertificateStatus.SUPERSEDED
    if on < certificate.issued_on:
        return CertificateStatus.NOT_YET_VALID
    expires_on = certificate.valid_until
    if on <= expires_on:
        if re_rating_window(expires_on).contains(on):
            return CertificateStatus.RE_RATING_WINDOW
        return CertificateStatus.VALID
    if on <= certificate_valid_through(expires_on, re_rating_filed=pending_re_rating):
        return CertificateStatus.EXTENDED
    return CertificateStatus.EXPIRED
