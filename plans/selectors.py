"""Scoped reads of the plans app. Every read goes through `cases.selectors` (DP-1: out of scope → 404);
health findings and health needs only for the case's FM and her substitute (DP-6)."""

from __future__ import annotations

import datetime
import decimal
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Window
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.choices import CaseState, NeedStatus
from cases.models import Case, ClientNeed
from cases.selectors import case_get, cases_visible_to
from catalog.models import LifeArea, Need
from fallmanagement.errors import NotFound, NotPermitted
from org.choices import Role
from plans.choices import OPEN_SERVICE_STATES
from plans.models import (
    Agreement,
    AssessmentEntry,
    Consent,
    Contact,
    Goal,
    GoalStatusChange,
    Partner,
    ServiceReferral,
)
from plans.permissions import can_read_plan, can_see_sensitive, can_write_plan


def plan_case_get(user, pk, *, write: bool = False, today: datetime.date | None = None) -> Case:
    """The case for plan reads/writes: out of scope → NotFound (404); in scope but a role that never
    sees the FM's plan (pAp, BL) → NotPermitted (403); writes only by the case's FM or substitute."""
    case = case_get(user, pk, today=today)
    if case is None:
        raise NotFound(_("Nicht gefunden."))
    if not can_read_plan(case, user):
        raise NotPermitted(_("Die Planung des Fallmanagements ist für Ihre Rolle nicht einsehbar."))
    if write and not can_write_plan(case, user):
        raise NotPermitted(
            _("Nur die zuständige Fallmanager*in (oder ihre Vertretung) kann den Plan bearbeiten.")
        )
    return case


def _in_scope(user, qs: QuerySet) -> QuerySet:
    return qs.filter(case__in=cases_visible_to(user).values("pk"))


def goal_get(user, pk) -> Goal:
    goal = _object_get(user, Goal.objects.select_related("case"), pk)
    plan_case_get(user, goal.case_id)
    return goal


def agreement_get(user, pk) -> Agreement:
    agreement = _object_get(user, Agreement.objects.all(), pk)
    agreement.case = plan_case_get(user, agreement.case_id)
    return agreement


def service_referral_get(user, pk) -> ServiceReferral:
    referral = _object_get(user, ServiceReferral.objects.select_related("case"), pk)
    plan_case_get(user, referral.case_id)
    return referral


def _object_get(user, qs: QuerySet, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Nicht gefunden.")) from None
    obj = _in_scope(user, qs).filter(pk=pk).first()
    if obj is None:
        raise NotFound(_("Nicht gefunden."))
    return obj


# --- several small reads in one statement ------------------------------------------------------------

# Column types that come back from PostgreSQL's JSON exactly: as JSON scalars (numbers, booleans, text) or
# as ISO text that the field's `to_python` parses (dates, timestamps with their offset, numerics, UUIDs).
_JSON_PLAIN = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "BooleanField",
    "CharField",
    "TextField",
    "SlugField",
    "EmailField",
    "URLField",
}
_JSON_PARSED = {"DateField", "DateTimeField", "DecimalField", "UUIDField"}


def _json_kind(field) -> str:
    """How a field's values survive the JSON round trip ("plain" or "parsed"); ValueError if they don't."""
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind in _JSON_PLAIN and not hasattr(field, "from_db_value"):
        return "plain"
    if kind in _JSON_PARSED and not hasattr(field, "from_db_value"):
        return "parsed"
    raise ValueError(f"fetch_together: {field.model.__name__}.{field.name} ({kind}) is not supported")


def _json_value(field, kind: str, value):
    if value is None or kind == "plain":
        return value
    value = field.to_python(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)  # as the database driver hands timestamps to Django
    return value


