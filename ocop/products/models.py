from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ocop.accounts.scope import official_scope
from ocop.core.models import TimeStampedModel
from ocop.core.text import fold
from ocop.producers.models import Producer

from .codes import normalize_code

ALL_MONTHS = (1 << 12) - 1


class BilingualName(models.Model):
    """Classification rows carry the legal Vietnamese name and an English one; `name` follows the
    active language."""

    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class Sector(BilingualName):
    """One of the 6 product sectors of Annex I (I food … VI tourism services)."""

    code = models.PositiveSmallIntegerField(_("code"), primary_key=True)
    numeral = models.CharField(_("numeral"), max_length=4)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["code"]


class ProductGroup(BilingualName):
    """One of the 17 groups of Annex I."""

    code = models.PositiveSmallIntegerField(_("code"), primary_key=True)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="groups"
    )

    class Meta:
        verbose_name = _("product group")
        verbose_name_plural = _("product groups")
        ordering = ["code"]


class ScoringSet(BilingualName):
    """One of the 26 product sets (bộ sản phẩm), each scored on its own sheet of Annex II."""

    number = models.PositiveSmallIntegerField(_("number"), primary_key=True)
    group = models.ForeignKey(
        ProductGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="sets"
    )
    authority = models.CharField(_("managing ministry"), max_length=255)

    class Meta:
        verbose_name = _("scoring set")
        verbose_name_plural = _("scoring sets")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.name}"


class ProductQuerySet(models.QuerySet):
    def visible_to(self, user):
        if official_scope(user).is_national:
            # Every producer is visible: no subquery, so the name index serves the list's order.
            return self.all()
        return self.filter(producer__in=Producer.objects.visible_to(user))

    def editable_by(self, user):
        return self.filter(producer__in=Producer.objects.editable_by(user))

    def search(self, text):
        folded = fold(text)
        if not folded:
            return self
        return self.filter(
            Q(folded_name__contains=folded)
            | Q(producer__folded_name__contains=folded)
            | Q(code=normalize_code(text))
        )

    def in_season(self, month):
        return self.annotate(
            _season_bit=models.F("available_months").bitand(1 << (month - 1))
        ).filter(_season_bit__gt=0)

    def filtered(
        self,
        *,
        q="",
        province=None,
        commune=None,
        producer=None,
        sector=None,
        group=None,
        scoring_set=None,
        month=None,
    ):
        """The back-office list filters; each argument left empty is not applied."""
        queryset = self
        if province:
            queryset = queryset.filter(producer__province_id=province)
        if commune:
            queryset = queryset.filter(producer__commune_id=commune)
        if producer:
            queryset = queryset.filter(producer_id=producer)
        if sector:
            queryset = queryset.filter(scoring_set__group__sector_id=sector)
        if group:
            queryset = queryset.filter(scoring_set__group_id=group)
        if scoring_set:
            queryset = queryset.filter(scoring_set_id=scoring_set)
        if month:
            queryset = queryset.in_season(month)
        if q:
            queryset = queryset.search(q)
        return queryset

    def with_list_data(self):
        return self.select_related(
            "producer", "producer__province", "producer__commune", "scoring_set"
        )


class Product(TimeStampedModel):
    producer = models.ForeignKey(
        Producer, verbose_name=_("producer"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("name"), max_length=200)
    folded_name = models.CharField(max_length=200, editable=False)
    scoring_set = models.ForeignKey(
        ScoringSet,
        verbose_name=_("scoring set"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    code = models.CharField(
        _("product code"),
        max_length=40,
        blank=True,
        help_text=_("T-X-STT-YYYY: province code, commune code, sequence number, year."),
    )
    description = models.TextField(_("description"), blank=True)
    story = models.TextField(_("product story"), blank=True)
    unit = models.CharField(_("unit of sale"), max_length=50, blank=True)
    packaging = models.CharField(_("packaging"), max_length=200, blank=True)
    price_min = models.PositiveIntegerField(_("lowest price (VND)"), null=True, blank=True)
    price_max = models.PositiveIntegerField(_("highest price (VND)"), null=True, blank=True)
    available_months = models.PositiveSmallIntegerField(
        _("months of availability"), default=ALL_MONTHS
    )
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    standards = models.CharField(
        _("standards and certifications"),
        max_length=255,
        blank=True,
        help_text=_("E.g. TCCS, VietGAP, organic, HACCP."),
    )
    geographical_indication = models.CharField(
        _("geographical indication"), max_length=200, blank=True
    )
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Invented for the demo; not a real product.")
    )

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["folded_name", "id"]
        indexes = [
            # The lists' order (and a prefix search on the name), read by keyset pages.
            models.Index(fields=["folded_name", "id"], name="products_product_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="%(app_label)s_%(class)s_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(price_min__isnull=True)
                | Q(price_max__isnull=True)
                | Q(price_max__gte=models.F("price_min")),
                name="%(app_label)s_%(class)s_price_range",
            ),
            models.CheckConstraint(
                condition=Q(available_months__lte=ALL_MONTHS),
                name="%(app_label)s_%(class)s_months_bitmask",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.folded_name = fold(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("products:product_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if (
            self.price_min is not None
            and self.price_max is not None
            and self.price_max < self.price_min
        ):
            errors["price_max"] = ValidationError(
                _(
                    "The highest price (%(max)s VND) is lower than the lowest price "
                    "(%(min)s VND). Swap them or correct one of them."
                ),
                code="price_range",
                params={
                    "max": number_format(self.price_max, force_grouping=True),
                    "min": number_format(self.price_min, force_grouping=True),
                },
            )
        if self.available_months is not None and not 0 < self.available_months <= ALL_MONTHS:
            errors["available_months"] = ValidationError(
                _("Tick at least one month when the product is available."), code="no_months"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def months(self) -> list[int]:
        return [month for month in range(1, 13) if self.available_months & (1 << (month - 1))]

    @property
    def month_names(self) -> list[str]:
        return [MONTHS[month] for month in self.months]

    @property
    def is_available_all_year(self) -> bool:
        return self.available_months == ALL_MONTHS

    @staticmethod
    def months_to_mask(months) -> int:
        mask = 0
        for month in months:
            mask |= 1 << (int(month) - 1)
        return mask


def photo_upload_to(instance, filename):
    return f"products/{instance.product_id}/photos/{filename}"


def thumbnail_upload_to(instance, filename):
    return f"products/{instance.product_id}/thumbnails/{filename}"


class ProductPhotoQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(product__in=Product.objects.visible_to(user))

    def editable_by(self, user):
        return self.filter(product__in=Product.objects.editable_by(user))


class ProductPhoto(TimeStampedModel):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("image"), upload_to=photo_upload_to)
    thumbnail = models.ImageField(upload_to=thumbnail_upload_to, editable=False)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ProductPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "id"]

    def __str__(self):
        return self.caption or f"{self.product} #{self.position}"
