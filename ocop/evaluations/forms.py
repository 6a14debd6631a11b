"""Forms of the evaluation pages. They check the shape of the input and limit choices to what the
user may pick; the rules (who may act, in which status, what is complete) are the services'
and come back as a ``ValidationError`` that the view puts on the form. No form saves anything.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ocop.accounts.scope import official_scope
from ocop.core.forms import add_service_error  # noqa: F401 (used by the views)
from ocop.core.text import fold
from ocop.producers.forms import CommuneChoiceField, DateInput, LayoutMixin
from ocop.producers.permissions import communes_in_scope
from ocop.products.models import Product
from ocop.regions.models import Province
from ocop.rubric.models import member_products

from .models import (
    DEFAULT_QUORUM_PERCENT,
    DEFAULT_SPREAD_LIMIT,
    CommuneReview,
    Council,
    CouncilMember,
    CouncilResult,
    Dossier,
    OfficeCheck,
    Round,
    TransitionalDossier,
)
from .permissions import can_organise_round
from .services.dossiers import DOSSIER_FIELDS, REQUIRED_AT_SUBMISSION
from .services.rounds import COUNCIL_FIELDS

TEXTAREA = {"rows": 3}


def model_field(model, name, **kwargs):
    """The form field Django derives from a model field (help text, length), its label
    capitalised like a form label."""
    kwargs.setdefault("label", label_of(model, name))
    return model._meta.get_field(name).formfield(**kwargs)


def label_of(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


# --------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------


class DossierFilterForm(forms.Form):
    """The dossier list's filters; a value that does not fit is ignored and shown as an error."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Product or receipt number")}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Dossier.Status.choices],
    )
    kind = forms.ChoiceField(
        label=_("Registration"),
        required=False,
        choices=[("", _("All registrations")), *Dossier.Kind.choices],
    )
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.none(), required=False
    )
    commune = CommuneChoiceField(label=_("Commune"), queryset=None, required=False)
    waiting = forms.BooleanField(label=_("Only those waiting for me"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue at the commune"), required=False)
    re_rating_overdue = forms.BooleanField(
        label=_("Only re-ratings past their 45 days"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        scope = official_scope(user)
        self.is_official = scope.is_official
        if scope.is_national:
            self.fields["province"].queryset = Province.objects.order_by("folded_name")
            self.fields["province"].empty_label = _("All provinces")
        else:
            del self.fields["province"]
        if scope.province_codes or len(scope.commune_codes) > 1:
            self.fields["commune"].queryset = communes_in_scope(user)
            self.fields["commune"].empty_label = _("All communes")
        else:
            del self.fields["commune"]
        if not self.is_official:
            del self.fields["overdue"]
            del self.fields["re_rating_overdue"]

    def filter(self, dossiers):
        self.is_valid()
        data = self.cleaned_data
        if data.get("waiting"):
            dossiers = dossiers.filter(pk__in=Dossier.objects.editable_by(self.user).values("pk"))
        if data.get("overdue"):
            dossiers = dossiers.commune_overdue()
        if data.get("re_rating_overdue"):
            dossiers = dossiers.re_rating_overdue()
        for name in ("status", "kind", "province", "commune"):
            if data.get(name):
                dossiers = dossiers.filter(**{name: data[name]})
        text = (data.get("q") or "").strip()
        if text:
            # Receipt numbers are digits, "/", "-" and "PĐK": fold the query and spell PĐK as
            # stored, since SQLite ignores case only for ASCII letters.
            receipt = fold(text).upper().replace("PDK", "PĐK")
            dossiers = dossiers.filter(
                Q(product__folded_name__contains=fold(text))
                | Q(receipt_number__contains=receipt)
                | Q(producer__folded_name__contains=fold(text))
            )
        return dossiers


class ResultFilterForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Round.Level.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("All outcomes")), *CouncilResult.Outcome.choices],
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2019, max_value=2100)

    def filter(self, results):
        self.is_valid()
        data = self.cleaned_data
        if data.get("level"):
            results = results.filter(level=data["level"])
        if data.get("outcome"):
            results = results.filter(outcome=data["outcome"])
        if data.get("year"):
            results = results.filter(council__round__year=data["year"])
        return results


# --------------------------------------------------------------------------------------
# The producer's dossier
# --------------------------------------------------------------------------------------


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.producer.name}"