def _json_order(qs: QuerySet, alias: str, connection) -> str:
    """The queryset's ordering as an ORDER BY over the wrapped rows (own columns only)."""
    meta = qs.model._meta
    if not qs.query.standard_ordering or qs.query.extra_order_by:  # `.reverse()`, `.extra(order_by=…)`
        raise ValueError("fetch_together: reversed or extra ordering is not supported")
    names = qs.query.order_by or (meta.ordering if qs.query.default_ordering else ())
    parts = []
    for name in names:
        if not isinstance(name, str) or name == "?":
            raise ValueError(f"fetch_together: ordering {name!r} is not supported")
        bare = name.lstrip("-")
        try:
            target = meta.pk if bare == "pk" else meta.get_field(bare)
        except FieldDoesNotExist:  # a lookup across relations ("team__name")
            raise ValueError(f"fetch_together: ordering {name!r} is not supported") from None
        if target.is_relation and bare != target.attname:
            # Ordering by a relation follows the related model's ordering: not a column of these rows.
            raise ValueError(f"fetch_together: ordering {name!r} is not supported")
        direction = "DESC" if name.startswith("-") else "ASC"
        parts.append(f"{alias}.{connection.ops.quote_name(target.column)} {direction}")
    return ", ".join(parts)


def fetch_together(*querysets: QuerySet) -> list[list]:
    """Evaluate several small querysets of whole model rows in ONE SQL statement (one round trip), in
    the order given; each result is the list of model instances the queryset itself would give:

        SELECT (SELECT COALESCE(json_agg(t ORDER BY …), '[]')::text FROM (<queryset 1>) t), (…2…), …

    Each row comes back as a JSON object keyed by column; its values are turned back with the field's
    `to_python` (dates, timestamps, numerics), the rows into instances with `Model.from_db`. Only what
    survives that exactly is accepted — plain querysets (no select_related, annotations, deferred
    fields, prefetches) ordered by their own columns, of the column types above — anything else raises
    ValueError, so a change shows in the tests instead of as wrong data. Not on PostgreSQL: one query
    per queryset."""
    db = querysets[0].db if querysets else DEFAULT_DB_ALIAS
    connection = connections[db]
    parts: list[str] = []
    params: list = []
    plans: list[tuple | None] = []
    for qs in querysets:
        query = qs.query
        if (
            qs.db != db
            or qs._iterable_class is not ModelIterable
            or query.select_related
            or qs._prefetch_related_lookups
            or query.annotation_select
            or query.extra_select
            or query.deferred_loading != (frozenset(), True)
        ):
            raise ValueError(f"fetch_together: only plain querysets of whole rows ({qs.model.__name__})")
        fields = [(f, _json_kind(f)) for f in qs.model._meta.concrete_fields]
        try:
            sql, qparams = query.get_compiler(using=qs.db).as_sql()
        except EmptyResultSet:
            plans.append(None)  # e.g. `.none()`: nothing to ask the database
            continue
        order = _json_order(qs, "t", connection)
        agg = f"json_agg(t ORDER BY {order})" if order else "json_agg(t)"
        # Django's own compiled SQL and quoted column names; every value stays a parameter.
        parts.append(f"(SELECT COALESCE({agg}, '[]'::json)::text FROM ({sql}) t)")  # noqa: S608
        params.extend(qparams)
        plans.append((qs.model, fields))
    if not parts:
        return [[] for _ in querysets]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        texts = iter(cursor.fetchone())
    results: list[list] = []
    for plan in plans:
        if plan is None:
            results.append([])
            continue
        model, fields = plan
        names = [f.attname for f, _kind in fields]
        results.append(
            [
                model.from_db(db, names, [_json_value(f, kind, row[f.column]) for f, kind in fields])
                for row in json.loads(next(texts), parse_float=decimal.Decimal)
            ]
        )
    return results


# --- assessment -------------------------------------------------------------------------------------


@dataclass
class AreaView:
    life_area: str
    label: str
    sensitive: bool
    findings: str = ""
    resources: str = ""
    updated_at: datetime.datetime | None = None
    needs: list[ClientNeed] = field(default_factory=list)


def client_needs(case: Case) -> list[ClientNeed]:
    return list(
        ClientNeed.objects.filter(client_id=case.client_id)
        .select_related("need")
        .order_by("priority", "need__sort", "need__code")
    )


def assessment_entries_for(case: Case) -> QuerySet[AssessmentEntry]:
    return AssessmentEntry.objects.filter(case=case)


