"""Clients, households and cases (one FM episode of one client) with their state machine."""

from __future__ import annotations

import datetime

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from guardian.models import UserObjectPermissionBase

from cases import access
from cases.choices import OPEN_STATES, CaseState, ForwardTarget, HandoverKind, HouseholdRole, NeedStatus
from catalog import periods


class Household(models.Model):
    """Bedarfsgemeinschaft (BG). Each eLb in it is its own case (CAP-1)."""

    number = models.CharField(_("BG-Nummer"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("Bedarfsgemeinschaft")
        verbose_name_plural = _("Bedarfsgemeinschaften")

    def __str__(self) -> str:
        return self.number


class Client(models.Model):
    """eLb (Kund*in)."""

    audit_object_type = "client"  # how the access log names it (audit.services.record)

    customer_number = models.CharField(_("Kundennummer"), max_length=30, unique=True)
    first_name = models.CharField(_("Vorname"), max_length=100)
    last_name = models.CharField(_("Nachname"), max_length=100)
    birth_date = models.DateField(_("Geburtsdatum"))
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("Bedarfsgemeinschaft")
    )
    site = models.ForeignKey(
        "org.Site", on_delete=models.PROTECT, related_name="clients", verbose_name=_("Standort")
    )
    integration_expected_within_12_months = models.BooleanField(
        _("Profiling: Integration innerhalb von 12 Monaten erwartet"), default=False
    )
    # READ-2: work taken up after the last FM episode allows an earlier readmission.
    work_taken_up_on = models.DateField(_("Arbeitsaufnahme am"), null=True, blank=True)
    # ACC-4: date of the last periodic access check by the pAp.
    access_checked_on = models.DateField(_("Zugang zuletzt geprüft am"), null=True, blank=True)
    access_check_result = models.TextField(_("Ergebnis der Zugangsprüfung"), blank=True)
    # ACC-4: the pAp responsible for the client — set at referral and on return, changeable by the TL; the
    # periodic access check reminds her (no one set: every pAp of the site).
    responsible_pap = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_for_clients",
        verbose_name=_("zuständige pAp"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The daily job re-checks ACC-4 for clients changed since its last run (reviews.services).
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # DP-5: set when the personal data were anonymised after the retention period.
    anonymised_on = models.DateField(null=True, blank=True)
    # WORK-4: contact data (checked by cases.services.contact; letters carry the address).
    street = models.CharField(_("Straße und Hausnummer"), max_length=120, blank=True, db_default="")
    postcode = models.CharField(_("Postleitzahl"), max_length=5, blank=True, db_default="")
    city = models.CharField(_("Ort"), max_length=80, blank=True, db_default="")
    phone = models.CharField(_("Telefon"), max_length=30, blank=True, db_default="")
    email = models.EmailField(_("E-Mail"), max_length=254, blank=True, db_default="")
    preferred_language = models.CharField(_("bevorzugte Sprache"), max_length=40, blank=True, db_default="")
    interpreter_needed = models.BooleanField(_("Dolmetschung erforderlich"), default=False, db_default=False)
    # HH-1: the person's role in the Bedarfsgemeinschaft.
    household_role = models.CharField(
        _("Rolle in der Bedarfsgemeinschaft"),
        max_length=20,
        choices=HouseholdRole.choices,
        blank=True,
        db_default="",
    )
    # WORK-2: " nachname vorname" normalised by the database (cases.search, migration 0006).
    search_name = models.GeneratedField(
        expression=models.Func(
            models.F("last_name"), models.F("first_name"), function="public.fm_search_name"
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("Kund*in")
        verbose_name_plural = _("Kund*innen")
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["site", "last_name"], name="client_site_name_idx"),
            models.Index(fields=["last_name", "first_name"], name="client_name_idx"),
            # ACC-4 in the daily job: changed clients, and the clients whose check falls due (by the date
            # of the last check, or of the client record when never checked).
            models.Index(fields=["updated_at"], name="client_updated_idx"),
            models.Index(fields=["access_checked_on"], name="client_access_checked_idx"),
            models.Index(fields=["created_at"], name="client_created_idx"),
            # WORK-2 search: names by trigram (prefix, umlauts, small typos), birth dates.
            GinIndex(fields=["search_name"], opclasses=["gin_trgm_ops"], name="client_search_name_trgm"),
            # The pAp searches her site (~10,000 clients of 1,000,000): site and name in one GIN index
            # (btree_gin), so a common name is matched within the site, not within the nation or row by row.
            GinIndex(
                fields=["site", "search_name"],
                opclasses=["int8_ops", "gin_trgm_ops"],
                name="client_site_search_trgm",
            ),
            models.Index(fields=["birth_date"], name="client_birth_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.customer_number})"

    @property
    def audit_client_id(self) -> int | None:
        return self.pk

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def address_lines(self) -> list[str]:
        """The postal address as letters print it (WORK-4); empty when none is recorded."""
        town = " ".join(part for part in (self.postcode, self.city) if part)
        return [line for line in (self.street, town) if line]


class ClientNeed(models.Model):
    """A Handlungsbedarf of a client; PLAN-6 marks it reduced/resolved with a date."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="needs")
    need = models.ForeignKey("catalog.Need", on_delete=models.PROTECT, related_name="+")
    identified_on = models.DateField(_("festgestellt am"))
    status = models.CharField(_("Status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    status_changed_on = models.DateField(_("Status geändert am"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("Priorität"), null=True, blank=True)
    # A new need can make a client meet ACC-4; the daily job re-checks clients with changed needs.
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        verbose_name = _("Handlungsbedarf der Kund*in")
        verbose_name_plural = _("Handlungsbedarfe der Kund*in")
        constraints = [models.UniqueConstraint(fields=["client", "need"], name="clientneed_unique")]
        indexes = [models.Index(fields=["updated_at"], name="clientneed_updated_idx")]

    def __str__(self) -> str:
        return f"{self.need_id} ({self.get_status_display()})"


def _guard(message: str):
    """Mark a guard condition with the German reason the UI shows when it fails."""

    def wrap(func):
        func.message = message
        return func

    return wrap


@_guard(_("Über einen Widerspruch wurde bereits entschieden; die Ablehnung ist endgültig."))
def _not_yet_disputed(case: Case) -> bool:
    return case.dispute_decided_on is None


class Case(FSMModelMixin, models.Model):
    """One FM episode of one client, from referral to exit."""

    audit_object_type = "case"  # how the access log names it (audit.services.record)

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="cases", verbose_name=_("Kund*in")
    )
    fallmanager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="fm_cases",
        verbose_name=_("Fallmanager*in"),
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referred_cases",
        null=True,
        blank=True,
        verbose_name=_("zuweisende pAp"),
    )
    state = FSMField(_("Status"), default=CaseState.REFERRED, choices=CaseState.choices, protected=True)
    # Incremented on every transition: a stale form or API call gets `concurrent_update`.
    version = models.PositiveIntegerField(default=1)

    # Referral (ACC-1..3)
    referred_on = models.DateField(_("zugewiesen am"), null=True, blank=True)
    handover_talk_on = models.DateField(_("Übergabegespräch am"), null=True, blank=True)
    handover_kind = models.CharField(
        _("Art des Übergabegesprächs"), max_length=10, choices=HandoverKind.choices, blank=True
    )
    reasons = models.TextField(_("Gründe für die Zuweisung"), blank=True)
    expected_progress = models.TextField(_("Erwartete Integrationsfortschritte"), blank=True)
    meets_formal_access = models.BooleanField(_("formaler Zugang erfüllt"), default=False)
    individual_decision_reason = models.TextField(_("Begründung der Einzelfallentscheidung"), blank=True)
    teamleitung_consulted_on = models.DateField(_("Rücksprache mit der TL am"), null=True, blank=True)
    # ACC-2: which TL was consulted; she confirms the individual decision (unconfirmed stays visible).
    teamleitung_consulted = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("befragte Teamleitung"),
    )
    individual_decision_confirmed_on = models.DateField(
        _("Einzelfallentscheidung bestätigt am"), null=True, blank=True
    )
    individual_decision_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Clearing and its outcome (CLR-1, CLR-3)
    clearing_started_on = models.DateField(_("Clearing begonnen am"), null=True, blank=True)
    admitted_on = models.DateField(_("übernommen am"), null=True, blank=True)
    decided_on = models.DateField(_("Clearing-Ergebnis am"), null=True, blank=True)
    rejection_reason = models.ForeignKey(
        "catalog.RejectionReason", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_justification = models.TextField(_("Begründung"), blank=True)
    forwarded_to = models.CharField(
        _("weitergeleitet an"), max_length=20, choices=ForwardTarget.choices, blank=True
    )
    forwarded_to_detail = models.CharField(_("Empfänger"), max_length=200, blank=True)

    # Dispute (CLR-4)
    disputed_on = models.DateField(_("Widerspruch am"), null=True, blank=True)
    dispute_comment = models.TextField(_("Widerspruch"), blank=True)
    dispute_decided_on = models.DateField(_("über Widerspruch entschieden am"), null=True, blank=True)
    dispute_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dispute_decision_comment = models.TextField(_("Entscheidung der TL"), blank=True)
    # CLR-4: after a rejection the FM and the pAp discuss the reasons in a personal talk.
    rejection_talk_on = models.DateField(_("Gespräch über die Ablehnung am"), null=True, blank=True)
    rejection_talk_note = models.TextField(_("Ergebnis des Gesprächs über die Ablehnung"), blank=True)
    rejection_talk_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Exit (EXIT-1, EXIT-2)
    closed_on = models.DateField(_("beendet am"), null=True, blank=True)
    exit_reason = models.ForeignKey(
        "catalog.ExitReason", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exit_justification = models.TextField(_("Begründung des Abgangs"), blank=True)
    exit_handover_talk_on = models.DateField(_("Übergabegespräch zum Abgang am"), null=True, blank=True)
    exit_handover_pap = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # EXIT-1: the placement-relevant information handed over; the taking-over pAp reads it after the exit.
    exit_handover_note = models.TextField(_("Übergabevermerk"), blank=True)

    imported = models.BooleanField(_("aus Altverfahren übernommen"), default=False)
    # REV-7: the day of the takeover; reviews that fell due before it count as documented in the legacy system.
    imported_on = models.DateField(_("übernommen aus dem Altverfahren am"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Fall")
        verbose_name_plural = _("Fälle")
        ordering = ["-referred_on", "-pk"]
        constraints = [
            # ACC-5 enforced by the database: concurrent referrals cannot both win.
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(state__in=[s.value for s in OPEN_STATES]),
                name="case_one_open_per_client",
            ),
        ]
        indexes = [
            models.Index(fields=["fallmanager", "state"], name="case_fm_state_idx"),
            models.Index(fields=["state", "admitted_on"], name="case_state_admitted_idx"),
            models.Index(fields=["state", "clearing_started_on"], name="case_state_clearing_idx"),
            models.Index(fields=["referred_by", "state"], name="case_pap_state_idx"),
            models.Index(fields=["client", "closed_on"], name="case_client_closed_idx"),
            # The daily reminder job re-checks the cases changed since its last run (reviews.services).
            models.Index(fields=["updated_at"], name="case_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"Fall {self.pk} ({self.get_state_display()})"

    # --- derived dates -------------------------------------------------------------------------
    @property
    def clearing_due_on(self) -> datetime.date | None:
        return periods.clearing_ends_on(self.clearing_started_on)

    def months_in_case_management(self, today: datetime.date) -> int | None:
        return periods.months_in_case_management(self.admitted_on, self.closed_on, today)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    # --- transitions (called only from the service layer, which locks, validates input and logs) --
    @transition(
        field=state, source=CaseState.REFERRED, target=CaseState.CLEARING, permission=access.is_case_fm
    )
    def start_clearing(self, *, on: datetime.date) -> None:
        self.clearing_started_on = on

    @transition(field=state, source=CaseState.CLEARING, target=CaseState.ACTIVE, permission=access.is_case_fm)
    def admit(self, *, on: datetime.date) -> None:
        self.admitted_on = on
        self.decided_on = on

    @transition(
        field=state, source=CaseState.CLEARING, target=CaseState.REJECTED, permission=access.is_case_fm
    )
    def reject(self, *, on: datetime.date, reason, justification: str) -> None:
        self.decided_on = on
        self.rejection_reason = reason
        self.decision_justification = justification

    @transition(
        field=state, source=CaseState.CLEARING, target=CaseState.RETURNED, permission=access.is_case_fm
    )
    def return_to_pap(self, *, on: datetime.date, justification: str) -> None:
        self.decided_on = on
        self.decision_justification = justification

    @transition(
        field=state, source=CaseState.CLEARING, target=CaseState.FORWARDED, permission=access.is_case_fm
    )
    def forward(self, *, on: datetime.date, to: str, detail: str, justification: str) -> None:
        self.decided_on = on
        self.forwarded_to = to
        self.forwarded_to_detail = detail
        self.decision_justification = justification

    @transition(
        field=state,
        source=CaseState.REJECTED,
        target=CaseState.DISPUTED,
        conditions=[_not_yet_disputed],
        permission=access.is_referring_pap,
    )
    def dispute(self, *, on: datetime.date, comment: str) -> None:
        self.disputed_on = on
        self.dispute_comment = comment

    @transition(field=state, source=CaseState.DISPUTED, target=CaseState.ACTIVE, permission=access.is_case_tl)
    def decide_dispute_admit(self, *, on: datetime.date, by, comment: str) -> None:
        self.dispute_decided_on = on
        self.dispute_decided_by = by
        self.dispute_decision_comment = comment
        self.admitted_on = on

    @transition(
        field=state, source=CaseState.DISPUTED, target=CaseState.REJECTED, permission=access.is_case_tl
    )
    def decide_dispute_reject(self, *, on: datetime.date, by, comment: str) -> None:
        self.dispute_decided_on = on
        self.dispute_decided_by = by
        self.dispute_decision_comment = comment

    @transition(field=state, source=CaseState.ACTIVE, target=CaseState.CLOSED, permission=access.is_case_fm)
    def close(
        self,
        *,
        on: datetime.date,
        exit_reason,
        justification: str,
        handover_talk_on,
        handover_pap,
        handover_note: str = "",
    ) -> None:
        self.closed_on = on
        self.exit_reason = exit_reason
        self.exit_justification = justification
        self.exit_handover_talk_on = handover_talk_on
        self.exit_handover_pap = handover_pap
        self.exit_handover_note = handover_note


class CaseEvent(models.Model):
    """The history of a case: every transition with who, when, effective date, from, to and payload."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(_("Schritt"), max_length=40)
    from_state = models.CharField(_("von"), max_length=20, blank=True)
    to_state = models.CharField(_("nach"), max_length=20)
    effective_on = models.DateField(_("wirksam am"))
    at = models.DateTimeField(_("erfasst am"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("Fallereignis")
        verbose_name_plural = _("Fallverlauf")
        ordering = ["effective_on", "at", "pk"]
        indexes = [models.Index(fields=["case", "effective_on"], name="caseevent_case_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.effective_on:%d.%m.%Y}"


# --- explicit grants (DP-1, SUB-3): the record of the agreement and the guardian permission ----------


class GrantReason(models.TextChoices):
    CONTINUED_CARE = "continued_care", _("befristete Weiterbetreuung nach Umzug")
    CASE_CONFERENCE = "case_conference", _("Fallkonferenz")


class CaseGrant(models.Model):
    """The record of a rare, time-boxed explicit read grant on one case: who proposed it, which TLs agreed,
    the period, whether it was revoked. The read scope does not look at it; what counts is the guardian
    object permission (`CaseUserObjectPermission`) that `cases.access` keeps in step with these records.

    Continued care (SUB-3) is active only once both Teamleitungen agreed; `cases.access.grants_expire`
    revokes it (and the permission) after `expires_on`. The table is the former `audit_casegrant`."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants", verbose_name=_("Fall"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_grants", verbose_name=_("für")
    )
    reason = models.CharField(_("Anlass"), max_length=20, choices=GrantReason.choices)
    starts_on = models.DateField(_("ab"))
    expires_on = models.DateField(_("bis einschließlich"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("eingetragen von"),
    )
    approved_by_tl_old = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("Zustimmung bisherige TL"),
    )
    approved_by_tl_new = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("Zustimmung neue TL"),
    )
    active = models.BooleanField(_("wirksam"), default=False)
    revoked_on = models.DateField(_("widerrufen am"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "audit_casegrant"
        verbose_name = _("Freigabe")
        verbose_name_plural = _("Freigaben")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gte=models.F("starts_on")), name="grant_period_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "active", "expires_on"], name="grant_user_active_idx")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: Fall {self.case_id} für {self.user_id} bis {self.expires_on:%d.%m.%Y}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """django-guardian's object permissions on cases (its "direct foreign key" table: guardian's
    `assign_perm`, `has_perm` and `get_users_with_perms` use it for `cases.Case` instead of the generic
    table). A row `cases.view_case` is an explicit read grant; `valid_from`/`valid_until` carry the period
    of the grants behind it (empty = unbounded), so the scope is exact to the day even before the daily
    job removed an expired permission."""

    content_object = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="user_object_permissions", verbose_name=_("Fall")
    )
    valid_from = models.DateField(_("ab"), null=True, blank=True)
    valid_until = models.DateField(_("bis einschließlich"), null=True, blank=True)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("Objektberechtigung auf einen Fall")
        verbose_name_plural = _("Objektberechtigungen auf Fälle")
        indexes = [models.Index(fields=["user", "valid_until"], name="case_uop_user_until_idx")]


# --- change history (DP-2): PostgreSQL triggers write a snapshot on every insert/update/delete -------
# Declared here, by the tracked app; the event tables belong to the audit app's schema (`app_label`), as
# they always did, so their migrations stay in `audit/migrations`. They are append-only (pgtrigger.Protect,
# PGHISTORY_APPEND_ONLY); only the retention purge may shred them (DP-5, `cases.retention`).
HISTORY_MODELS = {
    Household: "HouseholdHistory",
    Client: "ClientHistory",
    ClientNeed: "ClientNeedHistory",
    Case: "CaseHistory",
    CaseEvent: "CaseEventHistory",
}
# Derived columns are not history (the search column follows the name, WORK-2).
HISTORY_EXCLUDE = {Client: ["search_name"]}
for _tracked, _name in HISTORY_MODELS.items():
    pghistory.track(
        # Fresh tracker instances per model: pghistory binds them to the tracked model.
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        app_label="audit",
        model_name=_name,
        obj_field=pghistory.ObjForeignKey(related_name="history", db_index=True),
        append_only=True,
        exclude=HISTORY_EXCLUDE.get(_tracked),
    )(_tracked)
