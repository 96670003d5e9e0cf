"""Wiesenbrück, in the Transfer: a whole scenario project as a working group builds it — twelve
influencing factors, the influence matrix rated by two members, six key factors with their
projections, the consistency matrix rated by both, a run with three raw scenarios and the
scenario map, three published scenarios with narratives — then the scenarios assessed by both
members and two deep-dive topics published. The content is in ``scenario_data``."""

from __future__ import annotations

from collections import Counter

from gateway.demo import scenario_data as data
from gateway.demo.people import WIESENBRUECK, Person
from gateway.demo.seeder import Seeder

BASE = f"/cities/{WIESENBRUECK}/scenarios"
# Few enough bundles to compute in a blink, enough for three groups on the map.
RUN = {"top": 60, "max_partial": 4, "n_clusters": 3, "with_cib": True}


def _group(s: Seeder, op: Person, admin: Person) -> tuple[Person, list[Person]]:
    slug = WIESENBRUECK
    s.working_group(
        admin,
        slug,
        "Zukunftswerkstatt Wiesenbrück",
        [
            (f"demo-mitglied1@{slug}.example", "Naturschutzbund Wiesenbrück", "association"),
            (f"demo-mitglied2@{slug}.example", "Werbegemeinschaft Innenstadt", "initiative"),
            (f"demo-stiftung@{slug}.example", "Bürgerstiftung Wiesenbrück", "foundation"),
        ],
    )
    members = [
        s.join(f"demo-mitglied1@{slug}.example", "Henrike Adler (Naturschutzbund)"),
        s.join(f"demo-mitglied2@{slug}.example", "Yusuf Demir (Werbegemeinschaft)"),
    ]
    consultant = s.person(f"demo-moderation@{slug}.example", "Dr. Lena Vogt (Szenario-Beratung)")
    return s.grant(admin, slug, consultant, "facilitator"), members


def _projects_factors(s: Seeder, facilitator: Person, members: list[Person]) -> dict[str, str]:
    """The factors, both influence ratings, the key factors; returns title -> id."""
    ids = {}
    for n, title in enumerate(data.FACTORS):
        body = {"title": title, "description": data.FACTOR_DESCRIPTIONS.get(title, "")}
        ids[title] = s.call(members[n % 2], "POST", f"{BASE}/factors", body)["id"]
    order = [ids[t] for t in data.FACTORS]
    for member, second in zip(members, (False, True), strict=True):
        rating = {"factor_ids": order, "matrix": data.influence_matrix(second_rater=second)}
        s.call(member, "PUT", f"{BASE}/influence/rating", rating)
    decision = {
        "factor_ids": [ids[t] for t in data.KEY_FACTORS],
        "note": "Vorschlag der Einflussanalyse im Workshop besprochen; Klima und Hitze "
        "bewusst aufgenommen, weil die Sommer die Stadt schon heute verändern.",
    }
    s.call(facilitator, "PUT", f"{BASE}/key-factors", decision)
    return ids


def _projections(s: Seeder, ids: dict[str, str], members: list[Person]) -> dict:
    """Projections of every key factor, then the consistency matrix rated by both members."""
    about = {}
    for n, factor in enumerate(data.KEY_FACTORS):
        for title, pictures in data.PROJECTIONS[factor]:
            body = {"factor_id": ids[factor], "title": title}
            made = s.call(members[n % 2], "POST", f"{BASE}/projections", body)
            about[made["id"]] = (factor, title, pictures)
    order = s.call(members[0], "GET", f"{BASE}/projections")["order"]
    for member, second in zip(members, (False, True), strict=True):
        matrix = data.consistency_matrix([about[p] for p in order], second_rater=second)
        body = {"projection_ids": order, "matrix": matrix}
        s.call(member, "PUT", f"{BASE}/consistency/rating", body)
    return about


