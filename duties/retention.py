"""DP-5: blank the free text the duties app keeps about clients whose data are purged. Dates, kinds,
outcomes, legal bases and statuses stay (non-identifying)."""

from duties.models import Appointment, ExamCommission, Notice, Obligation

REMOVED = "[gelöscht]"


def anonymise(*, client_ids: list[int]) -> None:
    in_cases = {"case__client_id__in": client_ids}
    Appointment.objects.filter(**in_cases).update(place="", purpose="", note="")
    # The reason of "missed with important reason" is required by a constraint: replaced, not emptied.
    Appointment.objects.filter(**in_cases).exclude(outcome_reason="").update(outcome_reason=REMOVED)
    Notice.objects.filter(**in_cases).update(exam_not_offered_reason="")
    Obligation.objects.filter(**in_cases).update(steps=REMOVED)
    ExamCommission.objects.filter(**in_cases).update(question=REMOVED, limitations="", capacity="")
