from django.contrib import admin

from audit.models import AccessLog, PurgeRun


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only; the database refuses changes anyway (append-only trigger)."""

    list_display = ["at", "username", "action", "object_type", "object_id", "client_id", "capacity"]
    list_filter = ["action", "capacity"]
    search_fields = ["=client_id", "username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return getattr(request.user, "role", None) == "datenschutz"


@admin.register(PurgeRun)
class PurgeRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "prepared_on", "prepared_by", "confirmed_on", "confirmed_by", "anonymised_count"]
    readonly_fields = [f.name for f in PurgeRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
