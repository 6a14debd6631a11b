"""The catalogue's search index (one row per product with the folded words it is found by) and
the buyers' inquiries.

A search entry is derived data (refreshed by :mod:`ocop.market.search` when a product, its
producer or its certificates change); the certificate's validity is never stored here but
computed for the day of each request, so a revoked or expired product leaves the catalogue at
once."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.accounts.scope import official_scope
from ocop.core.models import TimeStampedModel
from ocop.producers.models import ProducerMember

from .words import FoldedWords, WordsField


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


class Listing(models.Model):
    """What the catalogue sorts and filters on, for one product holding a current certificate
    (neither revoked nor replaced): kept by :mod:`ocop.market.listing` in the transaction that
    changes the certificate, the product, its producer or a re-rating that extends it.

    The product is listed on a day ``d`` when ``certified_on <= d <= listed_until``; that is
    the rule of :meth:`Certificate.objects.valid_on` (``tests/test_listing.py`` checks it edge
    by edge). ``listed_until`` is the certificate's end of validity, or 180 days after it while
    a late re-rating is pending (art. 12(3)). Each order of the catalogue has an index that
    serves it, so a page is a seek into an index whatever its depth."""

    product = models.OneToOneField(
        "products.Product",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="listing",
        verbose_name=_("product"),
    )
    star = models.PositiveSmallIntegerField(_("star"))
    certified_on = models.DateField(_("certified on"))
    listed_until = models.DateField(_("listed until"))
    province = models.ForeignKey(
        "regions.Province", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    commune = models.ForeignKey(
        "regions.Commune", null=True, on_delete=models.CASCADE, related_name="+"
    )
    sector = models.ForeignKey("products.Sector", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("products.ProductGroup", on_delete=models.CASCADE, related_name="+")
    scoring_set = models.ForeignKey(
        "products.ScoringSet", on_delete=models.CASCADE, related_name="+"
    )
    producer = models.ForeignKey(
        "producers.Producer", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=30)
    available_months = models.PositiveSmallIntegerField()
    name_key = models.CharField(max_length=200)
    # The product's search texts (ocop.market.search.texts), as in its search entry, on
    # PostgreSQL only: its catalogue search tests them on the listing itself, with no join to
    # the entries: the words of folded_text as a tsvector (ocop.market.words, GIN-indexed in
    # migration 0012), the other two by trigram-indexed LIKE patterns (migration 0011). Empty
    # on SQLite (FTS5 answers there).
    folded_text = models.TextField(default="", editable=False)
    exact_text = models.TextField(default="", editable=False)
    product_words = models.TextField(default="", editable=False)
    search_words = models.GeneratedField(
        expression=FoldedWords("folded_text"), output_field=WordsField(), db_persist=True
    )

    class Meta:
        verbose_name = _("catalogue listing")
        verbose_name_plural = _("catalogue listings")
        indexes = [
            models.Index(fields=["-star", "name_key", "product"], name="market_listing_by_star"),
            models.Index(fields=["name_key", "product"], name="market_listing_by_name"),
            # Partial on a condition every listing meets (stars are 3 to 5) that only the
            # "newest" order states: otherwise the planner may take this index for its range on
            # certified_on and sort, instead of reading the order's own index.
            models.Index(
                fields=["-certified_on", "name_key", "product"],
                name="market_listing_newest",
                condition=Q(star__gte=3),
            ),
            # Partial, for the home page's query (star >= 4) only: a catalogue filtered on one
            # star must read market_listing_by_star in name order, not this one and sort.
            models.Index(
                fields=["-star", "-certified_on", "product"],
                name="market_listing_featured",
                condition=Q(star__gte=4),
            ),
            models.Index(fields=["producer", "-star", "name_key"], name="market_listing_producer"),
            models.Index(
                fields=["province", "-star", "name_key", "product"], name="market_listing_province"
            ),
            models.Index(
                fields=["scoring_set", "-star", "name_key", "product"], name="market_listing_set"
            ),
        ]

    def __str__(self):
        return f"{self.product_id} {self.star}★ {self.certified_on}–{self.listed_until}"


class ListingCount(models.Model):
    """The listing summary: how many products are listed on ``day`` per province, scoring set
    and star. The catalogue's totals and the home page's counts add these up (at most 34 × 26
    × 3 rows a day) instead of counting the listings; :mod:`ocop.market.listing` builds a
    day's rows on its first request and keeps them as listings change."""

    day = models.DateField()
    province = models.ForeignKey("regions.Province", on_delete=models.CASCADE, related_name="+")
    scoring_set = models.ForeignKey(
        "products.ScoringSet", on_delete=models.CASCADE, related_name="+"
    )
    star = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("listing count")
        verbose_name_plural = _("listing counts")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "province", "scoring_set", "star"],
                name="market_listingcount_unique",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.province_id} {self.scoring_set_id} {self.star}★: {self.count}"


