"""The filters of the working lists (WORK-3) through `django-filter`: the state lives in the URL (bookmarkable,
the back button works), sorting is an `OrderingFilter`, the page a `page` parameter (`web.lists.views`).

The querysets they filter are already scoped (`cases.selectors.cases_visible_to`, DP-1); a filter never
widens the scope, and its choices (FMs, teams) are those inside it."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import DateField, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from cases.choices import OPEN_STATES, CaseState
from catalog import periods

DUE_CHOICES = (
    ("clearing_overdue", _("Clearing überfällig")),
    ("clearing_due_14", _("Clearing endet in den nächsten 14 Tagen")),
    ("open", _("alle offenen Fälle")),
)


class CaseListFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name oder Kundennummer"), method="filter_q", max_length=100)
    state = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=CaseState.choices, widget=forms.CheckboxSelectMultiple
    )
    due = django_filters.ChoiceFilter(label=_("Fällig"), choices=DUE_CHOICES, method="filter_due")
    fallmanager = django_filters.ChoiceFilter(label=_("Fallmanager*in"), method="filter_fm")
    team = django_filters.ChoiceFilter(label=_("Team"), method="filter_team")
    sort = django_filters.OrderingFilter(
        label=_("Sortierung"),
        fields=(
            ("client__last_name", "name"),
            ("client__customer_number", "number"),
            ("state", "state"),
            ("referred_on", "referred"),
            ("clearing_started_on", "clearing"),
            ("admitted_on", "admitted"),
            ("fallmanager__last_name", "fm"),
        ),
        field_labels={
            "client__last_name": _("Name"),
            "client__customer_number": _("Kundennummer"),
            "state": _("Status"),
            "referred_on": _("Zugewiesen am"),
            "clearing_started_on": _("Clearing begonnen am"),
            "admitted_on": _("Übernommen am"),
            "fallmanager__last_name": _("Fallmanager*in"),
        },
    )

    def __init__(self, *args, fm_choices=(), team_choices=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.filters["fallmanager"].extra["choices"] = fm_choices
        self.filters["team"].extra["choices"] = team_choices
        if not fm_choices:
            del self.filters["fallmanager"]
        if not team_choices:
            del self.filters["team"]

    def filter_q(self, queryset, name, value):
        value = value.replace("\x00", "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(client__last_name__istartswith=value)
            | Q(client__first_name__istartswith=value)
            | Q(client__customer_number=value)
        )

    def filter_due(self, queryset, name, value):
        if value == "open":
            return queryset.filter(state__in=OPEN_STATES)
        # CLR-2: the clearing end by the SQL twin of `periods.clearing_ends_on` (one rule, one place).
        sql = periods.clearing_ends_on_sql('"cases_case"."clearing_started_on"')  # constant, no input
        due = RawSQL(sql, [], output_field=DateField())  # noqa: S611
        queryset = queryset.filter(state=CaseState.CLEARING).annotate(clearing_due=due)
        if value == "clearing_overdue":
            return queryset.filter(clearing_due__lt=self.today)
        if value == "clearing_due_14":
            return queryset.filter(
                clearing_due__gte=self.today, clearing_due__lte=self.today + datetime.timedelta(days=14)
            )
        return queryset

    def filter_fm(self, queryset, name, value):
        return queryset.filter(fallmanager_id=value) if str(value).isdigit() else queryset

    def filter_team(self, queryset, name, value):
        return queryset.filter(fallmanager__team_id=value) if str(value).isdigit() else queryset


REMINDER_DUE_CHOICES = (
    ("overdue", _("überschritten")),
    ("today", _("heute fällig")),
    ("next_14", _("in den nächsten 14 Tagen")),
)


class ReminderListFilter(django_filters.FilterSet):
    """The user's own reminders (`reviews.selectors.reminders_for`): kind, due, sorting."""

    kind = django_filters.ChoiceFilter(label=_("Art"), field_name="kind")
    due = django_filters.ChoiceFilter(label=_("Fällig"), choices=REMINDER_DUE_CHOICES, method="filter_due")
    sort = django_filters.OrderingFilter(
        label=_("Sortierung"),
        fields=(("due_on", "due"), ("kind", "kind"), ("created_on", "created")),
        field_labels={"due_on": _("fällig am"), "kind": _("Art"), "created_on": _("erstellt am")},
    )

    def __init__(self, *args, kind_choices=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.filters["kind"].extra["choices"] = kind_choices

    def filter_due(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(due_on__lt=self.today)
        if value == "today":
            return queryset.filter(due_on=self.today)
        if value == "next_14":
            return queryset.filter(
                due_on__gte=self.today, due_on__lte=self.today + datetime.timedelta(days=14)
            )
        return queryset


class AccessLogListFilter(django_filters.FilterSet):
    """The access log for the data-protection officer (DP-2): by client or staff member (at least one —
    both are index-backed), narrowed by action, capacity and period, newest or oldest first."""

    client = django_filters.NumberFilter(
        label=_("Kund*in-ID"), field_name="client_id", min_value=1, max_value=2**62
    )
    user = django_filters.NumberFilter(
        label=_("Mitarbeiter*in-ID"), field_name="user_id", min_value=1, max_value=2**62
    )
    action = django_filters.CharFilter(
        label=_("Aktion beginnt mit"), field_name="action", lookup_expr="startswith", max_length=50
    )
    capacity = django_filters.ChoiceFilter(label=_("Eigenschaft"), field_name="capacity")
    since = django_filters.DateFilter(label=_("von"), field_name="at__date", lookup_expr="gte")
    until = django_filters.DateFilter(label=_("bis"), field_name="at__date", lookup_expr="lte")
    sort = django_filters.OrderingFilter(
        label=_("Sortierung"), fields=(("at", "at"),), field_labels={"at": _("Zeitpunkt")}
    )

    def __init__(self, *args, capacity_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["capacity"].extra["choices"] = capacity_choices
