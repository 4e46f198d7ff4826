"""Demo data of the guideline rules (issue 16): handover notes at the exit (EXIT-1), …"""

from __future__ import annotations

HANDOVER_NOTES = {
    "B01": "Arbeitsvertrag liegt vor; bei erneutem Leistungsbezug bitte an Stabilisierung anknüpfen.",
    "B02": "Ausbildungsvertrag liegt vor; Berufsschule und Fahrkosten sind geklärt.",
    "B03": "Gewerbe angemeldet; Einstiegsgeld beantragt.",
}
DEFAULT_NOTE = (
    "Bewerbungsunterlagen aktuell; Einschränkungen der Arbeitszeit beachten; laufende Beratung bei "
    "Netzwerkpartnern bitte fortführen."
)


def handover_note(exit_code: str) -> str:
    """EXIT-1: the placement-relevant information the FM hands over to the taking-over pAp."""
    return HANDOVER_NOTES.get(exit_code, DEFAULT_NOTE)


def build(*, today) -> str:
    """The demo state of the guideline rules, through the services: past continuation reviews documented
    on time for most cases (REV-7: the rest are missed, one review stays open per case), most individual
    decisions confirmed by the consulted TL (ACC-2)."""
    from django.test.utils import override_settings

    # The review services notify TL and FM by e-mail (eagerly without a broker): not for history.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        reviews = document_past_reviews(today=today)
    confirmed = confirm_individual_decisions(today=today)
    agreements = conclude_agreements(today=today)
    return (
        f"{reviews} Prüfungen rechtzeitig dokumentiert, {confirmed} Einzelfallentscheidungen bestätigt, "
        f"{agreements} Kooperationspläne abgeschlossen"
    )


def conclude_agreements(*, today) -> int:
    """PLAN-3: 9 of 10 active cases without an agreement get one (reviewed within the last 5 months, so
    its review date lies ahead); the 10th keeps the "agreement missing" reminder."""
    import datetime

    from cases.choices import CaseState
    from cases.models import Case
    from fallmanagement.errors import DomainError
    from plans import services as plan_services

    n = 0
    cases = (
        Case.objects.filter(state=CaseState.ACTIVE, admitted_on__isnull=False, agreements__isnull=True)
        .select_related("fallmanager")
        .order_by("pk")
    )
    for case in cases:
        if case.pk % 10 == 0:
            continue
        concluded = max(
            case.admitted_on + datetime.timedelta(days=14), today - datetime.timedelta(days=case.pk % 150)
        )
        concluded = min(concluded, today)
        try:
            plan_services.agreement_conclude(
                case=case,
                acting_user=case.fallmanager,
                concluded_on=concluded,
                client_commitments="Termine wahrnehmen, Bewerbungen schreiben, Beratung annehmen.",
                jobcenter_commitments="Coaching, Übernahme von Bewerbungskosten.",
                today=today,
            )
        except DomainError:
            continue
        n += 1
    return n


def document_past_reviews(*, today) -> int:
    """REV-1..3 on the day each review fell due, for 7 of 8 active cases: reviews due more than 6 months
    ago; the TL acknowledges (12/18) or approves (24/30) the same day. The 8th case keeps them undone."""
    import datetime

    from cases.choices import CaseState
    from cases.models import Case
    from catalog import periods
    from org.models import Staff
    from reviews import services as review_services
    from reviews.choices import ReviewGate, ReviewState
    from reviews.models import Review

    done = 0
    # Older than the last 6 months: the recent ones are the FMs' current work (and demo/story.py documents
    # a few of them for the TL's inbox).
    limit = today - datetime.timedelta(days=183)
    cases = Case.objects.filter(state=CaseState.ACTIVE, admitted_on__isnull=False).select_related(
        "fallmanager"
    )
    for case in cases.order_by("pk"):
        if case.pk % 8 == 0:
            continue
        tl = Staff.objects.filter(led_teams=case.fallmanager.team_id, is_active=True).order_by("pk").first()
        for month in periods.review_months():
            due = periods.review_due_on(case.admitted_on, month)
            if due > limit or month == periods.review_months()[-1]:
                break
            review_services.reviews_ensure_for_case(case=case, today=due)
            review = Review.objects.filter(case=case, month=month, state=ReviewState.DUE).first()
            if review is None:  # documented in the legacy system (imported case)
                continue
            review = review_services.review_document(
                review=review,
                acting_user=case.fallmanager,
                reasons="Stabilisierung erreicht, weitere Ziele vereinbart.",
                prognosis="Integrationsfortschritte in den nächsten 6 Monaten erwartet.",
                decision="continue",
                today=due,
            )
            done += 1
            if tl is None:
                break
            if review.gate == ReviewGate.INFORM_TEAMLEITUNG:
                review_services.review_acknowledge(review=review, acting_user=tl, comment="", today=due)
            elif review.gate == ReviewGate.TEAMLEITUNG_APPROVAL:
                review_services.review_decide(
                    review=review, acting_user=tl, approve=True, comment="", today=due
                )
    return done


def confirm_individual_decisions(*, today) -> int:
    """ACC-2: the consulted TL confirms 3 of 4 individual decisions; the rest stay visibly unconfirmed."""
    from cases.models import Case
    from cases.services import individual_decision_confirm

    n = 0
    for case in (
        Case.objects.exclude(individual_decision_reason="").exclude(teamleitung_consulted=None).order_by("pk")
    ):
        if case.pk % 4 == 0:
            continue
        individual_decision_confirm(case=case, acting_user=case.teamleitung_consulted, today=today)
        n += 1
    return n
