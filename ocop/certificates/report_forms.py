"""Forms of the officials' inbox of problem reports: the list's filters and the note of what
was done."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProblemReport
from .problem_reports import NOTE_MAX_LENGTH


class ProblemReportFilterForm(forms.Form):
    """The inbox's filters; a value that does not fit is ignored and shown as an error."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *ProblemReport.Status.choices],
    )
    kind = forms.ChoiceField(
        label=_("What is wrong"),
        required=False,
        choices=[("", _("All")), *ProblemReport.Kind.choices],
    )

    def filter(self, reports):
        self.is_valid()
        data = self.cleaned_data
        if data.get("status"):
            reports = reports.filter(status=data["status"])
        if data.get("kind"):
            reports = reports.filter(kind=data["kind"])
        return reports


class HandleProblemReportForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For the office's record: what was checked, who was contacted, what was decided."
        ),
        error_messages={"required": _("Write what was checked and what was done.")},
    )
