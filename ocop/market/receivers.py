"""Keep the catalogue's derived rows in step with products, producers, certificates and
re-ratings.

- The listing rows (:mod:`ocop.market.listing`) are refreshed at once, inside the transaction
  that changed their source, so the catalogue never shows a revoked certificate as listed and
  a rolled-back change leaves no trace.
- The search entries are refreshed after that transaction commits (they are only words)."""

from django.db import transaction

from . import listing, search


def product_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    product_id = instance.pk
    listing.refresh_listings([product_id])
    transaction.on_commit(lambda: search.refresh_entries([product_id]))


def _products_of(producer_id):
    from ocop.products.models import Product

    return list(Product.objects.filter(producer_id=producer_id).values_list("pk", flat=True))


def producer_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    producer_id = instance.pk
    listing.refresh_listings(_products_of(producer_id))
    transaction.on_commit(lambda: search.refresh_entries(_products_of(producer_id)))


def certificate_changed(sender, instance, raw=False, **kwargs):
    """A certificate saved or deleted: issued, superseded, revoked, corrected."""
    if raw:
        return
    listing.refresh_listings([instance.product_id])


def dossier_changed(sender, instance, raw=False, **kwargs):
    """A re-rating filed late extends its product's listing (art. 12(3)) until it ends."""
    if raw or instance.kind != instance.Kind.RE_RATING:
        return
    listing.refresh_listings([instance.product_id])


def certificates_changed(sender, product_ids, **kwargs):
    """Sent after bulk writes too (imports), which save no model one by one."""
    listing.refresh_listings(product_ids)
    search.refresh_entries(product_ids)


def forget_inquiry_contacts(cutoff) -> int:
    """Blank the buyer's name and contact details of the inquiries closed (or, never closed,
    sent) before ``cutoff``; the request itself stays, for the producer's history and the
    statistics (``ocop.core.privacy``)."""
    from django.db.models import Q
    from django.utils import timezone

    from .models import Inquiry

    old = Inquiry.objects.filter(
        Q(closed_at__lt=cutoff) | Q(closed_at__isnull=True, created_at__lt=cutoff)
    ).filter(contacts_removed_at__isnull=True)
    return old.update(
        buyer_name="", organisation="", phone="", email="", contacts_removed_at=timezone.now()
    )
