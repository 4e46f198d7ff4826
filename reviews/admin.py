from django.contrib import admin

from reviews.models import DailyJobRun, Reminder, ReminderDigest, Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Read-only: reviews change only through their gates (reviews.services)."""

    list_display = ["case", "month", "due_on", "gate", "state"]
    list_filter = ["gate", "state"]
    readonly_fields = [f.name for f in Review._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
