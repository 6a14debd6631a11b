"""Forms of the public verification pages (the report is stored by
``problem_reports.report_problem``) and of the back-office pages of decisions and certificates
(``views.py``). They validate input only; every change is a service call."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.core.text import fold
from ocop.regions.models import Province

from .models import (
    Authority,
    Certificate,
    ProblemReport,
    RecognitionDecision,
    RevocationGround,
    grace_days,
)

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


# --------------------------------------------------------------------------------------
# Back office: decisions and certificates (``views.py``). The forms check the input's shape;
# the rules (who decides, which dossiers, numbers already used) are the services'.
# --------------------------------------------------------------------------------------

ALL = ""
VALID_NOW = "valid"
REVOKED = "revoked"
EXPIRED = "expired"
SUPERSEDED = "superseded"


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _stripped(value):
    return (value or "").strip()


class DecisionFilterForm(forms.Form):
    """The decision list's filters; a value that does not fit is ignored and shown as an
    error."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(ALL, _("All")), *RecognitionDecision.Status.choices],
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)

    def filter(self, decisions):
        self.is_valid()
        data = self.cleaned_data
        if data.get("status"):
            decisions = decisions.filter(status=data["status"])
        if data.get("year"):
            decisions = decisions.filter(year=data["year"])
        return decisions


class DecisionHeaderForm(forms.Form):
    """Number, date and signer of a decision (the services check them again)."""

    number = forms.CharField(
        label=_("Decision number"),
        max_length=50,
        help_text=_("As written on it, e.g. 1234/QĐ-UBND."),
    )
    decided_on = forms.DateField(label=_("Date of the decision"), widget=_date_input())
    signer_name = forms.CharField(label=_("Signed by"), max_length=150)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_number(self):
        return _stripped(self.cleaned_data["number"])

    def clean_signer_name(self):
        return _stripped(self.cleaned_data["signer_name"])


class DossierChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, dossier):
        return dossier.product_name


class DecisionCreateForm(DecisionHeaderForm):
    """A new draft decision from the proposed dossiers the office may decide on."""

    dossiers = DossierChoiceField(
        label=_("Proposed products"),
        queryset=RecognitionDecision.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one proposed product."),
            "invalid_choice": _("A chosen product is no longer waiting for a decision."),
            "invalid_pk_value": _("A chosen product is no longer waiting for a decision."),
        },
    )

    field_order = ["dossiers", "number", "decided_on", "signer_name", "note"]

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].queryset = candidates


class HistoricalDecisionForm(DecisionHeaderForm):
    """The header of a decision taken before the platform; ``authorities``: those the user may
    record for the page's province."""

    authority = forms.ChoiceField(label=_("Decided by"), choices=Authority.choices)

    field_order = ["authority", "number", "decided_on", "signer_name", "note"]

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].choices = authorities


class HistoricalCertificateForm(forms.Form):
    """One row: a product of the province and its certificate as written on it."""

    product = forms.TypedChoiceField(label=_("Product"), coerce=int, choices=())
    star = forms.TypedChoiceField(
        label=_("Star"), coerce=int, choices=[(3, "★★★"), (4, "★★★★"), (5, "★★★★★")]
    )
    number = forms.CharField(label=_("Certificate number"), max_length=60)
    issued_on = forms.DateField(
        label=_("Issued on"),
        required=False,
        widget=_date_input(),
        help_text=_("Empty: the date of the decision."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=_date_input(),
        help_text=_("Empty: 36 months after issue."),
    )

    def __init__(self, *args, product_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "---------"), *product_choices]

    def clean_number(self):
        number = _stripped(self.cleaned_data["number"])
        if not number:
            raise forms.ValidationError(_("Enter the certificate number."))
        return number

    def clean(self):
        data = super().clean()
        issued_on, valid_until = data.get("issued_on"), data.get("valid_until")
        if issued_on and issued_on > timezone.localdate():
            self.add_error("issued_on", _("The date of issue cannot be in the future."))
        if issued_on and valid_until and valid_until <= issued_on:
            self.add_error("valid_until", _("The end of validity must come after the issue."))
        return data


