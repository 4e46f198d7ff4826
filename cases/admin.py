"""Django admin for clients, households and cases — view only.

Clients and cases are personal data changed only through the services (rules, history, audit; DP-1/DP-2);
`Case.state` is a protected FSM field that no form may set. The admin therefore shows, it does not edit."""

from django.contrib import admin

from cases.models import Case, CaseEvent, CaseGrant, Client, ClientNeed, Household


class ViewOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ViewOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(ViewOnlyAdmin):
    list_display = ("number",)
    search_fields = ("number",)


class ClientNeedInline(ViewOnlyInline):
    model = ClientNeed
    fields = ("need", "identified_on", "status", "status_changed_on", "priority")
    readonly_fields = fields


@admin.register(Client)
class ClientAdmin(ViewOnlyAdmin):
    list_display = ("customer_number", "last_name", "first_name", "site", "household")
    list_filter = ("site",)
    search_fields = ("customer_number", "last_name", "first_name")
    list_select_related = ("site", "household")
    inlines = [ClientNeedInline]


class CaseEventInline(ViewOnlyInline):
    model = CaseEvent
    fields = ("name", "from_state", "to_state", "effective_on", "at", "actor", "payload")
    readonly_fields = fields
    ordering = ("effective_on", "at", "pk")


@admin.register(Case)
class CaseAdmin(ViewOnlyAdmin):
    list_display = (
        "pk",
        "client",
        "fallmanager",
        "state",
        "referred_on",
        "admitted_on",
        "closed_on",
        "version",
    )
    list_filter = ("state", "imported")
    search_fields = ("client__customer_number", "client__last_name")
    list_select_related = ("client", "fallmanager")
    readonly_fields = ("state", "version")
    inlines = [CaseEventInline]


@admin.register(CaseGrant)
class CaseGrantAdmin(admin.ModelAdmin):
    list_display = ["case", "user", "reason", "starts_on", "expires_on", "active", "revoked_on"]
    readonly_fields = [f.name for f in CaseGrant._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
