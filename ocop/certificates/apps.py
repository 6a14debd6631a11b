from django.apps import AppConfig
from django.conf import settings
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

        from ocop.core import privacy

        from .control.problem_reports import forget_reporters

        privacy.register(
            privacy.Retention(
                "reporters' names and contact details in problem reports",
                lambda: settings.PRIVACY_PROBLEM_REPORT_DAYS,
                forget_reporters,
            )
        )
