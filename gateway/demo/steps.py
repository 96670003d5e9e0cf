"""Steps several demo cities take the same way: the kickoff with a working group and a scenario
project, influencing factors, deep-dive topics published into the dialogue."""

from __future__ import annotations

from gateway.demo.people import Person
from gateway.demo.seeder import Seeder


def scenario_project(s: Seeder, op: Person, slug: str, factors: list[str]) -> list[dict]:
    """A project started in the kickoff; its factors once the scenario phase has begun."""
    base = f"/cities/{slug}/scenarios"
    first = s.call(op, "POST", f"{base}/factors", {"title": factors[0]})
    return [first] + [s.call(op, "POST", f"{base}/factors", {"title": t}) for t in factors[1:]]


def kickoff(
    s: Seeder, op: Person, slug: str, name: str, state: str, population: int, mayor: str
) -> Person:
    """City, admin, working group with one invitation, the project; on to the scenarios."""
    admin = s.city(op, slug, name, state, population, mayor)
    s.working_group(
        admin, slug, f"Zukunft {name}", [(f"demo-verein@{slug}.example", "Heimatverein",
                                          "association")]
    )  # fmt: skip
    project = {"title": "Unsere Stadt 2040"}
    s.first(op, "POST", f"/cities/{slug}/scenarios/project", project, f"{slug}'s project")
    s.step(admin, slug, "kickoff", "working_group_formed", "Demo: die Arbeitsgruppe steht.")
    s.advance(admin, slug, "scenarios")
    return admin


def publish_topics(s: Seeder, op: Person, admin: Person, slug: str, topics: list[dict]) -> None:
    """Deep-dive topics written, submitted and published; the dialogue lists them."""
    base = f"/cities/{slug}/scenarios/topics"
    for body in topics:
        made = s.call(op, "POST", base, body)
        s.call(op, "POST", f"{base}/{made['id']}/submit")
        s.call(op, "POST", f"{base}/{made['id']}/publish")
    s.wait(
        lambda: len(s.call(admin, "GET", f"/cities/{slug}/topics")) >= len(topics),
        "the deep-dive topics reaching the dialogue",
    )
