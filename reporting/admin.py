"""Admin: monthly snapshots read-only. Single OutcomeRecords are deliberately not listed: the admin manages
master data, and even anonymous single records are only ever shown aggregated (DP-3)."""

from django.contrib import admin

from reporting.models import MonthlyReport


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ["month", "built_at"]
    readonly_fields = ["month", "built_at", "data"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
