"""Forms of the import pages: the upload, the preview's row filter, and completing or
dismissing a reported recognition. They check the shape of the input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.certificates.recognition.forms import DayField, LineField, NoteField, check_validity
from ocop.certificates.recognition.models import Authority

from .files import max_bytes
from .models import ImportRow, ReportedRecognition
from .services import import_provinces

ACCEPT = ".xlsx,.xls,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
ACCEPT += "application/vnd.ms-excel,text/csv"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Recognition list"),
        help_text=_(
            "XLSX, XLS or CSV (UTF-8 or Windows-1258), one product a row, with a header row: "
            "at least the product name and the star, and where you have them the producer, "
            "address, decision number and date."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": _("Choose the file of the list.")},
    )
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=None,
        help_text=_("Rows whose address is in another province are errors."),
    )

    is_sample = forms.BooleanField(
        label=_("Sample data"),
        required=False,
        help_text=_("Tick it only for a demonstration list: what it creates is marked sample."),
    )

    def __init__(self, *args, user, is_national, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = import_provinces(user)
        self.fields["province"].queryset = provinces
        if not is_national and len(provinces) == 1:
            self.fields["province"].initial = provinces[0]
            self.fields["province"].empty_label = None
        elif not is_national:
            self.fields["province"].empty_label = _("Choose the province")
        if is_national:
            self.fields["province"].required = False
            self.fields["province"].empty_label = _("Any province (each row's address decides)")
            self.fields["province"].help_text = _(
                "Leave empty to import a national list: each row goes to its own province."
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB. Split the list into several files."),
                code="too_large",
                params={"limit": max_bytes() // (1024 * 1024)},
            )
        return upload


class RowFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Rows"),
        required=False,
        choices=[("", _("All rows")), *ImportRow.Outcome.choices],
    )


class ReportedFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *ReportedRecognition.Status.choices],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class CompleteReportedForm(forms.Form):
    number = LineField(
        label=_("Decision number"),
        max_length=50,
        help_text=_("As written on it, e.g. 1234/QĐ-UBND."),
        error_messages={"required": _("Enter the decision number, e.g. 1234/QĐ-UBND.")},
    )
    decided_on = DayField(
        label=_("Date of the decision"), required_message=_("Enter the date of the decision.")
    )
    authority = forms.ChoiceField(label=_("Authority"), choices=Authority.choices)
    signer_name = LineField(
        label=_("Signed by"),
        max_length=150,
        error_messages={"required": _("Enter the name of the person who signs the decision.")},
    )
    certificate_number = LineField(
        label=_("Certificate number"),
        max_length=60,
        required=False,
        help_text=_("Leave empty when the certificate has none: the platform gives one."),
    )
    valid_until = DayField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty for 36 months from the decision."),
    )

    def __init__(self, *args, star, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].initial = (
            Authority.MINISTER if star == 5 else Authority.PROVINCE_CHAIRMAN
        )

    def clean(self):
        data = super().clean()
        if data.get("decided_on") and data.get("valid_until"):
            check_validity(self, data["decided_on"], data["valid_until"])
        return data


class DismissReportedForm(forms.Form):
    note = NoteField(
        label=_("Why is it dismissed?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why it is dismissed.")},
    )
