from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "ocop.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self):
        from ocop.certificates.signals import certificates_changed
        from ocop.evaluations.models import CouncilResult
        from ocop.producers.models import Producer
        from ocop.products.models import Product

        from . import summary

        certificates_changed.connect(summary.on_certificates_changed, dispatch_uid="stats")
        post_save.connect(summary.on_product_saved, sender=Product, dispatch_uid="stats")
        post_save.connect(summary.on_producer_saved, sender=Producer, dispatch_uid="stats")
        post_save.connect(
            summary.on_council_result_saved, sender=CouncilResult, dispatch_uid="stats"
        )
