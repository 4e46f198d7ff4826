"""Contact data of a client (WORK-4): address, phone, e-mail, preferred language, interpreter needed; and
the client's role in the household (HH-1).

One service, `client_contact_update`, for the case page and the API: every field is checked (German
postcode: five digits; phone: digits with the usual separators and an optional leading +; e-mail: Django's
validator); a refusal is `InvalidInput` with the field's German message and nothing is stored. Who may
change the data: the roles that edit client data (`client_update`: pAp, FM, TL); the caller has read the
client through its scope (`client_get` / `case_get`), so out of scope means 404 before this is reached."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from cases.choices import HouseholdRole
from cases.models import Client
from catalog.validators import optional_text
from fallmanagement.errors import InvalidInput, NotPermitted
from org.choices import Role
from org.models import Staff

CONTACT_FIELDS = (
    "street",
    "postcode",
    "city",
    "phone",
    "email",
    "preferred_language",
    "interpreter_needed",
    "household_role",
)
EDIT_ROLES = (Role.PAP, Role.FALLMANAGER, Role.TEAMLEITUNG)

POSTCODE_RE = re.compile(r"^\d{5}$")
# +49 511 1234-567, 0511/123456, (0511) 12 34 56: 6 to 20 digits with spaces, /, -, parentheses.
PHONE_RE = re.compile(r"^\+?[\d\s/()\-]+$")


def _check_postcode(value: str) -> str:
    if value and not POSTCODE_RE.match(value):
        raise InvalidInput(
            _("Die Postleitzahl besteht aus fünf Ziffern."),
            fields={"postcode": [_("Fünf Ziffern, z. B. 30159.")]},
        )
    return value


def _check_phone(value: str) -> str:
    digits = sum(ch.isdigit() for ch in value)
    if value and (not PHONE_RE.match(value) or not 6 <= digits <= 20):
        raise InvalidInput(
            _("Die Telefonnummer ist ungültig."),
            fields={
                "phone": [_("Ziffern mit Leerzeichen, / oder -, z. B. 0511 123456 oder +49 511 123456.")]
            },
        )
    return value


def _check_email(value: str) -> str:
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise InvalidInput(
                _("Die E-Mail-Adresse ist ungültig."), fields={"email": [_("z. B. name@beispiel.de")]}
            ) from None
    return value


def contact_clean(changes: dict) -> dict:
    """The checked values of the contact fields present in `changes` (others are ignored)."""
    cleaned: dict = {}
    checks = {
        "street": (_("Die Straße"), 120, None),
        "postcode": (_("Die Postleitzahl"), 5, _check_postcode),
        "city": (_("Der Ort"), 80, None),
        "phone": (_("Die Telefonnummer"), 30, _check_phone),
        "email": (_("Die E-Mail-Adresse"), 254, _check_email),
        "preferred_language": (_("Die bevorzugte Sprache"), 40, None),
    }
    for name, (label, max_length, check) in checks.items():
        if name in changes:
            value = optional_text(changes[name], name, label, max_length=max_length)
            cleaned[name] = check(value) if check else value
    if "interpreter_needed" in changes:
        value = changes["interpreter_needed"]
        if not isinstance(value, bool):
            raise InvalidInput(
                _("Bitte angeben, ob eine Dolmetschung erforderlich ist."),
                fields={"interpreter_needed": [_("Ja oder nein.")]},
            )
        cleaned["interpreter_needed"] = value
    if "household_role" in changes:
        value = changes["household_role"] or ""
        if value and value not in HouseholdRole.values:
            raise InvalidInput(
                _("Unbekannte Rolle in der Bedarfsgemeinschaft."),
                fields={"household_role": [_("Bitte eine der angebotenen Rollen wählen.")]},
            )
        cleaned["household_role"] = value
    return cleaned


def may_edit_contact(user) -> bool:
    return bool(user.is_authenticated and user.role in EDIT_ROLES)


@transaction.atomic
def client_contact_update(*, client: Client, acting_user: Staff, **changes) -> Client:
    """WORK-4: change the client's contact data; all fields are checked before anything is stored."""
    if not may_edit_contact(acting_user):
        raise NotPermitted(_("Ihre Rolle darf Kontaktdaten nicht ändern."))
    unknown = sorted(set(changes) - set(CONTACT_FIELDS))
    if unknown:
        raise InvalidInput(
            _("Unbekannte Felder: %(f)s") % {"f": ", ".join(unknown)},
            fields={name: [_("Unbekanntes Feld.")] for name in unknown},
        )
    cleaned = contact_clean(changes)
    locked = Client.objects.select_for_update().get(pk=client.pk)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    if cleaned:
        locked.save(update_fields=[*cleaned, "updated_at"])
    return locked
