from django import forms
from django.conf import settings
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ocop.accounts.scope import official_scope
from ocop.core.ids import parse_id
from ocop.core.uploads import check_image
from ocop.producers.models import Producer
from ocop.regions.models import Commune, Province

from .codes import check_code_for_producer, normalize_code, validate_code
from .models import ALL_MONTHS, Product, ScoringSet
from .permissions import is_official_for
from .services import PRODUCT_FIELDS, duplicate_code_error

MONTH_CHOICES = [(month, MONTHS[month]) for month in range(1, 13)]
# A select with more producers than this is not offered in the list filters (use the search).
PRODUCER_OPTIONS_LIMIT = 500


class MonthsField(forms.TypedMultipleChoiceField):
    """Twelve checkboxes for the 12-bit mask of Product.available_months: cleans to the mask."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {"required": _("Tick at least one month when the product is available.")},
        )
        super().__init__(choices=MONTH_CHOICES, coerce=int, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return [str(month) for month in range(1, 13) if value & (1 << (month - 1))]
        return value

    def clean(self, value):
        return Product.months_to_mask(super().clean(value))

    def has_changed(self, initial, data):
        initial_mask = initial if isinstance(initial, int) else ALL_MONTHS
        try:
            data_mask = Product.months_to_mask(data or [])
        except (TypeError, ValueError):
            return True
        return initial_mask != data_mask


class GroupedScoringSetIterator(ModelChoiceIterator):
    """The 26 scoring sets under one option group per sector and product group, so the select reads
    like Annex I: "I. Food products › Tea" → "11. Fresh and processed tea"."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups = []
        for scoring_set in self.queryset:
            group = scoring_set.group
            label = f"{group.sector.numeral}. {group.sector.name} › {group.name}"
            if not groups or groups[-1][0] != label:
                groups.append((label, []))
            groups[-1][1].append(self.choice(scoring_set))
        yield from groups


class ScoringSetField(forms.ModelChoiceField):
    iterator = GroupedScoringSetIterator

    def __init__(self, **kwargs):
        super().__init__(
            queryset=ScoringSet.objects.select_related("group__sector").order_by(
                "group__sector__code", "group__code", "number"
            ),
            **kwargs,
        )


class ProducerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.commune.short_name})"


class ProductForm(forms.ModelForm):
    """Create and edit a product. The fields officials own (producer, code, sample flag) are only
    in the form of an official governing the producer; on creation a producer member chooses among
    their own producers. Values outside the choices are form errors, never saved."""

    scoring_set = ScoringSetField(
        label=capfirst(Product._meta.get_field("scoring_set").verbose_name),
        help_text=_("The sheet of Annex II the product is scored on."),
    )
    available_months = MonthsField(
        label=capfirst(Product._meta.get_field("available_months").verbose_name),
        initial=ALL_MONTHS,
    )

    class Meta:
        model = Product
        fields = list(PRODUCT_FIELDS)
        field_classes = {"producer": ProducerField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "story": forms.Textarea(attrs={"rows": 6}),
            "code": forms.TextInput(attrs={"placeholder": "11-03256-001-2026"}),
        }

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.warnings = []
        self._parsed_code = None
        editable = Producer.objects.editable_by(actor).select_related("commune")
        if self.instance.pk:
            self.is_official = is_official_for(actor, self.instance.producer)
        else:
            self.is_official = official_scope(actor).is_official
        if self.instance.pk and not self.is_official:
            for field in ("producer", "code", "is_sample"):
                del self.fields[field]
        elif not self.is_official:
            del self.fields["code"]
            del self.fields["is_sample"]
        if "producer" in self.fields:
            field = self.fields["producer"]
            field.queryset = editable.order_by("folded_name", "id")
            if not self.instance.pk:
                first_two = list(field.queryset[:2])
                if len(first_two) == 1:  # e.g. a member of one producer: nothing to choose
                    field.empty_label = None
                    self.initial.setdefault("producer", first_two[0].pk)

    def clean_code(self):
        code = normalize_code(self.cleaned_data.get("code"))
        if not code or code == self.instance.code:
            return code
        self._parsed_code = validate_code(code)
        if Product.objects.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise duplicate_code_error(code)
        return code

    def clean(self):
        cleaned_data = super().clean()
        producer = cleaned_data.get("producer") if "producer" in self.fields else None
        if producer is None and self.instance.pk:
            producer = self.instance.producer
        if producer is None:
            return cleaned_data
        if not self.instance.pk and not is_official_for(self.actor, producer):
            for field in ("code", "is_sample"):
                if cleaned_data.get(field):
                    self.add_error(
                        field,
                        _("Only an official governing this producer can set this field."),
                    )
        code = cleaned_data.get("code")
        producer_changed = self.instance.pk and producer.pk != self.instance.producer_id
        if code and (self._parsed_code or producer_changed):
            try:
                parsed = self._parsed_code or validate_code(code)
                self.warnings = check_code_for_producer(parsed, producer)
            except forms.ValidationError as error:
                self.add_error("code" if "code" in self.fields else None, error)
        return cleaned_data

    def product_data(self) -> dict:
        """The cleaned values for services.create_product / update_product."""
        return {name: self.cleaned_data[name] for name in self.fields}


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = _("A JPEG or PNG photo of at most %(size)s.") % {
            "size": filesizeformat(settings.UPLOAD_MAX_BYTES)
        }

    def clean_image(self):
        upload = self.cleaned_data["image"]
        check_image(upload)
        return upload


