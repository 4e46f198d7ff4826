"""DP-5 retention purge, orchestrated above the apps whose data it blanks.

Four eyes: one data-protection user prepares the list (`purge_prepare`), another confirms it
(`purge_confirm`); then each app that keeps personal data about the listed clients anonymises its own part
through its `retention.anonymise(client_ids=…)`: `cases.retention` (names, customer numbers, case texts and
the change history), `reviews.retention`, `plans.retention`. A new app that keeps free text about clients
adds its `anonymise` to `ANONYMISERS` below. The run is recorded in `audit.PurgeRun`, every step in the
access log (`audit.services.record`)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import accounts as audit_accounts
from audit import services as audit
from audit.models import AccessLog, PurgeRun
from cases import retention as cases_retention
from catalog import clock, periods
from duties import retention as duties_retention
from fallmanagement.errors import Conflict, NotFound, NotPermitted
from followups import retention as followups_retention
from org.choices import Role
from org.models import Staff
from plans import retention as plans_retention
from records import retention as records_retention
from reviews import retention as reviews_retention

logger = logging.getLogger("fallmanagement.audit")

# The free text other apps keep about a client, blanked after `cases.retention.anonymise` (which locks the
# clients and decides which ids are anonymised).
ANONYMISERS = (
    reviews_retention.anonymise,
    plans_retention.anonymise,
    followups_retention.anonymise,
    records_retention.anonymise,
    duties_retention.anonymise,
)


def _require_datenschutz(user) -> None:
    if not (user.is_authenticated and user.role == Role.DATENSCHUTZ and user.is_active):
        raise NotPermitted(_("Nur der Datenschutz kann Löschläufe vorbereiten und bestätigen."))


def purge_candidates(*, today: datetime.date):
    return cases_retention.purge_candidates(today=today)


@transaction.atomic
def purge_prepare(*, acting_user: Staff, today: datetime.date | None = None) -> PurgeRun:
    """List the clients due for anonymisation; nothing is changed until another person confirms."""
    _require_datenschutz(acting_user)
    today = clock.today(today)
    ids = list(cases_retention.purge_candidates(today=today).values_list("pk", flat=True))
    run = PurgeRun.objects.create(
        prepared_by=acting_user, prepared_on=today, cutoff_on=periods.retention_cutoff(today), client_ids=ids
    )
    audit.record(
        user=acting_user,
        action="purge.prepare",
        object_type="audit.purgerun",
        object_id=run.pk,
        capacity=audit.system_capacity(acting_user),
        context={"clients": len(ids), "cutoff_on": run.cutoff_on.isoformat()},
    )
    return run


def access_log_due(*, today: datetime.date) -> int:
    """DP-5: access-log entries older than the access log's own retention period."""
    return AccessLog.objects.filter(at__lt=_start_of(periods.access_log_retention_cutoff(today))).count()


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


@transaction.atomic
def access_log_purge_prepare(*, acting_user: Staff, today: datetime.date | None = None) -> PurgeRun:
    """Issue 16 DP-5: the access log's own retention (FM_ACCESS_LOG_RETENTION_YEARS, default 2), with the
    same four eyes: prepared here, deleted only when a second person confirms (`purge_confirm`)."""
    _require_datenschutz(acting_user)
    today = clock.today(today)
    cutoff = periods.access_log_retention_cutoff(today)
    due = access_log_due(today=today)
    run = PurgeRun.objects.create(
        kind=PurgeRun.Kind.ACCESS_LOG,
        prepared_by=acting_user,
        prepared_on=today,
        cutoff_on=cutoff,
        client_ids=[],
    )
    audit.record(
        user=acting_user,
        action="purge.prepare",
        object_type="audit.purgerun",
        object_id=run.pk,
        capacity=audit.system_capacity(acting_user),
        context={"kind": run.kind, "entries": due, "cutoff_on": cutoff.isoformat()},
    )
    return run


