"""Every reminder kind, one value each. A new kind = one value here + one source in the app whose rule it
is (`<app>/reminders.py`, composed in `jobs.daily.SOURCES`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    REVIEW_DUE = "review_due", _("Fortführungsprüfung fällig")  # REV-6 (reviews)
    REVIEW_OVERDUE = "review_overdue", _("Fortführungsprüfung überfällig")  # REV-6 (reviews)
    CLEARING_DUE = "clearing_due", _("Clearingphase endet")  # CLR-2 (cases)
    CLEARING_OVERDUE = "clearing_overdue", _("Clearingphase überschritten")  # CLR-2 (cases)
    AGREEMENT_REVIEW_DUE = "agreement_review_due", _("Überprüfung der Vereinbarung fällig")  # PLAN-3 (plans)
    ACCESS_CHECK_DUE = "access_check_due", _("Regelmäßige Zugangsprüfung fällig")  # ACC-4 (cases)
    MAX_DURATION_REACHED = "max_duration_reached", _("Höchstdauer von 36 Monaten erreicht")  # REV-4 (reviews)
    FOLLOWUP_DUE = "followup_due", _("Wiedervorlage fällig")  # WORK-1, REV-6 (followups)
    APPOINTMENT_OUTCOME_DUE = "appointment_outcome_due", _("Ergebnis eines Termins fehlt")  # MIT-2 (duties)
    # --- guideline rules (issue 16) ---
    AGREEMENT_REVIEW_OVERDUE = (
        "agreement_review_overdue",
        _("Überprüfung der Vereinbarung überfällig"),
    )  # PLAN-3, REV-6 (plans)
    AGREEMENT_MISSING = "agreement_missing", _("Kooperationsplan fehlt")  # PLAN-3 (plans)
    AGREEMENT_WAIVED = "agreement_waived", _("Kooperationsplan noch nicht abgeschlossen")  # PLAN-3 (plans)
    ACCESS_CHECK_OVERDUE = (
        "access_check_overdue",
        _("Regelmäßige Zugangsprüfung überfällig"),
    )  # ACC-4, REV-6 (cases)
    CLEARING_OUTCOME = "clearing_outcome", _("Ergebnis des Clearings")  # CLR-4 (cases), to the referring pAp
