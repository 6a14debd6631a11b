"""Administrative units are reference data loaded from ocop/regions/data (`load_regions`):
the admin shows them read-only, so nothing typed here is silently overwritten by the next load
or breaks the rows that point at them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Commune,
    CommuneSuccession,
    LegacyCommune,
    LegacyDistrict,
    LegacyProvince,
    Province,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "division_type"]
    search_fields = ["code", "name", "folded_name"]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "division_type", "province"]
    list_filter = ["province"]
    list_select_related = ["province"]
    search_fields = ["code", "name", "folded_name"]


@admin.register(LegacyProvince)
class LegacyProvinceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "successor_names"]
    search_fields = ["code", "name", "folded_name"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("successors")

    @admin.display(description=_("today's provinces"))
    def successor_names(self, obj):
        return ", ".join(province.name for province in obj.successors.all())


@admin.register(LegacyDistrict)
class LegacyDistrictAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "province"]
    list_filter = ["province"]
    list_select_related = ["province"]
    search_fields = ["code", "name", "folded_name"]


class SuccessionInline(ReadOnlyInline):
    model = CommuneSuccession
    fields = ["commune", "is_primary", "is_partial"]


@admin.register(LegacyCommune)
class LegacyCommuneAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "district", "province"]
    list_filter = ["district__province"]
    list_select_related = ["district__province"]
    search_fields = ["code", "name", "folded_name"]
    inlines = [SuccessionInline]

    @admin.display(description=_("legacy province"), ordering="district__province")
    def province(self, obj):
        return obj.district.province
