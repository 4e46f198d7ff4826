from django.contrib import admin

from reminders.models import DailyJobRun, Reminder, ReminderDigest


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "due_on", "recipient", "case", "created_on", "done_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "case", "client"]
    readonly_fields = ["kind", "due_on", "recipient", "case", "client", "created_on", "created_at"]


@admin.register(ReminderDigest)
class ReminderDigestAdmin(admin.ModelAdmin):
    list_display = ["recipient", "sent_on", "reminder_count"]


@admin.register(DailyJobRun)
class DailyJobRunAdmin(admin.ModelAdmin):
    list_display = ["on", "started_at", "finished_at", "counts"]
