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
        # What dropdowns and pages show: the label a caseworker knows, never the catalogue code.
        return self.label


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


# --- the legal-period table (MIT-1..7, PLAN-3): law by the date of the act --------------------------------


class MissedSummonsRule(models.TextChoices):
    """MIT-3: when a missed Meldeaufforderung without important reason leads to a notice."""

    EACH = "each", _("jedes Meldeversäumnis")
    REPEATED = "repeated", _("erst ein wiederholtes Meldeversäumnis")


class CooperationInstrument(models.TextChoices):
    """MIT-5: what the FM issues when plan steps are not carried out."""

    NONE = "", _("keines (historischer Rechtsstand)")
    MITWIRKUNGSAUFFORDERUNG = "mitwirkungsaufforderung", _("Aufforderung zur Mitwirkung")
    VERPFLICHTUNG = "verpflichtung", _("Verpflichtung (Verwaltungsakt)")


class LegalPeriod(models.Model):
    """One legal period (Rechtsstand) with its validity interval: the benefit's name, the consequences of
    a missed Meldeaufforderung, the cooperation instrument and the plain-language texts of the letters.
    Seeded by a data migration (CATALOG.md "Consequences by legal period"), editable in the admin, read
    only through `catalog.periods.legal_period_on(day)` — the date of the act chooses the row."""

    code = models.SlugField(_("Kennung"), max_length=20, unique=True)
    label = models.CharField(_("Bezeichnung"), max_length=200)
    valid_from = models.DateField(_("gültig ab"))
    valid_to = models.DateField(_("gültig bis"), null=True, blank=True)
    benefit_name = models.CharField(_("Name der Leistung"), max_length=60)
    summons_legal_basis = models.CharField(_("Rechtsgrundlage der Meldeaufforderung"), max_length=120)
    missed_summons_rule = models.CharField(
        _("Folge eines Meldeversäumnisses"), max_length=10, choices=MissedSummonsRule.choices
    )
    missed_summons_legal_basis = models.CharField(_("Rechtsgrundlage des Meldeversäumnisses"), max_length=120)
    not_reachable_after = models.PositiveSmallIntegerField(
        _("„nicht erreichbar“ nach so vielen Meldeversäumnissen in Folge"), null=True, blank=True
    )
    not_reachable_legal_basis = models.CharField(
        _("Rechtsgrundlage „nicht erreichbar“"), max_length=120, blank=True
    )
    vulnerable_exam_required = models.BooleanField(
        _("Untersuchungsangebot vor Meldung bei psychischer Belastung erforderlich"), default=False
    )
    cooperation_instrument = models.CharField(
        _("Instrument bei nicht umgesetzten Schritten"),
        max_length=30,
        choices=CooperationInstrument.choices,
        blank=True,
    )
    cooperation_legal_basis = models.CharField(
        _("Rechtsgrundlage des Instruments"), max_length=120, blank=True
    )
    conciliation_max_weeks = models.PositiveSmallIntegerField(
        _("Schlichtungsverfahren auf Antrag, höchstens Wochen"), null=True, blank=True
    )
    duty_violation_legal_basis = models.CharField(
        _("Rechtsgrundlage der Pflichtverletzung"), max_length=120, blank=True
    )
    agreement_signed = models.BooleanField(_("Vereinbarung wird unterschrieben (Vertrag)"), default=False)
    first_talk_in_person = models.BooleanField(
        _("Erstgespräch zum Kooperationsplan persönlich"), default=False
    )
    summons_instruction = models.TextField(_("Rechtsfolgenbelehrung der Einladung"))
    cooperation_instruction = models.TextField(_("Rechtsfolgenbelehrung des Instruments"), blank=True)

    class Meta:
        verbose_name = _("Rechtsstand")
        verbose_name_plural = _("Rechtsstände")
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="legal_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        end = self.valid_to.strftime("%d.%m.%Y") if self.valid_to else "…"
        return f"{self.label} ({self.valid_from:%d.%m.%Y} – {end})"