def _access_log_purge(*, run: PurgeRun, acting_user: Staff) -> int:
    """Through the owner's function `fm_access_log_purge` (audit/migrations/0005): the application's role
    cannot delete entries itself; the function appends the checkpoint that keeps the hash chain verifiable."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT fm_access_log_purge(%s, %s, %s, %s)",
            [_start_of(run.cutoff_on), acting_user.pk, acting_user.get_username(), run.pk],
        )
        return int(cursor.fetchone()[0])


@transaction.atomic
def purge_confirm(*, run: PurgeRun, acting_user: Staff, today: datetime.date | None = None) -> PurgeRun:
    """Four eyes: a second datenschutz user confirms; then the listed clients are anonymised. Clients
    who got a new case since the list was prepared are skipped. The anonymous outcome records remain."""
    _require_datenschutz(acting_user)
    today = clock.today(today)
    run = PurgeRun.objects.select_for_update().filter(pk=run.pk).first()
    if run is None:
        raise NotFound(_("Löschlauf nicht gefunden."))
    if run.is_confirmed:
        raise Conflict(_("Dieser Löschlauf wurde bereits bestätigt."), code="already_confirmed")
    if run.prepared_by_id == acting_user.pk:
        raise NotPermitted(
            _("Vier-Augen-Prinzip: Wer die Liste erstellt hat, kann sie nicht selbst bestätigen."),
            code="four_eyes",
        )
    # Four eyes that mean four eyes (issue 15 finding 6): not two accounts one admin made for herself.
    if not audit_accounts.distinct_origin(
        run.prepared_by, acting_user, today=today, years=int(settings.FM["RETENTION_YEARS"])
    ):
        raise NotPermitted(
            _(
                "Vier-Augen-Prinzip: Beide Datenschutz-Konten wurden von derselben Person aus der Administration "
                "beantragt. Eine Person mit unabhängig angelegtem Konto muss bestätigen."
            ),
            code="four_eyes",
        )
    if today - run.prepared_on > datetime.timedelta(days=30):
        raise Conflict(
            _("Die Liste ist älter als 30 Tage. Bitte erstellen Sie eine neue."), code="stale_purge_list"
        )
    if run.kind == PurgeRun.Kind.ACCESS_LOG:
        if run.cutoff_on > periods.access_log_retention_cutoff(today):
            raise Conflict(
                _("Der Stichtag liegt innerhalb der Aufbewahrungsfrist."), code="retention_not_over"
            )
        deleted = _access_log_purge(run=run, acting_user=acting_user)
        run.confirmed_by = acting_user
        run.confirmed_on = today
        run.anonymised_count = deleted
        run.save(update_fields=["confirmed_by", "confirmed_on", "anonymised_count"])
        audit.record(
            user=acting_user,
            action="purge.confirm",
            object_type="audit.purgerun",
            object_id=run.pk,
            capacity=audit.system_capacity(acting_user),
            context={"kind": run.kind, "deleted": deleted},
        )
        logger.info("purge run %s confirmed: %s access-log entries deleted", run.pk, deleted)
        return run
    still_due = set(
        cases_retention.purge_candidates(today=today)
        .filter(pk__in=run.client_ids)
        .values_list("pk", flat=True)
    )
    ids = [pk for pk in run.client_ids if pk in still_due]
    anonymised = cases_retention.anonymise(client_ids=ids, today=today)
    if anonymised:
        for anonymise in ANONYMISERS:
            anonymise(client_ids=anonymised)
    run.confirmed_by = acting_user
    run.confirmed_on = today
    run.anonymised_count = len(ids)
    run.save(update_fields=["confirmed_by", "confirmed_on", "anonymised_count"])
    audit.record(
        user=acting_user,
        action="purge.confirm",
        object_type="audit.purgerun",
        object_id=run.pk,
        capacity=audit.system_capacity(acting_user),
        context={"anonymised": len(ids), "skipped": len(run.client_ids) - len(ids)},
    )
    AccessLog.objects.bulk_create(
        AccessLog(
            user=acting_user,
            username=acting_user.get_username(),
            action="client.anonymise",
            object_type="client",
            object_id=pk,
            client_id=pk,
            capacity="datenschutz",
            context={"purge_run": run.pk},
        )
        for pk in ids
    )
    logger.info("purge run %s confirmed: %s clients anonymised", run.pk, len(ids))
    return run
