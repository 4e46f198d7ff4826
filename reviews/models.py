"""Continuation reviews (DOMAIN REV-1..5), reminders (REV-6, CLR-2, PLAN-3, ACC-4) and the e-mail digest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from reviews.choices import ReminderKind, ReviewDecision, ReviewGate, ReviewState


def _guard(message: str):
    def wrap(func):
        func.message = message
        return func

    return wrap


@_guard(
    _("Nur bei Prüfungen nach 12 und 18 Monaten nimmt die Teamleitung die Entscheidung zur Kenntnis (REV-2).")
)
def _needs_acknowledgement(review: Review) -> bool:
    return review.gate == ReviewGate.INFORM_TEAMLEITUNG


class Review(FSMModelMixin, models.Model):
    """One continuation review of one case at 6, 12, 18, 24, 30 or 36 months after admission.

    The gate follows from the month (REV-1..4). States:
    `due` → `documented` (6, 36 and every decision "end") → `acknowledged` (12, 18: REV-2);
    `due` → `approval_pending` (24, 30 with "continue") → `approved` / `declined` (REV-3).
    Rows are created set-based by the daily job (and on demand when a case's reviews are listed)."""

    # No separate index on case_id: the unique (case, month) index serves every lookup by case.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="reviews", verbose_name=_("Fall"), db_index=False
    )
    month = models.PositiveSmallIntegerField(_("Monat"))
    due_on = models.DateField(_("fällig am"))
    gate = models.CharField(_("Stufe"), max_length=24, choices=ReviewGate.choices)
    state = FSMField(
        _("Status"), max_length=20, default=ReviewState.DUE, choices=ReviewState.choices, protected=True
    )
    decision = models.CharField(_("Entscheidung"), max_length=10, choices=ReviewDecision.choices, blank=True)
    reasons = models.TextField(_("Gründe für die Fortführung"), blank=True)
    prognosis = models.TextField(_("Prognose"), blank=True)
    documented_on = models.DateField(_("dokumentiert am"), null=True, blank=True)
    documented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    teamleitung_comment = models.TextField(_("Kommentar der Teamleitung"), blank=True)
    teamleitung_on = models.DateField(_("Teamleitung am"), null=True, blank=True)
    teamleitung_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = _("Fortführungsprüfung")
        verbose_name_plural = _("Fortführungsprüfungen")
        ordering = ["case", "month"]
        constraints = [
            models.UniqueConstraint(fields=["case", "month"], name="review_once_per_case_month"),
            models.CheckConstraint(condition=Q(month__in=[6, 12, 18, 24, 30, 36]), name="review_month_valid"),
        ]
        indexes = [
            # Undocumented reviews by due date: review_due / review_overdue reminders, FM inbox.
            models.Index(fields=["due_on"], condition=Q(state="due"), name="review_open_due_idx"),
            # Work waiting for a Teamleitung (REV-2, REV-3): the TL inbox.
            models.Index(
                fields=["state"],
                condition=Q(state__in=["documented", "approval_pending"]),
                name="review_tl_todo_idx",
            ),
            # The daily job re-checks the cases of review rows created since its last run.
            models.Index(fields=["created_at"], name="review_created_idx"),
        ]

    def __str__(self) -> str:
        return f"Prüfung {self.month} Monate – Fall {self.case_id}"

    @property
    def waits_for_teamleitung(self) -> bool:
        return self.state == ReviewState.APPROVAL_PENDING or (
            self.state == ReviewState.DOCUMENTED and self.gate == ReviewGate.INFORM_TEAMLEITUNG
        )

    # --- transitions: called only from reviews.services (lock, permission, input, log) --------------
    @transition(
        field=state,
        source=ReviewState.DUE,
        target=RETURN_VALUE(ReviewState.DOCUMENTED, ReviewState.APPROVAL_PENDING),
    )
    def document(self, *, on, by, reasons: str, prognosis: str, decision: str) -> str:
        self.reasons = reasons
        self.prognosis = prognosis
        self.decision = decision
        self.documented_on = on
        self.documented_by = by
        if self.gate == ReviewGate.TEAMLEITUNG_APPROVAL and decision == ReviewDecision.CONTINUE:
            return ReviewState.APPROVAL_PENDING  # REV-3
        return ReviewState.DOCUMENTED

    @transition(
        field=state,
        source=ReviewState.DOCUMENTED,
        target=ReviewState.ACKNOWLEDGED,
        conditions=[_needs_acknowledgement],
    )
    def acknowledge(self, *, on, by, comment: str) -> None:
        self.teamleitung_comment = comment
        self.teamleitung_on = on
        self.teamleitung_by = by

    @transition(field=state, source=ReviewState.APPROVAL_PENDING, target=ReviewState.APPROVED)
    def approve(self, *, on, by, comment: str) -> None:
        self.teamleitung_comment = comment
        self.teamleitung_on = on
        self.teamleitung_by = by

    @transition(field=state, source=ReviewState.APPROVAL_PENDING, target=ReviewState.DECLINED)
    def decline(self, *, on, by, comment: str) -> None:
        self.teamleitung_comment = comment
        self.teamleitung_on = on
        self.teamleitung_by = by


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
    given a review row, an agreement, another TL) since — see `reviews.services`. Without a run, or with
    `full=True`, everything is derived from scratch."""

    on = models.DateField(_("Stichtag"))
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    counts = models.JSONField(default=dict)
    # Transaction time of the run (= `created_at` of the review rows it created): those rows were handled by
    # the run itself, so the next run need not re-check their cases.
    reviews_at = models.DateTimeField(null=True, blank=True)

    class Meta:
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
        verbose_name = _("Empfängerstand der Zugangsprüfungen")
        verbose_name_plural = _("Empfängerstände der Zugangsprüfungen")

    def __str__(self) -> str:
        return f"{self.site_id}: {self.paps}"
