"""DP-5: blank the free text the plans app keeps about clients whose data are purged. Structured,
non-identifying facts (dates, kinds, statuses) stay for the anonymous statistics."""

from plans.models import Agreement, AssessmentEntry, Contact, Goal, GoalStatusChange, ServiceReferral

REMOVED = "[gelöscht]"


def anonymise(*, client_ids: list[int]) -> None:
    in_cases = {"case__client_id__in": client_ids}
    AssessmentEntry.objects.filter(**in_cases).update(findings="", resources="")
    Goal.objects.filter(**in_cases).update(text=REMOVED)
    GoalStatusChange.objects.filter(goal__case__client_id__in=client_ids).update(note="")
    Agreement.objects.filter(**in_cases).update(
        justification="", client_commitments="", jobcenter_commitments=""
    )
    ServiceReferral.objects.filter(**in_cases).update(outcome="")
    Contact.objects.filter(**in_cases).update(note="")
