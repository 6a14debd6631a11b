"""Forms of the back-office pages of decisions and certificates (``views.py``). They validate
input only; every change is a service call. (The "report a problem" form of the public
verification page is control's: ``control/forms.py``.)"""

import datetime
import unicodedata
from collections import defaultdict

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ocop.core.deadlines import add_months
from ocop.core.text import fold, normalize
from ocop.products.codes import normalize_code
from ocop.regions.models import Province

from ..models import (
    AUTHORITY_STARS,
    DISTRICTS_ABOLISHED,
    Authority,
    Certificate,
    RecognitionDecision,
    RevocationGround,
    finding_messages,
    grace_days,
)

# --------------------------------------------------------------------------------------
# Back office: decisions and certificates (``views.py``). The forms check the input's shape
# and what the page can tell from it (dates within reason, which stars an authority
# recognises); the rules (who decides, which dossiers, numbers already used) are the
# services' and are checked there again.
# --------------------------------------------------------------------------------------

ALL = ""
VALID_NOW = "valid"
REVOKED = "revoked"
EXPIRED = "expired"
SUPERSEDED = "superseded"

#: The earliest day a decision or certificate may carry. Quảng Ninh's provincial OCOP
#: programme, the model of the national one, began in 2013; an earlier day is a typing error
#: (and days near year 1 or 9999 break the date arithmetic of the certificate pages).
EARLIEST_DAY = datetime.date(2013, 1, 1)
#: A certificate is valid 36 months; an end of validity typed more than five years after the
#: issue is a typing error.
LONGEST_VALIDITY_MONTHS = 60
AUTHORITY_STAR_ERRORS = {
    Authority.PROVINCE_CHAIRMAN: _(
        "The provincial chairman recognises 3- and 4-star products; the Minister recognises "
        "5-star ones."
    ),
    Authority.DISTRICT_CHAIRMAN: _("The district chairman recognised 3-star products only."),
    Authority.MINISTER: _("The Minister recognises 5-star products only."),
}
STAR_CHOICES = [(3, "★★★"), (4, "★★★★"), (5, "★★★★★")]


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LineField(forms.CharField):
    """One line as people type it: NFC, runs of white space (non-breaking ones too) made one
    space. A number pasted from a PDF, with decomposed tone marks, is then the same number as
    one typed by hand, and the length limit counts what is stored."""

    def to_python(self, value):
        return normalize(super().to_python(value))


class NoteField(forms.CharField):
    """Free text over several lines: NFC, line breaks kept."""

    def to_python(self, value):
        return unicodedata.normalize("NFC", super().to_python(value))


class DayField(forms.DateField):
    """A day not before ``EARLIEST_DAY`` (``required_message``: the message for an empty
    box)."""

    def __init__(self, *args, required_message=None, **kwargs):
        kwargs.setdefault("widget", _date_input())
        if required_message:
            kwargs["error_messages"] = {"required": required_message}
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and value < EARLIEST_DAY:
            raise forms.ValidationError(
                _("Check the year: OCOP decisions date from %(year)s on."),
                code="too_early",
                params={"year": EARLIEST_DAY.year},
            )


class DecisionFilterForm(forms.Form):
    """The decision list's filters; a value that does not fit is ignored and shown as an
    error."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (ALL, _("All")),
            (RecognitionDecision.Status.DRAFT, pgettext_lazy("recognition decision", "draft")),
            (RecognitionDecision.Status.SIGNED, pgettext_lazy("recognition decision", "signed")),
        ],
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

    number = LineField(
        label=_("Decision number"),
        max_length=50,
        help_text=_("As written on it, e.g. 1234/QĐ-UBND."),
        error_messages={"required": _("Enter the decision number, e.g. 1234/QĐ-UBND.")},
    )
    decided_on = DayField(
        label=_("Date of the decision"), required_message=_("Enter the date of the decision.")
    )
    signer_name = LineField(
        label=_("Signed by"),
        max_length=150,
        error_messages={"required": _("Enter the name of the person who signs the decision.")},
    )
    note = NoteField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_decided_on(self):
        decided_on = self.cleaned_data["decided_on"]
        if decided_on > timezone.localdate():
            raise forms.ValidationError(
                _("The date of the decision cannot be in the future."), code="future_date"
            )
        return decided_on


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

    def clean(self):
        """A decision rests on the council's results: it cannot be older than they are."""
        data = super().clean()
        dossiers, decided_on = data.get("dossiers"), data.get("decided_on")
        if dossiers and decided_on:
            closed = max(
                timezone.localdate(dossier.decisive_result.closed_at) for dossier in dossiers
            )
            if decided_on < closed:
                self.add_error(
                    "decided_on",
                    forms.ValidationError(
                        _("The decision cannot be dated before the council's result of %(date)s."),
                        code="before_result",
                        params={"date": date_format(closed, "SHORT_DATE_FORMAT")},
                    ),
                )
        return data


