from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Nachweis / Zeugnis")
    MEDICAL = "medical", _("Gesundheitsunterlage")
    LETTER = "letter", _("Schreiben")
    OTHER = "other", _("Sonstiges")


# DP-6: kinds whose documents only the case's FM and her substitute see.
SENSITIVE_KINDS = (DocumentKind.MEDICAL,)
