from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    REFERRED = "referred", _("Zugewiesen")
    CLEARING = "clearing", _("Clearingphase")
    ACTIVE = "active", _("Im Fallmanagement")
    REJECTED = "rejected", _("Abgelehnt")
    DISPUTED = "disputed", _("Strittig – Entscheidung der TL")
    FORWARDED = "forwarded", _("Weitergeleitet")
    RETURNED = "returned", _("An pAp zurückgegeben")
    CLOSED = "closed", _("Beendet")


# ACC-5: an open FM episode (at most one per client).
OPEN_STATES = (CaseState.REFERRED, CaseState.CLEARING, CaseState.DISPUTED, CaseState.ACTIVE)


class HandoverKind(models.TextChoices):
    PERSONAL = "personal", _("Persönliches Gespräch pAp – FM")
    JOINT = "joint", _("Gemeinsames Gespräch mit der Kundin / dem Kunden")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("offen")
    REDUCED = "reduced", _("abgebaut (verringert)")
    RESOLVED = "resolved", _("abgebaut (erledigt)")


class ForwardTarget(models.TextChoices):
    SPECIALISED = "specialised", _("Spezialisiertes Fallmanagement")
    THIRD_PARTY = "third_party", _("Fallmanagement durch Dritte")


class HouseholdRole(models.TextChoices):
    """A person's role in the Bedarfsgemeinschaft (HH-1)."""

    APPLICANT = "applicant", _("Antragsteller*in")
    PARTNER = "partner", _("Partner*in")
    CHILD = "child", _("Kind")
    OTHER = "other", _("weitere Person")
