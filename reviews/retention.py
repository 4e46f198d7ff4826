"""DP-5: blank the free text of continuation reviews of purged clients; gates, dates and states stay."""

from reviews.models import Review


def anonymise(*, client_ids: list[int]) -> None:
    Review.objects.filter(case__client_id__in=client_ids).update(
        reasons="", prognosis="", teamleitung_comment=""
    )
