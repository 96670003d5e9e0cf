"""A finished run as tables for a spreadsheet (pure: the run as ``get_run`` returns it in,
``Table``s out): its raw scenarios with their profile per key factor, each projection's share
among the raw scenario's bundles, the best bundles, the CIB scenarios and the settings.
Projections and key factors are named by their titles from the run's frozen snapshot."""

from __future__ import annotations

from typing import Any

from gateway.pages.events.base import local_time
from gateway.scenario_exchange import Cell, Table

PARTS = {"rohszenarien": 0, "anteile": 1, "buendel": 2}
SETTINGS = {
    "top": "Anzahl der besten Bündel (Top-k)",
    "n_clusters": "Anzahl der Rohszenarien (leer = automatisch nach Silhouette)",
    "max_clusters": "Höchstens Rohszenarien bei automatischer Wahl",
    "linkage": "Verknüpfung der Gruppen",
    "max_partial": "Höchstens erlaubte Teilinkonsistenzen je Bündel (leer = keine Grenze)",
    "missing": "Paare ohne Wert",
    "with_cib": "Cross-Impact-Bilanz (CIB) berechnet",
    "cib_max_ic": "Erlaubte Inkonsistenz der CIB (IC)",
    "theta": "Schwelle der Mehrheit im Profil",
}


# Values of settings that are codes, in the words of the run page (workspace_run_macros.html).
VALUES = {
    "linkage": {
        "average": "mittlere Distanz (average)",
        "complete": "größte Distanz (complete)",
        "single": "kleinste Distanz (single)",
        "weighted": "gewichtetes Mittel (weighted)",
        "ward": "Ward",
    },
    "missing": {"error": "nicht erlaubt", "neutral": "als neutral (3) gezählt"},
}


def _titles(run: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    key = run["snapshot"]["key_factors"]
    names = {p["id"]: p["title"] for kf in key for p in kf["projections"]}
    return [kf["title"] for kf in key], names


def _profile(projections: list[str | None], names: dict[str, str]) -> list[Cell]:
    return [names.get(p, p) if p else None for p in projections]


def run_tables(run: dict[str, Any]) -> list[Table]:
    factors, names = _titles(run)
    result = run["result"] or {}
    raw = result.get("raw_scenarios") or []
    bundles = result.get("bundles") or []
    number = run.get("number")
    tables = [
        Table(
            "Rohszenarien",
            ["Rohszenario", "Bündel", "Profil: Bündel auf Rang", *factors],
            [
                [r["cluster"], r["size"], r.get("strongest")] + _profile(r["characteristic"], names)
                for r in raw
            ],
            filters=True,
        ),
        Table(
            "Anteile",
            [
                "Rohszenario",
                "Schlüsselfaktor",
                "Projektion",
                "Anteil an den Bündeln (%)",
                "im Profil",
            ],
            [
                [r["cluster"], factor, names.get(pid, pid), round(share * 100, 1)]
                + [pid == r["characteristic"][k]]
                for r in raw
                for k, factor in enumerate(factors)
                for pid, share in (r.get("shares") or [{}] * len(factors))[k].items()
            ],
            freeze="A2",
            filters=True,
        ),
        Table(
            "Bündel",
            ["Rang", "Rohszenario", "Konsistenzsumme", "Mittelwert je Paar", "Teilinkonsistenzen"]
            + factors,
            [
                [b["rank"], b.get("cluster"), b["sum"], round(b["mean"], 3)]
                + [b["partial_inconsistencies"]]
                + _profile(b["projections"], names)
                for b in bundles
            ],
            filters=True,
        ),
    ]
    cib = result.get("cib")
    if cib:
        ranks = {tuple(b["projections"]): b["rank"] for b in bundles}
        tables.append(
            Table(
                "CIB",
                ["IC", "TIS", "Rang unter den Bündeln", *factors],
                [
                    [s["ic"], s["tis"], ranks.get(tuple(s["projections"]))]
                    + _profile(s["projections"], names)
                    for s in sorted(cib["scenarios"], key=lambda s: (s["ic"], -s["tis"]))
                ],
                filters=True,
            )
        )
    started = local_time(run.get("created_at"))
    settings: list[list[Cell]] = [["Berechnung", number], ["Gestartet", started]]
    for key, value in run["parameters"].items():
        shown = value if value is None or isinstance(value, int | float | str) else str(value)
        shown = VALUES.get(key, {}).get(shown, shown) if isinstance(shown, str) else shown
        settings.append([SETTINGS.get(key, key), shown])
    tables.append(Table("Einstellungen", ["Einstellung", "Wert"], settings, freeze="A2"))
    return tables
