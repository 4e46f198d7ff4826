"""Shape checks of input that services share: free text, dates, a month. Each raises `InvalidInput` with
a German message and the field it concerns — never a 500, nothing stored half."""

from __future__ import annotations

import datetime
import functools
import re
from pathlib import Path

from django.utils.translation import gettext as _

from fallmanagement.errors import InvalidInput

MAX_TEXT = 10_000
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def require_text(value, field: str, label: str, *, required: bool = True, max_length: int = MAX_TEXT) -> str:
    """A string (stripped), not longer than `max_length`; empty only when not `required`."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(
            _("%(label)s muss ein Text sein.") % {"label": label},
            fields={field: [_("Bitte einen Text angeben.")]},
        )
    text = value.strip()
    if required and not text:
        raise InvalidInput(
            _("%(label)s ist erforderlich.") % {"label": label},
            fields={field: [_("Dieses Feld ist erforderlich.")]},
        )
    if len(text) > max_length:
        raise InvalidInput(
            _("%(label)s ist zu lang.") % {"label": label},
            fields={field: [_("Höchstens %(n)s Zeichen.") % {"n": max_length}]},
        )
    return text


def optional_text(value, field: str, label: str, *, max_length: int = MAX_TEXT) -> str:
    return require_text(value, field, label, required=False, max_length=max_length)


def require_date(value, field: str, message: str | None = None) -> datetime.date:
    """A `date` (not a datetime, not a string)."""
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise InvalidInput(
            message or _("Bitte ein gültiges Datum angeben."), fields={field: [_("Ungültiges Datum.")]}
        )
    return value


def require_past_or_today(
    value: datetime.date | None, field: str, label: str, today: datetime.date
) -> datetime.date:
    """A date that is given and not after `today` (steps may be recorded afterwards, never ahead)."""
    if value is None:
        raise InvalidInput(
            _("%(label)s ist erforderlich.") % {"label": label},
            fields={field: [_("Bitte ein Datum angeben.")]},
        )
    if value > today:
        raise InvalidInput(
            _("%(label)s darf nicht in der Zukunft liegen.") % {"label": label},
            fields={field: [_("Das Datum liegt in der Zukunft.")]},
        )
    return value


def previous_month(today: datetime.date) -> datetime.date:
    """The first day of the month before `today`'s (the monthly report runs on the 1st)."""
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


MIN_YEAR, MAX_YEAR = 2000, 2100  # the months any figure of the service can be about


def parse_month(raw: str | None, *, default: datetime.date | None = None) -> datetime.date:
    """`YYYY-MM` → the first day of that month; nothing given → `default` when there is one; anything
    else → 400 with a German message."""
    if raw is None and default is not None:
        return default
    match = MONTH_RE.match(raw or "")
    if not match:
        raise InvalidInput(
            _("Bitte den Monat im Format JJJJ-MM angeben."),
            fields={"month": [_("Format JJJJ-MM, z. B. 2026-10.")]},
        )
    year, month = int(match.group(1)), int(match.group(2))
    if not MIN_YEAR <= year <= MAX_YEAR:  # year 0 or 9999: no month of the service, no date arithmetic
        raise InvalidInput(
            _("Bitte einen Monat zwischen %(min)s und %(max)s angeben.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            fields={"month": [_("Jahr außerhalb des zulässigen Bereichs.")]},
        )
    if not 1 <= month <= 12:
        raise InvalidInput(_("Diesen Monat gibt es nicht."), fields={"month": [_("Monat 01 bis 12.")]})
    return datetime.date(year, month, 1)


def parse_id(value) -> int | None:
    """A path or body id as int, or None for anything else (abc, 1.5, huge numbers)."""
    text = str(value)
    if not text.isdigit() or len(text) > 18:
        return None
    return int(text)


# --- DP-6 diagnosis guard --------------------------------------------------------------------------------
# Health findings record work-relevant limitations, never diagnoses (DOMAIN DP-6). Refused: ICD-10 codes
# ("F32.1", "F 32", "ICD-10: …") and the diagnosis words and medication names of a configurable list
# (`catalog/data/diagnosis_terms.txt`, or the file named by FM_DIAGNOSIS_TERMS_FILE). One function for every
# free text of the health area: the assessment, the flanking services' outcome, the results of the medical
# and psychological services (ÄD/BPS).
_ICD_PATTERN = re.compile(r"\bICD\b|\b[A-TV-Z]\d{2}\.\d{1,2}\b|\bF\s?\d{2}(?:\.\d{1,2})?\b", re.IGNORECASE)
DEFAULT_DIAGNOSIS_TERMS = Path(__file__).resolve().parent / "data" / "diagnosis_terms.txt"


@functools.lru_cache(maxsize=4)
def _diagnosis_pattern(path: str) -> re.Pattern | None:
    terms = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        term = line.strip()
        if term and not term.startswith("#"):
            terms.append(r"\s+".join(re.escape(word) for word in term.split()))
    if not terms:
        return None
    terms.sort(key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(terms) + r")\w*", re.IGNORECASE)


def diagnosis_terms_file() -> str:
    from django.conf import settings

    return str(getattr(settings, "FM_DIAGNOSIS_TERMS_FILE", "") or DEFAULT_DIAGNOSIS_TERMS)


def find_diagnosis(text: str) -> str | None:
    """The first diagnosis, ICD code or medication name found in `text`, else None."""
    if not text:
        return None
    icd = _ICD_PATTERN.search(text)
    if icd:
        return icd.group(0)
    pattern = _diagnosis_pattern(diagnosis_terms_file())
    found = pattern.search(text) if pattern is not None else None
    return found.group(0) if found else None


def reject_diagnosis(text: str, field: str) -> str:
    """DP-6: refuse (`InvalidInput`, German message naming what was found) a text that names a diagnosis,
    an ICD code or a medication; return the text unchanged otherwise."""
    found = find_diagnosis(text)
    if found:
        raise InvalidInput(
            _(
                "Bitte erfassen Sie keine Diagnosen, ICD-Codes oder Medikamente, sondern nur arbeitsrelevante "
                "Einschränkungen (z. B. „kann nicht länger als zwei Stunden stehen“). Gefunden: „%(found)s“."
            )
            % {"found": found},
            fields={field: [_("Enthält eine Diagnose oder ein Medikament: „%(found)s“.") % {"found": found}]},
        )
    return text
