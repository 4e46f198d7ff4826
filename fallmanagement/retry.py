"""The retry policy of every Celery task (a foundation like `fallmanagement.errors`): late acks, retried
with backoff only for transient errors (database or broker connection problems)."""

from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as KombuOperationalError

TRANSIENT = (OperationalError, InterfaceError, KombuOperationalError, ConnectionError, TimeoutError)
RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}
