"""The Django admin for products. The classification is law-as-data loaded from
data/classification.json: read-only here. Product changes go through the services, so they are
validated and audited like the back office's; photos are added in the back office (where they are
checked and thumbnailed) and are shown read-only here."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import services
from .forms import ProductForm
from .models import Product, ProductGroup, ProductPhoto, ScoringSet, Sector


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Sector)
class SectorAdmin(ReadOnlyAdmin):
    list_display = ["code", "numeral", "name_vi", "name_en"]


@admin.register(ProductGroup)
class ProductGroupAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_vi", "name_en", "sector"]
    list_filter = ["sector"]


@admin.register(ScoringSet)
class ScoringSetAdmin(ReadOnlyAdmin):
    list_display = ["number", "name_vi", "name_en", "group", "authority"]
    list_filter = ["group__sector"]
    list_select_related = ["group"]


class ProductPhotoInline(admin.TabularInline):
    model = ProductPhoto
    fields = ["preview", "caption", "position", "uploaded_by", "created_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    @admin.display(description=_("photo"))
    def preview(self, photo):
        if not photo.pk:
            return ""
        return format_html(
            '<img src="{}" alt="" width="120" height="90">',
            reverse("products:photo_thumbnail", args=[photo.product_id, photo.pk]),
        )


class ProductAdminForm(ProductForm):
    """The back-office form (code checks, months as checkboxes) bound to the admin user."""

    admin_user = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("actor", self.admin_user)
        super().__init__(*args, **kwargs)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "producer", "scoring_set", "is_sample"]
    list_filter = ["is_sample", "scoring_set__group__sector", "producer__province"]
    search_fields = ["name", "folded_name", "code", "producer__name"]
    list_select_related = ["producer", "scoring_set"]
    inlines = [ProductPhotoInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = type(
            "BoundProductAdminForm", (ProductAdminForm,), {"admin_user": request.user}
        )
        return super().get_form(request, obj, change=change, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # products are never deleted: certificates and dossiers refer to them

    def save_model(self, request, obj, form, change):
        data = form.product_data()
        if change:
            saved = services.update_product(obj, actor=request.user, data=data)
        else:
            saved = services.create_product(actor=request.user, data=data)
        obj.pk = saved.pk
        obj.refresh_from_db()
