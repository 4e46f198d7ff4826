"""Admin: the daily job's run log only. Reminders name a case or client and a due task (case content,
DP-1); digests name a person's workload — neither is master data."""

from django.contrib import admin

from reminders.models import DailyJobRun


@admin.register(DailyJobRun)
class DailyJobRunAdmin(admin.ModelAdmin):
    list_display = ["on", "started_at", "finished_at", "counts"]
