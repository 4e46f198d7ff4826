"""Choices of the plans app (DOMAIN PLAN-1..5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GoalKind(models.TextChoices):
    INTEGRATION = "integration", _("Integration in Arbeit")
    SOCIAL_PARTICIPATION = "social_participation", _("Soziale Teilhabe")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("offen")
    ACHIEVED = "achieved", _("erreicht")
    PARTLY = "partly", _("teilweise erreicht")
    DROPPED = "dropped", _("aufgegeben")


class PartnerKind(models.TextChoices):
    DEBT = "debt", _("Schuldnerberatung")
    ADDICTION = "addiction", _("Suchtberatung")
    PSYCHOSOCIAL = "psychosocial", _("Psychosoziale Beratung")
    HOUSING = "housing", _("Wohnungshilfe")
    HEALTH = "health", _("Gesundheit")
    CHILDCARE = "childcare", _("Kinderbetreuung")
    TRAINING = "training", _("Bildungs- und Maßnahmeträger")
    OTHER = "other", _("Sonstige")


class ServiceKind(models.TextChoices):
    MEASURE = "measure", _("Eingliederungsleistung (SGB II/III)")
    FLANKING = "flanking", _("Flankierende Hilfe (§ 16a SGB II)")
    OTHER = "other", _("Sonstige Unterstützung")


class ServiceStatus(models.TextChoices):
    PROPOSED = "proposed", _("vorgeschlagen")
    STARTED = "started", _("begonnen")
    FINISHED = "finished", _("beendet")
    DROPPED = "dropped", _("abgebrochen")
    REVOKED = "revoked", _("widerrufen")


# PLAN-4: allowed status steps of a service referral. Finished, dropped and revoked are final.
SERVICE_STEPS: dict[str, tuple[str, ...]] = {
    ServiceStatus.PROPOSED: (ServiceStatus.STARTED, ServiceStatus.DROPPED, ServiceStatus.REVOKED),
    ServiceStatus.STARTED: (ServiceStatus.FINISHED, ServiceStatus.DROPPED, ServiceStatus.REVOKED),
    ServiceStatus.FINISHED: (),
    ServiceStatus.DROPPED: (),
    ServiceStatus.REVOKED: (),
}
OPEN_SERVICE_STATES = (ServiceStatus.PROPOSED, ServiceStatus.STARTED)


class ContactKind(models.TextChoices):
    OFFICE = "office", _("Termin im Jobcenter")
    HOME_VISIT = "home_visit", _("Hausbesuch")
    PHONE = "phone", _("Telefon")
    VIDEO = "video", _("Video")
    ACCOMPANIMENT = "accompaniment", _("Begleitung")
