"""Django admin for system administrators. Day-to-day work uses the back office (views.py), which
goes through the services and writes the audit log; the admin does not, so it keeps documents
read-only (uploads there would skip the content check)."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Producer, ProducerDocument, ProducerMember


class ProducerMemberInline(admin.TabularInline):
    model = ProducerMember
    extra = 0
    autocomplete_fields = ["user"]


class ProducerDocumentInline(admin.TabularInline):
    model = ProducerDocument
    extra = 0
    fields = ["kind", "number", "issuer", "issued_on", "expires_on", "content_type", "size"]
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Producer)
class ProducerAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "registration_number",
        "commune",
        "province",
        "product_count",
        "is_sample",
    ]
    list_filter = ["kind", "is_sample", "province"]
    search_fields = ["name", "folded_name", "registration_number", "representative_name"]
    autocomplete_fields = ["commune", "legacy_commune"]
    list_select_related = ["commune", "province"]
    readonly_fields = ["province", "created_at", "updated_at"]
    inlines = [ProducerMemberInline, ProducerDocumentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_product_count=Count("products"))

    @admin.display(description=_("products"), ordering="_product_count")
    def product_count(self, obj):
        return obj._product_count


@admin.register(ProducerDocument)
class ProducerDocumentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "producer", "kind", "number", "issued_on", "expires_on"]
    list_filter = ["kind"]
    search_fields = ["number", "title", "producer__name", "producer__registration_number"]
    list_select_related = ["producer"]
    exclude = ["file"]
    readonly_fields = ["producer", "download", "content_type", "size", "uploaded_by"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        # Through the permission-checked view, never a /media/ URL.
        url = reverse("producers:document_download", args=[obj.producer_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.download_name)
