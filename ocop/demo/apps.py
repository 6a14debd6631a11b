from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for Điện Biên. The bottom of the app stack: it may use every other app."""

    name = "ocop.demo"
    label = "demo"
    verbose_name = _("Demo data")
