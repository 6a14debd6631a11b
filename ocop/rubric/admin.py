"""Read-only admin for the rubric: the law is loaded from its data files (``load_rubric``) and
published through ``services.publish_version``; nothing here can add, change or delete it.
Self-assessments are shown read-only too: producers fill them in through the services."""

from django.contrib import admin
from django.db.models import Count

from .models import Criterion, Option, RubricVersion, SelfAssessment, Sheet


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


class SheetInline(ReadOnlyInline):
    model = Sheet
    fields = ["number", "name_vi", "name_en", "sector", "group", "subgroup"]


class CriterionInline(ReadOnlyInline):
    model = Criterion
    fk_name = "sheet"
    fields = ["position", "code", "title_vi", "kind", "part", "max_points"]


class OptionInline(ReadOnlyInline):
    model = Option
    fields = ["number", "text_vi", "points", "star_minimum", "case"]


@admin.register(RubricVersion)
class RubricVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "instrument",
        "status",
        "effective_from",
        "effective_to",
        "published_at",
        "sheet_count",
    ]
    list_filter = ["status"]
    inlines = [SheetInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_sheet_count=Count("sheets"))

    @admin.display(description=Sheet._meta.verbose_name_plural, ordering="_sheet_count")
    def sheet_count(self, obj):
        return obj._sheet_count


@admin.register(Sheet)
class SheetAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "name_vi", "version"]
    list_filter = ["version"]
    list_select_related = ["version"]
    search_fields = ["name_vi", "name_en"]
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "title_vi", "kind", "part", "max_points", "sheet"]
    list_filter = ["sheet__version", "kind", "part", "sheet__number"]
    list_select_related = ["sheet"]
    search_fields = ["code", "title_vi"]
    inlines = [OptionInline]


@admin.register(Option)
class OptionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["criterion", "number", "text_vi", "points", "star_minimum"]
    list_filter = ["criterion__sheet__version", "star_minimum"]
    list_select_related = ["criterion"]
    search_fields = ["text_vi", "criterion__code"]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["product", "sheet_number", "version", "total", "star", "status", "updated_at"]
    list_filter = ["status", "version", "sheet_number"]
    list_select_related = ["product", "version"]
    search_fields = ["product__name"]
