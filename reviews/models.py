"""Continuation reviews (DOMAIN REV-1..5). Their reminders (REV-6) are declared in `reviews.reminders`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from reviews.choices import ReviewDecision, ReviewGate, ReviewState


def waits_for_teamleitung_q(prefix: str = "") -> Q:
    """REV-2/REV-3 "waits for the TL" as a query (`Review.waits_for_teamleitung` is the same rule on one
    row): approval pending, or documented at a gate where the TL takes note. `prefix` e.g. "reviews__"."""
    return Q(**{f"{prefix}state": ReviewState.APPROVAL_PENDING}) | Q(
        **{f"{prefix}state": ReviewState.DOCUMENTED, f"{prefix}gate": ReviewGate.INFORM_TEAMLEITUNG}
    )


def _guard(message: str):
    def wrap(func):
        func.message = message
        return func

    return wrap


@_guard(_("Nur bei Prüfungen nach 12 und 18 Monaten nimmt die Teamleitung die Entscheidung zur Kenntnis."))
def _needs_acknowledgement(review: Review) -> bool:
    return review.gate == ReviewGate.INFORM_TEAMLEITUNG


class Review(FSMModelMixin, models.Model):
    """One continuation review of one case at 6, 12, 18, 24, 30 or 36 months after admission.

    The gate follows from the month (REV-1..4). States:
    `due` → `documented` (6, 36 and every decision "end") → `acknowledged` (12, 18: REV-2);
    `due` → `approval_pending` (24, 30 with "continue") → `approved` / `declined` (REV-3);
    `due` → `missed` when the next review of the case fell due before this one was documented (REV-7).
    Rows of an imported case that fell due before the import are created as documented there (`legacy`).
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
    # REV-7: fell due before the case was imported; documented in the legacy system.
    legacy = models.BooleanField(_("im Altverfahren dokumentiert"), default=False, db_default=False)
    missed_on = models.DateField(_("als versäumt markiert am"), null=True, blank=True)

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
        """REV-2/REV-3, the same rule as `waits_for_teamleitung_q`."""
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
