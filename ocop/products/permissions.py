"""Who may do what with products, beyond `Product.objects.visible_to / editable_by`.

Officials act for the territory they govern; producer members act for their own producers only
and cannot set the fields that officials own (OFFICIAL_FIELDS)."""

from ocop.accounts.scope import official_scope

# Fields that only an official governing the product's producer may set or change.
OFFICIAL_FIELDS = ("producer", "code", "is_sample")


def is_official_for(user, producer) -> bool:
    """True when the user governs the producer's territory (not merely belongs to the producer).
    Same rule as ocop.producers.permissions.is_official_for."""
    scope = official_scope(user)
    return (
        scope.is_national
        or producer.province_id in scope.province_codes
        or producer.commune_id in scope.commune_codes
    )
