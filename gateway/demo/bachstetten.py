"""Bachstetten, in the Auftakt: the phases' windows planned, a working group forming — four
organisations invited by mail, the Bürgerverein's chair has joined, the others'
invitations are still out — and the kickoff meeting held."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.demo.people import BACHSTETTEN, Person
from gateway.demo.seeder import Seeder

INVITATIONS = [
    (f"demo-mitglied@{BACHSTETTEN}.example", "Bürgerverein Bachstetten", "association"),
    (f"demo-initiative@{BACHSTETTEN}.example", "Initiative Lebenswerte Aue", "initiative"),
    (f"demo-stiftung@{BACHSTETTEN}.example", "Sparkassenstiftung Bachtal", "foundation"),
    (f"demo-verwaltung@{BACHSTETTEN}.example", "Stadtverwaltung, Amt für Stadtentwicklung",
     "administration"),
]  # fmt: skip
PHASE_WEEKS = (("kickoff", 6), ("scenarios", 16), ("transfer", 8), ("table_talks", 10),
               ("closing", 6))  # fmt: skip


def schedule(start: datetime) -> dict[str, dict[str, str]]:
    """One window per phase, one after the other, from ``start`` (the kickoff's first day)."""
    windows = {}
    for phase, weeks in PHASE_WEEKS:
        end = start + timedelta(weeks=weeks)
        windows[phase] = {"start": start.isoformat(), "end": end.isoformat()}
        start = end
    return windows


def seed(s: Seeder, op: Person) -> None:
    slug = BACHSTETTEN
    admin = s.city(op, slug, "Bachstetten", "DE-BY", 23_500, "Thomas Ebersberger")
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    s.call(admin, "PUT", f"/cities/{slug}/schedule", schedule(today - timedelta(weeks=2)))
    s.working_group(admin, slug, "Zukunftsrunde Bachstetten", INVITATIONS)
    s.join(INVITATIONS[0][0], "Gisela Hartl (Bürgerverein)")
    s.step(admin, slug, "kickoff", "kickoff_meeting", "Auftakttreffen im Rathaussaal, 40 Gäste.")
    s.done("Bachstetten: Auftakt, Arbeitsgruppe mit 4 Einladungen (1 angenommen)")
