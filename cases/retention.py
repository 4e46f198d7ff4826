"""DP-5 for the cases app: which clients are due for anonymisation, and blanking what this app keeps about
them (names, customer numbers, free text of their cases, their change history). Orchestrated, together
with the other apps' `retention.anonymise`, by `jobs.retention`."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import Max, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from cases.choices import OPEN_STATES
from cases.models import Case, Client, Household
from catalog import periods

ANONYMISED_NAME = "Anonymisiert"
_CASE_TEXT_FIELDS = [
    "reasons",
    "expected_progress",
    "individual_decision_reason",
    "decision_justification",
    "forwarded_to_detail",
    "dispute_comment",
    "dispute_decision_comment",
    "exit_justification",
]


def purge_candidates(*, today: datetime.date) -> QuerySet[Client]:
    """DP-5: clients not yet anonymised, with no open case, whose last case ended before the cutoff.

    A case "ended" on its exit date, or — for rejected, forwarded or returned referrals — on the date
    of the clearing result or the dispute decision. A client who was never referred ended with the last
    change of her record (`updated_at`)."""
    cutoff = periods.retention_cutoff(today)
    open_clients = Case.objects.filter(state__in=OPEN_STATES).values("client_id")
    return (
        Client.objects.filter(anonymised_on__isnull=True)
        .exclude(pk__in=open_clients)
        .annotate(
            # Issue 16 DP-5: a client never referred (no case) ends with the last change of her record.
            last_ended_on=Coalesce(
                Max(
                    Coalesce(
                        "cases__closed_on",
                        "cases__dispute_decided_on",
                        "cases__decided_on",
                        "cases__referred_on",
                    )
                ),
                TruncDate("updated_at"),
            )
        )
        .filter(last_ended_on__lt=cutoff)
        .order_by("pk")
    )


def anonymise(*, client_ids: list[int], today: datetime.date) -> list[int]:
    """Anonymise these clients (locked), their cases' free text and their change history. Returns the ids
    actually anonymised (clients already anonymised are skipped)."""
    clients = list(Client.objects.select_for_update().filter(pk__in=client_ids, anonymised_on__isnull=True))
    ids = [c.pk for c in clients]
    if not ids:
        return []
    case_ids = list(Case.objects.filter(client_id__in=ids).values_list("pk", flat=True))
    household_ids = {c.household_id for c in clients}
    for client in clients:
        client.first_name = ANONYMISED_NAME
        client.last_name = ANONYMISED_NAME
        client.customer_number = f"ANON-{client.pk}"
        client.birth_date = client.birth_date.replace(month=1, day=1)
        client.access_check_result = ""
        client.anonymised_on = today
    Client.objects.bulk_update(
        clients,
        ["first_name", "last_name", "customer_number", "birth_date", "access_check_result", "anonymised_on"],
    )
    Case.objects.filter(pk__in=case_ids).update(**dict.fromkeys(_CASE_TEXT_FIELDS, ""))
    # Then shred the change history of these persons (it holds their names, STYLE 5) and blank their
    # lifecycle events' payload: through the owner's SECURITY DEFINER function `fm_history_shred`
    # (cases/migrations/0006), which accepts only clients already anonymised — the application's database
    # role has no UPDATE/DELETE on the logs (audit/dbroles.py). Last, so the history rows written by the
    # blanking above are shredded as well.
    with connection.cursor() as cursor:
        cursor.execute("SELECT fm_history_shred(%s)", [ids])
    # A household number identifies the family: replace it once no member keeps personal data.
    for household in Household.objects.filter(pk__in=household_ids).exclude(
        members__anonymised_on__isnull=True
    ):
        household.number = f"ANON-BG-{household.pk}"
        household.save(update_fields=["number"])
    return ids
