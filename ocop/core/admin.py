from django.contrib import admin

from .models import AuditEvent, PublicHoliday


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    """Where each year's plan of days off is entered (system check core.W001 asks for it)."""

    list_display = ["day", "kind", "occasion", "is_provisional", "name", "source"]
    list_filter = ["kind", "occasion", "is_provisional"]
    date_hierarchy = "day"
