"""Demo data of the guideline rules (issue 16): handover notes at the exit (EXIT-1), …"""

from __future__ import annotations

HANDOVER_NOTES = {
    "B01": "Arbeitsvertrag liegt vor; bei erneutem Leistungsbezug bitte an Stabilisierung anknüpfen.",
    "B02": "Ausbildungsvertrag liegt vor; Berufsschule und Fahrkosten sind geklärt.",
    "B03": "Gewerbe angemeldet; Einstiegsgeld beantragt.",
}
DEFAULT_NOTE = (
    "Bewerbungsunterlagen aktuell; Einschränkungen der Arbeitszeit beachten; laufende Beratung bei "
    "Netzwerkpartnern bitte fortführen."
)


def handover_note(exit_code: str) -> str:
    """EXIT-1: the placement-relevant information the FM hands over to the taking-over pAp."""
    return HANDOVER_NOTES.get(exit_code, DEFAULT_NOTE)
