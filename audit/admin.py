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


# --- four eyes on privileged accounts in the Django admin (issue 15 finding 6) -------------------------------
from django.contrib import messages  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from audit import accounts  # noqa: E402
from audit.models import AccountRequest  # noqa: E402
from org.admin import StaffAdmin  # noqa: E402
from org.choices import Role  # noqa: E402

_Staff = get_user_model()


class FourEyesStaffAdmin(StaffAdmin):
    """The Staff pages of the Django admin, with the four-eyes rule of `audit.accounts`: a new privileged
    account is saved inactive and waits for a second admin; a change to a privileged role (or superuser) is
    saved as a request and the account keeps its role until confirmed."""

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            if obj.role in accounts.PRIVILEGED_ROLES or obj.is_superuser:
                _Staff.objects.filter(pk=obj.pk).update(is_active=False, is_superuser=False, is_staff=False)
                AccountRequest.objects.create(
                    staff=obj,
                    kind=AccountRequest.Kind.CREATE,
                    role=obj.role,
                    team_id=obj.team_id,
                    requested_by=request.user,
                )
                messages.warning(
                    request,
                    _(
                        "Das Konto ist angelegt und wartet auf die Freigabe durch eine zweite Person aus der Administration."
                    ),
                )
            return
        before = _Staff.objects.get(pk=obj.pk)
        elevates = (
            (obj.role in accounts.PRIVILEGED_ROLES and obj.role != before.role)
            or (obj.is_superuser and not before.is_superuser)
            or (obj.is_staff and not before.is_staff)
        )
        if elevates:
            requested_role = (
                obj.role if obj.role != before.role else (Role.ADMIN if obj.is_superuser else obj.role)
            )
            obj.role, obj.is_superuser, obj.is_staff = before.role, before.is_superuser, before.is_staff
            super().save_model(request, obj, form, change)
            if accounts.is_pending(obj):
                messages.error(request, _("Für dieses Konto wartet bereits eine Freigabe."))
                return
            AccountRequest.objects.create(
                staff=obj,
                kind=AccountRequest.Kind.ELEVATE,
                role=requested_role,
                team_id=obj.team_id,
                requested_by=request.user,
            )
            messages.warning(
                request,
                _(
                    "Die Rollenänderung wartet auf die Freigabe durch eine zweite Person aus der Administration."
                ),
            )
            return
        super().save_model(request, obj, form, change)


if admin.site.is_registered(_Staff):
    admin.site.unregister(_Staff)
admin.site.register(_Staff, FourEyesStaffAdmin)
