"""Forms of the post-recognition control pages: inspections; revocations due (art. 8(4));
problem reports, sent by anyone from the public verification page and handled in the offices'
inbox (its filters and the note of what was done). They check the shape of the input and limit
the choices to what the user may pick; the rules are the services' (``inspections.py``,
``revocation.py``, ``problem_reports.py``) and come back as a ``ValidationError`` that the view
puts on the form. No form saves anything."""

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ocop.evaluations.forms import add_service_error  # noqa: F401 (re-exported for the views)
from ocop.producers.forms import DateInput, LayoutMixin

from ..models import (
    Inspection,
    InspectionFinding,
    ProblemReport,
    RevocationCase,
    RevocationGround,
)
from ..recognition.forms import DayField, LineField, NoteField
from .inspections import MAX_FINDINGS, FindingInput
from .problem_reports import NOTE_MAX_LENGTH
from .revocation import REFERENCE_MAX_LENGTH

# --------------------------------------------------------------------------------------
# Inspections
# --------------------------------------------------------------------------------------


TEXTAREA = {"rows": 3}
OVERDUE = "overdue"


ALL = _("All")


def _choices(choices):
    return [("", ALL), *choices]


class InspectionFilterForm(forms.Form):
    """The list's filters; an invalid value is ignored and shown as an error."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_choices(Inspection.Status.choices)
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_choices(Inspection.Kind.choices)
    )
    overdue = forms.BooleanField(label=_("Corrections overdue"), required=False)

    def filter(self, inspections, *, today):
        self.is_valid()
        data = self.cleaned_data
        if data.get("status"):
            inspections = inspections.filter(status=data["status"])
        if data.get("kind"):
            inspections = inspections.filter(kind=data["kind"])
        if data.get("overdue"):
            inspections = inspections.filter(
                status=Inspection.Status.RECORDED,
                outcome=Inspection.Outcome.CORRECTIVE_ACTION,
                follow_up_result="",
                corrective_deadline__lt=today,
            )
        return inspections


class CertificateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, certificate):
        return f"{certificate.product.name} · {certificate.star_mark} · {certificate.number}"


class PlanForm(LayoutMixin, forms.Form):
    LAYOUT = [
        (_("Inspection"), [["certificate"], ["kind", "planned_on"], ["trigger"], ["team"]]),
        (_("What is checked"), [["checks_criteria"], ["checks_stamp_use"]]),
    ]

    certificate = CertificateChoiceField(
        label=_("Certificate"),
        queryset=None,
        empty_label=_("Choose a certificate"),
        error_messages={"invalid_choice": _("Choose one of your office's current certificates.")},
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Inspection.Kind.choices)
    planned_on = forms.DateField(label=_("Planned date"), widget=DateInput())
    trigger = forms.CharField(
        label=_("Reason for the ad hoc inspection"),
        required=False,
        max_length=200,
        help_text=_("E.g. problem report no. 12, a request from the market surveillance."),
    )
    team = forms.CharField(
        label=_("Inspection team"),
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=2000,
        help_text=_("Names and organisations."),
    )
    checks_criteria = forms.BooleanField(
        label=_("Review of the criteria of the scoring sheet"), required=False, initial=True
    )
    checks_stamp_use = forms.BooleanField(
        label=_("Use of the OCOP stamp"), required=False, initial=True
    )

    def __init__(self, *args, certificates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate"].queryset = certificates.select_related("product").order_by(
            "product__folded_name", "id"
        )

    def clean(self):
        data = super().clean()
        if not data.get("checks_criteria") and not data.get("checks_stamp_use"):
            self.add_error(
                "checks_criteria",
                _(
                    "Choose what the inspection checks: the criteria, the use of the stamp, "
                    "or both."
                ),
            )
        return data


class RecordForm(LayoutMixin, forms.Form):
    LAYOUT = [
        (_("The visit"), [["visited_on", "outcome"], ["corrective_deadline"], ["summary"]]),
    ]

    visited_on = forms.DateField(label=_("Inspected on"), widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("Conclusion"), choices=[("", "—"), *Inspection.Outcome.choices]
    )
    corrective_deadline = forms.DateField(
        label=_("Correct by"),
        required=False,
        widget=DateInput(),
        help_text=_("Required when corrective action is required."),
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs=TEXTAREA), max_length=5000
    )


class FindingForm(forms.Form):
    area = forms.ChoiceField(label=_("About"), choices=InspectionFinding.Area.choices)
    criterion = forms.TypedChoiceField(
        label=_("Criterion"), required=False, coerce=int, empty_value=None
    )
    description = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=InspectionFinding.Severity.choices)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [
            ("", "—"),
            *(
                (criterion.pk, f"{criterion.code} {criterion.title_vi[:90]}")
                for criterion in criteria
            ),
        ]

    def has_changed(self):
        # A row where only the defaults of the choice fields are sent is an empty row.
        return bool(
            (self.data.get(self.add_prefix("description")) or "").strip()
            or self.data.get(self.add_prefix("criterion"))
        )

    def clean(self):
        data = super().clean()
        if data.get("area") == InspectionFinding.Area.CRITERION and not data.get("criterion"):
            self.add_error("criterion", _("Choose the criterion."))
        return data

    def finding(self) -> FindingInput:
        data = self.cleaned_data
        is_criterion = data["area"] == InspectionFinding.Area.CRITERION
        return FindingInput(
            area=data["area"],
            description=data["description"],
            severity=data["severity"],
            criterion_id=data.get("criterion") if is_criterion else None,
        )


class BaseFindingFormSet(forms.BaseFormSet):
    def findings(self):
        return [
            form.finding()
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not form.errors
        ]


FindingFormSet = forms.formset_factory(
    FindingForm,
    formset=BaseFindingFormSet,
    extra=5,
    max_num=MAX_FINDINGS,
    validate_max=True,
    absolute_max=MAX_FINDINGS,
)


class FollowUpForm(LayoutMixin, forms.Form):
    LAYOUT = [(_("Follow-up"), [["checked_on", "corrected"], ["note"]])]

    checked_on = forms.DateField(label=_("Checked on"), widget=DateInput())
    corrected = forms.TypedChoiceField(
        label=_("Were the findings corrected?"),
        choices=[
            ("yes", _("Yes: close the inspection")),
            ("no", _("No: propose revocation")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs=TEXTAREA), max_length=5000
    )


class EscalateForm(LayoutMixin, forms.Form):
    LAYOUT = [(_("Revocation decision"), [["ground"], ["decision_number", "decided_on"], ["note"]])]

    ground = forms.ChoiceField(
        label=_("Ground for revocation"), choices=[("", "—"), *RevocationGround.choices]
    )
    decision_number = forms.CharField(
        label=_("Revocation decision number"),
        max_length=50,
        help_text=_("As written on it, e.g. 1234/QĐ-UBND."),
    )
    decided_on = forms.DateField(label=_("Date of the revocation decision"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs=TEXTAREA), max_length=5000
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the inspection cancelled?"),
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=2000,
    )


class ConfirmForm(forms.Form):
    """A confirmation without input (closing an inspection on a revocation already made)."""


# --------------------------------------------------------------------------------------
# Revocations due (art. 8(4))
# --------------------------------------------------------------------------------------


class RevocationCaseForm(LayoutMixin, forms.Form):
    """A conclusion on a breach, or the commune's confirmation that production stopped: the
    day the 15 days of art. 8(4) run from, and what it is."""

    LAYOUT = [
        (
            _("Conclusion or confirmation"),
            [["ground"], ["finding_on", "reference"], ["note"]],
        )
    ]

    ground = forms.ChoiceField(
        label=_("Ground for revocation"),
        choices=[(value, capfirst(label)) for value, label in RevocationGround.choices],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the legal grounds for revocation.")},
    )
    finding_on = DayField(
        label=_("Date of the conclusion or confirmation"),
        required_message=_(
            "Enter the date of the competent authority's conclusion or, when production "
            "stopped, of the commune's confirmation."
        ),
        help_text=_(
            "The date of the competent authority's conclusion on the breach or, for "
            "“production stopped”, of the commune People's Committee's confirmation. The "
            "certificate is to be revoked within 15 days of it."
        ),
    )
    reference = LineField(
        label=_("Conclusion or confirmation"),
        max_length=REFERENCE_MAX_LENGTH,
        help_text=_(
            "Its number and the body that issued it, e.g. “Kết luận 12/KL-QLTT, Chi cục Quản lý "
            "thị trường” or “Xác nhận 5/XN-UBND, UBND xã Mường Ảng”."
        ),
        error_messages={
            "required": _(
                "Enter the number of the conclusion or confirmation and the body that issued it."
            )
        },
    )
    note = NoteField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("What was found, for the record."),
    )


class WithdrawRevocationCaseForm(forms.Form):
    reason = NoteField(
        label=_("Why is it withdrawn?"),
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=2000,
        help_text=_("E.g. recorded against the wrong certificate, or the conclusion was annulled."),
        error_messages={"required": _("Say why it is withdrawn.")},
    )


DUE = ""
OVERDUE_CASES = "overdue"


class RevocationCaseFilterForm(forms.Form):
    """The list's filter: the revocations due (all, or only the overdue ones), or the closed
    ones; an invalid value is ignored and shown as an error."""

    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            (DUE, _("Revocations due")),
            (OVERDUE_CASES, _("Overdue only")),
            (RevocationCase.Status.REVOKED, _("Closed: certificate revoked")),
            (RevocationCase.Status.WITHDRAWN, _("Withdrawn")),
        ],
    )

    def filter(self, cases, *, today):
        self.is_valid()
        status = self.cleaned_data.get("status") or DUE
        if status in (DUE, OVERDUE_CASES):
            cases = cases.open().order_by("due_on", "id")
            if status == OVERDUE_CASES:
                cases = cases.filter(due_on__lt=today)
            return cases
        return cases.filter(status=status).order_by("-closed_at", "-id")


# --------------------------------------------------------------------------------------
# Problem reports
# --------------------------------------------------------------------------------------


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


MESSAGE_MAX_LENGTH = 2000


class SignedPdfForm(forms.Form):
    """A PDF to check against the certificate (``/v/<code>``): a certificate saved from the
    platform, or one that someone shows you."""

    file = forms.FileField(label=_("PDF file of the certificate"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large to be a certificate."))
        return upload


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