class HistoricalDecisionForm(DecisionHeaderForm):
    """The header of a decision taken before the platform; ``authorities``: those the user may
    record for the page's province."""

    authority = forms.ChoiceField(label=_("Decided by"), choices=Authority.choices)

    field_order = ["authority", "number", "decided_on", "signer_name", "note"]

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].choices = authorities

    def clean(self):
        data = super().clean()
        decided_on = data.get("decided_on")
        if (
            data.get("authority") == Authority.DISTRICT_CHAIRMAN
            and decided_on
            and decided_on >= DISTRICTS_ABOLISHED
        ):
            self.add_error(
                "authority",
                _(
                    "Districts were abolished on 1 July 2025: from then on, the provincial "
                    "chairman decides."
                ),
            )
        return data


class ProductLookup:
    """The products a historical row may name (the province's, as the user may see them).

    A province has up to a thousand products: instead of a menu of all of them in every row,
    each row has a text box with one shared list of suggestions (``<datalist>``). What is typed
    is matched, tone marks and case aside, on the list's text, then on the product code, then on
    a name that only one product has."""

    def __init__(self, products, *, province):
        self.province = province
        self.products = {product.pk: product for product in products}
        labels = defaultdict(list)
        for product in self.products.values():
            labels[fold(self._label(product))].append(product)
        self.options = []
        self._by_label, self._by_code, self._by_name = {}, {}, defaultdict(list)
        for product in self.products.values():
            label = self._label(product)
            if len(labels[fold(label)]) > 1:  # the same name and producer: tell them apart
                label = f"{label} · #{product.pk}"
            self.options.append(label)
            self._by_label[fold(label)] = product
            if product.code:
                self._by_code[product.code] = product
            self._by_name[product.folded_name].append(product)

    @staticmethod
    def _label(product) -> str:
        label = f"{product.name} — {product.producer.name}"
        return f"{label} ({product.code})" if product.code else label

    def find(self, text):
        folded = fold(text)
        product = self._by_label.get(folded) or self._by_code.get(normalize_code(text))
        if product is not None:
            return product
        named = self._by_name.get(folded, [])
        if len(named) == 1:
            return named[0]
        if named:
            raise forms.ValidationError(
                _(
                    "Several products are named “%(text)s”: choose one from the list, which "
                    "shows their producers."
                ),
                code="ambiguous_product",
                params={"text": text},
            )
        raise forms.ValidationError(
            _("No product of %(province)s matches “%(text)s”: choose one from the list."),
            code="unknown_product",
            params={"text": text, "province": self.province.name},
        )


