"""THE table of the case's lifecycle steps, read by the UI (`web`) and the API (`api`) alike.

One row per step the users fire: its name (URL and API name), the django-fsm-2 method(s) behind it (whose
permission, state and guards `cases.permissions.transition_blockers` explains), the service that performs it,
the label, the roles that plausibly do it (the UI offers it to them), the success text and the confirmation
question. Every service takes `case`, `acting_user`, `on`, `today`, `expected_version` and the step's own
input as keywords — the front turns its form or serializer into those keywords (`service_kwargs`).

The input shapes are the fronts' columns of this table: `web.transitions.FORMS` (a Django form per step)
and `api.transitions.SERIALIZERS` (a DRF serializer per step), keyed by these names; both are checked
against this table when they are imported (`check_columns`), so a step cannot be added to one front only.

Adding a step: the `@transition` method on `cases.models.Case`, the service (`cases.services.<sub-domain>`),
a row here, a form in `web.transitions.FORMS`, a serializer in `api.transitions.SERIALIZERS`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.models import Case
from cases.permissions import transition_blockers
from org.choices import Role


@dataclass(frozen=True)
class CaseTransition:
    name: str
    methods: tuple[str, ...]  # the fsm method(s); the first one explains in the UI why it is not possible
    service: Callable[..., Case]
    label: str
    roles: tuple[str, ...]
    success: str
    confirm: str = ""

    @property
    def method(self) -> str:
        return self.methods[0]

    def blockers(self, case: Case, user) -> list:
        """Why the step is not possible now for `user` (empty when it is): of its first method."""
        return transition_blockers(case, self.method, user)

    def allowed(self, case: Case, user) -> bool:
        """Whether any method behind the step can run now (API `allowed_transitions`)."""
        return any(not transition_blockers(case, method, user) for method in self.methods)


_FM = (Role.FALLMANAGER,)

TRANSITIONS: tuple[CaseTransition, ...] = (
    CaseTransition(
        "start_clearing",
        ("start_clearing",),
        services.case_start_clearing,
        _("Clearing beginnen"),
        _FM,
        _("Die Clearingphase wurde begonnen."),
    ),
    CaseTransition(
        "admit",
        ("admit",),
        services.case_admit,
        _("Übernehmen"),
        _FM,
        _("Der Fall wurde ins Fallmanagement übernommen."),
    ),
    CaseTransition(
        "reject",
        ("reject",),
        services.case_reject,
        _("Ablehnen"),
        _FM,
        _("Die Zuweisung wurde abgelehnt. Die pAp sieht das Ergebnis."),
        confirm=_("Zuweisung wirklich ablehnen? Dieser Schritt kann nicht rückgängig gemacht werden."),
    ),
    CaseTransition(
        "return_to_pap",
        ("return_to_pap",),
        services.case_return_to_pap,
        _("An pAp zurückgeben"),
        _FM,
        _("Der Fall wurde an die pAp zurückgegeben."),
        confirm=_("Fall wirklich an die pAp zurückgeben?"),
    ),
    CaseTransition(
        "forward",
        ("forward",),
        services.case_forward,
        _("Weiterleiten"),
        _FM,
        _("Der Fall wurde weitergeleitet."),
        confirm=_("Fall wirklich weiterleiten?"),
    ),
    CaseTransition(
        "dispute",
        ("dispute",),
        services.case_dispute,
        _("Widerspruch einlegen"),
        (Role.PAP,),
        _("Der Widerspruch wurde eingelegt; die Teamleitung entscheidet."),
    ),
    CaseTransition(
        "decide_dispute",
        ("decide_dispute_admit", "decide_dispute_reject"),
        services.case_decide_dispute,
        _("Über Widerspruch entscheiden"),
        (Role.TEAMLEITUNG,),
        _("Über den Widerspruch wurde entschieden."),
        confirm=_("Entscheidung wirklich speichern? Sie ist endgültig."),
    ),
    CaseTransition(
        "close",
        ("close",),
        services.case_close,
        _("Fall beenden"),
        _FM,
        _("Der Fall wurde beendet und die Wirkungsanalyse erfasst."),
        confirm=_("Fall wirklich beenden? Dieser Schritt kann nicht rückgängig gemacht werden."),
    ),
)
BY_NAME: dict[str, CaseTransition] = {t.name: t for t in TRANSITIONS}


def allowed_names(case: Case, user) -> list[str]:
    """The steps `user` may fire on `case` now, in table order."""
    return [t.name for t in TRANSITIONS if t.allowed(case, user)]


def check_columns(front: str, column: Iterable[str]) -> None:
    """A front's column (forms, serializers) must name exactly the steps of the table."""
    names = set(column)
    if names != set(BY_NAME):
        missing, extra = sorted(set(BY_NAME) - names), sorted(names - set(BY_NAME))
        raise ImproperlyConfigured(f"{front}: transitions missing {missing}, unknown {extra}")
