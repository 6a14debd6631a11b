"""Forms for the producers back office. They validate input and limit choices to the user's
scope; saving is done by the services, never by `form.save()`."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from ocop.accounts.scope import official_scope
from ocop.core.uploads import check_document
from ocop.regions.models import Commune, Province

from .choices import ProducerKind
from .models import Producer, ProducerDocument
from .permissions import communes_in_scope, legacy_communes_of, provinces_in_scope
from .services import REGISTRATION_NUMBER, normalize_registration_number


def unit_code(value, length) -> str:
    """An administrative unit code from raw input ("03256"), or "" if it cannot be one."""
    value = str(value or "")
    return value if len(value) == length and value.isascii() and value.isdigit() else ""


class DateInput(forms.DateInput):
    """The browser's date picker; it sends ISO dates whatever the display language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LayoutMixin:
    """Groups of fields for the template (`layout`), and fields with errors marked for Pico CSS
    (red border) and screen readers."""

    # [(legend, [[field names on one row], ...]), ...]; names absent from the form are skipped.
    LAYOUT = []

    def layout(self):
        groups = []
        for legend, rows in self.LAYOUT:
            bound_rows = [[self[name] for name in row if name in self.fields] for row in rows]
            bound_rows = [row for row in bound_rows if row]
            if bound_rows:
                groups.append((legend, bound_rows))
        return groups

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                described_by = [f"{bound.auto_id}_errors"]
                if bound.help_text:
                    described_by.append(f"{bound.auto_id}_helptext")
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = " ".join(described_by)


class CommuneChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, show_province=False, **kwargs):
        self.show_province = show_province
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        if self.show_province:
            return f"{obj.name} — {obj.province.short_name}"
        return obj.name


class LegacyCommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.district.name}"


PRODUCER_WIDGETS = {
    "founded_on": DateInput(),
    "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    "email": forms.EmailInput(attrs={"autocomplete": "email"}),
    "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
    "member_count": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    "worker_count": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    "registration_number": forms.TextInput(attrs={"autocapitalize": "characters"}),
}
# Shown under the "Legal representative" heading, so shorter than the model's names.
REPRESENTATIVE_LABELS = {
    "representative_name": _("Full name"),
    "representative_sex": _("Sex"),
    "representative_ethnicity": _("Ethnicity"),
    "representative_has_disability": _("Has a disability"),
}
MEMBER_FIELDS = [
    "name",
    "kind",
    "representative_name",
    "representative_sex",
    "representative_ethnicity",
    "representative_has_disability",
    "phone",
    "email",
    "address",
    "founded_on",
    "member_count",
    "worker_count",
]


