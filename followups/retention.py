"""DP-5: blank the notes of follow-ups of clients whose data are purged (dates and states stay)."""

from followups.models import FollowUp


def anonymise(*, client_ids: list[int]) -> None:
    FollowUp.objects.filter(case__client_id__in=client_ids).update(note="")
