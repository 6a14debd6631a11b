import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ocop.accounts.scope import official_scope
from ocop.core.models import TimeStampedModel
from ocop.core.storage import PrivateStorage
from ocop.core.text import fold
from ocop.regions.models import CommuneSuccession

from .choices import ETHNICITY_CHOICES, KINH, DocumentKind, ProducerKind, Sex

DUPLICATE_REGISTRATION_NUMBER = _(
    "Another producer is already registered with this number. Check the number, "
    "or ask your OCOP office whether this producer is already in the system."
)


class ProducerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Producers a user may see: officials their territory, members their own producers."""
        if not user.is_authenticated:
            return self.none()
        scope = official_scope(user)
        if scope.is_national:
            return self
        return self.filter(
            Q(province_id__in=scope.province_codes)
            | Q(commune_id__in=scope.commune_codes)
            | Q(pk__in=ProducerMember.objects.filter(user=user).values("producer_id"))
        )

    def editable_by(self, user):
        """Today every official and member may edit what they see (fields differ by role)."""
        return self.visible_to(user)

    def search(self, text):
        folded = fold(text)
        if not folded:
            return self
        return self.filter(Q(folded_name__contains=folded) | Q(registration_number=text.strip()))

    def with_list_data(self):
        """The list's columns. ``product_count`` is a subquery of each row rather than a
        GROUP BY over the whole table, so that a page reads only its own rows in index order."""
        # Through the reverse relation: producers never import products.
        product_count = (
            Producer.objects.filter(pk=models.OuterRef("pk"))
            .order_by()
            .annotate(count=models.Count("products"))
            .values("count")
        )
        return self.select_related("province", "commune").annotate(
            product_count=models.Subquery(product_count)
        )


class Producer(TimeStampedModel):
    """A producer (chủ thể OCOP): the cooperative, enterprise or household behind products."""

    name = models.CharField(_("name"), max_length=200)
    folded_name = models.CharField(max_length=200, editable=False)
    kind = models.CharField(_("type"), max_length=30, choices=ProducerKind.choices)
    registration_number = models.CharField(
        _("business registration or tax number"), max_length=20, blank=True
    )
    representative_name = models.CharField(_("legal representative"), max_length=150)
    representative_sex = models.CharField(
        _("representative's sex"), max_length=10, choices=Sex.choices, blank=True
    )
    representative_ethnicity = models.CharField(
        _("representative's ethnicity"), max_length=30, choices=ETHNICITY_CHOICES, default=KINH
    )
    representative_has_disability = models.BooleanField(
        _("representative has a disability"), default=False
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("street address"), max_length=255, blank=True)
    province = models.ForeignKey(
        "regions.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="producers",
        editable=False,
    )
    # Empty only for producers imported from a list that printed no commune: the office fills
    # it in (the forms require it); until then the producer counts under its province only.
    commune = models.ForeignKey(
        "regions.Commune",
        verbose_name=_("commune"),
        null=True,
        on_delete=models.PROTECT,
        related_name="producers",
    )
    legacy_commune = models.ForeignKey(
        "regions.LegacyCommune",
        verbose_name=_("commune before 1 July 2025"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="producers",
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("members"), null=True, blank=True)
    worker_count = models.PositiveIntegerField(_("workers"), null=True, blank=True)
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Invented for the demo; not a real producer.")
    )

    objects = ProducerQuerySet.as_manager()

    class Meta:
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        ordering = ["folded_name", "id"]
        indexes = [
            # The lists' order (and a prefix search on the name), read by keyset pages.
            models.Index(fields=["folded_name", "id"], name="producers_producer_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~Q(registration_number=""),
                name="%(app_label)s_%(class)s_unique_registration_number",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.folded_name = fold(self.name)
        if self.commune_id:
            self.province_id = self.commune.province_id
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if (
            self.registration_number
            and Producer.objects.filter(registration_number=self.registration_number)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["registration_number"] = ValidationError(
                DUPLICATE_REGISTRATION_NUMBER, code="duplicate_registration_number"
            )
        if (
            self.legacy_commune_id
            and self.commune_id
            and not CommuneSuccession.objects.filter(
                legacy_commune_id=self.legacy_commune_id,
                commune__province_id=self.commune.province_id,
            ).exists()
        ):
            errors["legacy_commune"] = ValidationError(
                _("This former commune did not become part of the producer's province."),
                code="legacy_commune_elsewhere",
            )
        if errors:
            raise ValidationError(errors)


class ProducerMember(TimeStampedModel):
    """A user who acts for a producer (files dossiers, edits its products)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="producer_memberships",
    )
    producer = models.ForeignKey(
        Producer, verbose_name=_("producer"), on_delete=models.CASCADE, related_name="members"
    )

    class Meta:
        verbose_name = _("producer member")
        verbose_name_plural = _("producer members")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "producer"], name="%(app_label)s_%(class)s_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.producer}"


# Documents expiring within this many days are flagged on the producer page.
EXPIRY_WARNING_DAYS = 90


def document_upload_to(instance, filename):
    return f"producers/{instance.producer_id}/documents/{filename}"


class ProducerDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(producer__in=Producer.objects.visible_to(user))

    def valid_on(self, day):
        return self.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day), issued_on__lte=day)


class ProducerDocument(TimeStampedModel):
    """A document in the producer's evidence locker, reused by every dossier."""

    producer = models.ForeignKey(
        Producer, verbose_name=_("producer"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    number = models.CharField(_("number"), max_length=60, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=document_upload_to, storage=PrivateStorage())
    content_type = models.CharField(max_length=50, editable=False)
    size = models.PositiveIntegerField(editable=False, default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ProducerDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "-issued_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                name="%(app_label)s_%(class)s_expires_after_issue",
            )
        ]

    def __str__(self):
        return self.title or self.get_kind_display()

    def clean(self):
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError(
                {"expires_on": _("The expiry date cannot be before the issue date.")},
                code="expires_before_issue",
            )

    @property
    def is_expired(self):
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def expiry_status(self):
        """The document's state today: "expired", "expiring" (within EXPIRY_WARNING_DAYS),
        "valid", or "" when it never expires."""
        if self.expires_on is None:
            return ""
        today = timezone.localdate()
        if self.expires_on < today:
            return "expired"
        if self.expires_on <= today + datetime.timedelta(days=EXPIRY_WARNING_DAYS):
            return "expiring"
        return "valid"

    @property
    def download_name(self):
        """A safe ASCII file name for downloads, e.g. "food-safety-12-gcn-attp.pdf"."""
        extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
            self.content_type, "bin"
        )
        words = " ".join(filter(None, [self.kind, self.number, self.title]))
        stem = slugify(fold(words).replace("/", " ").replace("_", " "))
        return f"{stem[:80].strip('-') or 'document'}.{extension}"
