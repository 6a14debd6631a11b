from django.contrib import admin

from .models import Inquiry


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    """Read-only: inquiries are sent from the product pages and answered in the inbox."""

    list_display = ["created_at", "product", "buyer_name", "status", "replied_at"]
    list_filter = ["status", "province"]
    search_fields = ["buyer_name", "organisation", "product__name"]
    list_select_related = ["product"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
