"""The scenario project of the Transfer city (Wiesenbrück): influencing factors, the influence
ratings of two working-group members, key factors with projections, the consistency ratings,
and the three scenarios written from the run (pure data and small pure functions, no I/O).

The consistency matrix is built from three coherent pictures of the city's future, so that the
run's best bundles fall into three clear groups (the raw scenarios) and the map shows them apart:

* ``A`` "Lebendige Mitte": a compact, green centre people move into, by bus and bike;
* ``B`` "Wachstum am Stadtrand": new houses on the edge, the car, shopping out of town;
* ``C`` "Leise Stadt": fewer and older people, vacancies, thinner services.
"""

from __future__ import annotations

FACTORS: tuple[str, ...] = (
    "Demografie",
    "Wohnen",
    "Mobilität",
    "Klima und Hitze",
    "Einzelhandel und Innenstadt",
    "Arbeit und Wirtschaft",
    "Digitalisierung",
    "Bildung und Betreuung",
    "Ehrenamt und Zusammenhalt",
    "Energieversorgung",
    "Gesundheit und Pflege",
    "Kommunale Finanzen",
)
FACTOR_DESCRIPTIONS: dict[str, str] = {
    "Demografie": "Wie viele Menschen in welchem Alter in Wiesenbrück leben.",
    "Wohnen": "Wo und wie gebaut wird, was Wohnen kostet, wo Wohnungen leer stehen.",
    "Mobilität": "Wie die Menschen zur Arbeit, zur Schule und zum Einkaufen kommen.",
    "Klima und Hitze": "Hitzesommer, Starkregen und wie die Stadt sich darauf einstellt.",
    "Einzelhandel und Innenstadt": "Läden, Märkte und Treffpunkte in der Innenstadt.",
}

# Notable influences (row factor on column factor, 0–3) as the working group rated them; every
# other pair is 0 or 1. Demografie, Wohnen and Mobilität drive much; Finanzen reacts to much.
_STRONG: dict[tuple[int, int], int] = {
    (0, 1): 3, (0, 4): 2, (0, 5): 2, (0, 7): 3, (0, 10): 3, (0, 11): 2, (0, 8): 2,
    (1, 0): 2, (1, 2): 2, (1, 4): 2, (1, 11): 2, (1, 3): 1,
    (2, 4): 3, (2, 3): 2, (2, 1): 2, (2, 5): 2, (2, 9): 1,
    (3, 10): 2, (3, 1): 2, (3, 11): 2, (3, 9): 2, (3, 4): 1,
    (4, 8): 2, (4, 11): 2, (4, 5): 2, (4, 0): 1,
    (5, 0): 3, (5, 11): 3, (5, 1): 2, (5, 4): 2,
    (6, 4): 2, (6, 5): 2, (6, 7): 1, (7, 0): 1, (8, 10): 1, (9, 11): 1, (11, 7): 1,
}  # fmt: skip
KEY_FACTORS: tuple[str, ...] = FACTORS[:6]


def influence_matrix(second_rater: bool = False) -> list[list[int | None]]:
    """The matrix one member rated; the second member judges three cells one step apart."""
    n = len(FACTORS)
    rows: list[list[int | None]] = []
    for i in range(n):
        row: list[int | None] = []
        for j in range(n):
            if i == j:
                row.append(None)
                continue
            value = _STRONG.get((i, j), 1 if (i * 5 + j * 3) % 4 == 0 else 0)
            if second_rater and (i, j) in ((0, 5), (2, 9), (6, 4)):
                value = value - 1 if value else 1
            row.append(value)
        rows.append(row)
    return rows


# Projections of each key factor with the picture(s) they belong to.
PROJECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "Demografie": (
        ("Junge Menschen ziehen in die Innenstadt", "A"),
        ("Familien ziehen an den Stadtrand und ins Umland", "B"),
        ("Abwanderung und Alterung", "C"),
    ),
    "Wohnen": (
        ("Dichter, gemischter Wohnungsbau in der Mitte", "A"),
        ("Neue Einfamilienhausgebiete am Stadtrand", "B"),
        ("Leerstand in den Altbauquartieren", "C"),
    ),
    "Mobilität": (
        ("Bus, Rad und Fußwege haben Vorrang", "A"),
        ("Das Auto bleibt das Hauptverkehrsmittel", "B"),
        ("Ausgedünnter Nahverkehr", "C"),
    ),
    "Klima und Hitze": (
        ("Konsequente Anpassung: Bäume, Wasser, Schatten", "A"),
        ("Hitzesommer treffen die Stadt unvorbereitet", "BC"),
    ),
    "Einzelhandel und Innenstadt": (
        ("Die Innenstadt wird Treffpunkt mit Handel, Kultur und Wohnen", "A"),
        ("Der Handel wandert an den Stadtrand und ins Netz", "B"),
        ("Ladenleerstand in der Innenstadt", "C"),
    ),
    "Arbeit und Wirtschaft": (
        ("Neue Arbeitsplätze in Handwerk und Dienstleistung", "AB"),
        ("Fachkräftemangel und Betriebsschließungen", "C"),
    ),
}
# Pairs the working group judged impossible together (1 = total inconsistency).
_IMPOSSIBLE = {
    ("Junge Menschen ziehen in die Innenstadt", "Leerstand in den Altbauquartieren"),
    ("Abwanderung und Alterung", "Neue Einfamilienhausgebiete am Stadtrand"),
    ("Abwanderung und Alterung", "Dichter, gemischter Wohnungsbau in der Mitte"),
    ("Bus, Rad und Fußwege haben Vorrang", "Der Handel wandert an den Stadtrand und ins Netz"),
}