class ListingDay(models.Model):
    """A day whose :class:`ListingCount` rows are built (a day may have none: nothing listed)."""

    day = models.DateField(primary_key=True)

    class Meta:
        verbose_name = _("listing day")
        verbose_name_plural = _("listing days")

    def __str__(self):
        return str(self.day)


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
    # When the buyer's name and contact were blanked, past their retention (docs/privacy.md).
    contacts_removed_at = models.DateTimeField(
        _("contact details removed at"), null=True, blank=True
    )
    reply_note = models.TextField(_("reply note"), blank=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        verbose_name = _("buyer inquiry")
        verbose_name_plural = _("buyer inquiries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["producer", "status"], name="market_inquiry_inbox"),
            # The national dashboard's count of inquiries and answers, read from the index alone.
            models.Index(fields=["replied_at"], name="market_inquiry_replied"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email="") | Q(contacts_removed_at__isnull=False),
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


# --------------------------------------------------------------------------------------
# Sales channels and trade events (issue 6, part 4)
# --------------------------------------------------------------------------------------

web_address_validator = URLValidator(
    schemes=["http", "https"],
    message=_("Enter a web address starting with http:// or https://."),
)


def _member_producers(user):
    return ProducerMember.objects.filter(user=user).values("producer_id")


def _is_user(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


class SalesChannelQuerySet(models.QuerySet):
    def editable_by(self, user):
        """The producer's members and the OCOP office of the producer's province (not other
        provinces, not commune officers)."""
        if not _is_user(user):
            return self.none()
        scope = official_scope(user)
        return self.filter(
            Q(product__producer__province_id__in=scope.province_codes)
            | Q(product__producer_id__in=_member_producers(user))
        )

    def visible_to(self, user):
        """Who edits them sees them; the central office sees every channel (for its figures)."""
        if _is_user(user) and official_scope(user).is_national:
            return self
        return self.editable_by(user)

    def active(self):
        return self.filter(is_active=True)


class SalesChannel(TimeStampedModel):
    """Where a product is sold: a showroom, a shop, an e-commerce listing, an export market."""

    class Kind(models.TextChoices):
        SHOWROOM = "showroom", _("OCOP showroom or point of sale")
        SUPERMARKET = "supermarket", _("supermarket")
        SHOP = "shop", _("shop")
        ECOMMERCE = "ecommerce", _("e-commerce listing")
        EXPORT = "export", _("export market")
        OTHER = "other", _("other")

    PHYSICAL_KINDS = (Kind.SHOWROOM, Kind.SUPERMARKET, Kind.SHOP)

    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="sales_channels",
    )
    kind = models.CharField(_("kind of channel"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    address = models.CharField(_("address"), max_length=255, blank=True)
    url = models.CharField(
        _("web address"), max_length=500, blank=True, validators=[web_address_validator]
    )
    country = models.CharField(_("country"), max_length=80, blank=True)
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune = models.ForeignKey(
        "regions.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    objects = SalesChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("sales channel")
        verbose_name_plural = _("sales channels")
        ordering = ["kind", "name", "id"]
        indexes = [
            # A product's active channels in the list's order (kind, name, id), and the
            # dashboards' counts by kind, from the index alone: of a territory's products, or
            # of all. An index led by (is_active, kind) made SQLite walk every channel of the
            # country for one province's count.
            models.Index(
                fields=["product", "is_active", "kind", "name"], name="market_channel_product"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def is_physical(self) -> bool:
        return self.kind in self.PHYSICAL_KINDS

    @property
    def safe_url(self) -> str:
        """The web address, only when it is http(s) (a last guard for the templates)."""
        return self.url if self.url.lower().startswith(("http://", "https://")) else ""

    def clean(self):
        errors = {}
        if self.kind == self.Kind.ECOMMERCE and not self.url:
            errors["url"] = ValidationError(
                _("An e-commerce listing needs its web address."), code="url_required"
            )
        if self.kind == self.Kind.EXPORT and not self.country:
            errors["country"] = ValidationError(
                _("Name the country of the export market."), code="country_required"
            )
        if self.kind in self.PHYSICAL_KINDS:
            if not self.address:
                errors["address"] = ValidationError(
                    _("A showroom, supermarket or shop needs its address."),
                    code="address_required",
                )
            if not self.province_id:
                errors["province"] = ValidationError(
                    _("Choose the province of this place."), code="province_required"
                )
        if self.commune_id and self.province_id and self.commune.province_id != self.province_id:
            errors["commune"] = ValidationError(
                _("This commune is not in the chosen province."), code="commune_elsewhere"
            )
        if self.commune_id and not self.province_id:
            self.province_id = self.commune.province_id
        if errors:
            raise ValidationError(errors)


EVENT_FIRST_YEAR, EVENT_LAST_YEAR = 2000, 2100


class TradeEventQuerySet(models.QuerySet):
    def managed_by(self, user):
        """A provincial OCOP office manages its province's events; the central office the
        national ones."""
        if not _is_user(user):
            return self.none()
        scope = official_scope(user)
        condition = Q(is_national=False, province_id__in=scope.province_codes)
        if scope.is_national:
            condition |= Q(is_national=True)
        return self.filter(condition)

    def upcoming(self, day):
        return self.filter(ends_on__gte=day).order_by("starts_on", "ends_on", "id")

    def past(self, day):
        return self.filter(ends_on__lt=day).order_by("-starts_on", "-ends_on", "-id")

    def open_to(self, producer):
        """Events a producer may ask to join: national ones and those of its province."""
        return self.filter(Q(is_national=True) | Q(province_id=producer.province_id))


class TradeEvent(TimeStampedModel):
    """A fair, festival or trade promotion week, public on the calendar."""

    class Kind(models.TextChoices):
        FAIR = "fair", _("fair")
        FESTIVAL = "festival", _("festival")
        PROMOTION_WEEK = "promotion_week", _("trade promotion week")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of event"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the event takes place."),
    )
    address = models.CharField(_("address"), max_length=255)
    organiser = models.CharField(_("organiser"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.CharField(
        _("web address"), max_length=500, blank=True, validators=[web_address_validator]
    )
    is_national = models.BooleanField(
        _("national event"),
        default=False,
        editable=False,
        help_text=_("Organised by the central OCOP office; producers of every province may join."),
    )
    is_sample = models.BooleanField(_("sample data"), default=False)

    objects = TradeEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("trade event")
        verbose_name_plural = _("trade events")
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["ends_on", "starts_on"], name="market_event_dates")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def safe_url(self) -> str:
        return self.url if self.url.lower().startswith(("http://", "https://")) else ""

    def clean(self):
        errors = {}
        for field in ("starts_on", "ends_on"):
            day = getattr(self, field)
            if day and not EVENT_FIRST_YEAR <= day.year <= EVENT_LAST_YEAR:
                errors[field] = ValidationError(
                    _("Enter a date between %(first)s and %(last)s.")
                    % {"first": EVENT_FIRST_YEAR, "last": EVENT_LAST_YEAR},
                    code="date_out_of_range",
                )
        if not errors and self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = ValidationError(
                _("The event cannot end before it starts."), code="ends_before_start"
            )
        if errors:
            raise ValidationError(errors)


class ParticipationQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(status=Participation.Status.ACCEPTED)


class Participation(TimeStampedModel):
    """A producer at a trade event: asked by the producer (then accepted or declined by the
    organiser) or added by the organiser directly (accepted)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("asked to join")
        ACCEPTED = "accepted", _("taking part")
        DECLINED = "declined", _("declined")

    event = models.ForeignKey(
        TradeEvent,
        verbose_name=_("trade event"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    producer = models.ForeignKey(
        "producers.Producer",
        verbose_name=_("producer"),
        on_delete=models.CASCADE,
        related_name="event_participations",
    )
    products = models.ManyToManyField(
        "products.Product", verbose_name=_("products shown"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("event participation")
        verbose_name_plural = _("event participations")
        ordering = ["event", "producer__folded_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "producer"], name="%(app_label)s_%(class)s_unique"
            )
        ]

    def __str__(self):
        return f"{self.producer} — {self.event}"
