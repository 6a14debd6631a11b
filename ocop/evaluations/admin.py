"""Read-only admin for the evaluation workflow. Every change goes through ``services/``, which
checks the allowed transitions and writes the hash-chained audit log; the admin does neither,
so it only shows the rows (dossiers, reviews, rounds, councils, sheets, results)."""

from django.contrib import admin

from .models import (
    CommuneReview,
    ConflictDeclaration,
    Council,
    CouncilMember,
    CouncilResult,
    Dossier,
    DossierAttachment,
    LabTestOrder,
    OfficeCheck,
    ReceiptCounter,
    Round,
    RoundDossier,
    ScoreSheet,
    SiteVisit,
    TransitionalDossier,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0


class DossierAttachmentInline(ReadOnlyInline):
    model = DossierAttachment
    fields = ["document", "kind", "number", "issued_on", "expires_on", "frozen_at"]


class CommuneReviewInline(ReadOnlyInline):
    model = CommuneReview
    fields = ["reviewed_at", "reviewer", "decision", "reason"]


@admin.register(Dossier)
class DossierAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "receipt_number",
        "product_name",
        "producer",
        "commune",
        "kind",
        "status",
        "commune_deadline",
        "proposed_star",
    ]
    list_filter = ["status", "kind", "province"]
    search_fields = ["receipt_number", "product_name", "applicant_name"]
    list_select_related = ["producer", "commune"]
    inlines = [DossierAttachmentInline, CommuneReviewInline]


@admin.register(ReceiptCounter)
class ReceiptCounterAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["commune", "year", "last_number"]
    list_filter = ["year"]


class RoundDossierInline(ReadOnlyInline):
    model = RoundDossier
    fields = ["dossier", "added_at", "added_by"]


@admin.register(Round)
class RoundAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "level", "province", "year", "kind", "decide_before", "status"]
    list_filter = ["level", "kind", "status", "year"]
    inlines = [RoundDossierInline]


class CouncilMemberInline(ReadOnlyInline):
    model = CouncilMember
    fields = ["user", "role", "organisation"]


@admin.register(Council)
class CouncilAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "round", "quorum_percent", "spread_limit"]
    inlines = [CouncilMemberInline]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dossier", "member", "has_conflict", "declared_at"]
    list_filter = ["has_conflict"]


@admin.register(SiteVisit)
class SiteVisitAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dossier", "visited_on", "recorded_by"]


@admin.register(LabTestOrder)
class LabTestOrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dossier", "laboratory", "ordered_on", "status", "reported_on"]
    list_filter = ["status"]


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dossier", "member", "round", "status", "total", "submitted_at"]
    list_filter = ["status"]
    list_select_related = ["dossier", "member__user", "round"]


@admin.register(CouncilResult)
class CouncilResultAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "dossier",
        "council",
        "level",
        "mean_total",
        "star",
        "outcome",
        "members_counted",
        "closed_at",
    ]
    list_filter = ["level", "outcome", "star"]
    list_select_related = ["dossier", "council"]


@admin.register(OfficeCheck)
class OfficeCheckAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dossier", "site_check_reason", "visited_on", "recorded_by", "recorded_at"]


@admin.register(TransitionalDossier)
class TransitionalDossierAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["product", "kind", "filed_on", "completion_due_on", "status"]
    list_filter = ["status", "kind"]
