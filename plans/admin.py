from django.contrib import admin

from catalog.admin_base import MasterDataAdmin
from plans.models import AgreementTitle, Partner


@admin.register(AgreementTitle)
class AgreementTitleAdmin(MasterDataAdmin):
    """PLAN-3: the document title by legal period is data, editable here (CATALOG.md)."""

    list_display = ("title", "valid_from", "valid_to")
    ordering = ("valid_from",)


@admin.register(Partner)
class PartnerAdmin(MasterDataAdmin):
    """The partner directory per area (debt, addiction, psychosocial counselling, …)."""

    list_display = ("name", "kind", "area", "external", "active")
    list_filter = ("area", "kind", "external", "active")
    search_fields = ("name", "contact")
