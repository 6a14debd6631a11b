"""Administrative units: today's two levels (province, commune, since 1 July 2025) and the legacy
three levels (province, district, commune), with the old → new succession of communes.

Codes are the official codes of the General Statistics Office (province "11", district "102",
commune "03307"); they are the primary keys, so data files load idempotently and foreign keys
read as codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.text import fold


class UnitQuerySet(models.QuerySet):
    def search(self, text):
        return self.filter(folded_name__contains=fold(text))


class AdministrativeUnit(models.Model):
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=100)
    division_type = models.CharField(_("division type"), max_length=30)
    folded_name = models.CharField(max_length=120, db_index=True, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.folded_name = fold(self.short_name)
        super().save(*args, **kwargs)


class Province(AdministrativeUnit):
    code = models.CharField(_("code"), max_length=2, primary_key=True)

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class Commune(AdministrativeUnit):
    code = models.CharField(_("code"), max_length=5, primary_key=True)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="communes"
    )

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("commune")
        verbose_name_plural = _("communes")


class LegacyProvince(AdministrativeUnit):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    successors = models.ManyToManyField(
        Province, verbose_name=_("today's provinces"), related_name="legacy_provinces"
    )

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("legacy province")
        verbose_name_plural = _("legacy provinces")


class LegacyDistrict(AdministrativeUnit):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    province = models.ForeignKey(
        LegacyProvince,
        verbose_name=_("legacy province"),
        on_delete=models.PROTECT,
        related_name="districts",
    )

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("legacy district")
        verbose_name_plural = _("legacy districts")


class LegacyCommune(AdministrativeUnit):
    code = models.CharField(_("code"), max_length=5, primary_key=True)
    district = models.ForeignKey(
        LegacyDistrict,
        verbose_name=_("legacy district"),
        on_delete=models.PROTECT,
        related_name="communes",
    )
    successors = models.ManyToManyField(
        Commune,
        verbose_name=_("today's communes"),
        through="CommuneSuccession",
        related_name="legacy_communes",
    )

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("legacy commune")
        verbose_name_plural = _("legacy communes")


class CommuneSuccession(models.Model):
    """A legacy commune became (all or part of) today's commune on 1 July 2025."""

    legacy_commune = models.ForeignKey(
        LegacyCommune, on_delete=models.CASCADE, related_name="successions"
    )
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="predecessions")
    is_partial = models.BooleanField(
        _("partly merged"), default=False, help_text=_("Only part of the legacy commune went here.")
    )
    is_primary = models.BooleanField(
        _("main successor"),
        default=False,
        help_text=_(
            "The one commune today that the legacy commune counts under (its seat or its name)."
        ),
    )

    class Meta:
        verbose_name = _("commune succession")
        verbose_name_plural = _("commune successions")
        constraints = [
            models.UniqueConstraint(
                fields=["legacy_commune", "commune"], name="%(app_label)s_%(class)s_unique_pair"
            )
        ]

    def __str__(self):
        return f"{self.legacy_commune_id} → {self.commune_id}"
