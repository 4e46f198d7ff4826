"""Celery tasks of the reviews app (the notices to TL and FM). Each task takes keyword-only primitive arguments (ids, ISO dates —
never model objects), calls one service, is idempotent, and is retried with backoff only for transient
errors (database or broker connection problems). Scheduled by the static beat schedule in
`fallmanagement/celery.py`."""

from __future__ import annotations

from celery import shared_task

from fallmanagement.retry import RETRY


@shared_task(name="reviews.notify_teamleitung", **RETRY)
def notify_teamleitung(*, review_id: int) -> int:
    from reviews.services import review_notify_teamleitung

    return review_notify_teamleitung(review_id=review_id)


@shared_task(name="reviews.notify_fallmanager", **RETRY)
def notify_fallmanager(*, review_id: int) -> int:
    from reviews.services import review_notify_fallmanager

    return review_notify_fallmanager(review_id=review_id)
