"""Reference data (CATALOG.md): data, not code — seeded by a data migration, editable in the admin."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class KeyGroup(models.TextChoices):
    QUALIFIKATION = "qualifikation", _("Qualifikation")
    LEISTUNGSFAEHIGKEIT = "leistungsfaehigkeit", _("Leistungsfähigkeit")
    MOTIVATION = "motivation", _("Motivation")
    RAHMENBEDINGUNGEN = "rahmenbedingungen", _("Rahmenbedingungen")
    ARBEITSMARKT = "arbeitsmarkt", _("Arbeitsmarktbedingungen")


# ACC-1: only these key groups count towards the formal access criteria.
ACCESS_KEY_GROUPS = (KeyGroup.LEISTUNGSFAEHIGKEIT, KeyGroup.RAHMENBEDINGUNGEN)


class LifeArea(models.TextChoices):
    ARBEIT_QUALIFIKATION = "arbeit_qualifikation", _("Arbeit und Qualifikation")
    WOHNEN = "wohnen", _("Wohnen")
    FAMILIE_SOZIALES = "familie_soziales", _("Familie und Soziales")
    GESUNDHEIT = "gesundheit", _("Gesundheit")
    FINANZEN = "finanzen", _("Finanzielle Situation")


class CatalogQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(active=True).filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class CatalogEntry(models.Model):
    code = models.CharField(_("Code"), max_length=20, unique=True)
    label = models.CharField(_("Bezeichnung"), max_length=200)
    active = models.BooleanField(_("aktiv"), default=True)
    valid_from = models.DateField(_("gültig ab"), null=True, blank=True)
    valid_to = models.DateField(_("gültig bis"), null=True, blank=True)
    sort = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    objects = CatalogQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.label}"


class Need(CatalogEntry):
    """Handlungsbedarf with its Schlüsselgruppe (key group) and life area (PLAN-1)."""

    key_group = models.CharField(_("Schlüsselgruppe"), max_length=30, choices=KeyGroup.choices)
    life_area = models.CharField(_("Lebensbereich"), max_length=30, choices=LifeArea.choices)

    class Meta(CatalogEntry.Meta):
        verbose_name = _("Handlungsbedarf")
        verbose_name_plural = _("Handlungsbedarfe")

    @property
    def counts_for_access(self) -> bool:
        return self.key_group in ACCESS_KEY_GROUPS

    @property
    def is_health(self) -> bool:
        """A health-related need (life area `gesundheit`; the Wirkungsanalyse counts these, EXIT-3)."""
        return self.life_area == LifeArea.GESUNDHEIT

    @property
    def is_sensitive(self) -> bool:
        """DP-6: health (special-category data, Art. 9 GDPR) and criminal matters (Art. 10 GDPR) —
        visible only to the case's FM and her substitute."""
        return self.is_health or self.code in SENSITIVE_NEED_CODES


# DP-6: needs outside the life area `gesundheit` that are as sensitive (criminal matters).
SENSITIVE_NEED_CODES = frozenset({"R_RECHT"})


def sensitive_need_q(prefix: str = "") -> Q:
    """The sensitive needs (DP-6) as a filter; `prefix` e.g. "need__" from ClientNeed."""
    return Q(**{f"{prefix}life_area": LifeArea.GESUNDHEIT}) | Q(**{f"{prefix}code__in": SENSITIVE_NEED_CODES})


class ExitReason(CatalogEntry):
    """Beendigungsgrund (EXIT-2)."""

    is_integration = models.BooleanField(_("Integration"), default=False)
    is_employment = models.BooleanField(_("Beschäftigung"), default=False)
    requires_justification = models.BooleanField(_("Begründung Pflicht"), default=False)

    class Meta(CatalogEntry.Meta):
        verbose_name = _("Beendigungsgrund")
        verbose_name_plural = _("Beendigungsgründe")


class RejectionReason(CatalogEntry):
    """Ablehnungsgrund nach dem Clearing (CLR-3)."""

    requires_justification = models.BooleanField(_("Begründung Pflicht"), default=False)

    class Meta(CatalogEntry.Meta):
        verbose_name = _("Ablehnungsgrund")
        verbose_name_plural = _("Ablehnungsgründe")
