from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FALLMANAGER = "fallmanager", _("Fallmanager*in")
    TEAMLEITUNG = "teamleitung", _("Teamleitung")
    BEREICHSLEITUNG = "bereichsleitung", _("Bereichsleitung")
    PAP = "pap", _("Persönliche*r Ansprechpartner*in (pAp)")
    CONTROLLING = "controlling", _("Controlling (GB II)")
    DATENSCHUTZ = "datenschutz", _("Datenschutz")
    ADMIN = "admin", _("Administration")
