"""Audit (DP-2, DP-4, DP-5): the append-only access log and the four-eyes purge runs.

A sink low in the app order: it knows no case, client or plan. The change history of the case data is kept
by database triggers whose event tables live in this app's schema but are declared by the tracked app
(`cases.models.HISTORY_MODELS`); explicit case grants live in `cases.access`."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Capacity(models.TextChoices):
    """In what role a person read the data (DP-2 "why-context")."""

    OWN_CASE = "own_case", _("eigener Fall")
    SUBSTITUTION = "substitution", _("Vertretung")
    TEAMLEITUNG = "teamleitung", _("Teamleitung")
    BEREICHSLEITUNG = "bereichsleitung", _("Bereichsleitung")
    PAP_REFERRAL = "pap_referral", _("zuweisende pAp")
    PAP_SITE = "pap_site", _("pAp des Standorts")
    GRANT = "grant", _("ausdrückliche Freigabe")
    DATENSCHUTZ = "datenschutz", _("Datenschutz")
    OTHER = "other", _("sonstige")


class AccessLog(models.Model):
    """Who read which client's or case's data, when, and in what capacity (DP-2, DP-4).

    Append-only: a PostgreSQL trigger refuses UPDATE and DELETE. `client_id` is a plain integer (no
    foreign key), so the row survives the client's anonymisation without pointing at a name."""

    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Benutzer*in")
    )
    username = models.CharField(_("Benutzername"), max_length=150)
    action = models.CharField(
        _("Aktion"), max_length=60, help_text=_("z. B. case.view, client.view, case.export")
    )
    object_type = models.CharField(_("Objektart"), max_length=60)
    object_id = models.BigIntegerField(_("Objekt-ID"), null=True, blank=True)
    client_id = models.BigIntegerField(_("Kund*in-ID"), null=True, blank=True)
    capacity = models.CharField(_("Eigenschaft"), max_length=20, choices=Capacity.choices)
    context = models.JSONField(_("Kontext"), default=dict, blank=True)
    # The hash chain (issue 15, DP-2): set by the database trigger `audit_accesslog_chain` on INSERT, whatever
    # the application sends. `seq` numbers the entries without gaps, `prev_hash` is the predecessor's `hash`,
    # `hash` = sha256(prev_hash || audit_accesslog_canonical(row)). Checked by `verify_audit_log`.
    seq = models.BigIntegerField(_("laufende Nummer"), null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(_("Prüfsumme des Vorgängers"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("Prüfsumme"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("Zugriffsprotokoll")
        verbose_name_plural = _("Zugriffsprotokoll")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["client_id", "at"], name="accesslog_client_at_idx"),
            models.Index(fields=["user", "at"], name="accesslog_user_at_idx"),
        ]
        triggers = [pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.username} {self.action} {self.object_type}#{self.object_id}"


class AccessLogChainHead(models.Model):
    """The head of the access log's hash chain: one row (id 1), written only by the trigger function
    `audit_accesslog_chain` (SECURITY DEFINER). Its row lock serialises concurrent writers, so the chain has
    no forks. The application's database role has no privilege on this table."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("Kopf der Prüfsummenkette")
        verbose_name_plural = _("Kopf der Prüfsummenkette")

    def __str__(self) -> str:
        return f"{self.seq}: {self.hash}"


class PurgeRun(models.Model):
    """DP-5 four eyes: one datenschutz user prepares the list, another confirms it; then anonymisation —
    of the clients listed (`kind` clients) or of the access log's entries older than its own retention
    period (`kind` access_log, FM_ACCESS_LOG_RETENTION_YEARS; `anonymised_count` = entries removed)."""

    class Kind(models.TextChoices):
        CLIENTS = "clients", _("Kund*innen")
        ACCESS_LOG = "access_log", _("Zugriffsprotokoll")

    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices, default=Kind.CLIENTS)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("erstellt von")
    )
    prepared_on = models.DateField(_("erstellt am"))
    cutoff_on = models.DateField(_("Stichtag"), help_text=_("Letzter Fall beendet vor diesem Tag."))
    client_ids = models.JSONField(_("Kund*innen-IDs"), default=list)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("bestätigt von"),
    )
    confirmed_on = models.DateField(_("bestätigt am"), null=True, blank=True)
    anonymised_count = models.PositiveIntegerField(_("anonymisiert"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Löschlauf")
        verbose_name_plural = _("Löschläufe")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed_by__isnull=True)
                | ~models.Q(confirmed_by=models.F("prepared_by")),
                name="purgerun_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"Löschlauf {self.pk} ({len(self.client_ids)} Kund*innen)"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_on is not None


class EnrolmentCode(models.Model):
    """Issue 15 finding 8: a second factor is set up only with a one-time code that another person (an admin,
    or the operator by command) issued for this account — not by whoever first signs in with the password.
    Only the code's hash is stored; it is shown once to the issuer, who hands it over."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("für")
    )
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("erstellt von"),
        help_text=_("Leer: vom Betrieb per Befehl erstellt."),
    )
    issued_at = models.DateTimeField(_("erstellt am"), default=timezone.now)
    expires_at = models.DateTimeField(_("gültig bis"))
    used_at = models.DateTimeField(_("eingelöst am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Einrichtungscode")
        verbose_name_plural = _("Einrichtungscodes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(issued_by__isnull=True) | ~models.Q(issued_by=models.F("user")),
                name="enrolmentcode_second_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Einrichtungscode {self.pk} für {self.user_id}"


class AccountRequest(models.Model):
    """Issue 15 finding 6, four eyes: an account with a privileged role (admin, datenschutz, teamleitung,
    bereichsleitung) — created, or elevated to it — is pending until a second admin confirms it. Until then a
    new account is inactive and an elevated one keeps its old role."""

    class Kind(models.TextChoices):
        CREATE = "create", _("Neues Konto")
        ELEVATE = "elevate", _("Rollenänderung")

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("Konto")
    )
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices)
    role = models.CharField(_("beantragte Rolle"), max_length=20)
    team_id = models.BigIntegerField(_("Team"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("beantragt von"),
    )
    requested_at = models.DateTimeField(_("beantragt am"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("bestätigt von"),
    )
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Kontofreigabe")
        verbose_name_plural = _("Kontofreigaben")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed_by__isnull=True)
                | (
                    ~models.Q(confirmed_by=models.F("requested_by"))
                    & ~models.Q(confirmed_by=models.F("staff"))
                ),
                name="accountrequest_four_eyes",
            ),
            models.UniqueConstraint(
                fields=["staff"],
                condition=models.Q(confirmed_at__isnull=True),
                name="accountrequest_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.staff_id} → {self.role}"

    @property
    def role_label(self) -> str:
        from org.choices import Role

        return str(Role(self.role).label) if self.role in Role.values else self.role
