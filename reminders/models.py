"""The reminder engine's tables (REV-6). They were the reviews app's and keep their table names
(`reviews_reminder`, …): the engine moved, the data stayed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from reminders.choices import ReminderKind


class Reminder(models.Model):
    """A reminder for one person about one due date (REV-6).

    "Once per (case, kind, due date)" is enforced by the database, not by a check in Python: the daily job
    inserts with `ON CONFLICT DO NOTHING` against these unique constraints, so re-runs, retries and
    concurrent runs cannot duplicate anything. The recipient is part of the key because some kinds go to
    several people for the same due date (CLR-2 and REV-4: the FM *and* the TL; ACC-4: every pAp of the
    site) — each person gets exactly one. Reminders without a case (ACC-4 access checks concern clients
    not in FM) are unique per (client, kind, due date, recipient) instead."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("für")
    )
    kind = models.CharField(_("Art"), max_length=30, choices=ReminderKind.choices)
    # No separate index on case_id: the unique (case, kind, due_on, recipient) index serves lookups by case
    # (`case_id = …` implies `case_id IS NOT NULL`, the index's condition); one index less to maintain for
    # the daily job's bulk inserts.
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("Fall"),
        db_index=False,
    )
    client = models.ForeignKey(
        "cases.Client", on_delete=models.CASCADE, related_name="+", verbose_name=_("Kund*in")
    )
    due_on = models.DateField(_("fällig am"))
    created_on = models.DateField(_("erstellt am"))
    created_at = models.DateTimeField(db_default=Now())
    done_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)

    class Meta:
        db_table = "reviews_reminder"
        verbose_name = _("Erinnerung")
        verbose_name_plural = _("Erinnerungen")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "due_on", "recipient"],
                condition=Q(case__isnull=False),
                name="reminder_once_per_case_kind_due",
            ),
            models.UniqueConstraint(
                fields=["client", "kind", "due_on", "recipient"],
                condition=Q(case__isnull=True),
                name="reminder_once_per_client_kind_due",
            ),
        ]
        indexes = [
            # The inbox (by recipient, by due date) and the digest's count per kind: index-only with `kind`.
            models.Index(
                fields=["recipient", "due_on"],
                include=["kind"],
                condition=Q(done_at__isnull=True),
                name="reminder_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.due_on:%d.%m.%Y})"


class ReminderDigest(models.Model):
    """The daily e-mail digest sent to one person on one day: the unique constraint makes it once a day."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    reminder_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "reviews_reminderdigest"
        verbose_name = _("Erinnerungs-Zusammenfassung")
        verbose_name_plural = _("Erinnerungs-Zusammenfassungen")
        constraints = [models.UniqueConstraint(fields=["recipient", "sent_on"], name="digest_once_per_day")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.sent_on:%d.%m.%Y}"


class DailyJobRun(models.Model):
    """A log line per completed run of the daily jobs (what was created as of which date).

    It is also the job's high-water mark: the latest run with `on` ≤ the new date tells which due dates
    are already handled (up to its `on` + lead days) and since when cases may have changed (`started_at`).
    The next run then only looks at due dates that entered the window since, plus every case changed (or
    given a review row, an agreement, another TL) since — see `reminders.engine`. Without a run, or with
    `full=True`, everything is derived from scratch."""

    on = models.DateField(_("Stichtag"))
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    counts = models.JSONField(default=dict)
    # Transaction time of the run (= `created_at` of the review rows it created): those rows were handled by
    # the run itself, so the next run need not re-check their cases.
    reviews_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reviews_dailyjobrun"
        verbose_name = _("Lauf der täglichen Jobs")
        verbose_name_plural = _("Läufe der täglichen Jobs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.on:%d.%m.%Y}: {self.counts}"


class ReminderRecipientSnapshot(models.Model):
    """Per staff member: the active Teamleitungen of her team as of the last daily job (ids, comma-separated).

    A reminder goes to the case's FM and, for some kinds, to the active TLs of the FM's team. When that set
    changes (a new TL, an FM moved to another team), the next daily job re-checks the cases of that FM —
    without this, only a full run would give the new TL her reminders."""

    staff_id = models.BigIntegerField(primary_key=True)
    team_leads = models.TextField(blank=True)

    class Meta:
        db_table = "reviews_reminderrecipientsnapshot"
        verbose_name = _("Empfängerstand der Erinnerungen")
        verbose_name_plural = _("Empfängerstände der Erinnerungen")

    def __str__(self) -> str:
        return f"{self.staff_id}: {self.team_leads}"


class AccessCheckRecipientSnapshot(models.Model):
    """Per site: the active pAps as of the last daily job (ids, comma-separated). ACC-4 reminders go to the
    pAps of the client's site; when that set changes (a new pAp, a pAp moved), the next daily job re-checks
    the site's clients — without this, only a full run would give the new pAp her reminders."""

    site_id = models.BigIntegerField(primary_key=True)
    paps = models.TextField(blank=True)

    class Meta:
        db_table = "reviews_accesscheckrecipientsnapshot"
        verbose_name = _("Empfängerstand der Zugangsprüfungen")
        verbose_name_plural = _("Empfängerstände der Zugangsprüfungen")

    def __str__(self) -> str:
        return f"{self.site_id}: {self.paps}"
