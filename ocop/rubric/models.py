"""The rubric as rows: versions of the law, their scoring sheets, criteria and options.

The rows mirror the committed data files (``data/<slug>/``) one to one; the scoring engine
reads those files (see ``docs/rubric.md``, "Database rows and the engine") and
``ocop.rubric.loading`` keeps the two equal. A published version is immutable: saving,
deleting or bulk-changing any of its rows raises :class:`PublishedVersionError`. The only
change allowed afterwards is recording, once, the day it stops being in force
(``services.end_version``).

Beside the law, :class:`SelfAssessment` holds a producer's own scoring of a product against
its sheet (Mẫu 02, part III), filled in online and scored by the same engine.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ocop.core.models import TimeStampedModel
from ocop.producers.models import ProducerMember
from ocop.products.models import Product

from .engine import score_sheet
from .layout import sheet_layout
from .loading import engine_sheet


class PublishedVersionError(Exception):
    """A change to a published rubric version or to one of its sheets, criteria or options."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        super().__init__(
            message
            or gettext(
                "Rubric version %(code)s is published and cannot be changed. The law is "
                "changed by issuing a new version."
            )
            % {"code": code}
        )


class GuardedQuerySet(models.QuerySet):
    """Refuses bulk updates, deletes and inserts that touch a published version."""

    # The lookup from this model to its RubricVersion ("" for RubricVersion itself).
    version_path = ""

    def _version_lookup(self, name: str) -> str:
        return f"{self.version_path}__{name}" if self.version_path else name

    def _refuse_if_published(self) -> None:
        code = (
            self.filter(**{self._version_lookup("status"): RubricVersion.Status.PUBLISHED})
            .values_list(self._version_lookup("code"), flat=True)
            .first()
        )
        if code is not None:
            raise PublishedVersionError(code)

    def update(self, **kwargs):
        self._refuse_if_published()
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        # Checked before Django opens its transaction, so a refusal leaves no broken one.
        objs = list(objs)
        self.filter(pk__in=[obj.pk for obj in objs])._refuse_if_published()
        return super().bulk_update(objs, fields, *args, **kwargs)

    def delete(self):
        self._refuse_if_published()
        return super().delete()

    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        parent = self.model.published_parent_of(objs)
        if parent is not None:
            raise PublishedVersionError(parent)
        return super().bulk_create(objs, *args, **kwargs)


class GuardedModel(models.Model):
    """Refuses ``save()`` and ``delete()`` while the row's version is published."""

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args, **kwargs):
        code = self.published_version_code()
        if code is not None:
            raise PublishedVersionError(code)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        code = self.published_version_code()
        if code is not None:
            raise PublishedVersionError(code)
        return super().delete(*args, **kwargs)

    def published_version_code(self) -> str | None:
        """The code of the published version this row belongs to (as stored or as set)."""
        raise NotImplementedError

    @classmethod
    def published_parent_of(cls, objs) -> str | None:
        """The code of a published version that new rows ``objs`` would be added to."""
        raise NotImplementedError


def _published_code(condition: Q) -> str | None:
    return (
        RubricVersion.objects.filter(condition, status=RubricVersion.Status.PUBLISHED)
        .values_list("code", flat=True)
        .first()
    )


class RubricVersionQuerySet(GuardedQuerySet):
    def published(self):
        return self.filter(status=RubricVersion.Status.PUBLISHED)

    def in_force_on(self, day):
        """Published versions in force on ``day``, newest first (two overlap in a transition)."""
        return (
            self.published()
            .filter(
                Q(effective_to__isnull=True) | Q(effective_to__gte=day), effective_from__lte=day
            )
            .order_by("-effective_from")
        )


