"""Who may read and write the plan of a case (DP-1, DP-6). Scoping itself is `cases.selectors`."""

from __future__ import annotations

from cases.access import is_case_fm
from cases.models import Case
from org.choices import Role

# Roles that may read the FM's assessment and plan of a case in their scope; the pAp sees the referral
# and the handover information only (DP-1), the BL and controlling only aggregates.
PLAN_READ_ROLES = (Role.FALLMANAGER, Role.TEAMLEITUNG)


def can_write_plan(case: Case, user) -> bool:
    """The case's FM, or her substitute while the substitution runs (SUB-1)."""
    return is_case_fm(case, user)


def can_read_plan(case: Case, user) -> bool:
    """For a case already obtained through `cases.selectors.case_get` (i.e. in scope)."""
    return user.is_authenticated and user.role in PLAN_READ_ROLES


def can_see_sensitive(case: Case, user) -> bool:
    """DP-6: health findings and health needs only for the case's FM and her substitute."""
    return is_case_fm(case, user)
