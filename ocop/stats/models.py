"""Summary tables behind the dashboards and the open data.

They hold nothing of their own: every row is derived from the certificates, products,
producers and council results, kept current by the receivers of ``ocop.stats.summary``
(``certificates_changed``, product and producer saves, new council results), and
``manage.py reconcile_stats`` recomputes them from the raw data and reports any difference.

- :class:`CertificateFact`: one row per certificate, with the product's classification, the
  producer's type and territory copied beside the certificate's dates, so that "how many products
  hold a valid certificate on day D, by star / set / producer type / province" is one GROUP BY
  over one table, whatever the day.
- :class:`CriterionLoss`: per province, scoring sheet and criterion, how many council results
  scored it and how many points they lost on it (the criterion's maximum minus the council's
  mean): "where support should go".
- :class:`SummaryVersion`: one row whose token changes whenever a figure may change; the
  derived figures are cached under it (``ocop.stats.cache``).
"""

import datetime
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.certificates.models import grace_days
from ocop.evaluations.models import Dossier


def pending_re_rating_products():
    """The products whose certificate a late re-rating keeps valid past expiry (art. 12(3);
    ``Dossier.objects.extending_certificates``)."""
    return Dossier.objects.extending_certificates().values("product_id")


class CertificateFactQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        """The same rule as ``Certificate.objects.valid_on``: issued, not revoked or superseded
        by then, and not expired (or in the 180 days of grace with a re-rating pending)."""
        return self.filter(valid_q(day))

    def in_scope(self, *, province=None, commune=None):
        if commune is not None:
            return self.filter(commune_id=commune)
        if province is not None:
            return self.filter(province_id=province)
        return self


def valid_q(day: datetime.date) -> Q:
    """The condition of validity on ``day``, usable in ``filter()`` and in an aggregate's
    ``filter=``. The grace period asks whether the product has a pending re-rating with
    ``product IN (…)``, the same test as ``certificates.models.pending_re_rating()`` but not
    correlated, so the database computes the (short) list once instead of once per row."""
    in_grace = Q(
        valid_until__lt=day,
        valid_until__gte=day - datetime.timedelta(days=grace_days()),
        product_id__in=pending_re_rating_products(),
    )
    return (
        Q(issued_on__lte=day)
        & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
        & (Q(superseded_on__isnull=True) | Q(superseded_on__gt=day))
        & (Q(valid_until__gte=day) | in_grace)
    )


