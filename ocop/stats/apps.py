from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "ocop.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self):
        from ocop.certificates.signals import certificates_changed
        from ocop.evaluations.models import CouncilResult, Dossier
        from ocop.producers.models import Producer
        from ocop.products.models import Product, ProductGroup, ScoringSet, Sector
        from ocop.regions.models import Commune, Province

        from . import summary

        certificates_changed.connect(summary.on_certificates_changed, dispatch_uid="stats")
        post_save.connect(summary.on_product_saved, sender=Product, dispatch_uid="stats")
        post_save.connect(summary.on_producer_saved, sender=Producer, dispatch_uid="stats")
        post_save.connect(
            summary.on_council_result_saved, sender=CouncilResult, dispatch_uid="stats"
        )
        # The cached figures' version (ocop.stats.cache): dossier statuses, names, deletions.
        post_save.connect(summary.on_dossier_saved, sender=Dossier, dispatch_uid="stats")
        post_delete.connect(summary.on_dossier_deleted, sender=Dossier, dispatch_uid="stats")
        for model in (Province, Commune, Sector, ProductGroup, ScoringSet):
            post_save.connect(summary.on_names_changed, sender=model, dispatch_uid="stats")
        for model in (Product, Producer):
            post_delete.connect(summary.on_names_changed, sender=model, dispatch_uid="stats")
