"""Who may do what with products, beyond `Product.objects.visible_to / editable_by`.

Officials act for the territory they govern (the producers' rule, `is_official_for`); producer
members act for their own producers only and cannot set the fields that officials own."""

from ocop.producers.permissions import is_official_for

# Fields that only an official governing the product's producer may set or change.
OFFICIAL_FIELDS = ("producer", "code", "is_sample")

__all__ = ["OFFICIAL_FIELDS", "is_official_for"]
