"""Writes of the case lifecycle, one module per sub-domain (every rule-bearing action one function, one
transaction, keyword-only, typed, with `acting_user`):

- `clients` — clients, their needs, the pAp's periodic access check (ACC-4)
- `contact` — the client's contact data (WORK-4)
- `referral` — access criteria and the referral (ACC-1..3, ACC-5, READ-1/2), legacy takeover
- `clearing` — clearing, its outcomes and the dispute (CLR-1..4)
- `exit` — the exit with the Wirkungsanalyse (EXIT-1..3)
- `handover` — team change and case transfer (SUB-2, SUB-3)
- `transitions` — the machinery every lifecycle step goes through (lock, check, transition, event)

The names below are the package's public API (`from cases import services; services.case_close(...)`).
Which step the UI and the API offer, with which service, is `cases.transitions.TRANSITIONS`."""

from cases.services.clearing import (
    case_admit,
    case_decide_dispute,
    case_dispute,
    case_forward,
    case_reject,
    case_return_to_pap,
    case_start_clearing,
)
from cases.services.clients import client_access_check_record, client_create, client_set_needs, client_update
from cases.services.contact import client_contact_update
from cases.services.exit import case_close
from cases.services.handover import case_transfer, staff_change_team
from cases.services.oversight import (
    case_rejection_talk_record,
    client_responsible_pap_set,
    individual_decision_confirm,
)
from cases.services.referral import (
    AccessCheck,
    access_check,
    case_import,
    case_refer,
    client_access_check,
    readmission_blocked_until,
    referral_precheck,
)
from cases.services.transitions import (
    apply_transition,
    check_transition,
    effective_date,
    lock_case,
    record_event,
)

__all__ = [
    "AccessCheck",
    "client_contact_update",
    "referral_precheck",
    "access_check",
    "apply_transition",
    "case_admit",
    "case_close",
    "case_decide_dispute",
    "case_dispute",
    "case_forward",
    "case_import",
    "case_refer",
    "case_reject",
    "case_rejection_talk_record",
    "case_return_to_pap",
    "case_start_clearing",
    "case_transfer",
    "check_transition",
    "client_access_check",
    "client_access_check_record",
    "client_create",
    "client_set_needs",
    "client_responsible_pap_set",
    "client_update",
    "effective_date",
    "individual_decision_confirm",
    "lock_case",
    "readmission_blocked_until",
    "record_event",
    "staff_change_team",
]
