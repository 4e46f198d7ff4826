from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """The reminder engine (REV-6): the date window, the changed rows, the recipient snapshots, the
    set-based inserts, the daily digest and the DailyJobRun high-water mark. The kinds themselves are
    declared by the apps whose rule they are (`<app>/reminders.py`) and composed in `jobs.daily`."""

    name = "reminders"
    verbose_name = "Erinnerungen"
