"""Forms of the public verification pages. They validate input only; the report is stored by
``problem_reports.report_problem``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProblemReport

MESSAGE_MAX_LENGTH = 2000


class ProblemReportForm(forms.Form):
    """ "Report a problem", on every verification page and on the unknown-code page.

    ``website`` is a honeypot: hidden from people (and from screen readers), filled in by the
    robots that fill in every field."""

    kind = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=ProblemReport.Kind.choices,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Describe the problem"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Where and when you bought the product, and what you saw."),
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=100, required=False)
    contact = forms.CharField(
        label=_("Phone or e-mail (optional)"),
        max_length=100,
        required=False,
        help_text=_("Only if you want the OCOP office to contact you."),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError(_("Describe the problem in a few words."))
        return message

    @property
    def is_robot(self) -> bool:
        """The honeypot was filled in (call after ``is_valid()``)."""
        return bool(self.data.get("website", "").strip())
