"""UI forms: they check the shape; `plans.services` enforces the rules and its errors go on the form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.choices import NeedStatus
from catalog.models import LifeArea, Need, sensitive_need_q
from catalog.validators import MAX_TEXT
from plans.choices import ContactKind, GoalKind, GoalStatus, ServiceKind, ServiceStatus
from plans.models import Partner

HEALTH_HINT = _(
    "Nur arbeitsrelevante Einschränkungen erfassen (z. B. „kann nicht schwer heben“), keine Diagnosen. "
    "Diese Angaben sieht nur die zuständige Fallmanager*in."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AssessmentForm(forms.Form):
    """Findings and resources per life area (PLAN-1); the health area only for the case's FM (DP-6)."""

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_names = []
        for area in areas:
            value = area.life_area
            help_text = HEALTH_HINT if value == LifeArea.GESUNDHEIT else ""
            self.fields[f"findings_{value}"] = forms.CharField(
                label=_("Feststellungen: %(area)s") % {"area": area.label},
                required=False,
                max_length=MAX_TEXT,
                initial=area.findings,
                help_text=help_text,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"resources_{value}"] = forms.CharField(
                label=_("Ressourcen: %(area)s") % {"area": area.label},
                required=False,
                max_length=MAX_TEXT,
                initial=area.resources,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.area_names.append((value, area.label))

    def areas_payload(self) -> list[dict]:
        return [
            {
                "life_area": value,
                "findings": self.cleaned_data.get(f"findings_{value}", ""),
                "resources": self.cleaned_data.get(f"resources_{value}", ""),
            }
            for value, _label in self.area_names
        ]

    def pairs(self):
        return [
            (label, self[f"findings_{value}"], self[f"resources_{value}"]) for value, label in self.area_names
        ]


class NeedAddForm(forms.Form):
    need = forms.ModelChoiceField(label=_("Handlungsbedarf"), queryset=Need.objects.none())
    priority = forms.IntegerField(
        label=_("Priorität (1 = zuerst)"), min_value=1, max_value=99, required=False
    )

    def __init__(self, *args, needs=None, sensitive_ok: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Need.objects.filter(active=True).order_by("life_area", "sort")
        if not sensitive_ok:
            qs = qs.exclude(sensitive_need_q())  # DP-6
        self.fields["need"].queryset = qs
        if needs is not None:
            # Reuse an already evaluated list for the choices (no extra query when rendering).
            self.fields["need"].choices = [("", "---------")] + [(n.pk, str(n)) for n in needs]


class NeedResolveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Neuer Status"),
        choices=[(NeedStatus.REDUCED, _("verringert")), (NeedStatus.RESOLVED, _("erledigt"))],
    )
    date = forms.DateField(label=_("am"), widget=DateInput())


class GoalForm(forms.Form):
    text = forms.CharField(
        label=_("Ziel (konkret und messbar)"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    target_date = forms.DateField(label=_("Zieldatum"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Art"), choices=GoalKind.choices, initial=GoalKind.INTEGRATION)


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)
    date = forms.DateField(label=_("am"), widget=DateInput())


class AgreementForm(forms.Form):
    concluded_on = forms.DateField(label=_("abgeschlossen am"), widget=DateInput())
    client_commitments = forms.CharField(
        label=_("Das macht die Kund*in"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    jobcenter_commitments = forms.CharField(
        label=_("Das macht das Jobcenter"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class WaiverForm(forms.Form):
    justification = forms.CharField(
        label=_("Begründung, warum (noch) kein Kooperationsplan abgeschlossen wird"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ausführlich begründen (mindestens 30 Zeichen); der Abschluss bleibt als Aufgabe offen."),
    )


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Art"), choices=ServiceKind.choices)
    title = forms.CharField(label=_("Leistung / Maßnahme"), max_length=200, required=False)
    partner = forms.ModelChoiceField(
        label=_("Netzwerkpartner"), queryset=Partner.objects.none(), required=False
    )
    legal_basis = forms.CharField(
        label=_("Rechtsgrundlage der Datenübermittlung"),
        max_length=300,
        required=False,
        help_text=_("Oder: Datum der Einwilligung (Schweigepflichtentbindung) angeben."),
    )
    consent_given_on = forms.DateField(label=_("Einwilligung erteilt am"), required=False, widget=DateInput())
    follow_up_on = forms.DateField(label=_("Nachhalten am"), required=False, widget=DateInput())

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(pk__in=[p.pk for p in partners])
        self.fields["partner"].choices = [("", _("– intern, ohne Partner –"))] + [
            (p.pk, f"{p.name} ({p.get_kind_display()})") for p in partners
        ]


class ServiceUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)
    follow_up_on = forms.DateField(label=_("Nachhalten am"), required=False, widget=DateInput())
    outcome = forms.CharField(
        label=_("Verlauf / Ergebnis"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ContactForm(forms.Form):
    date = forms.DateField(label=_("Datum"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Art"), choices=ContactKind.choices, initial=ContactKind.OFFICE)
    note = forms.CharField(
        label=_("Notiz"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConsentRevokeForm(forms.Form):
    date = forms.DateField(label=_("widerrufen am"), widget=DateInput())
