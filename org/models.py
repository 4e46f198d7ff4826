"""Organisation (DOMAIN ORG-1..3): Bereich → Standort → Team, staff with one role and weekly hours."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from org.choices import Role


class Area(models.Model):
    name = models.CharField(_("Name"), max_length=120, unique=True)
    leads = models.ManyToManyField(
        "org.Staff", related_name="led_areas", blank=True, verbose_name=_("Bereichsleitung")
    )

    class Meta:
        verbose_name = _("Bereich")
        verbose_name_plural = _("Bereiche")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    name = models.CharField(_("Name"), max_length=120)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="sites", verbose_name=_("Bereich"))
    # The letterhead of letters and the Kooperationsplan (WORK-4).
    street = models.CharField(_("Straße und Hausnummer"), max_length=120, blank=True, db_default="")
    postcode = models.CharField(_("Postleitzahl"), max_length=5, blank=True, db_default="")
    city = models.CharField(_("Ort"), max_length=80, blank=True, db_default="")
    phone = models.CharField(_("Telefon"), max_length=30, blank=True, db_default="")
    email = models.EmailField(_("E-Mail"), max_length=254, blank=True, db_default="")

    class Meta:
        verbose_name = _("Standort")
        verbose_name_plural = _("Standorte")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="site_unique_name_per_area")]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """ "Standort Lindenhof" — also when the name already says "Standort"."""
        return self.name if self.name.lower().startswith("standort") else f"Standort {self.name}"

    @property
    def address_lines(self) -> list[str]:
        town = " ".join(part for part in (self.postcode, self.city) if part)
        return [line for line in (self.street, town) if line]


class Team(models.Model):
    name = models.CharField(_("Name"), max_length=120)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="teams", verbose_name=_("Standort"))
    # ORG-3: the TL(s) leading this team; a TL may lead several teams.
    leads = models.ManyToManyField(
        "org.Staff", related_name="led_teams", blank=True, verbose_name=_("Teamleitung")
    )
    rucksack_fallmanagement = models.BooleanField(
        _("Rucksack Fallmanagement"),
        default=False,
        help_text=_("Die Teamleitung dieses Teams ist am Standort für Fallmanagement-Themen zuständig."),
    )

    class Meta:
        verbose_name = _("Team")
        verbose_name_plural = _("Teams")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="team_unique_name_per_site")]

    def __str__(self) -> str:
        return self.name


class StaffManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # API.md: a superuser made with createsuperuser has role admin.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class Staff(AbstractUser):
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices, default=Role.FALLMANAGER)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
        verbose_name=_("Team"),
        help_text=_("Pflicht für alle Rollen außer Controlling, Datenschutz und Administration."),
    )
    weekly_hours = models.DecimalField(
        _("Wochenstunden"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("39.0"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("60"))],
    )

    phone = models.CharField(_("Telefon"), max_length=40, blank=True)

    objects = StaffManager()

    class Meta:
        verbose_name = _("Mitarbeiter*in")
        verbose_name_plural = _("Mitarbeitende")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["role", "team"], name="staff_role_team_idx")]

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.username

    @property
    def caseload_target(self) -> int:
        """CAP-2: 75 × weekly hours / full-time hours, rounded half up (39 h → 75; 19.5 h → 38)."""
        fm = settings.FM
        raw = (
            Decimal(fm["CASELOAD_PER_FULL_TIME"])
            * Decimal(self.weekly_hours)
            / Decimal(str(fm["FULL_TIME_HOURS"]))
        )
        return int(raw.quantize(Decimal("1"), rounding=ROUND_HALF_UP))

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.role in roles


class Substitution(models.Model):
    """SUB-1: the TL sets a substitute for an absent FM for a period; access ends with the period."""

    absent = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="substituted_by", verbose_name=_("abwesend")
    )
    substitute = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="substitutions", verbose_name=_("Vertretung")
    )
    starts_on = models.DateField(_("von"))
    ends_on = models.DateField(_("bis"))
    set_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("eingetragen von")
    )
    # SUB-1 across teams of one site: in force only once the substitute's TL agreed as well.
    pending = models.BooleanField(_("wartet auf Zustimmung"), default=False, db_default=False)
    approved_by = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Zustimmung der Teamleitung der Vertretung"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Vertretung")
        verbose_name_plural = _("Vertretungen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="substitution_period_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(absent=models.F("substitute")), name="substitution_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["substitute", "starts_on", "ends_on"], name="substitution_active_idx")
        ]

    def __str__(self) -> str:
        return f"{self.substitute} vertritt {self.absent} ({self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y})"
