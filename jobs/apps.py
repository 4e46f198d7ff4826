from django.apps import AppConfig


class JobsConfig(AppConfig):
    """The batch floor: what runs without a request and spans several domain apps — the daily job (reviews,
    reminders of every kind, digests, expired grants) and the retention purge (DP-5). It sits above the
    domain apps it composes and below the front apps (`web`, `api`, `demo`) that trigger it."""

    name = "jobs"
    verbose_name = "Jobs"
