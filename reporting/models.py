"""Wirkungsanalyse (EXIT-3) and monthly reports (REP-1..4), anonymous by construction (DP-3)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutcomeRecord(models.Model):
    """One anonymous record per exit. Deliberately no foreign key to client, case, staff or team, no
    timestamp and a random primary key: nothing leads back to the person or the FM (DP-3)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    area = models.ForeignKey(
        "org.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("Bereich")
    )
    month = models.DateField(_("Monat"), help_text=_("Erster Tag des Abgangsmonats."))
    exit_reason_code = models.CharField(_("Beendigungsgrund"), max_length=20)
    is_integration = models.BooleanField(_("Integration"))
    medical_service_involved = models.BooleanField(_("Ärztlicher Dienst eingeschaltet"))
    health_need = models.BooleanField(_("Handlungsbedarf gesundheitliche Einschränkungen"))
    needs_at_start = models.PositiveSmallIntegerField(_("Handlungsbedarfe zu Beginn"))
    needs_reduced = models.PositiveSmallIntegerField(_("Handlungsbedarfe abgebaut"))
    social_participation_progress = models.BooleanField(_("Fortschritt soziale Teilhabe"))
    months_in_case_management = models.PositiveSmallIntegerField(_("Monate im Fallmanagement"))

    class Meta:
        verbose_name = _("Wirkungsanalyse")
        verbose_name_plural = _("Wirkungsanalysen")
        indexes = [models.Index(fields=["month", "area"], name="outcome_month_area_idx")]

    def __str__(self) -> str:
        return f"Wirkungsanalyse {self.month:%m/%Y}"


class MonthlyReport(models.Model):
    """REP-1/REP-2: the snapshot of one month's aggregate figures, per area and in total.

    `data` holds only counts, sums, medians and rates — already small-cell suppressed (DP-3) — with area
    names as the finest named unit (DP-7: no team or staff names). A rebuild replaces `data` atomically."""

    month = models.DateField(_("Monat"), unique=True, help_text=_("Erster Tag des Berichtsmonats."))
    built_at = models.DateTimeField(_("erstellt am"))
    data = models.JSONField(_("Kennzahlen"), default=dict)
    # REP-1: every (re)build with its reason, e.g. an exit recorded afterwards for this month.
    history = models.JSONField(_("Verlauf"), default=list, blank=True)

    class Meta:
        verbose_name = _("Monatsbericht")
        verbose_name_plural = _("Monatsberichte")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"Monatsbericht {self.month:%m/%Y}"