def consistency_value(a: tuple[str, str], b: tuple[str, str]) -> int:
    """1 (impossible together) … 5 (strongly support each other), from the two pictures."""
    (title_a, themes_a), (title_b, themes_b) = a, b
    if (title_a, title_b) in _IMPOSSIBLE or (title_b, title_a) in _IMPOSSIBLE:
        return 1
    shared = set(themes_a) & set(themes_b)
    if shared:
        return 5 if len(themes_a) == len(themes_b) == 1 else 4
    if {"A", "B"} <= set(themes_a) | set(themes_b) and "C" not in themes_a + themes_b:
        return 3  # different, but they can live side by side
    return 2


def consistency_matrix(
    order: list[tuple[str, str, str]], second_rater: bool = False
) -> list[list[int | None]]:
    """``order``: (factor, title, themes) per projection in the project's order; None within a
    key factor. The second member sees four neutral pairs one step more favourably."""
    rows: list[list[int | None]] = []
    lifted = 0
    for factor_a, title_a, themes_a in order:
        row: list[int | None] = []
        for factor_b, title_b, themes_b in order:
            if factor_a == factor_b:
                row.append(None)
                continue
            value = consistency_value((title_a, themes_a), (title_b, themes_b))
            row.append(value)
        rows.append(row)
    if second_rater:
        for i in range(len(order)):
            for j in range(i + 1, len(order)):
                if rows[i][j] == 3 and lifted < 4:
                    rows[i][j] = rows[j][i] = 4
                    lifted += 1
    return rows


# The three scenarios the working group wrote from the raw scenarios, by picture.
SCENARIOS: dict[str, tuple[str, str]] = {
    "A": (
        "Lebendige Mitte",
        "Wiesenbrück 2040: Junge Menschen und Familien ziehen in die Innenstadt, weil dort "
        "Wohnungen über Läden, Werkstätten und Cafés entstanden sind. Wer zur Arbeit fährt, "
        "nimmt den Bus im Zehn-Minuten-Takt oder das Rad auf der Ringroute. Der Marktplatz ist "
        "im Sommer dank Bäumen und Wasserspiel ein kühler Treffpunkt.\n\n"
        "Was es dafür braucht: Mut zur Dichte, einen Stadtumbau, der die Altbauten nutzt, und "
        "Geschäftsleute, die die Innenstadt gemeinsam beleben.",
    ),
    "B": (
        "Wachstum am Stadtrand",
        "Wiesenbrück 2040: Am Stadtrand sind neue Baugebiete mit Einfamilienhäusern entstanden, "
        "Familien aus der Region ziehen zu. Fast jeder Haushalt hat zwei Autos, eingekauft wird "
        "im Fachmarktzentrum an der Umgehungsstraße oder im Netz. Die Innenstadt ist ruhiger "
        "geworden, die Sommer sind heiß.\n\n"
        "Die Frage an die Stadt: Wie bleibt die Mitte ein Ort für alle, wenn das Leben an den "
        "Rändern stattfindet?",
    ),
    "C": (
        "Leise Stadt",
        "Wiesenbrück 2040: Viele Junge sind für Ausbildung und Arbeit weggezogen, die Stadt ist "
        "älter und kleiner geworden. In den Altbauquartieren stehen Wohnungen leer, in der "
        "Innenstadt Läden. Der Bus fährt seltener, Betriebe finden keine Fachkräfte.\n\n"
        "Und doch: Nachbarschaften rücken zusammen, Vereine übernehmen Aufgaben, leere Läden "
        "werden zu Treffpunkten. Was davon wollen wir schon heute anstoßen?",
    ),
}

# Assessments of the two members, per picture: likelihood, desirability, impact (1–5).
ASSESSMENTS: dict[str, tuple[tuple[int, int, int, str], ...]] = {
    "A": ((3, 5, 4, "Wünschenswert, aber nur mit viel Einsatz erreichbar."), (3, 5, 5, "")),
    "B": ((4, 2, 3, "So läuft es heute schon – das ist der Trend."), (4, 2, 4, "")),
    "C": ((2, 1, 5, "Die Ortsteile im Norden sind schon auf diesem Weg."), (3, 1, 4, "")),
}

TOPICS: tuple[dict, ...] = (
    {
        "title": "Eine Innenstadt für alle",
        "guiding_question": "Was muss in der Innenstadt geschehen, damit wir uns dort gern "
        "treffen?",
        "description": "Aus den Szenarien „Lebendige Mitte“ und „Leise Stadt“: Läden, "
        "Wohnen und Treffpunkte in der Mitte.",
        "questions": [
            "Wo triffst Du Dich heute in der Innenstadt?",
            "Was fehlt Dir dort am meisten?",
        ],
        "pictures": ("A", "C"),
        "factors": ("Einzelhandel und Innenstadt", "Wohnen"),
    },
    {
        "title": "Unterwegs ohne eigenes Auto",
        "guiding_question": "Wie kommen alle Generationen 2040 gut durch Wiesenbrück?",
        "description": "Aus den Szenarien „Lebendige Mitte“ und „Wachstum am Stadtrand“: "
        "Bus, Rad, Fußwege und der Stadtrand.",
        "questions": ["Welche Wege legst Du täglich zurück?", "Was würde Dich umsteigen lassen?"],
        "pictures": ("A", "B"),
        "factors": ("Mobilität", "Demografie"),
    },
)
