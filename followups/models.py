"""Wiedervorlagen (WORK-1): a date and a note the FM sets on a case she works on; it shows on her
worklist from 14 days before (REV-6 reminder `followup_due`) until she marks it done or cancels it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from cases.access import is_case_fm
from followups.choices import FollowUpState

NOTE_MAX = 1000


def is_open(followup: FollowUp) -> bool:
    return followup.state == FollowUpState.OPEN


is_open.message = _("Die Wiedervorlage ist bereits erledigt oder verworfen.")


def may_act(followup: FollowUp, user) -> bool:
    """The case's FM, or her substitute while the substitution runs (SUB-1)."""
    return is_case_fm(followup.case, user)


may_act.message = _("Nur die zuständige Fallmanager*in (oder ihre Vertretung) bearbeitet Wiedervorlagen.")


class FollowUp(FSMModelMixin, models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="followups")
    due_on = models.DateField(_("Wiedervorlage am"))
    note = models.TextField(_("Notiz"), max_length=NOTE_MAX)
    state = FSMField(_("Status"), default=FollowUpState.OPEN, choices=FollowUpState.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The daily job's "changed case" marker (reminders.engine): every write sets it.
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())
    closed_on = models.DateField(_("erledigt/verworfen am"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("Wiedervorlage")
        verbose_name_plural = _("Wiedervorlagen")
        ordering = ["due_on", "pk"]
        indexes = [
            # The worklist and the reminder source read open follow-ups by case and by date.
            models.Index(fields=["case", "due_on"], condition=Q(state="open"), name="followup_open_case_idx"),
            models.Index(fields=["due_on"], condition=Q(state="open"), name="followup_open_due_idx"),
            models.Index(fields=["updated_at"], name="followup_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"Wiedervorlage am {self.due_on:%d.%m.%Y}"

    @transition(
        field=state,
        source=FollowUpState.OPEN,
        target=FollowUpState.DONE,
        conditions=[is_open],
        permission=may_act,
    )
    def mark_done(self) -> None:
        """The FM did what the follow-up was for."""

    @transition(
        field=state,
        source=FollowUpState.OPEN,
        target=FollowUpState.CANCELLED,
        conditions=[is_open],
        permission=may_act,
    )
    def cancel(self) -> None:
        """The follow-up is no longer needed."""
