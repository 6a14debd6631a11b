"""Raw-material areas, the households that grow for a producer, their contracts and purchases,
and the production lots that draw on them (issue 17, docs/supply.md).

Who sees what: a producer's members see their own producer's rows; officials see none of these
rows, only the aggregates of `ocop.supply.linkage` in their scope. A household's name, village
and contract are personal data (docs/privacy.md) and are never public."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.core.models import TimeStampedModel
from ocop.producers.choices import ETHNICITY_CHOICES
from ocop.producers.models import ProducerMember


class Unit(models.TextChoices):
    """Units of raw material. Weights are summed in kilograms, volumes in litres."""

    KILOGRAM = "kg", _("kg")
    QUINTAL = "ta", _("quintal (100 kg)")
    TONNE = "tonne", _("tonne")
    LITRE = "litre", _("litre")


# How many base units (kg or litre) one unit holds, and which base it is.
BASE_UNIT = {
    Unit.KILOGRAM: (Decimal(1), Unit.KILOGRAM),
    Unit.QUINTAL: (Decimal(100), Unit.KILOGRAM),
    Unit.TONNE: (Decimal(1000), Unit.KILOGRAM),
    Unit.LITRE: (Decimal(1), Unit.LITRE),
}


def ownership_errors(row) -> dict:
    """The household and the product of a contract or a purchase must be its producer's."""
    errors = {}
    if row.household_id and row.household.producer_id != row.producer_id:
        errors["household"] = _("The household is not in this producer's list.")
    if row.product_id and row.product.producer_id != row.producer_id:
        errors["product"] = _("The product is not this producer's.")
    return errors


class OwnedQuerySet(models.QuerySet):
    """Rows of a producer: only that producer's members see them (officials see aggregates)."""

    producer_path = "producer"

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        producers = ProducerMember.objects.filter(user=user).values("producer_id")
        return self.filter(**{f"{self.producer_path}__in": producers})


class RawMaterialArea(TimeStampedModel):
    """A raw-material area (vùng nguyên liệu) of a producer."""

    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        related_name="raw_material_areas",
    )
    name = models.CharField(_("name"), max_length=200)
    crop = models.CharField(_("crop"), max_length=100)
    hectares = models.DecimalField(_("area (ha)"), max_digits=10, decimal_places=2)
    growing_area_code = models.CharField(
        _("growing-area code"),
        max_length=50,
        blank=True,
        help_text=_("The mã số vùng trồng, where one has been granted."),
    )
    communes = models.ManyToManyField(
        "regions.Commune", verbose_name=_("communes"), related_name="raw_material_areas"
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    outline = models.JSONField(
        _("outline"),
        null=True,
        blank=True,
        help_text=_("A GeoJSON polygon drawn on the map."),
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("raw-material area")
        verbose_name_plural = _("raw-material areas")
        ordering = ["producer", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hectares__gt=0), name="supply_area_hectares_positive"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="supply_area_coordinates",
            ),
        ]

    def __str__(self):
        return self.name


class AreaCertificationQuerySet(OwnedQuerySet):
    producer_path = "area__producer"


