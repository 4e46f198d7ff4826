"""Who may act on a case. Scoping of reads lives in `cases.selectors`; this module answers "may this
user fire this transition", and explains why not, in German, so the UI can show the reason."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from cases.choices import CaseState
from cases.models import Case


@dataclass(frozen=True)
class Blocker:
    kind: str  # "permission" | "state" | "rule"
    message: str


def transition_blockers(case: Case, method_name: str, user) -> list[Blocker]:
    """Why `method_name` cannot run now for `user`; empty when it can.

    Permission first (403: the role may never do it), then state (409), then the guard conditions (409)."""
    meta = getattr(Case, method_name)._django_fsm
    any_transition = next(iter(meta.transitions.values()))
    permission = any_transition.permission
    if permission is not None and not permission(case, user):
        return [Blocker("permission", str(getattr(permission, "message", _("Keine Berechtigung."))))]
    current = meta.get_transition(case.state)
    if current is None:
        sources = ", ".join(str(CaseState(s).label) for s in meta.transitions)
        return [
            Blocker(
                "state",
                _("Im Status „%(state)s“ nicht möglich (nur im Status: %(sources)s).")
                % {"state": case.get_state_display(), "sources": sources},
            )
        ]
    return [Blocker("rule", str(cond.message)) for cond in current.conditions if not cond(case)]