def _scenarios(s: Seeder, facilitator: Person, about: dict) -> dict[str, str]:
    """A run; one scenario per raw scenario, named by the picture its profile shows."""
    run = s.call(facilitator, "POST", f"{BASE}/runs", RUN)
    done = s.wait(
        lambda: (
            (r := s.call(facilitator, "GET", f"{BASE}/runs/{run['id']}"))["status"]
            in ("finished", "failed")
            and r
        ),
        "the scenario run",
    )
    if done["status"] != "finished":
        raise RuntimeError(f"demo: the scenario run failed: {done.get('error')}")
    made = {}
    for raw in done["result"]["raw_scenarios"]:
        votes = Counter(picture for p in raw["characteristic"] if p for picture in about[p][2])
        picture = next(p for p, _ in votes.most_common() if p not in made)
        title, narrative = data.SCENARIOS[picture]
        body = {"run_id": run["id"], "cluster": raw["cluster"], "title": title,
                "narrative": narrative}  # fmt: skip
        scenario = s.call(facilitator, "POST", f"{BASE}/scenarios", body)
        s.call(facilitator, "POST", f"{BASE}/scenarios/{scenario['id']}/publish")
        made[picture] = scenario["id"]
    return made


def _transfer(s: Seeder, facilitator: Person, members: list[Person], ids, scenarios) -> None:
    """Both members assess every scenario; two deep-dive topics drafted and published."""
    for picture, scenario_id in scenarios.items():
        for member, (likely, wish, impact, comment) in zip(
            members, data.ASSESSMENTS[picture], strict=True
        ):
            ratings = {"likelihood": likely, "desirability": wish, "impact": impact}
            body = {"ratings": ratings, "comment": comment}
            s.call(member, "PUT", f"{BASE}/scenarios/{scenario_id}/assessment", body)
    for n, topic in enumerate(data.TOPICS):
        body = {k: v for k, v in topic.items() if k not in ("pictures", "factors")}
        body["scenario_ids"] = [scenarios[p] for p in topic["pictures"] if p in scenarios]
        body["factor_ids"] = [ids[f] for f in topic["factors"]]
        made = s.call(members[n % 2], "POST", f"{BASE}/topics", body)
        s.call(members[n % 2], "POST", f"{BASE}/topics/{made['id']}/submit")
        s.call(facilitator, "POST", f"{BASE}/topics/{made['id']}/publish")


def seed(s: Seeder, op: Person) -> None:
    slug = WIESENBRUECK
    admin = s.city(op, slug, "Wiesenbrück", "DE-NI", 64_000, "Sabine Krüger-Lenz")
    facilitator, members = _group(s, op, admin)
    question = "Wie leben, wohnen und arbeiten wir 2040 in Wiesenbrück?"
    project = {"title": "Wiesenbrück 2040", "key_factor_count": 6, "description": question}
    s.first(facilitator, "POST", f"{BASE}/project", project, "Wiesenbrück's project")
    s.step(admin, slug, "kickoff", "working_group_formed", "Naturschutz, Handel, Stiftung, "
           "Verwaltung: die Zukunftswerkstatt steht.")  # fmt: skip
    s.advance(admin, slug, "scenarios")
    ids = _projects_factors(s, facilitator, members)
    about = _projections(s, ids, members)
    scenarios = _scenarios(s, facilitator, about)
    for step in ("key_factors", "scenarios_written"):
        s.step(admin, slug, "scenarios", step, "Im Workshop der Zukunftswerkstatt.")
    s.advance(admin, slug, "transfer")
    _transfer(s, facilitator, members, ids, scenarios)
    s.step(admin, slug, "transfer", "scenarios_assessed", "Beide Mitglieder haben bewertet.")
    s.done(
        f"Wiesenbrück: Transfer, {len(data.FACTORS)} Einflussfaktoren, "
        f"{len(scenarios)} veröffentlichte Szenarien, {len(data.TOPICS)} Vertiefungsthemen"
    )
