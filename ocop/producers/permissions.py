"""Who may do what with producers, beyond `Producer.objects.visible_to / editable_by`.

Officials act for the territory they govern; producer members act for their own producer only and
cannot set the fields that officials own (OFFICIAL_FIELDS)."""

from django.db.models import Q

from ocop.accounts.scope import official_scope
from ocop.regions.models import Commune, CommuneSuccession, LegacyCommune

# Fields that only an official governing the producer may set.
OFFICIAL_FIELDS = ("registration_number", "commune", "legacy_commune", "is_sample")


def can_create_producers(user) -> bool:
    """Central office, provincial offices and commune officers register producers."""
    return official_scope(user).is_official


def is_official_for(user, producer) -> bool:
    """True when the user governs the producer's territory (not merely belongs to it)."""
    scope = official_scope(user)
    return (
        scope.is_national
        or producer.province_id in scope.province_codes
        or producer.commune_id in scope.commune_codes
    )


def communes_in_scope(user):
    """Today's communes where the user may place a producer."""
    scope = official_scope(user)
    if scope.is_national:
        communes = Commune.objects.all()
    elif scope.is_official:
        communes = Commune.objects.filter(
            Q(province_id__in=scope.province_codes) | Q(code__in=scope.commune_codes)
        )
    else:
        communes = Commune.objects.none()
    return communes.select_related("province").order_by("province_id", "folded_name", "code")


def provinces_in_scope(user) -> frozenset[str] | None:
    """Province codes the user works in; None means every province (national users)."""
    scope = official_scope(user)
    if scope.is_national:
        return None
    codes = set(scope.province_codes)
    if scope.commune_codes:
        codes.update(
            Commune.objects.filter(code__in=scope.commune_codes).values_list(
                "province_id", flat=True
            )
        )
    return frozenset(codes)


def legacy_communes_of(province_codes):
    """Legacy communes (before 1 July 2025) whose successors lie in the given provinces."""
    successions = CommuneSuccession.objects.filter(commune__province_id__in=province_codes)
    return (
        LegacyCommune.objects.filter(code__in=successions.values("legacy_commune_id"))
        .select_related("district")
        .order_by("district__folded_name", "folded_name", "code")
    )
