"""DP-2 data subject access (Art. 15 GDPR, § 83 SGB X): everything the system holds on one person, with the
purposes, the recipients and the retention, for the datenschutz role — as JSON (API and download) or PDF.

Composed here, above the apps that hold the data: every model of `cases`, `plans`, `reviews` and
`reminders` that points to the client — directly, through a case, or through an object of a case (one step
further) — is included with all its fields, so a new table about clients is included without a change here.
Who read the data is taken from the access log (recipients within the jobcenter); partners the data was
shared with from the service referrals (recipients outside). The request itself is logged."""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import AccessLog, Capacity
from fallmanagement.errors import NotFound, NotPermitted
from org.choices import Role

APPS = ("cases", "plans", "reviews", "reminders")
# Link tables and technical tables with nothing about the person beyond what the rest shows.
SKIP = {"cases.caseuserobjectpermission", "reminders.reminderrecipientsnapshot"}


def _require_datenschutz(user) -> None:
    if not (user.is_authenticated and user.is_active and user.role == Role.DATENSCHUTZ):
        raise NotPermitted(_("Nur der Datenschutz kann Auskünfte nach Art. 15 DSGVO erstellen."))


def _value(obj, field):
    if isinstance(field, models.ForeignKey):
        related_id = getattr(obj, field.attname)
        if related_id is None:
            return None
        return {"id": related_id, "label": str(getattr(obj, field.name))}
    value = field.value_from_object(obj)
    if field.choices and value not in (None, ""):
        return {"code": value, "label": str(getattr(obj, f"get_{field.name}_display")())}
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


def _row(obj) -> dict:
    return {
        str(field.verbose_name): _value(obj, field)
        for field in obj._meta.concrete_fields
        if not field.name.startswith("pgh_")
    }


def _lookup(model, client_model, case_model) -> str | None:
    """The filter path from `model` to the client: direct, via a case, or via an object of a case."""
    fks = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    for fk in fks:
        if fk.related_model is client_model:
            return fk.name
    for fk in fks:
        if fk.related_model is case_model:
            return f"{fk.name}__client"
    for fk in fks:
        target = fk.related_model
        if target is None or target._meta.app_label not in APPS:
            continue
        for inner in target._meta.concrete_fields:
            if isinstance(inner, models.ForeignKey) and inner.related_model is case_model:
                return f"{fk.name}__{inner.name}__client"
    return None


def _held_data(client) -> dict[str, list[dict]]:
    client_model = apps.get_model("cases", "Client")
    case_model = apps.get_model("cases", "Case")
    data: dict[str, list[dict]] = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model is client_model or model._meta.label_lower in SKIP:
                continue
            path = _lookup(model, client_model, case_model)
            if path is None:
                continue
            rows = [_row(obj) for obj in model.objects.filter(**{path: client}).order_by("pk")]
            if rows:
                data[str(model._meta.verbose_name_plural)] = rows
    return data


def _recipients(client) -> dict:
    readers = {}
    for entry in AccessLog.objects.filter(client_id=client.pk).select_related("user").order_by("at", "pk"):
        key = entry.user_id
        item = readers.setdefault(
            key,
            {
                "name": entry.user.get_full_name() or entry.username,
                "role": entry.user.get_role_display(),
                "capacities": set(),
                "first": entry.at,
                "last": entry.at,
                "count": 0,
            },
        )
        item["capacities"].add(
            Capacity(entry.capacity).label if entry.capacity in Capacity.values else entry.capacity
        )
        item["last"] = entry.at
        item["count"] += 1
    staff = [
        {
            **item,
            "capacities": sorted(str(c) for c in item["capacities"]),
            "first": timezone.localtime(item["first"]).isoformat(),
            "last": timezone.localtime(item["last"]).isoformat(),
        }
        for item in readers.values()
    ]
    partners = []
    referral_model = apps.get_model("plans", "ServiceReferral")
    for referral in (
        referral_model.objects.filter(case__client=client, partner__isnull=False)
        .select_related("partner", "consent")
        .order_by("pk")
    ):
        partners.append(
            {
                "partner": str(referral.partner),
                "service": referral.title,
                "legal_basis": referral.legal_basis,
                "consent": str(referral.consent) if referral.consent_id else "",
            }
        )
    return {"staff": staff, "partners": partners}


def client_id_for(query: str) -> int | None:
    """The client named by a customer number (exact) or, failing that, by an id."""
    from catalog.validators import parse_id

    query = (query or "").strip().replace("\x00", "")
    client_model = apps.get_model("cases", "Client")
    found = client_model.objects.filter(customer_number=query).values_list("pk", flat=True).first()
    return found if found is not None else parse_id(query)


def subject_access_report(
    *, client_id: int, acting_user, today: datetime.date | None = None, fmt: str = "json"
):
    """Everything held on the client, with purposes, recipients and retention. Logged (`client.subject_access`)."""
    _require_datenschutz(acting_user)
    client_model = apps.get_model("cases", "Client")
    client = client_model.objects.filter(pk=client_id).first()
    if client is None:
        raise NotFound(_("Kund*in nicht gefunden."))
    report = {
        "person": _row(client),
        "created_at": timezone.localtime().isoformat(),
        "controller": settings.JOBCENTER_NAME,
        "purposes": [
            _(
                "Beschäftigungsorientiertes Fallmanagement: Beratung, Assessment, Kooperationsplan und "
                "Eingliederungsleistungen (SGB II, Kapitel 3)."
            ),
            _("Steuerung und anonyme Wirkungsanalyse (nur ohne Personenbezug)."),
            _("Nachweis der Zugriffe (Zugriffsprotokoll) und Datenschutzkontrolle."),
        ],
        "retention": _(
            "Personenbezogene Daten werden %(years)s Jahre nach Ende des letzten Falls anonymisiert; das "
            "Zugriffsprotokoll wird nach %(log_years)s Jahren gelöscht."
        )
        % {"years": settings.FM["RETENTION_YEARS"], "log_years": settings.FM["ACCESS_LOG_RETENTION_YEARS"]},
        "data": _held_data(client),
        "recipients": _recipients(client),
    }
    audit.record(
        user=acting_user,
        action="client.subject_access",
        obj=client,
        capacity=Capacity.DATENSCHUTZ,
        context={"format": fmt},
        today=today,
    )
    return report
