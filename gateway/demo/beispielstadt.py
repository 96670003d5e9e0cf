"""Beispielstadt, in the scenario phase: a working group, a project with influencing factors,
and a citizen's observation and forecast."""

from __future__ import annotations

from gateway.demo.people import BEISPIELSTADT, Person
from gateway.demo.seeder import Seeder
from gateway.demo.steps import kickoff, scenario_project


def seed(s: Seeder, op: Person) -> None:
    slug = BEISPIELSTADT
    kickoff(s, op, slug, "Beispielstadt", "DE-SN", 48_000, "Jens Albrecht")
    factors = scenario_project(
        s, op, slug, ["Demografie", "Arbeit und Wirtschaft", "Nahversorgung", "Digitalisierung"]
    )
    citizen = s.person(f"demo-buergerin@{slug}.example", "Frieda")
    notes = [
        ("observation", "Im Ortsteil Ost schließt der letzte Bäcker.", factors[2]["id"]),
        ("forecast", "Bis 2035 arbeitet jede dritte Person zeitweise von zu Hause.", None),
    ]
    for kind, text, factor in notes:
        body = {"kind": kind, "text": text, **({"factor_id": factor} if factor else {})}
        s.call(citizen, "POST", f"/cities/{slug}/scenarios/observations", body)
    s.done("Beispielstadt: Szenarien mit 4 Einflussfaktoren und 2 Beobachtungen")
