"""The catalogue's search index (one row per product with the folded words it is found by) and
the buyers' inquiries.

A search entry is derived data (refreshed by :mod:`ocop.market.search` when a product, its
producer or its certificates change); the certificate's validity is never stored here but
computed for the day of each request, so a revoked or expired product leaves the catalogue at
once."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.accounts.scope import official_scope
from ocop.core.models import TimeStampedModel
from ocop.producers.models import ProducerMember


class SearchEntry(models.Model):
    product = models.OneToOneField(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="search_entry",
    )
    folded_text = models.TextField(
        editable=False,
        help_text="Folded words of the product, producer, commune and legacy district names, "
        "each preceded by a space.",
    )
    exact_text = models.TextField(
        editable=False, help_text="The same names in NFC lower case, with their tone marks."
    )
    product_words = models.TextField(editable=False, help_text="Folded words of the name alone.")

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return self.folded_text[:80]


class InquiryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Producer members see their producers' inquiries; officials those of their territory
        (the central office all of them). Nobody else sees any."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        scope = official_scope(user)
        if scope.is_national:
            return self
        return self.filter(
            Q(province_id__in=scope.province_codes)
            | Q(producer__commune_id__in=scope.commune_codes)
            | Q(producer_id__in=ProducerMember.objects.filter(user=user).values("producer_id"))
        )

    def editable_by(self, user):
        """Only the producer's members answer its inquiries."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(
            producer_id__in=ProducerMember.objects.filter(user=user).values("producer_id")
        )


class Inquiry(TimeStampedModel):
    """A buyer's request for a quote (B2B), sent from a product page to its producer."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        REPLIED = "replied", _("replied")
        CLOSED = "closed", _("closed")

    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="inquiries",
    )
    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        related_name="inquiries",
        editable=False,
    )
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    buyer_name = models.CharField(_("your name"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), max_length=150, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    wanted_by = models.DateField(_("wanted by"), null=True, blank=True)
    message = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    replied_at = models.DateTimeField(_("first replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reply_note = models.TextField(_("reply note"), blank=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        verbose_name = _("buyer inquiry")
        verbose_name_plural = _("buyer inquiries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["producer", "status"], name="market_inquiry_inbox")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email=""),
                name="%(app_label)s_%(class)s_has_contact",
            ),
            models.CheckConstraint(
                condition=Q(status="new") | Q(replied_at__isnull=False) | Q(status="closed"),
                name="%(app_label)s_%(class)s_replied_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.buyer_name} — {self.product}"

    @property
    def response_time(self):
        return self.replied_at - self.created_at if self.replied_at else None
