"""Appointments (MIT-1, MIT-2) and notices to the benefits department (MIT-3, MIT-4) of a case.

The app records and drafts; it never computes a benefit reduction. A notice keeps the legal period (and
the legal basis) that the date of its act chose, so a later change of the table does not rewrite history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import CooperationInstrument
from duties.choices import AppointmentKind, ExamService, ExamStatus, NoticeKind, Outcome


class Appointment(models.Model):
    """MIT-1: an appointment of a case, planned ahead (future dates allowed). A summons
    (Meldeaufforderung, § 59 SGB II i. V. m. § 309 SGB III) carries the date of its invitation: the legal
    period of that date gives the letter its Rechtsfolgenbelehrung. MIT-2: once it has taken place it gets
    an outcome; `outcome_due_on` (3 working days later) is when a missing outcome becomes a reminder."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="appointments", verbose_name=_("Fall")
    )
    starts_at = models.DateTimeField(_("Beginn"))
    kind = models.CharField(_("Art"), max_length=20, choices=AppointmentKind.choices)
    is_summons = models.BooleanField(_("Meldeaufforderung"), default=False)
    invited_on = models.DateField(_("eingeladen am"))
    place = models.CharField(_("Ort"), max_length=200, blank=True)
    purpose = models.CharField(_("Anlass"), max_length=300, blank=True)
    note = models.TextField(_("Notiz"), blank=True)
    outcome = models.CharField(_("Ergebnis"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("wichtiger Grund"), blank=True)
    outcome_recorded_on = models.DateField(_("Ergebnis erfasst am"), null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_due_on = models.DateField(_("Ergebnis fällig am"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["case", "starts_at"], name="appointment_case_starts_idx"),
            # The reminder window of the daily job (MIT-2) and the FM's worklist: open outcomes by due day.
            models.Index(
                fields=["outcome_due_on"], condition=Q(outcome=""), name="appointment_outcome_open_idx"
            ),
            models.Index(fields=["updated_at"], name="appointment_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.MISSED_WITH_REASON) | ~Q(outcome_reason=""),
                name="appointment_reason_with_missed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    @property
    def audit_client_id(self) -> int | None:
        return self.case.client_id

    @property
    def day(self):
        return timezone.localtime(self.starts_at).date()


class Obligation(models.Model):
    """MIT-5: what the FM issues when plan steps are not carried out (or no Kooperationsplan comes about),
    by the legal period of `issued_on`: until 2026-06-30 an Aufforderung zur Mitwirkung with a
    Schlichtungsverfahren on request (it ends at the latest after the period's weeks); from 2026-07-01 a
    Verpflichtung by written Verwaltungsakt that takes the Kooperationsplan (`agreement`) into account."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="obligations", verbose_name=_("Fall")
    )
    kind = models.CharField(_("Art"), max_length=30, choices=CooperationInstrument.choices)
    legal_period = models.ForeignKey(
        "catalog.LegalPeriod", on_delete=models.PROTECT, related_name="+", verbose_name=_("Rechtsstand")
    )
    legal_basis = models.CharField(_("Rechtsgrundlage"), max_length=120)
    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("berücksichtigter Kooperationsplan"),
    )
    steps = models.TextField(_("Schritte"))
    issued_on = models.DateField(_("erlassen am"))
    hearing_on = models.DateField(_("Anhörung am"), null=True, blank=True)
    conciliation_requested_on = models.DateField(_("Schlichtung beantragt am"), null=True, blank=True)
    conciliation_ended_on = models.DateField(_("Schlichtung beendet am"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Aufforderung zur Mitwirkung / Verpflichtung")
        verbose_name_plural = _("Aufforderungen zur Mitwirkung / Verpflichtungen")
        ordering = ["issued_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.issued_on:%d.%m.%Y})"

    @property
    def audit_client_id(self) -> int | None:
        return self.case.client_id


class Notice(models.Model):
    """MIT-3/MIT-5: a notice to the benefits department (Meldeversäumnis, "nicht erreichbar",
    Pflichtverletzung) after a recorded hearing (§ 24 SGB X), and its answer: reduction found yes/no and
    the period — never an amount."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="notices", verbose_name=_("Fall")
    )
    kind = models.CharField(_("Art"), max_length=20, choices=NoticeKind.choices)
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("Termin"),
    )
    obligation = models.ForeignKey(
        Obligation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("Aufforderung / Verpflichtung"),
    )
    act_on = models.DateField(_("Datum des Versäumnisses / der Pflichtverletzung"))
    legal_period = models.ForeignKey(
        "catalog.LegalPeriod", on_delete=models.PROTECT, related_name="+", verbose_name=_("Rechtsstand")
    )
    legal_basis = models.CharField(_("Rechtsgrundlage"), max_length=120)
    hearing_on = models.DateField(_("Anhörung am"))
    exam_offered_on = models.DateField(
        _("ärztliche/psychologische Untersuchung angeboten am"), null=True, blank=True
    )
    exam_not_offered_reason = models.TextField(
        _("Grund, warum keine Untersuchung angeboten wurde"), blank=True
    )
    sent_on = models.DateField(_("gemeldet am"))
    answered_on = models.DateField(_("Antwort am"), null=True, blank=True)
    reduction_found = models.BooleanField(_("Minderung festgestellt"), null=True, blank=True)
    reduction_from = models.DateField(_("Minderung ab"), null=True, blank=True)
    reduction_to = models.DateField(_("Minderung bis"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Meldung an die Leistungsabteilung")
        verbose_name_plural = _("Meldungen an die Leistungsabteilung")
        ordering = ["sent_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "kind"],
                condition=Q(appointment__isnull=False),
                name="notice_once_per_appointment_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.sent_on:%d.%m.%Y})"

    @property
    def audit_client_id(self) -> int | None:
        return self.case.client_id

    @property
    def is_open(self) -> bool:
        return self.answered_on is None


class ExamCommission(models.Model):
    """MIT-6: an ÄD/BPS examination — offered (MIT-4), commissioned with the recorded consent
    (Schweigepflichtentbindung), and its result as work-relevant limitations and the Leistungsbild,
    never diagnoses (DP-6). Visible only to the case's FM and her substitute."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="exams", verbose_name=_("Fall")
    )
    service = models.CharField(_("Dienst"), max_length=20, choices=ExamService.choices)
    status = models.CharField(
        _("Status"), max_length=20, choices=ExamStatus.choices, default=ExamStatus.OFFERED
    )
    question = models.TextField(_("Fragestellung"))
    offered_on = models.DateField(_("angeboten am"))
    consent_given_on = models.DateField(_("Schweigepflichtentbindung am"), null=True, blank=True)
    declined_on = models.DateField(_("abgelehnt am"), null=True, blank=True)
    commissioned_on = models.DateField(_("beauftragt am"), null=True, blank=True)
    result_on = models.DateField(_("Ergebnis am"), null=True, blank=True)
    limitations = models.TextField(_("arbeitsrelevante Einschränkungen"), blank=True)
    capacity = models.TextField(_("Leistungsbild"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Untersuchungsauftrag ÄD/BPS")
        verbose_name_plural = _("Untersuchungsaufträge ÄD/BPS")
        ordering = ["offered_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(commissioned_on__isnull=True) | Q(consent_given_on__isnull=False),
                name="exam_commissioned_only_with_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} ({self.offered_on:%d.%m.%Y})"

    @property
    def audit_client_id(self) -> int | None:
        return self.case.client_id


class CalendarFeed(models.Model):
    """MIT-1: the FM's iCalendar feed. The URL carries a secret token; only its SHA-256 is stored, so the
    URL is shown once when it is made. Renewing replaces it, revoking ends it."""

    staff = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("für"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_on = models.DateField(_("erstellt am"))

    class Meta:
        verbose_name = _("Kalender-Abonnement")
        verbose_name_plural = _("Kalender-Abonnements")

    def __str__(self) -> str:
        return f"{self.staff} ({self.created_on:%d.%m.%Y})"
