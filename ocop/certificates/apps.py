from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "ocop.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        # The evaluations (above this app in the chain) ask it which certificate a product
        # holds, to start an upgrade or a re-rating from it (ocop.evaluations.recognition).
        from ocop.evaluations import recognition

        from .recognition.services import product_recognition

        recognition.register_reader(product_recognition)
