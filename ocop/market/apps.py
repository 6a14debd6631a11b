from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "ocop.market"
    label = "market"
    verbose_name = _("Market access")

    def ready(self):
        from django.db.models.signals import post_save

        from ocop.certificates.signals import certificates_changed
        from ocop.producers.models import Producer
        from ocop.products.models import Product

        from . import receivers

        post_save.connect(receivers.product_saved, sender=Product, dispatch_uid="market_product")
        post_save.connect(receivers.producer_saved, sender=Producer, dispatch_uid="market_producer")
        certificates_changed.connect(
            receivers.certificates_changed, dispatch_uid="market_certificates"
        )
