"""Read-only admin for decisions, certificates, problem reports, inspections and revocations
due. Every change goes through the services (``recognition/services.py`` and ``control/``:
authority checks, the one-current-certificate rule, the hash-chained audit log); the admin does
none of that, so it only shows the rows."""

from django.contrib import admin

from .models import Certificate, DecisionItem, ProblemReport, RecognitionDecision


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DecisionItemInline(ReadOnlyMixin, admin.TabularInline):
    model = DecisionItem
    fields = ("position", "product", "star", "dossier", "council_result")
    raw_id_fields = ("product", "dossier", "council_result")
    extra = 0


@admin.register(RecognitionDecision)
class RecognitionDecisionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "decided_on", "authority", "province", "status", "is_historical")
    list_filter = ("status", "authority", "is_historical", "is_sample", "province")
    search_fields = ("number", "signer_name")
    date_hierarchy = "decided_on"
    inlines = [DecisionItemInline]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "product", "star", "issued_on", "valid_until", "is_current")
    list_filter = ("star", "is_current", "revocation_ground", "is_sample")
    search_fields = ("number", "public_code", "product__name")
    list_select_related = ("product",)
    raw_id_fields = ("decision", "item", "product", "council_result", "superseded_by")
    date_hierarchy = "issued_on"


@admin.register(ProblemReport)
class ProblemReportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Reports from the public verification page, for the province (or central) office."""

    list_display = ("created_at", "code", "kind", "province", "status")
    list_filter = ("status", "kind", "province")
    search_fields = ("code", "message")
    raw_id_fields = ("certificate",)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


# --------------------------------------------------------------------------------------
# Post-recognition inspections (written only through ``control/inspections.py``)
# --------------------------------------------------------------------------------------

from .models import Inspection, InspectionFinding  # noqa: E402


class InspectionFindingInline(ReadOnlyMixin, admin.TabularInline):
    model = InspectionFinding
    fields = ("position", "area", "criterion_code", "description", "severity")
    raw_id_fields = ("criterion",)
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("planned_on", "certificate", "kind", "status", "outcome", "resolution")
    list_filter = ("status", "kind", "outcome", "resolution", "is_sample")
    search_fields = ("certificate__number", "certificate__product__name", "team", "trigger")
    list_select_related = ("certificate",)
    raw_id_fields = ("certificate", "created_by")
    date_hierarchy = "planned_on"
    inlines = [InspectionFindingInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


# --------------------------------------------------------------------------------------
# Revocations due (written only through ``control/revocation.py``)
# --------------------------------------------------------------------------------------

from .models import RevocationCase  # noqa: E402


@admin.register(RevocationCase)
class RevocationCaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("due_on", "certificate", "ground", "finding_on", "reference", "status")
    list_filter = ("status", "ground")
    search_fields = ("certificate__number", "certificate__product__name", "reference")
    list_select_related = ("certificate",)
    raw_id_fields = ("certificate", "inspection", "recorded_by")
    date_hierarchy = "due_on"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)