class RubricVersion(GuardedModel):
    """One legal instrument's rubric, e.g. Decision 26/2026/QĐ-TTg."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    slug = models.SlugField(_("slug"), max_length=20, unique=True)
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Number and year of the instrument, for example 26/2026."),
    )
    instrument = models.CharField(_("legal instrument"), max_length=60)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    issuer_vi = models.CharField(_("issued by"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"))
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(
        _("in force until"),
        null=True,
        blank=True,
        help_text=_("The last day the version is in force; empty while it is in force."),
    )
    part_a_points = models.PositiveSmallIntegerField(_("part A points"))
    part_b_points = models.PositiveSmallIntegerField(_("part B points"))
    part_c_points = models.PositiveSmallIntegerField(_("part C points"))
    supersedes = models.JSONField(_("instruments it replaces"), default=list, blank=True)
    corrections = models.JSONField(_("corrections to the printed text"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RubricVersionQuerySet.as_manager()

    class Meta(GuardedModel.Meta):
        verbose_name = _("rubric version")
        verbose_name_plural = _("rubric versions")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | Q(status="published", published_at__isnull=False),
                name="%(app_label)s_%(class)s_published_at_iff_published",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="%(app_label)s_%(class)s_effective_range",
            ),
            models.CheckConstraint(
                condition=Exact(F("part_a_points") + F("part_b_points") + F("part_c_points"), 100),
                name="%(app_label)s_%(class)s_parts_total_100",
            ),
        ]

    def __str__(self):
        return self.instrument

    def save(self, *args, **kwargs):
        stored = (
            type(self).objects.filter(pk=self.pk).values("status", "effective_to").first()
            if self.pk is not None
            else None
        )
        if stored is None and self.status == self.Status.PUBLISHED:
            raise PublishedVersionError(
                self.code,
                gettext(
                    "A rubric version is created as a draft and then published, which "
                    "validates it first."
                ),
            )
        if stored is not None and stored["status"] == self.Status.PUBLISHED:
            # The one change allowed after publication: the end of validity, recorded once
            # (services.end_version).
            update_fields = kwargs.get("update_fields")
            if not (
                update_fields is not None
                and set(update_fields) == {"effective_to"}
                and stored["effective_to"] is None
            ):
                raise PublishedVersionError(self.code)
        models.Model.save(self, *args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def part_maxima(self) -> dict[str, int]:
        return {"A": self.part_a_points, "B": self.part_b_points, "C": self.part_c_points}

    def published_version_code(self) -> str | None:
        if self.pk is None:
            return None
        return _published_code(Q(pk=self.pk))

    @classmethod
    def published_parent_of(cls, objs) -> str | None:
        return next((obj.code for obj in objs if obj.status == cls.Status.PUBLISHED), None)


class SheetQuerySet(GuardedQuerySet):
    version_path = "version"


class Sheet(GuardedModel):
    """The scoring sheet of one product set (bộ sản phẩm) in one rubric version.

    ``number`` is the set's number in that version; for 26/2026 it equals
    ``products.ScoringSet.number`` (Annex I), which is how a product finds its sheet.
    """

    version = models.ForeignKey(
        RubricVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="sheets"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    heading_vi = models.CharField(_("heading as printed"), max_length=300, blank=True)
    category_vi = models.CharField(_("category as printed"), max_length=300, blank=True)
    sector = models.CharField(_("sector"), max_length=8, blank=True)
    group = models.CharField(_("group"), max_length=12, blank=True)
    subgroup = models.CharField(_("sub-group"), max_length=16, blank=True)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    part_titles_vi = models.JSONField(_("part titles"), default=dict, blank=True)
    dossier_rejection_vi = models.TextField(
        _("dossier rejection note"),
        blank=True,
        help_text=_(
            "The 'Hồ sơ bị loại khi' note printed above the sheet (knock-out rule 'dossier')."
        ),
    )
    star_note_vi = models.TextField(_("star note"), blank=True)

    objects = SheetQuerySet.as_manager()

    class Meta(GuardedModel.Meta):
        verbose_name = _("scoring sheet")
        verbose_name_plural = _("scoring sheets")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "number"], name="%(app_label)s_%(class)s_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="%(app_label)s_%(class)s_number_positive"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name_vi}"

    def published_version_code(self) -> str | None:
        condition = Q(pk=self.version_id)
        if self.pk is not None:
            condition |= Q(sheets=self.pk)
        return _published_code(condition)

    @classmethod
    def published_parent_of(cls, objs) -> str | None:
        return _published_code(Q(pk__in={obj.version_id for obj in objs}))

    def engine_sheet(self):
        """The engine's sheet (``ocop.rubric.engine.Sheet``), read from the data files."""
        return engine_sheet(self.version.slug, self.number)


class CriterionQuerySet(GuardedQuerySet):
    version_path = "sheet__version"

    def answerable(self):
        return self.exclude(kind=Criterion.Kind.HEADING)


