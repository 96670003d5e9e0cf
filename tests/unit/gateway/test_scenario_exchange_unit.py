"""Matrices to CSV/XLSX and back (pure): German Excel's layout, exact round trips, hostile
names neutralised, and import errors that name the row and column in German."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from gateway.scenario_exchange import (
    ExchangeError,
    Table,
    matrix_table,
    parse_matrix,
    read_grid,
    to_csv,
    to_xlsx,
    unique_labels,
)

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-1+1", "Verkehr"]
INFLUENCE = [
    [None, 3, 0, None, 1],
    [2, None, 1, 1, 0],
    [None, None, None, 3, 2],
    [0, 1, 2, None, 3],
    [1, 1, 1, 1, None],
]


def off_diagonal(i: int, j: int) -> bool:
    return i != j


def parse_influence(grid, labels=HOSTILE):
    return parse_matrix(grid, labels, (0, 3), off_diagonal, "kein Einflussfaktor")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_is_exact_with_hostile_names(fmt):
    table = matrix_table("Einflussmatrix", "wirkt auf →", HOSTILE, INFLUENCE)
    data = to_csv(table) if fmt == "csv" else to_xlsx([table])
    assert parse_influence(read_grid(f"m.{fmt}", data)) == INFLUENCE


def test_csv_is_what_german_excel_opens():
    table = matrix_table("Gesamt", "wirkt auf →", ["Ä", "B"], [[None, 1.5], [2.0, None]])
    data = to_csv(table)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "wirkt auf →;Ä;B"
    assert lines[1] == "Ä;;1,5"
    assert lines[2] == "B;2;"


def test_formula_starts_are_neutralised_in_csv_and_xlsx():
    table = matrix_table("M", "x", HOSTILE, INFLUENCE)
    text = to_csv(table).decode("utf-8-sig")
    for cell in text.replace("\r\n", ";").split(";"):
        assert not cell.startswith(("=", "+", "@")) and not cell.startswith("-1+")
    sheet = load_workbook(io.BytesIO(to_xlsx([table]))).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "@", "-"))
    assert sheet["A2"].value == "'" + HOSTILE[0]


def test_xlsx_has_frozen_header_and_names_not_ids():
    table = matrix_table(
        "Einflussmatrix", "wirkt auf →", ["Verkehr", "Wohnen"], [[None, 2], [1, None]]
    )
    sheet = load_workbook(io.BytesIO(to_xlsx([table]))).active
    assert sheet.freeze_panes == "B2"
    assert sheet.title == "Einflussmatrix"
    assert [c.value for c in sheet[1]] == ["wirkt auf →", "Verkehr", "Wohnen"]
    assert sheet["C2"].value == 2 and sheet["B3"].value == 1


def test_rows_and_columns_in_any_order_and_missing_ones_unrated():
    grid = [["", "B", "A"], ["B", None, 2], ["A", "3", None]]
    assert parse_matrix(grid, ["A", "B", "C"], (0, 3), off_diagonal, "x") == [
        [None, 3, None],
        [2, None, None],
        [None, None, None],
    ]


def test_semicolon_comma_tab_and_cp1252_csv():
    for raw in (
        "x;Ä;B\r\nÄ;;1\r\nB;2,0;\r\n".encode("cp1252"),
        b"x,A,B\nA,,1\nB,2,\n",
        b"x\tA\tB\nA\t\t1\nB\t2\t\n",
    ):
        labels = ["Ä", "B"] if raw.startswith(b"x;") else ["A", "B"]
        assert parse_matrix(read_grid("f.csv", raw), labels, (0, 3), off_diagonal, "x") == [
            [None, 1],
            [2, None],
        ]


def test_errors_name_row_column_and_reason_in_german():
    grid = [
        ["", "A", "Unbekannt", "B"],
        ["A", "7", None, "x"],
        ["B", "1,5", None, None],
        ["A", None, None, 1],
    ]
    with pytest.raises(ExchangeError) as caught:
        parse_matrix(grid, ["A", "B"], (0, 3), off_diagonal, "kein Einflussfaktor")
    text = "\n".join(caught.value.messages)
    assert "Zeile 1, Spalte C: „Unbekannt“ ist kein Einflussfaktor." in text
    assert "Zeile 4, Spalte A: „A“ steht zweimal in der Datei." in text
    assert "Zeile 2, Spalte B: Dieses Feld wird nicht bewertet" in text
    assert "Zeile 2, Spalte D: „x“ ist kein Wert von 0 bis 3" in text
    assert "Zeile 3, Spalte B: „1,5“ ist kein Wert von 0 bis 3" in text


def test_symmetric_pairs_from_either_triangle_and_mirror_conflicts():
    same = {0: "k1", 1: "k1", 2: "k2"}

    def rated(i, j):
        return same[i] != same[j]

    grid = [
        ["", "a", "b", "c"],
        ["a", None, None, 4],
        ["b", None, None, None],
        ["c", None, 2, None],
    ]
    assert parse_matrix(grid, ["a", "b", "c"], (1, 5), rated, "x", symmetric=True) == [
        [None, None, 4],
        [None, None, 2],
        [None, None, None],
    ]
    grid[3][1] = 5  # c-a disagrees with a-c
    with pytest.raises(ExchangeError) as caught:
        parse_matrix(grid, ["a", "b", "c"], (1, 5), rated, "x", symmetric=True)
    assert caught.value.messages == [
        "Zeile 4, Spalte B: weicht vom gespiegelten Feld Zeile 2, Spalte D ab."
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("m.csv", b"", "Bitte eine Datei auswählen"),
        ("m.xlsx", b"PK\x03\x04broken", "nicht als XLSX-Tabelle lesen"),
        ("m.xlsx", b"not a zip", "keine XLSX-Tabelle"),
        ("m.csv", b"\n\n", "leer"),
    ],
)
def test_unreadable_files_are_refused_in_german(name, data, message):
    with pytest.raises(ExchangeError) as caught:
        read_grid(name, data)
    assert message in caught.value.messages[0]


def test_duplicate_names_get_distinct_labels():
    assert unique_labels(["Verkehr", "Verkehr", " Wohnen  am  Fluss "]) == [
        "Verkehr",
        "Verkehr (2)",
        "Wohnen am Fluss",
    ]


def test_several_sheets_in_one_workbook():
    tables = [
        Table("Rohszenarien", ["Nr", "Faktor"], [[1, "=x"]]),
        Table("Bündel", ["Rang"], [[1]]),
    ]
    book = load_workbook(io.BytesIO(to_xlsx(tables, "Lauf")))
    assert book.sheetnames == ["Rohszenarien", "Bündel"]
    assert book["Rohszenarien"]["B2"].value == "'=x"


def _run() -> dict:
    key = [
        {
            "id": "k1",
            "title": "Verkehr",
            "projections": [{"id": "a", "title": "=mehr"}, {"id": "b", "title": "weniger"}],
        },
        {
            "id": "k2",
            "title": "Wohnen",
            "projections": [{"id": "c", "title": "teuer"}, {"id": "d", "title": "günstig"}],
        },
    ]
    return {
        "number": 2,
        "created_at": "2027-03-01T10:00:00+00:00",
        "parameters": {"top": 4, "n_clusters": None, "linkage": "average", "with_cib": True},
        "snapshot": {"key_factors": key},
        "result": {
            "bundles": [
                {
                    "rank": 1,
                    "projections": ["a", "c"],
                    "sum": 5,
                    "mean": 5.0,
                    "partial_inconsistencies": 0,
                    "cluster": 1,
                },
                {
                    "rank": 2,
                    "projections": ["b", "d"],
                    "sum": 4,
                    "mean": 4.0,
                    "partial_inconsistencies": 0,
                    "cluster": 2,
                },
                {
                    "rank": 3,
                    "projections": ["a", "d"],
                    "sum": 3,
                    "mean": 3.0,
                    "partial_inconsistencies": 1,
                    "cluster": 1,
                },
            ],
            "raw_scenarios": [
                {
                    "cluster": 1,
                    "size": 2,
                    "strongest": 1,
                    "characteristic": ["a", "c"],
                    "shares": [{"a": 1.0, "b": 0.0}, {"c": 0.5, "d": 0.5}],
                },
                {
                    "cluster": 2,
                    "size": 1,
                    "strongest": 2,
                    "characteristic": ["b", "d"],
                    "shares": [{"a": 0.0, "b": 1.0}, {"c": 0.0, "d": 1.0}],
                },
            ],
            "cib": {"scenarios": [{"projections": ["a", "c"], "ic": 0, "tis": 4}]},
        },
    }


def test_run_result_tables_name_projections_by_title():
    from gateway.scenario_run_export import run_tables

    raw, shares, bundles, cib, settings = run_tables(_run())
    assert raw.header == ["Rohszenario", "Bündel", "Profil: Bündel auf Rang", "Verkehr", "Wohnen"]
    assert raw.rows == [[1, 2, 1, "=mehr", "teuer"], [2, 1, 2, "weniger", "günstig"]]
    assert [1, "Wohnen", "teuer", 50.0, True] in shares.rows
    assert bundles.rows[2] == [3, 1, 3, 3.0, 1, "=mehr", "günstig"]
    assert cib.rows == [[0, 4, 1, "=mehr", "teuer"]]
    assert ["Anzahl der Rohszenarien (leer = automatisch nach Silhouette)", None] in settings.rows
    # Codes and times in words: German local time, the linkage as the run page names it.
    assert ["Gestartet", "01.03.2027, 11:00"] in settings.rows
    assert ["Verknüpfung der Gruppen", "mittlere Distanz (average)"] in settings.rows
    text = to_csv(raw).decode("utf-8-sig")
    assert "1;2;1;'=mehr;teuer" in text  # the projection's formula start neutralised
    book = load_workbook(io.BytesIO(to_xlsx(run_tables(_run()))))
    assert book.sheetnames == ["Rohszenarien", "Anteile", "Bündel", "CIB", "Einstellungen"]
    assert book["Bündel"]["F2"].value == "'=mehr"
    # Lists get a filter on their header row (German Excel's "AutoFilter"); settings do not.
    assert [bool(book[n].auto_filter.ref) for n in book.sheetnames] == [True] * 4 + [False]


def test_a_zip_bomb_is_refused_before_it_is_read():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"A" * (25 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024  # under the gateway's upload limit
    with pytest.raises(ExchangeError) as caught:
        read_grid("bombe.xlsx", out.getvalue())
    assert caught.value.messages == ["Die XLSX-Datei ist zu groß für eine Matrix."]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_signed_cross_impacts_round_trip_and_read_typed_signs(fmt):
    """The CIB scale −3…+3: negatives survive both formats (never neutralised as formulas),
    and typed "+2" or a typographic minus "−3" read as numbers; 4 and −4 are refused."""
    labels = ["A: hoch", "A: tief", "B: hoch"]

    def rated(i: int, j: int) -> bool:
        return (i < 2) != (j < 2)

    matrix = [[None, None, -3], [None, None, 2], [0, -1, None]]
    data = to_csv(matrix_table("CIB", "wirkt auf →", labels, matrix))
    if fmt == "xlsx":
        data = to_xlsx([matrix_table("CIB", "wirkt auf →", labels, matrix)])
    else:
        assert "A: hoch;;;-3" in data.decode("utf-8-sig")
    assert parse_matrix(read_grid(f"m.{fmt}", data), labels, (-3, 3), rated, "x") == matrix
    typed = [["", *labels], ["A: hoch", "", "", "−3"], ["A: tief", "", "", "+2"]]
    assert parse_matrix(typed, labels, (-3, 3), rated, "x")[0][2] == -3
    typed[2][3] = "4"
    typed[1][3] = "−4"
    with pytest.raises(ExchangeError) as err:
        parse_matrix(typed, labels, (-3, 3), rated, "x")
    assert len(err.value.messages) == 2 and "kein Wert von -3 bis 3" in err.value.messages[0]