class BaseHistoricalCertificateFormSet(forms.BaseFormSet):
    """The rows: at least one, each product once, each certificate number new."""

    def __init__(self, *args, product_choices=(), decided_on=None, **kwargs):
        self.product_choices = list(product_choices)
        self.decided_on = decided_on
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"product_choices": self.product_choices}

    @property
    def filled_forms(self):
        return [form for form in self.forms if form.has_changed() and form.is_valid()]

    def clean(self):
        filled = [form for form in self.forms if form.has_changed()]
        if not filled:
            raise forms.ValidationError(_("Add at least one product."))
        rows = [
            (form, dict(form.cleaned_data))
            for form in filled
            if form.is_valid()  # rows with errors of their own are checked no further
        ]
        seen_products, seen_numbers = set(), set()
        for form, data in rows:
            if data["product"] in seen_products:
                form.add_error("product", _("This product is listed twice."))
            if data["number"] in seen_numbers:
                form.add_error("number", _("This certificate number is listed twice."))
            seen_products.add(data["product"])
            seen_numbers.add(data["number"])
            valid_until = data.get("valid_until")
            if (
                not data.get("issued_on")
                and self.decided_on
                and valid_until
                and valid_until <= self.decided_on
            ):
                form.add_error("valid_until", _("The end of validity must come after the issue."))
        used = set(
            Certificate.objects.filter(number__in=seen_numbers).values_list("number", flat=True)
        )
        for form, data in rows:
            if data["number"] in used:
                form.add_error(
                    "number",
                    _("Certificate number %(number)s is already recorded.")
                    % {"number": data["number"]},
                )


HISTORICAL_MAX_ROWS = 50


def historical_formset(extra=0):
    """The rows' formset class, with ``extra`` blank rows (a posted form brings its own count,
    at most ``HISTORICAL_MAX_ROWS``)."""
    return forms.formset_factory(
        HistoricalCertificateForm,
        formset=BaseHistoricalCertificateFormSet,
        extra=extra,
        max_num=HISTORICAL_MAX_ROWS,
        validate_max=True,
        absolute_max=HISTORICAL_MAX_ROWS,
    )


class CertificateFilterForm(forms.Form):
    """The certificate list's filters (the status as it is today); a value that does not fit is
    ignored and shown as an error."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Certificate number or product")}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status today"),
        required=False,
        choices=[
            (ALL, _("All")),
            (VALID_NOW, _("Valid now")),
            (EXPIRED, _("Expired")),
            (REVOKED, _("Revoked")),
            (SUPERSEDED, _("Replaced by a newer certificate")),
        ],
    )
    star = forms.TypedChoiceField(
        label=_("Star"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All")), (3, "★★★"), (4, "★★★★"), (5, "★★★★★")],
    )
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.none(), required=False
    )
    product = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )

    def __init__(self, *args, is_national=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_national = is_national
        if is_national:
            self.fields["province"].queryset = Province.objects.order_by("folded_name")
            self.fields["province"].empty_label = _("All provinces")
        else:
            del self.fields["province"]

    def filter(self, certificates, *, today):
        self.is_valid()
        data = self.cleaned_data
        if data.get("province"):
            certificates = certificates.filter(product__producer__province=data["province"])
        if data.get("product"):
            certificates = certificates.filter(product_id=data["product"])
        if data.get("star"):
            certificates = certificates.filter(star=data["star"])
        if text := data.get("q"):
            folded = fold(text)
            condition = Q(number__icontains=text.strip())
            if folded:
                condition |= Q(product__folded_name__contains=folded)
            certificates = certificates.filter(condition)
        status = data.get("status")
        revoked = Q(revoked_on__lte=today)
        superseded = Q(superseded_on__lte=today)
        if status == VALID_NOW:
            certificates = certificates.valid_on(today)
        elif status == REVOKED:
            certificates = certificates.filter(revoked)
        elif status == SUPERSEDED:
            certificates = certificates.filter(superseded).exclude(revoked)
        elif status == EXPIRED:
            in_grace = Q(
                valid_until__gte=today - datetime.timedelta(days=grace_days()),
                has_pending_re_rating=True,
            )
            certificates = (
                certificates.with_pending_re_rating()
                .filter(valid_until__lt=today)
                .exclude(revoked | superseded | in_grace)
            )
        return certificates


class RevokeForm(forms.Form):
    """Revocation of a certificate (art. 12): one of the six grounds, the decision's number and
    date."""

    ground = forms.ChoiceField(
        label=_("Ground for revocation"),
        choices=RevocationGround.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the legal grounds for revocation.")},
    )
    decision_number = forms.CharField(label=_("Revocation decision number"), max_length=50)
    decided_on = forms.DateField(label=_("Date of the revocation decision"), widget=_date_input())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was found, for the record."),
    )

    def clean_decision_number(self):
        number = _stripped(self.cleaned_data["decision_number"])
        if not number:
            raise forms.ValidationError(_("Enter the number of the revocation decision."))
        return number


class ConfirmForm(forms.Form):
    """A checkbox that must be ticked before an act that cannot be undone."""

    confirm = forms.BooleanField(
        label=_("I confirm"),
        error_messages={"required": _("Tick the box to confirm.")},
    )
