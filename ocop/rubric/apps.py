from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RubricConfig(AppConfig):
    name = "ocop.rubric"
    label = "rubric"
    verbose_name = _("Rubric")
