"""Who may act on a case. Scoping of reads lives in `cases.access`; this module answers "may this
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

    Permission first (403: the role may never do it), then state (409), then the guard conditions (409).
    Read through django-fsm-2's public API (`get_all_state_transitions`), never its internals."""
    declared = [t for t in case.get_all_state_transitions() if t.name == method_name]
    if not declared:
        raise ValueError(f"Case has no transition {method_name!r}")
    permission = declared[0].permission
    if permission is not None and not permission(case, user):
        return [Blocker("permission", str(getattr(permission, "message", _("Keine Berechtigung."))))]
    current = next((t for t in declared if t.source in (case.state, "*")), None)
    if current is None:
        sources = ", ".join(str(CaseState(t.source).label) for t in declared)
        return [
            Blocker(
                "state",
                _("Im Status „%(state)s“ nicht möglich (nur im Status: %(sources)s).")
                % {"state": case.get_state_display(), "sources": sources},
            )
        ]
    return [Blocker("rule", str(cond.message)) for cond in current.conditions if not cond(case)]