class HistoricalCertificateForm(forms.Form):
    """One row: a product of the province and its certificate as written on it."""

    product = LineField(
        label=_("Product"),
        max_length=500,  # the longest suggestion: two names of 200, a code of 40, an id
        widget=forms.TextInput(attrs={"list": "historical-products", "autocomplete": "off"}),
        error_messages={"required": _("Choose the product.")},
    )
    star = forms.TypedChoiceField(
        label=_("Star"),
        coerce=int,
        choices=[("", "---------"), *STAR_CHOICES],
        error_messages={"required": _("Choose the star.")},
    )
    number = LineField(
        label=_("Certificate number"),
        max_length=60,
        error_messages={"required": _("Enter the certificate number.")},
    )
    issued_on = DayField(
        label=_("Issued on"), required=False, help_text=_("Empty: the date of the decision.")
    )
    valid_until = DayField(
        label=_("Valid until"), required=False, help_text=_("Empty: 36 months after issue.")
    )

    def __init__(self, *args, lookup=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookup = lookup

    def clean_product(self):
        """The product's id (the view takes the product from ``lookup.products``)."""
        return self.lookup.find(self.cleaned_data["product"]).pk

    def clean(self):
        data = super().clean()
        issued_on, valid_until = data.get("issued_on"), data.get("valid_until")
        if issued_on and issued_on > timezone.localdate():
            self.add_error("issued_on", _("The date of issue cannot be in the future."))
        if issued_on and valid_until:
            check_validity(self, issued_on, valid_until)
        return data


def check_validity(form, issued_on, valid_until):
    """The end of validity after the issue, and not absurdly far after it."""
    if valid_until <= issued_on:
        form.add_error("valid_until", _("The end of validity must come after the issue."))
    elif valid_until > add_months(issued_on, LONGEST_VALIDITY_MONTHS):
        form.add_error(
            "valid_until",
            _(
                "A certificate is valid 36 months: an end of validity more than 5 years after "
                "the issue must be a typing error."
            ),
        )


class BaseHistoricalCertificateFormSet(forms.BaseFormSet):
    """The rows: at least one, each product once, each certificate number new, each star one
    the decision's authority recognises, no certificate issued before its decision.

    ``header``: the decision's cleaned header when it is valid (its date and authority);
    ``row_initial``: values to show in the first rows of an unbound formset (the rows already
    typed when the office asks for more)."""

    def __init__(self, *args, lookup=None, header=None, row_initial=(), **kwargs):
        self.lookup = lookup
        self.header = header or {}
        self.row_initial = list(row_initial)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = {"lookup": self.lookup}
        if index is not None and index < len(self.row_initial):
            kwargs["initial"] = self.row_initial[index]
        return kwargs

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
        decided_on, authority = self.header.get("decided_on"), self.header.get("authority")
        seen_products, seen_numbers = set(), set()
        for form, data in rows:
            if data["product"] in seen_products:
                form.add_error("product", _("This product is listed twice."))
            if data["number"] in seen_numbers:
                form.add_error("number", _("This certificate number is listed twice."))
            seen_products.add(data["product"])
            seen_numbers.add(data["number"])
            if authority in AUTHORITY_STARS and data["star"] not in AUTHORITY_STARS[authority]:
                form.add_error("star", AUTHORITY_STAR_ERRORS[authority])
            if decided_on is None:
                continue
            issued_on, valid_until = data.get("issued_on"), data.get("valid_until")
            if issued_on and issued_on < decided_on:
                form.add_error(
                    "issued_on",
                    forms.ValidationError(
                        _("A certificate cannot be issued before its decision (%(date)s)."),
                        code="before_decision",
                        params={"date": date_format(decided_on, "SHORT_DATE_FORMAT")},
                    ),
                )
            elif not issued_on and valid_until:
                check_validity(form, decided_on, valid_until)
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

    q = LineField(
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
        choices=[("", _("All")), *STAR_CHOICES],
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
            condition = Q(number__icontains=text)
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
    """Revocation of a certificate (art. 8): one of the six grounds of art. 8(1), the
    decision's number and date, and the day its 15 days ran from (art. 8(4): the authority's
    conclusion, or the commune's confirmation that production stopped)."""

    ground = forms.ChoiceField(
        label=_("Ground for revocation"),
        choices=RevocationGround.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the legal grounds for revocation.")},
    )
    decision_number = LineField(
        label=_("Revocation decision number"),
        max_length=50,
        error_messages={"required": _("Enter the number of the revocation decision.")},
    )
    decided_on = DayField(
        label=_("Date of the revocation decision"),
        required_message=_("Enter the date of the revocation decision."),
    )
    finding_on = DayField(
        label=_("Date of the conclusion or confirmation"),
        required_message=_(
            "Enter the date of the competent authority's conclusion or, when production "
            "stopped, of the commune's confirmation."
        ),
        help_text=_(
            "The 15 days for revoking run from this day (art. 8(4)): the date of the competent "
            "authority's conclusion on the breach or, for “production stopped”, the date of the "
            "commune People's Committee's confirmation that production stopped. Not after the "
            "revocation decision."
        ),
    )
    note = NoteField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was found, for the record."),
    )

    def clean(self):
        """The finding's day, not in the future nor after the decision, in the words of the
        ground (the service checks it again, and against the certificate's issue)."""
        cleaned = super().clean()
        finding_on, decided_on = cleaned.get("finding_on"), cleaned.get("decided_on")
        messages = finding_messages(cleaned.get("ground"))
        if finding_on is None:
            return cleaned
        if finding_on > timezone.localdate():
            self.add_error(
                "finding_on", forms.ValidationError(messages["future_finding"], code="future")
            )
        elif decided_on is not None and finding_on > decided_on:
            self.add_error(
                "finding_on",
                forms.ValidationError(messages["finding_after_decision"], code="after_decision"),
            )
        return cleaned


class ConfirmForm(forms.Form):
    """A checkbox that must be ticked before an act that cannot be undone."""

    confirm = forms.BooleanField(
        label=_("I confirm"),
        error_messages={"required": _("Tick the box to confirm.")},
    )
