"""The phases' names as people read them, German and English.

Kept in the kit because kit messages name phases (``require_phase``) and the kit imports no
service; the cities service, which owns the phases, takes its titles from here.
"""

from __future__ import annotations

PHASE_TITLES: dict[str, tuple[str, str]] = {
    "kickoff": ("Auftakt", "Kickoff"),
    "scenarios": ("Szenarien", "Scenarios"),
    "transfer": ("Transfer", "Transfer"),
    "table_talks": ("Tischgespräche", "Table talks"),
    "closing": ("Abschluss", "Closing"),
    "archived": ("Archiviert", "Archived"),
}


def english_title(phase: str) -> str:
    """A phase's English name; an unknown code stays as it is."""
    return PHASE_TITLES.get(phase, (phase, phase))[1]
