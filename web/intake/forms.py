"""Forms of the intake UI: client search and creation, referral, clearing outcomes, dispute.
Shape only; the rules are in `intake.services` / `cases.services`."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.choices import ForwardTarget, HandoverKind
from cases.selectors import fallmanagers_with_caseload
from catalog.models import ACCESS_KEY_GROUPS, KeyGroup, Need, RejectionReason, sensitive_need_q
from org.choices import Role
from org.models import Staff
from web.cases.forms import DateInput, TransitionForm, text_field, yes_no_field


def need_groups(form: forms.Form, field: str = "needs") -> list[dict]:
    """The need checkboxes grouped by key group (Schlüsselgruppe) for the template."""
    bound = form[field]
    selected = {str(v) for v in (bound.value() or [])}
    by_code = {n.code: n for n in form.need_objects}
    groups: dict[str, dict] = {}
    for index, (code, label) in enumerate(form.fields[field].choices):
        need = by_code.get(code)
        if need is None:
            continue
        group = groups.setdefault(
            need.key_group,
            {
                "label": KeyGroup(need.key_group).label,
                "counts": need.key_group in ACCESS_KEY_GROUPS,
                "items": [],
            },
        )
        group["items"].append(
            {
                "code": code,
                "label": label,
                "checked": code in selected,
                "id": f"{bound.auto_id}_{index}",
                "name": bound.html_name,
            }
        )
    order = [k.value for k in KeyGroup]
    return [groups[k] for k in order if k in groups]


class NeedsMixin(forms.Form):
    needs = forms.MultipleChoiceField(
        label=_("Handlungsbedarfe"), required=False, widget=forms.CheckboxSelectMultiple
    )
    integration_expected_within_12_months = forms.BooleanField(
        label=_("Integration innerhalb 12 Monaten erwartet"),
        required=False,
        help_text=_("Ergebnis des Profilings (Prognose)."),
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)
        self.need_objects = list(Need.objects.valid_on(today))
        self.fields["needs"].choices = [(n.code, n.label) for n in self.need_objects]


class ClientSearchForm(forms.Form):
    q = forms.CharField(label=_("Name oder Kundennummer"), required=False, max_length=100)


class ClientCreateForm(NeedsMixin):
    customer_number = forms.CharField(label=_("Kundennummer"), max_length=30)
    first_name = forms.CharField(label=_("Vorname"), max_length=100)
    last_name = forms.CharField(label=_("Nachname"), max_length=100)
    birth_date = forms.DateField(label=_("Geburtsdatum"), widget=DateInput)
    household_number = forms.CharField(label=_("BG-Nummer"), max_length=30)

    field_order = [
        "customer_number",
        "first_name",
        "last_name",
        "birth_date",
        "household_number",
        "needs",
        "integration_expected_within_12_months",
    ]


def fallmanager_choice_label(fm) -> str:
    """ "Berger, Anna – 82 von 75 Fällen (über dem Zielwert)" (the caseload counted as on the dashboards)."""
    name = f"{fm.last_name}, {fm.first_name}".strip(", ") or fm.username
    counted = getattr(fm, "counted", None)
    if counted is None:
        return name
    text = _("%(name)s – %(counted)s von %(target)s Fällen") % {
        "name": name,
        "counted": counted,
        "target": fm.caseload_target,
    }
    if counted > fm.caseload_target:
        text += " " + _("(über dem Zielwert)")
    return text


class ReferralForm(NeedsMixin):
    """ACC-1..3: referral of a client to a FM of the pAp's site."""

    fallmanager = forms.ModelChoiceField(
        label=_("Fallmanager*in"), queryset=Staff.objects.none(), empty_label=_("– bitte wählen –")
    )
    handover_talk_on = forms.DateField(label=_("Übergabegespräch am"), widget=DateInput, required=False)
    handover_kind = forms.ChoiceField(
        label=_("Art des Übergabegesprächs"), choices=HandoverKind.choices, widget=forms.RadioSelect
    )
    reasons = text_field(_("Gründe für die Zuweisung"), required=False)
    expected_progress = text_field(
        _("Erwartete Integrationsfortschritte"),
        required=False,
        help_text=_("Welche konkreten Fortschritte erwarten Sie vom Fallmanagement?"),
    )
    referred_on = forms.DateField(label=_("Zuweisung am"), widget=DateInput, required=False)
    decision_reason = text_field(
        _("Begründung der Einzelfallentscheidung"),
        required=False,
        help_text=_("Nur nötig, wenn der formale Zugang nicht erfüllt ist."),
    )
    teamleitung_consulted_on = forms.DateField(
        label=_("Rücksprache mit der Teamleitung am"), widget=DateInput, required=False
    )
    # ACC-2: which TL was consulted (the TLs of the pAp's site; preselected: the TL of her team)
    teamleitung = forms.ModelChoiceField(
        label=_("Befragte Teamleitung"),
        queryset=Staff.objects.none(),
        required=False,
        empty_label=_("– bitte wählen –"),
    )

    def __init__(self, *args, user, client, **kwargs):
        super().__init__(*args, **kwargs)
        site_id = user.team.site_id if user.team_id else None
        # CAP-3: each FM with her counted caseload against her target, so the pAp sees who has room.
        field = self.fields["fallmanager"]
        field.queryset = fallmanagers_with_caseload(
            queryset=Staff.objects.filter(role=Role.FALLMANAGER, is_active=True, team__site_id=site_id)
        ).order_by("last_name", "first_name")
        field.label_from_instance = fallmanager_choice_label
        self.fields["teamleitung"].queryset = (
            Staff.objects.filter(role=Role.TEAMLEITUNG, is_active=True, led_teams__site_id=site_id)
            .distinct()
            .order_by("last_name", "first_name")
        )
        if not self.is_bound:
            own_tl = Staff.objects.filter(
                role=Role.TEAMLEITUNG, is_active=True, led_teams=user.team_id
            ).first()
            if own_tl is not None:
                self.initial.setdefault("teamleitung", own_tl.pk)
            self.initial.setdefault("referred_on", self.today)
            self.initial.setdefault("handover_kind", HandoverKind.PERSONAL)
            self.initial.setdefault(
                "integration_expected_within_12_months", client.integration_expected_within_12_months
            )
            open_needs = client.needs.filter(status="open")
            if client.cases.exists():  # DP-6: after a referral the sensitive needs are the FM's
                open_needs = open_needs.exclude(sensitive_need_q("need__"))
            self.initial.setdefault("needs", list(open_needs.values_list("need__code", flat=True)))

    def individual_decision(self) -> dict | None:
        data = self.cleaned_data
        reason = (data.get("decision_reason") or "").strip()
        consulted = data.get("teamleitung_consulted_on")
        if not reason and not consulted:
            return None
        return {
            "reason": reason,
            "teamleitung_consulted_on": consulted,
            "teamleitung": data.get("teamleitung"),
        }