class AreaCertification(TimeStampedModel):
    class Kind(models.TextChoices):
        VIETGAP = "vietgap", _("VietGAP")
        ORGANIC = "organic", _("Organic")
        GLOBALGAP = "globalgap", _("GlobalGAP")
        OTHER = "other", _("Other")

    area = models.ForeignKey(
        RawMaterialArea,
        verbose_name=_("raw-material area"),
        on_delete=models.CASCADE,
        related_name="certifications",
    )
    kind = models.CharField(_("certification"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("certificate number"), max_length=100)
    body = models.CharField(_("certifying body"), max_length=200)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"))

    objects = AreaCertificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("area certification")
        verbose_name_plural = _("area certifications")
        ordering = ["area", "valid_until", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True) | Q(issued_on__lte=models.F("valid_until")),
                name="supply_certification_dates",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"


class Household(TimeStampedModel):
    """A household that grows for a producer, in the producer's own register."""

    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    head_name = models.CharField(_("head of household"), max_length=100)
    ethnicity = models.CharField(_("ethnicity"), max_length=30, choices=ETHNICITY_CHOICES)
    commune = models.ForeignKey(
        "regions.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.CharField(_("village"), max_length=100)
    areas = models.ManyToManyField(
        RawMaterialArea,
        verbose_name=_("raw-material areas"),
        related_name="households",
        blank=True,
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["producer", "head_name", "id"]

    def __str__(self):
        return self.head_name


class Contract(TimeStampedModel):
    """A linkage contract: a household grows for a producer, for a product, over a period."""

    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        related_name="supply_contracts",
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="contracts"
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="supply_contracts",
    )
    number = models.CharField(_("contract number"), max_length=60, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    committed_quantity = models.DecimalField(
        _("committed quantity"), max_digits=12, decimal_places=2
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.KILOGRAM)
    price_terms = models.TextField(_("price terms"))

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("linkage contract")
        verbose_name_plural = _("linkage contracts")
        ordering = ["producer", "-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="supply_contract_period"
            ),
            models.CheckConstraint(
                condition=Q(committed_quantity__gt=0), name="supply_contract_quantity_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["product", "starts_on"], name="supply_contract_product_start")
        ]

    def __str__(self):
        return self.number or f"{self.household} — {self.product}"

    def clean(self):
        if errors := ownership_errors(self):
            raise ValidationError(errors)


class Purchase(TimeStampedModel):
    """Raw material bought from a household. ``base_quantity`` is the quantity in kg (or
    litres), kept by `save` so that sums never mix units. ``entry_key`` makes an entry sent
    twice (a phone's queue after a dropped connection) store one purchase."""

    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        related_name="supply_purchases",
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="purchases"
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("for product"),
        on_delete=models.PROTECT,
        related_name="supply_purchases",
    )
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("under contract"),
        on_delete=models.PROTECT,
        related_name="purchases",
        null=True,
        blank=True,
    )
    purchased_on = models.DateField(_("purchased on"))
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.KILOGRAM)
    base_quantity = models.DecimalField(max_digits=15, decimal_places=2, editable=False)
    base_unit = models.CharField(max_length=10, choices=Unit.choices, editable=False)
    unit_price = models.DecimalField(_("unit price (VND)"), max_digits=14, decimal_places=0)
    quality_grade = models.CharField(_("quality grade"), max_length=30, blank=True)
    lot = models.CharField(_("raw-material lot"), max_length=60, blank=True)
    entry_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        ordering = ["producer", "-purchased_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="supply_purchase_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="supply_purchase_price_not_negative"
            ),
        ]
        indexes = [
            # The linkage figures: one product's purchases over twelve months.
            models.Index(fields=["product", "purchased_on"], name="supply_purchase_product_day"),
            models.Index(fields=["producer", "purchased_on"], name="supply_purchase_producer_day"),
        ]

    def __str__(self):
        # No household name: a purchase's text may reach the audit log and officials' pages.
        return f"{self.purchased_on} {self.quantity} {self.get_unit_display()}"

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_price

    def save(self, *args, **kwargs):
        factor, self.base_unit = BASE_UNIT[Unit(self.unit)]
        self.base_quantity = self.quantity * factor
        super().save(*args, **kwargs)

    def clean(self):
        errors = ownership_errors(self)
        if self.contract_id and self.purchased_on:
            contract = self.contract
            if contract.household_id != self.household_id or contract.product_id != self.product_id:
                errors["contract"] = _("The contract is for another household or product.")
            elif not contract.starts_on <= self.purchased_on <= contract.ends_on:
                errors["contract"] = _("The contract was not in force on the day of purchase.")
        if errors:
            raise ValidationError(errors)


class ProductionLot(TimeStampedModel):
    """A lot of a product, made from purchased raw material. A stamp that carries the lot's
    code lets `/v/<code>` show where it came from: communes, areas, certifications, season;
    never a household."""

    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        related_name="production_lots",
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="production_lots",
    )
    code = models.CharField(_("lot code"), max_length=60)
    produced_on = models.DateField(_("produced on"))
    season = models.CharField(_("season"), max_length=100, blank=True)
    purchases = models.ManyToManyField(
        Purchase, verbose_name=_("purchases used"), related_name="production_lots", blank=True
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("production lot")
        verbose_name_plural = _("production lots")
        ordering = ["product", "-produced_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="supply_lot_code_per_product")
        ]

    def __str__(self):
        return self.code
