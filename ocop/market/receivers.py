"""Keep the search entries in step with products, producers and certificates. Receivers only
refresh derived rows, after the transaction that changed the source commits."""

from django.db import transaction

from . import search


def product_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    product_id = instance.pk
    transaction.on_commit(lambda: search.refresh_entries([product_id]))


def producer_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    producer_id = instance.pk

    def refresh():
        from ocop.products.models import Product

        search.refresh_entries(
            Product.objects.filter(producer_id=producer_id).values_list("pk", flat=True)
        )

    transaction.on_commit(refresh)


def certificates_changed(sender, product_ids, **kwargs):
    search.refresh_entries(product_ids)
