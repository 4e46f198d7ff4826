"""Django admin for the organisation's master data (role admin): areas, sites, teams, staff, substitutions."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalog.admin_base import CountOnlyDeleteMixin, MasterDataAdmin
from org.choices import Role
from org.models import Area, Site, Staff, Substitution, Team
from org.services import ROLES_WITH_TEAM


@admin.register(Area)
class AreaAdmin(MasterDataAdmin):
    list_display = ("name",)
    search_fields = ("name",)
    filter_horizontal = ("leads",)


@admin.register(Site)
class SiteAdmin(MasterDataAdmin):
    list_display = ("name", "area")
    list_filter = ("area",)
    search_fields = ("name",)
    list_select_related = ("area",)


@admin.register(Team)
class TeamAdmin(MasterDataAdmin):
    list_display = ("name", "site", "rucksack_fallmanagement")
    list_filter = ("site__area", "site", "rucksack_fallmanagement")
    search_fields = ("name",)
    filter_horizontal = ("leads",)
    list_select_related = ("site",)


class _TeamRequiredMixin:
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") in ROLES_WITH_TEAM and not cleaned.get("team"):
            raise ValidationError({"team": _("Für diese Rolle ist ein Team erforderlich (ORG-1).")})
        return cleaned


class StaffCreationForm(_TeamRequiredMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = Staff
        fields = ("username", "first_name", "last_name", "email", "role", "team", "weekly_hours")


class StaffChangeForm(_TeamRequiredMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = Staff
        fields = "__all__"


@admin.register(Staff)
class StaffAdmin(CountOnlyDeleteMixin, UserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    list_display = ("username", "last_name", "first_name", "role", "team", "weekly_hours", "is_active")
    list_filter = ("role", "team__site", "is_active")
    list_select_related = ("team",)
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("last_name", "first_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email")}),
        (_("Rolle und Team"), {"fields": ("role", "team", "weekly_hours")}),
        (_("Zugang"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Daten"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "role",
                    "team",
                    "weekly_hours",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")


class SubstitutionForm(forms.ModelForm):
    class Meta:
        model = Substitution
        fields = ("absent", "substitute", "starts_on", "ends_on")

    def clean(self):
        cleaned = super().clean()
        absent, substitute = cleaned.get("absent"), cleaned.get("substitute")
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if absent and substitute and absent == substitute:
            raise ValidationError(_("Niemand kann sich selbst vertreten."))
        if starts and ends and ends < starts:
            raise ValidationError({"ends_on": _("Das Ende liegt vor dem Beginn.")})
        for field, person in (("absent", absent), ("substitute", substitute)):
            if person and person.role != Role.FALLMANAGER:
                self.add_error(field, _("Nur Fallmanager*innen."))
        return cleaned


@admin.register(Substitution)
class SubstitutionAdmin(MasterDataAdmin):
    form = SubstitutionForm
    list_display = ("absent", "substitute", "starts_on", "ends_on", "set_by")
    list_select_related = ("absent", "substitute", "set_by")
    date_hierarchy = "starts_on"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_by = request.user
        super().save_model(request, obj, form, change)