class CertificateFact(models.Model):
    """One certificate with what the statistics group it by (derived; see the module)."""

    certificate = models.OneToOneField(
        "certificates.Certificate",
        verbose_name=_("certificate"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    product = models.ForeignKey(
        "products.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("producer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    producer_kind = models.CharField(_("producer type"), max_length=30)
    province = models.ForeignKey(
        "regions.Province", verbose_name=_("province"), on_delete=models.CASCADE, related_name="+"
    )
    commune = models.ForeignKey(  # empty while an imported producer's commune is open
        "regions.Commune",
        verbose_name=_("commune"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    sector_id = models.PositiveSmallIntegerField(_("sector"))
    group_id = models.PositiveSmallIntegerField(_("product group"))
    scoring_set_id = models.PositiveSmallIntegerField(_("scoring set"))
    star = models.PositiveSmallIntegerField(_("star"))
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    superseded_on = models.DateField(_("replaced on"), null=True, blank=True)
    first_recognised_year = models.PositiveSmallIntegerField(
        _("year of first recognition of the product")
    )
    upgrades_to_next_star = models.PositiveSmallIntegerField(
        _("criteria to raise for the next star"),
        null=True,
        blank=True,
        help_text=_("From the gap report of the council result; empty when unknown or 5★."),
    )
    is_extended = models.BooleanField(
        _("kept valid by a late re-rating"),
        default=False,
        help_text=_(
            "The product has a late re-rating pending: the certificate counts for 180 days "
            "past its expiry."
        ),
    )

    objects = CertificateFactQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate summary row")
        verbose_name_plural = _("certificate summary rows")
        indexes = [
            # Each ends on the id: the expiring lists' order (valid until, id) is read from the
            # index and stops after its first rows, however many certificates a decision gave
            # the same day.
            models.Index(
                fields=["province", "valid_until", "certificate"], name="stats_fact_province_until"
            ),
            models.Index(
                fields=["commune", "valid_until", "certificate"], name="stats_fact_commune_until"
            ),
            models.Index(fields=["valid_until", "certificate"], name="stats_fact_until"),
            models.Index(fields=["product"], name="stats_fact_product"),
            # The few 5★ certificates, for the potential 5★ count: read from this small index
            # instead of every fact.
            models.Index(
                fields=["product", "issued_on"],
                condition=models.Q(star=5),
                name="stats_fact_five_star",
            ),
            models.Index(fields=["revoked_on"], name="stats_fact_revoked_on"),
        ]

    def __str__(self):
        return f"{self.certificate_id} ({self.star}★)"


class Tally(models.Model):
    """Counts of the certificate facts by province, scoring set and star (``producer_kind``
    empty), or by province and producer type (``scoring_set_id`` and ``star`` 0), so that a
    national figure on any day reads a few thousand rows whatever the number of certificates.

    A ``day`` row holds the changes of that day: the validity of a certificate, its "expiring
    within 180 days" and "one criterion from the next star", and a producer's spells of holding a
    valid certificate each add 1 on their first day and take 1 on the day after their last; the
    issues, revocations and first recognitions add 1 on their day. A ``month`` row (``day`` is
    the month's last day) holds the same counts valid at the end of that day, and the issues,
    revocations and first recognitions of the year to the end of that month. So the counts
    valid on D are the ``month`` rows of the month before D plus the ``day`` rows of D's month
    up to D, and a year's events are its 31 December rows (see ``ocop.stats.tallies``)."""

    class Period(models.TextChoices):
        DAY = "day", _("changes of the day")
        MONTH = "month", _("end of the month")

    period = models.CharField(_("period"), max_length=5, choices=Period.choices)
    day = models.DateField(_("day"))
    province = models.ForeignKey(
        "regions.Province", verbose_name=_("province"), on_delete=models.CASCADE, related_name="+"
    )
    scoring_set_id = models.PositiveSmallIntegerField(_("scoring set"))
    star = models.PositiveSmallIntegerField(_("star"))
    producer_kind = models.CharField(_("producer type"), max_length=30, blank=True)
    products = models.IntegerField(_("products"), default=0)
    expiring = models.IntegerField(_("expiring within 180 days"), default=0)
    one_step = models.IntegerField(_("one criterion from the next star"), default=0)
    producers = models.IntegerField(_("producers"), default=0)
    issued = models.IntegerField(_("certificates issued"), default=0)
    revoked = models.IntegerField(_("certificates revoked"), default=0)
    first_recognised = models.IntegerField(_("products recognised for the first time"), default=0)

    class Meta:
        verbose_name = _("statistics tally")
        verbose_name_plural = _("statistics tallies")
        indexes = [
            # The producer-type rows (star 0) of a day or of the months of the year table.
            models.Index(fields=["star", "period", "day"], name="stats_tally_star_period_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "day", "province", "scoring_set_id", "star", "producer_kind"],
                name="%(app_label)s_%(class)s_unique",
            )
        ]

    def __str__(self):
        return f"{self.period} {self.day} {self.province_id} {self.scoring_set_id} {self.star}"


class CriterionLoss(models.Model):
    """Points lost on one criterion by the council results of one province and sheet."""

    province = models.ForeignKey(
        "regions.Province", verbose_name=_("province"), on_delete=models.CASCADE, related_name="+"
    )
    version = models.CharField(_("rubric version"), max_length=20)
    sheet_number = models.PositiveSmallIntegerField(_("scoring sheet"))
    criterion_code = models.CharField(_("criterion"), max_length=20)
    criterion_title = models.CharField(_("criterion title"), max_length=500)
    results = models.PositiveIntegerField(_("council results"))
    points_lost = models.DecimalField(_("points lost"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("points lost on a criterion")
        verbose_name_plural = _("points lost on criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "version", "sheet_number", "criterion_code"],
                name="%(app_label)s_%(class)s_unique",
            )
        ]

    def __str__(self):
        return f"{self.province_id} {self.sheet_number} {self.criterion_code}"


class SummaryVersion(models.Model):
    """The version of the statistics (one row, ``pk=1``): a new random token each time the
    summary tables or what the figures read beside them (dossier statuses, names of units and
    of the classification) change. The cached figures are keyed by it, so every server sees a
    change at once, whatever its cache."""

    token = models.UUIDField(_("token"), default=uuid.uuid4)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("statistics version")
        verbose_name_plural = _("statistics versions")

    def __str__(self):
        return str(self.token)