class ProductFilterForm(forms.Form):
    """The list filters. Choices depend on the user's scope (a commune officer is not offered a
    province); a value outside the choices is reported and ignored."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Product, producer or exact code")}
        ),
    )
    province = forms.TypedChoiceField(label=_("Province"), required=False)
    commune = forms.TypedChoiceField(label=_("Commune"), required=False)
    producer = forms.TypedChoiceField(
        label=_("Producer"), required=False, coerce=int, empty_value=None
    )
    sector = forms.TypedChoiceField(label=_("Sector"), required=False, coerce=int, empty_value=None)
    group = forms.TypedChoiceField(
        label=_("Product group"), required=False, coerce=int, empty_value=None
    )
    scoring_set = forms.TypedChoiceField(
        label=_("Scoring set"), required=False, coerce=int, empty_value=None
    )
    month = forms.TypedChoiceField(
        label=_("In season in"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any month")), *MONTH_CHOICES],
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        scope = official_scope(user)
        self._classification_choices()
        province = self._province_choices(scope)
        commune = self._commune_choices(scope, province)
        self._producer_choices(user, scope, province, commune)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "live-filter"
        if "province" in self.fields:
            # Changing the province reloads the whole filter form (the commune and producer
            # choices depend on it) together with the results.
            self.fields["province"].widget.attrs = {
                "hx-get": reverse("products:product_list"),
                "hx-include": "closest form",
                "hx-target": "#product-search",
                "hx-select": "#product-search",
                "hx-swap": "outerHTML",
                "hx-push-url": "true",
            }

    def filters(self) -> dict:
        """The valid filters, for ProductQuerySet.filtered(); invalid ones are left out."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: value for name, value in cleaned.items() if value not in ("", None)}

    def _classification_choices(self):
        sets = list(ScoringSet.objects.select_related("group__sector").order_by("number"))
        sectors, groups, sets_by_group = {}, {}, {}
        for scoring_set in sets:
            group = scoring_set.group
            sectors.setdefault(group.sector.code, group.sector)
            groups.setdefault(group.sector.code, {}).setdefault(group.code, group)
            sets_by_group.setdefault(group.code, []).append(scoring_set)
        self.fields["sector"].choices = [("", _("All sectors"))] + [
            (sector.code, f"{sector.numeral}. {sector.name}")
            for sector in sorted(sectors.values(), key=lambda sector: sector.code)
        ]
        self.fields["group"].choices = [("", _("All groups"))] + [
            (
                f"{sectors[sector_code].numeral}. {sectors[sector_code].name}",
                [(group.code, group.name) for group in sorted(by_code.values(), key=_code)],
            )
            for sector_code, by_code in sorted(groups.items())
        ]
        all_groups = {code: group for by_code in groups.values() for code, group in by_code.items()}
        self.fields["scoring_set"].choices = [("", _("All scoring sets"))] + [
            (all_groups[group_code].name, [(item.number, str(item)) for item in items])
            for group_code, items in sorted(sets_by_group.items())
        ]

    def _province_choices(self, scope):
        """Offer a province to users who see more than one; return the chosen province code."""
        if scope.is_national:
            provinces = list(Province.objects.order_by("code"))
        elif len(scope.province_codes) > 1:
            provinces = list(Province.objects.filter(code__in=scope.province_codes))
        else:
            del self.fields["province"]
            return None
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (province.code, province.name) for province in provinces
        ]
        chosen = self.data.get("province", "")
        return chosen if chosen in {province.code for province in provinces} else None

    def _commune_choices(self, scope, province):
        """Offer the communes of the chosen province, or of the official's territory."""
        if scope.is_national:
            communes = Commune.objects.filter(province_id=province) if province else None
            allowed = Commune.objects.all()
        elif scope.is_official:
            allowed = Commune.objects.filter(
                Q(province_id__in=scope.province_codes) | Q(code__in=scope.commune_codes)
            )
            communes = allowed.filter(province_id=province) if province else allowed
        else:
            communes = allowed = None
        options = list(communes.order_by("folded_name", "code")) if communes is not None else []
        chosen = self.data.get("commune", "")
        if chosen and chosen not in {commune.code for commune in options} and allowed is not None:
            # A commune given in the link (e.g. from a producer's page) without its province.
            options += list(allowed.filter(code=chosen))
        if len(options) < 2 and not (options and chosen):
            del self.fields["commune"]
            return None
        self.fields["commune"].choices = [("", _("All communes"))] + [
            (commune.code, commune.name) for commune in options
        ]
        return chosen if chosen in {commune.code for commune in options} else None

    def _producer_choices(self, user, scope, province, commune):
        """Offer the visible producers of the chosen commune or province, unless there are too
        many (a national user who has not chosen a province)."""
        visible = Producer.objects.visible_to(user).only("id", "name")
        if commune:
            candidates = visible.filter(commune_id=commune)
        elif province:
            candidates = visible.filter(province_id=province)
        elif scope.is_national:
            candidates = visible.none()
        else:
            candidates = visible
        options = list(candidates.order_by("folded_name", "id")[: PRODUCER_OPTIONS_LIMIT + 1])
        if len(options) > PRODUCER_OPTIONS_LIMIT:
            options = []
        chosen = parse_id(self.data.get("producer", ""))
        if chosen and chosen not in {producer.pk for producer in options}:
            options += list(visible.filter(pk=chosen))
        if len(options) < 2 and not (options and chosen):
            del self.fields["producer"]
            return
        self.fields["producer"].choices = [("", _("All producers"))] + [
            (producer.pk, producer.name) for producer in options
        ]


def _code(obj):
    return obj.code
