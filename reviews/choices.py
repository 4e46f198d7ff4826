"""Choices of the reviews app (DOMAIN REV). The reminder kinds are `reminders.choices.ReminderKind`."""

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
    # REV-7: not documented before the next review fell due — kept in the history, no longer a to-do.
    MISSED = "missed", _("versäumt")


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", _("Fortführen")
    END = "end", _("Beenden")


class Continuation(models.TextChoices):
    ALLOWED = "allowed", _("Fortführung möglich")
    APPROVAL_REQUIRED = "approval_required", _("Zustimmung der Teamleitung erforderlich")
    NOT_ALLOWED = "not_allowed", _("Keine Fortführung – der Fall ist zu beenden")