def assessment_for(
    case: Case,
    user,
    *,
    needs: list[ClientNeed] | None = None,
    entries: list[AssessmentEntry] | None = None,
) -> list[AreaView]:
    """PLAN-1: the five life areas with findings, resources and needs (by priority). DP-6: without the
    right to see sensitive data the health area is left out entirely. Two queries, none for what the
    caller passes in (`needs`, `entries`: already read)."""
    sensitive_ok = can_see_sensitive(case, user)
    entries_by_area = {e.life_area: e for e in (assessment_entries_for(case) if entries is None else entries)}
    needs = client_needs(case) if needs is None else needs
    areas = []
    for value, label in LifeArea.choices:
        if value == LifeArea.GESUNDHEIT and not sensitive_ok:
            continue
        entry = entries_by_area.get(value)
        areas.append(
            AreaView(
                life_area=value,
                label=str(label),
                sensitive=value == LifeArea.GESUNDHEIT,
                findings=entry.findings if entry else "",
                resources=entry.resources if entry else "",
                updated_at=entry.updated_at if entry else None,
                needs=[n for n in needs if n.need.life_area == value],
            )
        )
    return areas


@dataclass
class NeedProgress:
    client_need: ClientNeed
    at_admission: bool


def needs_progress(
    case: Case, user, *, needs: list[ClientNeed] | None = None
) -> tuple[list[NeedProgress], int]:
    """PLAN-6: each need with "present at admission" and its status now; plus the number of hidden
    sensitive needs (DP-6) for viewers without the right to see them."""
    sensitive_ok = can_see_sensitive(case, user)
    needs = client_needs(case) if needs is None else needs
    start = case.admitted_on or case.clearing_started_on or case.referred_on
    rows, hidden = [], 0
    for cn in needs:
        if cn.need.is_sensitive and not sensitive_ok:
            hidden += 1
            continue
        rows.append(NeedProgress(cn, at_admission=start is None or cn.identified_on <= start))
    return rows, hidden


def needs_summary(rows: list[NeedProgress]) -> dict:
    return {
        "at_admission": sum(1 for r in rows if r.at_admission),
        "open_now": sum(1 for r in rows if r.client_need.status == NeedStatus.OPEN),
        "reduced": sum(1 for r in rows if r.client_need.status == NeedStatus.REDUCED),
        "resolved": sum(1 for r in rows if r.client_need.status == NeedStatus.RESOLVED),
    }


# --- goals, agreements, services, contacts ---------------------------------------------------------


def goals_for(case: Case) -> QuerySet[Goal]:
    return Goal.objects.filter(case=case).prefetch_related(
        Prefetch("status_changes", queryset=GoalStatusChange.objects.order_by("changed_on", "at", "pk"))
    )


def goal_changes_for(case: Case) -> QuerySet[GoalStatusChange]:
    """The status history of all the case's goals (to go with `Goal.objects.filter(case=case)`)."""
    return GoalStatusChange.objects.filter(goal__case=case).order_by("changed_on", "at", "pk")


def goals_with_history(
    goals: list[Goal], changes: list[GoalStatusChange]
) -> list[tuple[Goal, list[GoalStatusChange]]]:
    """Each goal with its status changes (in `changes` order), from two lists already read."""
    by_goal: dict[int, list[GoalStatusChange]] = {}
    for change in changes:
        by_goal.setdefault(change.goal_id, []).append(change)
    return [(g, by_goal.get(g.pk, [])) for g in goals]


def agreements_for(case: Case) -> QuerySet[Agreement]:
    return Agreement.objects.filter(case=case).order_by("-recorded_on", "-pk")


def current_agreement(agreements: list[Agreement]) -> Agreement | None:
    return next((a for a in agreements if a.superseded_on is None), None)


def services_for(case: Case) -> QuerySet[ServiceReferral]:
    return ServiceReferral.objects.filter(case=case).select_related("partner", "consent")


def consents_for(case: Case) -> QuerySet[Consent]:
    return Consent.objects.filter(client_id=case.client_id).select_related("partner")


