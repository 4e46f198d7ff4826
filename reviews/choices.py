"""Choices of the reviews app (DOMAIN REV, CLR-2, ACC-4, PLAN-3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog import periods


class ReviewGate(models.TextChoices):
    DOCUMENT = periods.GATE_DOCUMENT, _("Dokumentation durch die Fallmanager*in")
    INFORM_TEAMLEITUNG = periods.GATE_INFORM_TEAMLEITUNG, _("Kenntnisnahme durch die Teamleitung")
    TEAMLEITUNG_APPROVAL = periods.GATE_TEAMLEITUNG_APPROVAL, _("Zustimmung der Teamleitung")
    FINAL = periods.GATE_FINAL, _("Höchstdauer erreicht")


class ReviewState(models.TextChoices):
    DUE = "due", _("fällig")
    DOCUMENTED = "documented", _("dokumentiert")
    ACKNOWLEDGED = "acknowledged", _("von der Teamleitung zur Kenntnis genommen")
    APPROVAL_PENDING = "approval_pending", _("Zustimmung der Teamleitung ausstehend")
    APPROVED = "approved", _("Fortführung genehmigt")
    DECLINED = "declined", _("Fortführung abgelehnt")


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", _("Fortführen")
    END = "end", _("Beenden")


class Continuation(models.TextChoices):
    ALLOWED = "allowed", _("Fortführung möglich")
    APPROVAL_REQUIRED = "approval_required", _("Zustimmung der Teamleitung erforderlich")
    NOT_ALLOWED = "not_allowed", _("Keine Fortführung – der Fall ist zu beenden")


class ReminderKind(models.TextChoices):
    REVIEW_DUE = "review_due", _("Fortführungsprüfung fällig")
    REVIEW_OVERDUE = "review_overdue", _("Fortführungsprüfung überfällig")
    CLEARING_DUE = "clearing_due", _("Clearingphase endet")
    CLEARING_OVERDUE = "clearing_overdue", _("Clearingphase überschritten")
    AGREEMENT_REVIEW_DUE = "agreement_review_due", _("Überprüfung der Vereinbarung fällig")
    ACCESS_CHECK_DUE = "access_check_due", _("Regelmäßige Zugangsprüfung fällig")
    MAX_DURATION_REACHED = "max_duration_reached", _("Höchstdauer von 36 Monaten erreicht")
