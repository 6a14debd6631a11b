from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "ocop.market"
    label = "market"
    verbose_name = _("Market access")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from ocop.certificates.models import Certificate
        from ocop.certificates.signals import certificates_changed
        from ocop.evaluations.models import Dossier
        from ocop.producers.models import Producer
        from ocop.products.models import Product

        from . import receivers

        for signal in (post_save, post_delete):
            signal.connect(
                receivers.certificate_changed, sender=Certificate, dispatch_uid="market_listing"
            )
            signal.connect(receivers.dossier_changed, sender=Dossier, dispatch_uid="market_listing")

        post_save.connect(receivers.product_saved, sender=Product, dispatch_uid="market_product")
        post_save.connect(receivers.producer_saved, sender=Producer, dispatch_uid="market_producer")
        certificates_changed.connect(
            receivers.certificates_changed, dispatch_uid="market_certificates"
        )
        from ocop.core import privacy

        privacy.register(
            privacy.Retention(
                "buyers' contact details in inquiries",
                lambda: settings.PRIVACY_INQUIRY_DAYS,
                receivers.forget_inquiry_contacts,
            )
        )