def partners_for(case: Case) -> QuerySet[Partner]:
    return Partner.objects.filter(area_id=case.client.site.area_id, active=True).order_by("kind", "name")


def need_catalogue() -> QuerySet[Need]:
    """The active needs, for adding one to a client (by life area and catalogue order)."""
    return Need.objects.filter(active=True).order_by("life_area", "sort", "code")


def contacts_for(case: Case) -> QuerySet[Contact]:
    return Contact.objects.filter(case=case).order_by("-date", "-pk")


# What the case page reads of the plan besides the needs, services, consents and contacts (which need
# their related rows): by name, for `plan_reads`.
PLAN_READS = {
    "entries": assessment_entries_for,
    "goals": lambda case: Goal.objects.filter(case=case),
    "goal_changes": goal_changes_for,
    "agreements": agreements_for,
    "catalogue": lambda case: need_catalogue(),
    "partners": partners_for,
}


def plan_reads(case: Case, parts: list[str]) -> dict[str, list]:
    """The named reads of `PLAN_READS` for the case, in one statement (`fetch_together`)."""
    return dict(zip(parts, fetch_together(*(PLAN_READS[name](case) for name in parts)), strict=True))


def is_follow_up_overdue(referral: ServiceReferral, today: datetime.date) -> bool:
    return bool(
        referral.status in OPEN_SERVICE_STATES and referral.follow_up_on and referral.follow_up_on < today
    )


# --- contact density (PLAN-5) ---------------------------------------------------------------------------


def with_last_contact(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate cases with `last_contact_on` (one query for the whole list)."""
    return qs.annotate(last_contact_on=Max("contacts__date"))


def contact_gap_days(
    *, last_contact_on: datetime.date | None, case: Case, today: datetime.date
) -> int | None:
    """Days since the last contact; without any contact, days since admission (or clearing start)."""
    since = last_contact_on or case.admitted_on or case.clearing_started_on
    return (today - since).days if since else None


# What the contact-gap table reads (one row per case, up to 50 on a start page).
GAP_CASE_FIELDS = (
    "id", "state", "admitted_on", "clearing_started_on", "client_id", "fallmanager_id",
    "client__first_name", "client__last_name",
    "fallmanager__username", "fallmanager__first_name", "fallmanager__last_name",
)  # fmt: skip


def contact_gap_cases(user, *, today: datetime.date, limit: int = 50) -> tuple[list[dict], int]:
    """PLAN-5: the user's working cases without contact for more than CONTACT_GAP_DAYS (default 28):
    one query however many cases there are (the total rides along as a window count over the groups)."""
    gap = settings.FM["CONTACT_GAP_DAYS"]
    threshold = today - datetime.timedelta(days=gap)
    qs = (
        with_last_contact(
            cases_visible_to(user, today=today).filter(state__in=(CaseState.CLEARING, CaseState.ACTIVE))
        )
        .filter(
            Q(last_contact_on__lt=threshold)
            | Q(
                last_contact_on__isnull=True,
                admitted_on__lt=threshold,
            )
            | Q(last_contact_on__isnull=True, admitted_on__isnull=True, clearing_started_on__lt=threshold)
        )
        .select_related("client", "fallmanager")
        .only(*GAP_CASE_FIELDS)
        .annotate(gap_total=Window(Count("pk")))
        .order_by("last_contact_on", "admitted_on", "pk")
    )
    cases = list(qs[:limit])
    prefix = reverse("case-detail", args=[0])[: -len("0/")]  # one reverse() per page, not per row
    rows = [
        {
            "case": c,
            "url": f"{prefix}{c.pk}/#plans-contacts",
            "last_contact_on": c.last_contact_on,
            "days": contact_gap_days(last_contact_on=c.last_contact_on, case=c, today=today),
        }
        for c in cases
    ]
    return rows, (cases[0].gap_total if cases else 0)


def sees_contact_gaps(user) -> bool:
    return user.is_authenticated and user.role in (Role.FALLMANAGER, Role.TEAMLEITUNG)
