from django.contrib import admin

from .models import Commune, LegacyCommune, LegacyDistrict, LegacyProvince, Province


@admin.register(Province, LegacyProvince)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code", "folded_name"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province"]
    list_filter = ["province"]
    search_fields = ["name", "code", "folded_name"]


@admin.register(LegacyDistrict, LegacyCommune)
class LegacyUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code", "folded_name"]
