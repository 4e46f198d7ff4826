"""Assessment, integration plan, agreement, service steering and contacts (DOMAIN PLAN-1..6, DP-6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import LifeArea
from plans.choices import ContactKind, GoalKind, GoalStatus, PartnerKind, ServiceKind, ServiceStatus


class AssessmentEntry(models.Model):
    """PLAN-1: findings and resources of one life area of a case. The needs with priority are the
    client's `cases.ClientNeed` rows of that life area. Health findings are sensitive (DP-6)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assessment_entries")
    life_area = models.CharField(_("Lebensbereich"), max_length=30, choices=LifeArea.choices)
    findings = models.TextField(_("Feststellungen"), blank=True)
    resources = models.TextField(_("Ressourcen / Stärken"), blank=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("Assessment (Lebensbereich)")
        verbose_name_plural = _("Assessment (Lebensbereiche)")
        constraints = [
            models.UniqueConstraint(fields=["case", "life_area"], name="assessment_one_entry_per_area"),
        ]

    def __str__(self) -> str:
        return f"Assessment {self.get_life_area_display()} (Fall {self.case_id})"

    @property
    def is_sensitive(self) -> bool:
        return self.life_area == LifeArea.GESUNDHEIT


class Goal(models.Model):
    """PLAN-2: a SMART goal with a target date; social-participation goals carry no sanctionable duty."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="goals")
    text = models.TextField(_("Ziel"))
    kind = models.CharField(_("Art"), max_length=25, choices=GoalKind.choices, default=GoalKind.INTEGRATION)
    agreed_on = models.DateField(_("vereinbart am"))
    target_date = models.DateField(_("Zieldatum"))
    status = models.CharField(_("Status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    status_changed_on = models.DateField(_("Status geändert am"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Ziel")
        verbose_name_plural = _("Ziele")
        ordering = ["target_date", "pk"]
        indexes = [models.Index(fields=["case", "status"], name="goal_case_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__gte=models.F("agreed_on")), name="goal_target_after_agreed"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class GoalStatusChange(models.Model):
    """The status history of a goal ("goal status over time")."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("von"), max_length=10, choices=GoalStatus.choices, blank=True)
    to_status = models.CharField(_("nach"), max_length=10, choices=GoalStatus.choices)
    changed_on = models.DateField(_("am"))
    note = models.TextField(_("Anmerkung"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Statusänderung eines Ziels")
        verbose_name_plural = _("Statusänderungen von Zielen")
        ordering = ["changed_on", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} ({self.changed_on})"


class AgreementTitle(models.Model):
    """PLAN-3 / CATALOG.md: the document title by legal period (data, editable in the admin)."""

    valid_from = models.DateField(_("gültig ab"), null=True, blank=True)
    valid_to = models.DateField(_("gültig bis"), null=True, blank=True)
    title = models.CharField(_("Titel"), max_length=200)
    note = models.TextField(_("Hinweis im Dokument"), blank=True)

    class Meta:
        verbose_name = _("Titel der Vereinbarung nach Rechtsstand")
        verbose_name_plural = _("Titel der Vereinbarung nach Rechtsstand")
        ordering = ["valid_from"]

    def __str__(self) -> str:
        start = self.valid_from.strftime("%d.%m.%Y") if self.valid_from else "…"
        end = self.valid_to.strftime("%d.%m.%Y") if self.valid_to else "…"
        return f"{self.title} ({start} – {end})"


class Agreement(models.Model):
    """PLAN-3: the written agreement (Kooperationsplan; historically Eingliederungsvereinbarung), or a
    documented waiver (`waived`) that keeps the to-do "conclude one" open.

    The current row of a case is the one with `superseded_on IS NULL` (at most one, by constraint);
    a new agreement or waiver supersedes it. Reminders select
    `waived = false AND superseded_on IS NULL AND review_due_on <= …`."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="agreements")
    waived = models.BooleanField(_("noch nicht abgeschlossen (begründet)"), default=False)
    justification = models.TextField(_("Begründung, warum (noch) keine Vereinbarung besteht"), blank=True)
    title = models.CharField(_("Titel"), max_length=200, blank=True)
    title_note = models.TextField(_("Hinweis zum Rechtsstand"), blank=True)
    concluded_on = models.DateField(_("abgeschlossen am"), null=True, blank=True)
    review_due_on = models.DateField(_("zu überprüfen bis"), null=True, blank=True)
    client_commitments = models.TextField(_("Schritte der Kund*in"), blank=True)
    jobcenter_commitments = models.TextField(_("Leistungen des Jobcenters"), blank=True)
    recorded_on = models.DateField(_("erfasst am"))
    superseded_on = models.DateField(_("abgelöst am"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Kooperationsplan / Eingliederungsvereinbarung")
        verbose_name_plural = _("Kooperationspläne / Eingliederungsvereinbarungen")
        ordering = ["-recorded_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(superseded_on__isnull=True),
                name="agreement_one_current_per_case",
            ),
            models.CheckConstraint(
                condition=Q(waived=True) | (Q(concluded_on__isnull=False) & Q(review_due_on__isnull=False)),
                name="agreement_concluded_has_dates",
            ),
        ]
        indexes = [
            models.Index(
                fields=["review_due_on"],
                condition=Q(superseded_on__isnull=True, waived=False),
                name="agreement_current_review_idx",
            ),
        ]

    def __str__(self) -> str:
        if self.waived:
            return f"Verzicht (Fall {self.case_id})"
        return f"{self.title} vom {self.concluded_on:%d.%m.%Y}"

    @property
    def is_current(self) -> bool:
        return self.superseded_on is None


class Partner(models.Model):
    """Netzwerkpartner of an area (debt, addiction, psychosocial counselling, housing, …)."""

    area = models.ForeignKey(
        "org.Area", on_delete=models.PROTECT, related_name="partners", verbose_name=_("Bereich")
    )
    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=PartnerKind.choices)
    contact = models.TextField(_("Kontakt"), blank=True)
    external = models.BooleanField(
        _("Dritte Stelle"),
        default=True,
        help_text=_(
            "Externe Partner erhalten Sozialdaten nur mit Rechtsgrundlage oder Einwilligung (§ 67b SGB X)."
        ),
    )
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Netzwerkpartner")
        verbose_name_plural = _("Netzwerkpartner")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="partner_unique_name_per_area")]

    def __str__(self) -> str:
        return self.name


class Consent(models.Model):
    """The client's recorded consent to share data with a partner (Schweigepflichtentbindung, § 67b SGB X)."""

    client = models.ForeignKey("cases.Client", on_delete=models.CASCADE, related_name="consents")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="consents")
    given_on = models.DateField(_("erteilt am"))
    revoked_on = models.DateField(_("widerrufen am"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Einwilligung")
        verbose_name_plural = _("Einwilligungen")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=models.F("given_on")),
                name="consent_revoked_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"Einwilligung vom {self.given_on:%d.%m.%Y} ({self.partner_id})"

    def is_valid_on(self, day) -> bool:
        return self.given_on <= day and (self.revoked_on is None or self.revoked_on > day)


class ServiceReferral(models.Model):
    """PLAN-4: a measure (Eingliederungsleistung) or flanking service with a partner; the FM keeps
    case responsibility and records the development."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="service_referrals")
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("Partner"),
    )
    kind = models.CharField(_("Art"), max_length=20, choices=ServiceKind.choices)
    title = models.CharField(_("Leistung / Maßnahme"), max_length=200)
    status = models.CharField(
        _("Status"), max_length=10, choices=ServiceStatus.choices, default=ServiceStatus.PROPOSED
    )
    proposed_on = models.DateField(_("vorgeschlagen am"))
    status_changed_on = models.DateField(_("Status geändert am"))
    follow_up_on = models.DateField(_("Nachhalten am"), null=True, blank=True)
    outcome = models.TextField(_("Verlauf und Ergebnis"), blank=True)
    legal_basis = models.CharField(_("Rechtsgrundlage der Datenübermittlung"), max_length=300, blank=True)
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("Einwilligung"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Leistung / Vermittlung")
        verbose_name_plural = _("Leistungen / Vermittlungen")
        ordering = ["-proposed_on", "-pk"]
        indexes = [models.Index(fields=["case", "status"], name="service_case_status_idx")]

    def __str__(self) -> str:
        return self.title


class Contact(models.Model):
    """PLAN-5: a contact with the client (date and type); contact density is visible."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField(_("Datum"))
    kind = models.CharField(_("Art"), max_length=20, choices=ContactKind.choices)
    note = models.TextField(_("Notiz"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Kontakt")
        verbose_name_plural = _("Kontakte")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["case", "-date"], name="contact_case_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} am {self.date:%d.%m.%Y}"
