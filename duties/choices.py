"""Choices of the duties app (MIT-1..6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppointmentKind(models.TextChoices):
    OFFICE = "office", _("im Jobcenter")
    HOME_VISIT = "home_visit", _("Hausbesuch")
    PHONE = "phone", _("Telefon")
    VIDEO = "video", _("Video")
    PARTNER = "partner", _("bei einem Netzwerkpartner")


# MIT-3: a personal appearance ends "nicht erreichbar" and resets the count — the client comes to the
# jobcenter in person (interpretation: a home visit, a call or a video talk is no personal appearance).
PERSONAL_APPEARANCE_KINDS = (AppointmentKind.OFFICE,)


class Outcome(models.TextChoices):
    ATTENDED = "attended", _("wahrgenommen")
    CANCELLED = "cancelled", _("vorher abgesagt")
    MISSED_WITH_REASON = "missed_with_reason", _("versäumt mit wichtigem Grund")
    MISSED = "missed", _("versäumt ohne wichtigen Grund")


class NoticeKind(models.TextChoices):
    MELDEVERSAEUMNIS = "meldeversaeumnis", _("Meldeversäumnis")
    NICHT_ERREICHBAR = "nicht_erreichbar", _("nicht erreichbar")
    PFLICHTVERLETZUNG = "pflichtverletzung", _("Pflichtverletzung")


class Reachability(models.TextChoices):
    REACHABLE = "reachable", _("erreichbar")
    NOT_REACHABLE = "not_reachable", _("nicht erreichbar")


class ExamService(models.TextChoices):
    """MIT-6: who examines — the medical service (ÄD) or the psychological service (BPS)."""

    AERZTLICHER_DIENST = "aerztlicher_dienst", _("Ärztlicher Dienst (ÄD)")
    BERUFSPSYCHOLOGISCHER_SERVICE = "bps", _("Berufspsychologischer Service (BPS)")


class ExamStatus(models.TextChoices):
    OFFERED = "offered", _("angeboten")
    DECLINED = "declined", _("abgelehnt")
    COMMISSIONED = "commissioned", _("beauftragt")
    COMPLETED = "completed", _("Ergebnis liegt vor")
