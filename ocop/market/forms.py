"""The catalogue's filters: a GET form whose bad values are ignored, never an error."""

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import PlainSelect
from ocop.core.text import normalize
from ocop.producers.choices import ProducerKind
from ocop.regions.models import Commune, Province

from . import search, services
from .catalogue import SORTS
from .models import SalesChannel, TradeEvent

STAR_CHOICES = [("", _("Any star rating"))] + [
    (str(star), label) for star, label in ((5, _("5 stars")), (4, _("4 stars")), (3, _("3 stars")))
]
SORT_LABELS = {
    "relevance": _("Best match"),
    "stars": _("Most stars first"),
    "name": _("Name (A–Z)"),
    "newest": _("Newest certificate first"),
}


class CatalogueForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, strip=True)
    province = forms.ChoiceField(label=_("Province"), required=False, widget=PlainSelect)
    commune = forms.ChoiceField(label=_("Commune"), required=False, widget=PlainSelect)
    sector = forms.TypedChoiceField(
        label=_("Sector"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    group = forms.TypedChoiceField(
        label=_("Product group"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    set = forms.TypedChoiceField(
        label=_("Product set"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    star = forms.TypedChoiceField(
        label=_("Star rating"),
        required=False,
        choices=STAR_CHOICES,
        coerce=int,
        empty_value=None,
        widget=PlainSelect,
    )
    kind = forms.ChoiceField(
        label=_("Producer type"),
        required=False,
        choices=[("", _("Any producer type")), *list(ProducerKind.choices)],
        widget=PlainSelect,
    )
    month = forms.TypedChoiceField(
        label=_("In season in"),
        required=False,
        choices=[("", _("Any month"))] + [(str(n), MONTHS[n]) for n in range(1, 13)],
        coerce=int,
        empty_value=None,
        widget=PlainSelect,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(key, SORT_LABELS[key]) for key in SORTS],
        widget=PlainSelect,
    )

    def __init__(self, data, *, provinces, communes, scoring_sets):
        super().__init__(data)
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (province.code, province.name) for province in provinces
        ]
        self.fields["commune"].choices = [("", _("All communes"))] + [
            (commune.code, commune.name) for commune in communes
        ]
        sectors, groups = {}, {}
        for scoring_set in scoring_sets:
            groups[scoring_set.group.code] = scoring_set.group
            sectors[scoring_set.group.sector.code] = scoring_set.group.sector
        self.fields["sector"].choices = [("", _("All sectors"))] + [
            (str(code), f"{sector.numeral}. {sector.name}") for code, sector in sectors.items()
        ]
        self.fields["group"].choices = [("", _("All groups"))] + [
            (str(code), f"{code}. {group.name}") for code, group in groups.items()
        ]
        self.fields["set"].choices = [("", _("All product sets"))] + [
            (str(s.number), str(s)) for s in scoring_sets
        ]

    def clean_q(self):
        return self.cleaned_data["q"][: search.MAX_QUERY_LENGTH]

    def filters(self) -> dict:
        """The valid filters; a bad value (unknown code, a letter for a number) is dropped."""
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if value}


PHONE_CHARACTERS = set("0123456789 +-().")


ONE_LINE_FIELDS = ("buyer_name", "organisation", "unit")


class InquiryForm(forms.Form):
    """A buyer's request for a quote. ``website`` is a honeypot: hidden from people (and from
    screen readers), filled in by the robots that fill in every field."""

    buyer_name = forms.CharField(label=_("Your name"), max_length=100)
    organisation = forms.CharField(
        label=_("Organisation (shop, company, cooperative)"), max_length=150, required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=150, required=False)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=1_000_000_000, required=False
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=30, required=False, help_text=_("E.g. kg, box, bottle.")
    )
    wanted_by = forms.DateField(
        label=_("Wanted by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=services.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you need, where to deliver, and any question for the producer."),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and (not set(phone) <= PHONE_CHARACTERS or sum(c.isdigit() for c in phone) < 8):
            raise forms.ValidationError(_("Enter a phone number of at least 8 digits."))
        return phone

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError(_("Write a few words about what you need."))
        return message

    def clean(self):
        data = super().clean()
        for name in ONE_LINE_FIELDS:  # they go into the producer's e-mail: no forged lines
            if data.get(name):
                data[name] = normalize(data[name])
        contact_errors = self.has_error("phone") or self.has_error("email")
        if not data.get("phone") and not data.get("email") and not contact_errors:
            raise forms.ValidationError(
                _("Give a phone number or an e-mail address so the producer can answer.")
            )
        return data

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website", "").strip())


class InquiryNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=services.NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --------------------------------------------------------------------------------------
# Sales channels and trade events
# --------------------------------------------------------------------------------------

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SalesChannelForm(forms.ModelForm):
    """A product's sales channel. The commune list is that of the chosen province (else of the
    producer's); the model's ``clean()`` checks what each kind needs."""

    class Meta:
        model = SalesChannel
        fields = ["kind", "name", "address", "url", "country", "province", "commune", "is_active"]
        widgets = {"url": forms.URLInput(attrs={"placeholder": "https://"})}
        help_texts = {
            "url": _("For an e-commerce listing: the address of the product's page."),
            "country": _("For an export market."),
            "address": _("For a showroom, supermarket or shop."),
        }

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        province_code = (self.data.get("province") or "")[:2] if self.is_bound else ""
        if not (province_code.isascii() and province_code.isdigit()):
            province_code = ""
        province_code = province_code or self.instance.province_id or product.producer.province_id
        self.fields["province"].queryset = Province.objects.order_by("folded_name")
        self.fields["commune"].queryset = Commune.objects.filter(
            province_id=province_code
        ).order_by("folded_name")


class TradeEventForm(forms.ModelForm):
    class Meta:
        model = TradeEvent
        fields = [
            "name",
            "kind",
            "starts_on",
            "ends_on",
            "province",
            "address",
            "organiser",
            "description",
            "url",
        ]
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
            "url": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces


class JoinEventForm(forms.Form):
    producer = forms.ModelChoiceField(label=_("Producer"), queryset=None)
    products = forms.ModelMultipleChoiceField(
        label=_("Products to show (optional)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note to the organiser (optional)"), max_length=500, required=False
    )

    def __init__(self, *args, producers, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = producers
        self.fields["products"].queryset = products


class AddParticipantForm(forms.Form):
    producer = forms.ModelChoiceField(label=_("Producer"), queryset=None)

    def __init__(self, *args, producers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = producers


class EventFilterForm(forms.Form):
    """The calendar's filters: a GET form whose bad values are ignored."""

    province = forms.ChoiceField(label=_("Province"), required=False)
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, data, *, provinces):
        super().__init__(data)
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (province.code, province.name) for province in provinces
        ]

    def filters(self) -> dict:
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if value}
