"""Who may read and write appointments and notices of a case (DP-1, DP-6). Scoping itself is
`cases.selectors` / `cases.access`."""

from __future__ import annotations

from cases.access import is_case_fm
from org.choices import Role

# The case's FM and her TL read appointments and notices; the pAp, the BL and controlling do not (DP-1).
READ_ROLES = (Role.FALLMANAGER, Role.TEAMLEITUNG)


def can_read_duties(case, user) -> bool:
    """For a case already obtained through `cases.selectors.case_get` (i.e. in scope)."""
    return user.is_authenticated and user.role in READ_ROLES


def can_write_duties(case, user, *, today=None) -> bool:
    """The case's FM, or her substitute while the substitution runs (SUB-1)."""
    return is_case_fm(case, user, today=today)


def can_see_health_hints(case, user, *, today=None) -> bool:
    """DP-6: that a client has a psychological or addiction need shows through the ÄD/BPS prompt —
    only to the case's FM and her substitute."""
    return is_case_fm(case, user, today=today)