REFERRAL_FIELD_MAP = {
    "individual_decision.reason": "decision_reason",
    "individual_decision.teamleitung_consulted_on": "teamleitung_consulted_on",
    "individual_decision.teamleitung": "teamleitung",
    "individual_decision": "decision_reason",
}


class StartClearingForm(TransitionForm):
    """CLR-1."""


class AdmitForm(TransitionForm):
    """CLR-3 Übernahme."""


def rejection_reason_choices(today: datetime.date):
    return [("", _("– bitte wählen –"))] + [
        (r.code, r.label) for r in RejectionReason.objects.valid_on(today)
    ]


class RejectForm(TransitionForm):
    """CLR-3 Ablehnung: reason from the catalogue and always a justification."""

    reason_code = forms.ChoiceField(label=_("Ablehnungsgrund"))
    justification = text_field(_("Begründung der Ablehnung"), required=False)

    field_order = ["reason_code", "justification", "date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].choices = rejection_reason_choices(self.today)

    def service_kwargs(self) -> dict:
        return {
            **super().service_kwargs(),
            "reason_code": self.cleaned_data["reason_code"],
            "justification": self.cleaned_data.get("justification") or "",
        }


class ReturnForm(TransitionForm):
    """CLR-3 Rückgabe an die pAp: no working alliance."""

    justification = text_field(_("Begründung der Rückgabe"), required=False)

    field_order = ["justification", "date"]

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "justification": self.cleaned_data.get("justification") or ""}


class ForwardForm(TransitionForm):
    """CLR-3 Weiterleitung."""

    to = forms.ChoiceField(
        label=_("Weiterleiten an"), choices=ForwardTarget.choices, widget=forms.RadioSelect
    )
    detail = forms.CharField(label=_("Empfänger (Stelle, Träger)"), required=False, max_length=200)
    justification = text_field(_("Begründung der Weiterleitung"), required=False)

    field_order = ["to", "detail", "justification", "date"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            **super().service_kwargs(),
            "to": data["to"],
            "detail": data.get("detail") or "",
            "justification": data.get("justification") or "",
        }


class DisputeForm(TransitionForm):
    """CLR-4: the referring pAp disputes the rejection."""

    comment = text_field(_("Begründung des Widerspruchs"), required=False)

    field_order = ["comment", "date"]

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "comment": self.cleaned_data.get("comment") or ""}


class DecideDisputeForm(TransitionForm):
    """CLR-4: the TL decides — admission, or the rejection stands (final)."""

    admit = yes_no_field(
        _("Übernahme ins Fallmanagement?"), help_text=_("„nein“: die Ablehnung ist endgültig.")
    )
    comment = text_field(_("Begründung der Entscheidung"), required=False, rows=3)

    field_order = ["admit", "comment", "date"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {**super().service_kwargs(), "admit": data["admit"], "comment": data.get("comment") or ""}