class DossierCreateForm(forms.Form):
    product = ProductChoiceField(label=_("Product"), queryset=None)
    kind = forms.ChoiceField(
        label=_("Registration"),
        choices=Dossier.Kind.choices,
        initial=Dossier.Kind.FIRST_RATING,
        widget=forms.RadioSelect,
        help_text=_(
            "An upgrade or a re-rating starts from the product's latest rated dossier: its "
            "registration form and documents are copied, so nothing is typed twice."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = (
            member_products(user).select_related("producer").order_by("folded_name", "id")
        )
        self.fields["product"].error_messages["invalid_choice"] = _(
            "Choose one of your producer's products from the list."
        )


class DossierForm(LayoutMixin, forms.ModelForm):
    """The registration form (Mẫu 01) and the optional summary of Mẫu 02, part II. A draft
    may be saved incomplete; the fields the submission requires carry the ``*`` all the same."""

    MARKED_REQUIRED = REQUIRED_AT_SUBMISSION

    LAYOUT = [
        (
            _("Registering unit"),
            [["applicant_name"], ["representative_name", "representative_position"]],
        ),
        (_("Contact"), [["contact_address"], ["phone", "email"]]),
        (_("Product"), [["product_name", "sample_count"]]),
        (
            _("Production (optional)"),
            [["production_address", "production_capacity"], ["markets"]],
        ),
        (_("Declaration"), [["is_declaration_accepted"]]),
    ]

    class Meta:
        model = Dossier
        fields = DOSSIER_FIELDS
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "sample_count": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "markets": forms.Textarea(attrs=TEXTAREA),
        }


class AttachmentsForm(forms.Form):
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents
        self.fields["documents"].error_messages["invalid_choice"] = _(
            "Choose documents of this producer from the list."
        )


class ReasonForm(forms.Form):
    """A comment, required when ``required`` (a reason for a return, a note for a decision)."""

    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, label=None, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["comment"]
        field.required = required
        if label:
            field.label = label
        if required:
            field.error_messages["required"] = _("Write the reason, so that it can be acted on.")


# --------------------------------------------------------------------------------------
# The commune's review (Mẫu 03)
# --------------------------------------------------------------------------------------


def _finding_field(name):
    return forms.ChoiceField(
        label=label_of(CommuneReview, name),
        choices=CommuneReview.Finding.choices,
        required=False,
        widget=forms.RadioSelect,
    )


def _note_field(name):
    return model_field(CommuneReview, name, widget=forms.Textarea(attrs=TEXTAREA))


class CommuneReviewForm(LayoutMixin, forms.Form):
    """Completeness, the four points and the decision. Whether a dossier may be forwarded (every
    part present, every point assessed) is the service's rule; its errors land on the fields."""

    LAYOUT = [
        (_("Is the dossier complete?"), [[name] for name in CommuneReview.CHECKLIST_FIELDS]),
        (_("1. Local raw material"), [["local_raw_material"], ["local_raw_material_note"]]),
        (_("2. Local labour"), [["local_labour"], ["local_labour_note"]]),
        (_("3. Origin of the idea"), [["local_idea"], ["local_idea_note"]]),
        (_("4. Local identity"), [["local_identity"], ["local_identity_note"]]),
        (_("Forward or return"), [["decision"], ["reason"]]),
    ]

    has_registration_form = model_field(CommuneReview, "has_registration_form", required=False)
    has_self_assessment = model_field(CommuneReview, "has_self_assessment", required=False)
    has_required_documents = model_field(CommuneReview, "has_required_documents", required=False)
    has_samples = model_field(CommuneReview, "has_samples", required=False)
    local_raw_material = _finding_field("local_raw_material")
    local_raw_material_note = _note_field("local_raw_material_note")
    local_labour = _finding_field("local_labour")
    local_labour_note = _note_field("local_labour_note")
    local_idea = _finding_field("local_idea")
    local_idea_note = _note_field("local_idea_note")
    local_identity = _finding_field("local_identity")
    local_identity_note = _note_field("local_identity_note")
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=CommuneReview.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to forward or return the dossier.")},
    )
    reason = forms.CharField(
        label=_("Reason for return"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required when the dossier is returned: what the producer must complete."),
    )

    def service_data(self):
        """The review fields the service takes (the decision and reason go separately)."""
        names = (*CommuneReview.CHECKLIST_FIELDS, *CommuneReview.FINDING_FIELDS)
        data = {name: self.cleaned_data[name] for name in names}
        for name in CommuneReview.FINDING_FIELDS:
            data[f"{name}_note"] = self.cleaned_data[f"{name}_note"]
        return data


# --------------------------------------------------------------------------------------
# Province: rounds, councils, decisions
# --------------------------------------------------------------------------------------


class RoundForm(LayoutMixin, forms.Form):
    LAYOUT = [
        (_("Round"), [["level", "province"], ["year", "kind", "number"], ["name"]]),
        (_("Dates of an extra round"), [["forward_before", "decide_before"]]),
    ]
    # Service error codes -> the field they are about.
    ERROR_FIELDS = {
        "level": "level",
        "province": "province",
        "number": "number",
        "kind": "kind",
        "decide_before": "decide_before",
        "dates": "forward_before",
    }

    level = forms.ChoiceField(label=_("Level"), choices=Round.Level.choices)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.none(), required=False
    )
    year = forms.IntegerField(label=_("Year"), min_value=2019, max_value=2100)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Round.Kind.choices, initial=Round.Kind.STATUTORY
    )
    number = forms.TypedChoiceField(
        label=pgettext_lazy("round", "Number"),
        choices=[("", "—"), (1, "1"), (2, "2")],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "Statutory rounds: round 1 decides before 30 June the dossiers proposed before 30 "
            "April; round 2 decides before 30 December those proposed before 30 October."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    forward_before = forms.DateField(
        label=_("For dossiers proposed before"), required=False, widget=DateInput()
    )
    decide_before = forms.DateField(
        label=_("To be decided before"), required=False, widget=DateInput()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = official_scope(user)
        levels = [
            (value, label)
            for value, label in Round.Level.choices
            if value != Round.Level.CENTRAL or can_organise_round(user, Round.Level.CENTRAL)
        ]
        if not scope.province_codes and not user.is_superuser:
            levels = [(v, label) for v, label in levels if v != Round.Level.PROVINCE]
        self.fields["level"].choices = levels
        provinces = Province.objects.order_by("folded_name")
        if not user.is_superuser:
            provinces = provinces.filter(code__in=scope.province_codes)
        self.fields["province"].queryset = provinces
        self.fields["province"].error_messages["invalid_choice"] = _(
            "Choose a province you work for from the list."
        )
        self.fields["year"].initial = timezone.localdate().year


class AssignForm(forms.Form):
    dossiers = forms.ModelMultipleChoiceField(
        label=_("Dossiers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick at least one dossier."),
            "invalid_choice": _("Choose dossiers from the list; the list may have changed."),
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].queryset = candidates


class RoundChoiceForm(forms.Form):
    """The round a dossier is put in, from its page."""

    round = forms.ModelChoiceField(
        label=_("Round"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose an open round from the list.")},
    )

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds


class CouncilForm(LayoutMixin, forms.Form):
    LAYOUT = [
        (_("Council"), [["name"], ["establishing_decision"], ["quorum_percent", "spread_limit"]]),
    ]

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for “Council of” and the round's name."),
    )
    establishing_decision = model_field(Council, "establishing_decision")
    quorum_percent = forms.IntegerField(
        label=label_of(Council, "quorum_percent"),
        help_text=Council._meta.get_field("quorum_percent").help_text,
        min_value=1,
        max_value=100,
        initial=DEFAULT_QUORUM_PERCENT,
    )
    spread_limit = forms.DecimalField(
        label=label_of(Council, "spread_limit"),
        help_text=Council._meta.get_field("spread_limit").help_text,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        initial=DEFAULT_SPREAD_LIMIT,
    )

    def service_data(self, *, rules=True):
        data = {name: self.cleaned_data[name] for name in COUNCIL_FIELDS}
        if not data["name"]:
            data.pop("name")
        if not rules:
            data.pop("quorum_percent")
            data.pop("spread_limit")
        return data


class CouncilMemberForm(forms.Form):
    user = forms.CharField(
        label=_("Account"),
        max_length=254,
        help_text=_("The username or e-mail address of the member's account on this platform."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=CouncilMember.Role.choices, initial=CouncilMember.Role.MEMBER
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)

    def clean_user(self):
        text = self.cleaned_data["user"].strip()
        users = get_user_model().objects.filter(is_active=True)
        found = list(users.filter(username=text)[:1]) or list(users.filter(email__iexact=text)[:2])
        if not found:
            raise forms.ValidationError(
                _("No active account has this username or e-mail address."), code="no_user"
            )
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several accounts use this e-mail address; give the username."),
                code="several_users",
            )
        return found[0]


class DecisionForm(forms.Form):
    """The province's choice after a council: the options depend on the dossier's status, and
    a central score below 3 stars cannot be recognised (``can_recognise=False``)."""

    CHOICES = {
        Dossier.Status.AWAITING_APPROVAL: [
            ("approve_for_central", _("Approve and send to the central round")),
        ],
        Dossier.Status.CENTRAL_NOT_FIVE: [
            ("recognise_central_score", _("Propose recognition on the central score")),
            ("reassess_at_province", _("Evaluate it again at the province")),
        ],
    }
    # Decisions whose service requires a comment.
    NEEDS_COMMENT = {"reassess_at_province"}

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a decision.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required to evaluate the product again."),
    )

    def __init__(self, *args, status, can_recognise=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            (value, label)
            for value, label in self.CHOICES.get(status, [])
            if can_recognise or value != "recognise_central_score"
        ]

    def clean(self):
        data = super().clean()
        if data.get("decision") in self.NEEDS_COMMENT and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Write the reason for this decision."))
        return data


# --------------------------------------------------------------------------------------
# Council work
# --------------------------------------------------------------------------------------


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this producer?"),
        choices=[
            ("no", _("No: I have no tie to this producer or its product")),
            ("yes", _("Yes: I have a tie and do not score this dossier")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer whether you have a conflict of interest.")},
    )
    note = forms.CharField(
        label=_("What ties you to the producer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required when you declare a conflict."),
    )


class SheetFlagsForm(forms.Form):
    """The findings a member may flag on a sheet besides the answers: knock-out rules, a stop
    note that applies, and a note."""

    knockouts = forms.MultipleChoiceField(
        label=_("Knock-out rules that apply (the dossier is rejected)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    stop_at = forms.ChoiceField(label=_("Scoring stops at"), required=False)
    note = forms.CharField(
        label=_("Your note"), required=False, max_length=4000, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["knockouts"].choices = [
            (rule.id, rule.text_vi) for rule in sheet.knockouts.values()
        ]
        self.fields["stop_at"].choices = [("", _("Nothing stops the scoring"))] + [
            (code, f"{code}. {criterion.stop.text_vi}")
            for code, criterion in sheet.criteria.items()
            if criterion.stop is not None and criterion.stop.trigger == "flag"
        ]
        self.fields["knockouts"].error_messages["invalid_choice"] = _(
            "Choose knock-out rules of this sheet from the list."
        )
        self.fields["stop_at"].error_messages["invalid_choice"] = _(
            "Choose a stop note of this sheet from the list."
        )


class ReturnSheetForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the member look at again?"),
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Tell the member what to look at again.")},
    )


class CloseScoringForm(forms.Form):
    confirm_spread = forms.BooleanField(
        label=_("The council has discussed the difference between the totals and confirms them"),
        required=False,
    )
    held_meeting = forms.BooleanField(
        label=_("The council met in person (opinions differed, or the content was complex)"),
        required=False,
        help_text=_(
            "A re-rating is decided on the members' written opinions; say so only if the "
            "council met (Decision 26/2026, art. 7(6)(d))."
        ),
    )
    comment = forms.CharField(
        label=_("Chair's note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required when the totals differ by more than the council's limit."),
    )


class OfficeCheckForm(LayoutMixin, forms.Form):
    """The provincial office's check of a re-rating (art. 7(6)(c)): its report for the council,
    and the site check when one is needed."""

    LAYOUT = [
        (_("Report on the dossier"), [["report"]]),
        (
            _("Site check"),
            [["site_check_reason"], ["visited_on"], ["participants"], ["site_findings"]],
        ),
    ]

    report = forms.CharField(
        label=_("The office's report on the dossier"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For the council's chair; for a 5-star product, sent to the Ministry."),
    )
    site_check_reason = forms.ChoiceField(
        label=_("Site check"),
        required=False,
        choices=[("", _("No site check needed")), *OfficeCheck.SiteCheckReason.choices],
        help_text=_(
            "Needed when the scale of production changed a lot or the evidence is not clear."
        ),
    )
    visited_on = forms.DateField(label=_("Site checked on"), required=False, widget=DateInput())
    participants = forms.CharField(
        label=_("Participants"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    site_findings = forms.CharField(
        label=_("Site findings"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class SiteVisitForm(LayoutMixin, forms.Form):
    LAYOUT = [(_("Site visit"), [["visited_on"], ["participants"], ["findings"]])]

    visited_on = forms.DateField(label=_("Visited on"), widget=DateInput())
    participants = forms.CharField(
        label=_("Participants"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 5}))

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The visit cannot be in the future."))
        return day


class LabTestForm(LayoutMixin, forms.Form):
    LAYOUT = [(_("Laboratory test"), [["laboratory", "ordered_on"], ["tests"]])]

    laboratory = forms.CharField(label=_("Laboratory"), max_length=200)
    ordered_on = forms.DateField(label=_("Ordered on"), required=False, widget=DateInput())
    tests = forms.CharField(label=_("Tests requested"), widget=forms.Textarea(attrs=TEXTAREA))


class DocumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        parts = [obj.get_kind_display(), obj.title, obj.number]
        return " — ".join(part for part in parts if part)


class LabResultForm(LayoutMixin, forms.Form):
    LAYOUT = [(_("Result"), [["summary"], ["reported_on", "document"]])]

    summary = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 4}))
    reported_on = forms.DateField(label=_("Result received on"), required=False, widget=DateInput())
    document = DocumentChoiceField(
        label=_("Test report in the producer's documents"), queryset=None, required=False
    )

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents


class TransitionalDossierForm(LayoutMixin, forms.Form):
    """A dossier filed before 22 May 2026 (art. 12(2)), entered by the provincial office: the
    products of its province to choose from."""

    LAYOUT = [
        (
            _("Dossier filed before 22 May 2026"),
            [["product"], ["kind", "filed_on"], ["reference"], ["note"]],
        )
    ]

    product = ProductChoiceField(label=_("Product"), queryset=Product.objects.none())
    kind = forms.ChoiceField(label=_("Registration"), choices=Dossier.Kind.choices)
    filed_on = forms.DateField(label=_("Filed on"), widget=DateInput())
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = official_scope(user).province_codes
        self.fields["product"].queryset = (
            Product.objects.filter(producer__province_id__in=provinces)
            .select_related("producer")
            .order_by("folded_name", "pk")
        )


class CloseTransitionalForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        choices=[
            (TransitionalDossier.Status.NOT_RECOGNISED, _("Rated without recognition")),
            (TransitionalDossier.Status.WITHDRAWN, _("Withdrawn")),
        ],
    )
    note = forms.CharField(
        label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs=TEXTAREA)
    )