class Criterion(GuardedModel):
    """A heading or a criterion of a sheet, with its code as printed ("1.1", "6.1.1", "7")."""

    class Kind(models.TextChoices):
        HEADING = "heading", _("heading (not answered)")
        CRITERION = "criterion", _("criterion")
        YES_NO = "yes_no", _("yes/no criterion")

    class Part(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"

    class StopTrigger(models.TextChoices):
        FLAG = "flag", _("raised by the evaluator")
        ZERO_IN = "zero_in", _("a zero in the listed criteria")

    sheet = models.ForeignKey(
        Sheet, verbose_name=_("sheet"), on_delete=models.CASCADE, related_name="criteria"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("heading"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(
        _("position"), help_text=_("Printed order in the sheet, from 1.")
    )
    part = models.CharField(_("part"), max_length=1, choices=Part.choices)
    code = models.CharField(_("code"), max_length=20)
    title_vi = models.TextField(_("title"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    notes_vi = models.JSONField(_("notes"), default=list, blank=True)
    knockout_vi = models.TextField(
        _("knock-out note"),
        blank=True,
        help_text=_("A 'Bị loại nếu' note; the knock-out rule has the criterion's code as id."),
    )
    stop_vi = models.TextField(_("stop note"), blank=True)
    stop_trigger = models.CharField(
        _("stop trigger"), max_length=10, choices=StopTrigger.choices, blank=True
    )
    stop_criteria = models.JSONField(_("criteria of the stop rule"), default=list, blank=True)
    condition_vi = models.TextField(_("condition"), blank=True)
    condition_criterion = models.CharField(_("condition depends on"), max_length=20, blank=True)
    condition_not_applicable_options = models.JSONField(
        _("options that make it not applicable"), default=list, blank=True
    )
    cases = models.JSONField(_("alternative cases"), default=list, blank=True)
    case_instruction_vi = models.TextField(_("instruction for the cases"), blank=True)

    objects = CriterionQuerySet.as_manager()

    class Meta(GuardedModel.Meta):
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["sheet", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "code"], name="%(app_label)s_%(class)s_code_unique"
            ),
            models.UniqueConstraint(
                fields=["sheet", "position"], name="%(app_label)s_%(class)s_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["heading", "criterion", "yes_no"]),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(part__in=["A", "B", "C"]), name="%(app_label)s_%(class)s_part_valid"
            ),
            models.CheckConstraint(
                condition=Q(stop_vi="", stop_trigger="")
                | (~Q(stop_vi="") & Q(stop_trigger__in=["flag", "zero_in"])),
                name="%(app_label)s_%(class)s_stop_has_trigger",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title_vi}"

    @property
    def is_heading(self) -> bool:
        return self.kind == self.Kind.HEADING

    def published_version_code(self) -> str | None:
        condition = Q(sheets=self.sheet_id)
        if self.pk is not None:
            condition |= Q(sheets__criteria=self.pk)
        return _published_code(condition)

    @classmethod
    def published_parent_of(cls, objs) -> str | None:
        return _published_code(Q(sheets__in={obj.sheet_id for obj in objs}))


class OptionQuerySet(GuardedQuerySet):
    version_path = "criterion__sheet__version"


class Option(GuardedModel):
    """One tick box of a criterion, numbered from 1 in printed order (across cases)."""

    class StarMinimum(models.IntegerChoices):
        THREE = 3, "***"
        FOUR = 4, "****"
        FIVE = 5, "*****"

    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="options"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text_vi = models.TextField(_("text"))
    points = models.PositiveSmallIntegerField(_("points"))
    star_minimum = models.PositiveSmallIntegerField(
        _("star minimum"),
        choices=StarMinimum.choices,
        null=True,
        blank=True,
        help_text=_("The star whose minimum this option is (*** , ****, *****)."),
    )
    case = models.CharField(
        _("case"), max_length=4, blank=True, help_text=_("The alternative case it belongs to.")
    )

    objects = OptionQuerySet.as_manager()

    class Meta(GuardedModel.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["criterion", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "number"], name="%(app_label)s_%(class)s_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="%(app_label)s_%(class)s_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(star_minimum__isnull=True) | Q(star_minimum__in=[3, 4, 5]),
                name="%(app_label)s_%(class)s_star_minimum_valid",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.text_vi[:80]}"

    def published_version_code(self) -> str | None:
        condition = Q(sheets__criteria=self.criterion_id)
        if self.pk is not None:
            condition |= Q(sheets__criteria__options=self.pk)
        return _published_code(condition)

    @classmethod
    def published_parent_of(cls, objs) -> str | None:
        return _published_code(Q(sheets__criteria__in={obj.criterion_id for obj in objs}))


# --------------------------------------------------------------------------------------
# Self-assessment (Mẫu 02, part III)
# --------------------------------------------------------------------------------------


def member_products(user):
    """The products a user may self-assess: those of the producers the user is a member of.

    Officials are not members, so they get none: they read self-assessments, they do not fill
    them in (see ``docs/rubric.md``, "Self-assessment").
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Product.objects.none()
    return Product.objects.filter(
        producer_id__in=ProducerMember.objects.filter(user=user).values("producer_id")
    )


class SelfAssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Members see their producers' self-assessments, officials those in their territory."""
        return self.filter(product__in=Product.objects.visible_to(user))

    def editable_by(self, user):
        """Only members of the product's producer fill in its self-assessments."""
        return self.filter(product__in=member_products(user))

    def drafts(self):
        return self.filter(status=SelfAssessment.Status.DRAFT)

    def with_list_data(self):
        return self.select_related(
            "product__producer__province", "product__producer__commune", "version"
        )


class SelfAssessment(TimeStampedModel):
    """A producer's self-assessment of one product against its scoring sheet.

    ``answers`` maps criterion codes to option numbers as the engine reads them
    (``{"1.1": 3, "2.4": 2}``); a criterion left out is unanswered and scores 0. ``total``,
    ``star`` and ``band_star`` cache the engine's result of the answers and are refreshed by
    every service call that changes them (``ocop.rubric.services``). Knock-outs and stops
    raised by an evaluator are the council's findings and are not declared here; a stop that
    fires by itself (a zero in sheet 16's list) is applied by the engine as usual.

    A product may have many self-assessments (its history) but at most one draft: the one
    being filled in. ``finished`` means the producer marked it complete; it no longer changes.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        FINISHED = "finished", _("finished")

    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="self_assessments",
    )
    version = models.ForeignKey(
        RubricVersion,
        verbose_name=_("rubric version"),
        on_delete=models.PROTECT,
        related_name="self_assessments",
        help_text=_("The version in force when the self-assessment was started."),
    )
    sheet_number = models.PositiveSmallIntegerField(
        _("sheet number"), help_text=_("The product's scoring set when it was started.")
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    total = models.PositiveSmallIntegerField(_("total points"), default=0)
    star = models.PositiveSmallIntegerField(_("provisional star"), default=1)
    band_star = models.PositiveSmallIntegerField(_("star band of the total"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SelfAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(status="draft"),
                name="%(app_label)s_%(class)s_one_draft_per_product",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "finished"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", finished_at__isnull=True)
                | Q(status="finished", finished_at__isnull=False),
                name="%(app_label)s_%(class)s_finished_at_iff_finished",
            ),
            models.CheckConstraint(
                condition=Q(sheet_number__gte=1), name="%(app_label)s_%(class)s_sheet_positive"
            ),
            models.CheckConstraint(
                condition=Q(total__lte=100), name="%(app_label)s_%(class)s_total_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(star__gte=1, star__lte=5, band_star__gte=1, band_star__lte=5),
                name="%(app_label)s_%(class)s_stars_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "-created_at"], name="rubric_selfassess_product_idx")
        ]

    def __str__(self):
        return gettext("Self-assessment of %(product)s (sheet %(number)s)") % {
            "product": self.product,
            "number": self.sheet_number,
        }

    def get_absolute_url(self):
        return reverse("rubric:selfassessment_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def star_mark(self) -> str:
        return "★" * self.star

    def engine_sheet(self):
        """The engine's sheet this self-assessment is scored on."""
        return engine_sheet(self.version.slug, self.sheet_number)

    def layout(self):
        """The sheet in printed order (``ocop.rubric.layout.SheetLayout``)."""
        return sheet_layout(self.version.slug, self.sheet_number)

    def score(self):
        """The engine's result for the stored answers (``engine.SheetResult``)."""
        return score_sheet(self.engine_sheet(), self.answers)

    def apply_result(self, result) -> None:
        """Copy an engine result into the cached fields (the caller saves)."""
        self.total = int(result.total)
        self.star = result.star
        self.band_star = result.band_star
