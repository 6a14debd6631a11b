from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["province", "commune"]


@admin.register(User)
class OcopUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("OCOP", {"fields": ("full_name", "phone")}))
    list_display = ["username", "full_name", "email", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email"]
    inlines = [MembershipInline]