class ProducerMemberForm(LayoutMixin, forms.ModelForm):
    """What a producer's own member may change: no registration number, commune or sample flag."""

    LAYOUT = [
        (
            _("Producer"),
            [
                ["name"],
                ["kind", "registration_number"],
                ["founded_on", "member_count", "worker_count"],
            ],
        ),
        (
            _("Legal representative"),
            [
                ["representative_name"],
                ["representative_sex", "representative_ethnicity"],
                ["representative_has_disability"],
            ],
        ),
        (_("Contact"), [["phone", "email"], ["address"]]),
        (_("Location"), [["commune", "legacy_commune"]]),
        (_("Data type"), [["is_sample"]]),
    ]

    class Meta:
        model = Producer
        fields = MEMBER_FIELDS
        widgets = PRODUCER_WIDGETS
        labels = REPRESENTATIVE_LABELS

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class ProducerOfficialForm(ProducerMemberForm):
    """The full form for officials; communes are limited to the official's territory."""

    class Meta:
        model = Producer
        fields = [
            *MEMBER_FIELDS[:2],
            "registration_number",
            *MEMBER_FIELDS[2:],
            "commune",
            "legacy_commune",
            "is_sample",
        ]
        widgets = PRODUCER_WIDGETS
        labels = REPRESENTATIVE_LABELS
        field_classes = {"commune": CommuneChoiceField, "legacy_commune": LegacyCommuneChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        provinces = provinces_in_scope(user)
        commune_field = self.fields["commune"]
        commune_field.queryset = communes_in_scope(user)
        commune_field.show_province = provinces is None or len(provinces) > 1
        commune_field.error_messages["invalid_choice"] = _(
            "Choose a commune in your area from the list."
        )
        commune_field.widget.attrs.update(
            {
                "hx-get": reverse_lazy("producers:legacy_commune_options"),
                "hx-target": "#id_legacy_commune",
                "hx-swap": "innerHTML",
            }
        )
        legacy_field = self.fields["legacy_commune"]
        legacy_field.queryset = legacy_communes_of(self._legacy_provinces(provinces))
        legacy_field.help_text = _(
            "Only if the producer's papers still name the commune as it was before 1 July 2025."
        )
        legacy_field.error_messages["invalid_choice"] = _(
            "Choose a former commune of the producer's province from the list."
        )

    def _legacy_provinces(self, provinces_of_user):
        """Former communes are offered for the province of the commune being chosen (when it is
        one the user may choose), else for the producer's province, else for the user's."""
        if self.is_bound:
            code = unit_code(self.data.get(self.add_prefix("commune")), 5)
            if code:
                chosen = (
                    self.fields["commune"]
                    .queryset.filter(pk=code)
                    .values_list("province_id", flat=True)
                    .first()
                )
                return [chosen] if chosen else []
        if self.instance.province_id:
            return [self.instance.province_id]
        if provinces_of_user is not None and len(provinces_of_user) == 1:
            return list(provinces_of_user)
        return []

    def clean_registration_number(self):
        number = normalize_registration_number(self.cleaned_data.get("registration_number"))
        if number and not REGISTRATION_NUMBER.match(number):
            raise forms.ValidationError(
                _("Use only digits, letters, dots, hyphens or slashes in the number."),
                code="bad_registration_number",
            )
        return number


class ProducerFilterForm(forms.Form):
    """The list filters; invalid values are ignored (and shown as errors)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name or registration number")}
        ),
    )
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.none(), required=False
    )
    commune = CommuneChoiceField(
        label=_("Commune"), queryset=Commune.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All types")), *ProducerKind.choices], required=False
    )
    commune_open = forms.BooleanField(
        label=_("Commune to fill in"),
        required=False,
        help_text=_("Producers imported from a list that printed no commune."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = official_scope(user)
        self.is_national = scope.is_national
        communes = None
        if scope.is_national:
            self.fields["province"].queryset = Province.objects.order_by("folded_name")
            self.fields["province"].empty_label = _("All provinces")
            code = unit_code(self.data.get("province"), 2)
            if code:
                communes = communes_in_scope(user).filter(province_id=code)
        else:
            del self.fields["province"]
            # A commune officer of one commune has nothing to choose from.
            if scope.province_codes or len(scope.commune_codes) > 1:
                communes = communes_in_scope(user)
        if communes is None:
            del self.fields["commune"]
        else:
            self.fields["commune"].queryset = communes
            self.fields["commune"].empty_label = _("All communes")
            self.fields["commune"].show_province = len(scope.province_codes) > 1 or bool(
                scope.province_codes and scope.commune_codes
            )

    def filter(self, producers):
        self.is_valid()
        data = self.cleaned_data
        if data.get("province"):
            producers = producers.filter(province=data["province"])
        if data.get("commune"):
            producers = producers.filter(commune=data["commune"])
        if data.get("kind"):
            producers = producers.filter(kind=data["kind"])
        if data.get("commune_open"):
            producers = producers.filter(commune__isnull=True)
        if data.get("q"):
            producers = producers.search(data["q"])
        return producers


class DocumentForm(LayoutMixin, forms.ModelForm):
    LAYOUT = [
        (
            _("Document"),
            [["kind", "number"], ["title"], ["issuer"], ["issued_on", "expires_on"], ["file"]],
        ),
    ]

    class Meta:
        model = ProducerDocument
        fields = ["kind", "title", "number", "issuer", "issued_on", "expires_on", "file"]
        widgets = {
            "issued_on": DateInput(),
            "expires_on": DateInput(),
            "file": forms.FileInput(
                attrs={"accept": "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"}
            ),
        }
        help_texts = {
            "title": _("Optional, e.g. the product the test report covers."),
            "expires_on": _("Leave empty if the document does not expire."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("A PDF, JPEG or PNG file of at most %(limit)s.") % {
            "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)
        }

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_document(upload)
        return upload

    def service_data(self):
        """The cleaned values the service takes (the file goes separately)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "file"}
