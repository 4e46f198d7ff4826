from django.contrib import admin

from catalog.admin_base import MasterDataAdmin
from catalog.models import ExitReason, LegalPeriod, Need, RejectionReason


@admin.register(Need)
class NeedAdmin(MasterDataAdmin):
    list_display = ("code", "label", "key_group", "life_area", "active", "valid_from", "valid_to")
    list_filter = ("key_group", "life_area", "active")
    search_fields = ("code", "label")


@admin.register(ExitReason)
class ExitReasonAdmin(MasterDataAdmin):
    list_display = ("code", "label", "is_integration", "is_employment", "requires_justification", "active")
    list_filter = ("is_integration", "active")


@admin.register(RejectionReason)
class RejectionReasonAdmin(MasterDataAdmin):
    list_display = ("code", "label", "requires_justification", "active")


@admin.register(LegalPeriod)
class LegalPeriodAdmin(MasterDataAdmin):
    list_display = (
        "label",
        "valid_from",
        "valid_to",
        "benefit_name",
        "missed_summons_rule",
        "cooperation_instrument",
    )
