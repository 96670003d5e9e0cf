"""The project workbook written and read back without services: every part survives (the
scenarios with their projection per key factor and the own assessment criteria among them), a
mean with decimals is rounded and counted, and a broken file is refused with every problem named
by sheet and row (nothing half read)."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from openpyxl import load_workbook

from gateway.project_exchange import project_tables, to_csv_zip
from gateway.project_import import parse_project
from gateway.scenario_exchange import ExchangeError, to_xlsx

HOSTILE = '=HYPERLINK("http://evil.example")'


def _views(influence: list[list[float | None]]) -> tuple:
    project = {
        "title": "Zukunft 2040",
        "description": "Zwei\nZeilen",
        "settings": {"key_factor_count": 2, "influence_threshold": "median",
                     "rank_by": "micmac", "aggregation": "min"},
    }  # fmt: skip
    factors = [
        {"id": "a", "title": HOSTILE, "description": "", "indicators": "Pendler\nRad",
         "current_state": "40 %", "sources": "Zensus"},
        {"id": "b", "title": "Wohnen", "description": "Mieten"},
        {"id": "c", "title": "Schule", "description": ""},
    ]  # fmt: skip
    refs = [{"id": f["id"], "title": f["title"]} for f in factors]
    key = [
        {"id": "a", "title": HOSTILE, "projections": [
            {"id": "p1", "title": "mehr Rad", "description": "", "probability": 0.5},
            {"id": "p2", "title": "mehr Auto", "description": "x", "probability": None}]},
        {"id": "b", "title": "Wohnen", "projections": [
            {"id": "p3", "title": "teurer", "description": "", "probability": None}]},
    ]  # fmt: skip
    ids = ["p1", "p2", "p3"]
    consistency = {"projection_ids": ids,
                   "matrix": [[None, None, 4], [None, None, 2.5], [4, 2.5, None]]}  # fmt: skip

    def chose(*picked: tuple[str, str, str]) -> list[dict]:
        return [{"factor_id": f, "projection_id": p, "title": t} for f, p, t in picked]

    scenarios = [  # titles as frozen in a run: the export writes them as they are now
        {"title": "Grün", "status": "published", "narrative": "",
         "projections": chose(("a", "p1", "Rad (vor Umbenennung)"), ("c", "gone", "weg"))},
        {"title": HOSTILE, "status": "draft", "narrative": "Zwei\nAbsätze",
         "projections": chose(("a", "p2", "mehr Auto"), ("b", "p3", "teurer"))},
    ]  # fmt: skip
    cross = {"projection_ids": ids,  # directed; inside a key factor's block never exported
             "matrix": [[None, 3, -2], [1, None, -1.5], [3, 0, None]]}  # fmt: skip
    criteria = [  # as the service lists them: the base ones are not the project's own
        {"id": "feasibility", "title_de": "Machbarkeit", "source": "base"},
        {"id": "c-1", "title_de": HOSTILE, "description_de": "Zwei\nZeilen", "source": "project"},
        {"id": "c-2", "title_de": "Klima", "description_de": None, "source": "project"},
    ]
    return (project, factors, {"factors": refs, "matrix": influence},
            {"key_factors": key}, consistency, scenarios, cross, criteria)  # fmt: skip


def test_every_part_comes_back_and_decimals_are_rounded() -> None:
    influence = [[None, 3, 1.5], [0, None, 2], [None, 1, None]]
    found = parse_project(to_xlsx(project_tables(*_views(influence))))
    assert found.project == {
        "title": "Zukunft 2040", "description": "Zwei\nZeilen", "key_factor_count": 2,
        "influence_threshold": "median", "rank_by": "micmac", "aggregation": "min",
    }  # fmt: skip
    assert found.factors[0] == {"title": HOSTILE, "description": "", "indicators": "Pendler\nRad",
                                "current_state": "40 %", "sources": "Zensus"}  # fmt: skip
    assert [f["title"] for f in found.factors] == [HOSTILE, "Wohnen", "Schule"]
    assert found.influence == [[None, 3, 2], [0, None, 2], [None, 1, None]]
    assert found.key == [0, 1]
    assert [(p["factor"], p["title"], p["probability"]) for p in found.projections] == [
        (0, "mehr Rad", 0.5), (0, "mehr Auto", None), (1, "teurer", None)]  # fmt: skip
    assert found.consistency == [[None, None, 4], [None, None, 3], [None, None, None]]
    assert found.cross_impact == [[None, None, -2], [None, None, -1], [3, 0, None]]
    assert found.rounded == 3
    assert found.scenarios == [
        {"title": "Grün", "narrative": "", "projections": [0]},
        {"title": HOSTILE, "narrative": "Zwei\nAbsätze", "projections": [1, 2]},
    ]
    assert found.criteria == [{"title": HOSTILE, "description": "Zwei\nZeilen"},
                              {"title": "Klima", "description": ""}]  # fmt: skip


def test_a_file_without_scenarios_and_criteria_is_still_read() -> None:
    """Files exported before the two sheets were imported (or with them removed)."""
    tables = [t for t in project_tables(*_views([[None, 1, 1], [1, None, 1], [1, 1, None]]))
              if t.name not in ("Szenarien", "Bewertungskriterien")]  # fmt: skip
    found = parse_project(to_xlsx(tables))
    assert found.scenarios == [] and found.criteria == [] and len(found.projections) == 3


def test_broken_scenarios_and_criteria_are_named_by_sheet_row_and_column() -> None:
    data = to_xlsx(project_tables(*_views([[None, 1, 1], [1, None, 1], [1, 1, None]])))
    data = _edited(data, "Szenarien", "D2", "weniger Rad")  # no such projection
    data = _edited(data, "Szenarien", "A3", None)  # the title gone, the rest still there
    data = _edited(data, "Szenarien", "F1", "'" + HOSTILE)  # the first key factor a second time
    data = _edited(data, "Szenarien", "F3", "mehr Rad")
    data = _edited(data, "Szenarien", "G1", "Schule")  # not a key factor
    data = _edited(data, "Szenarien", "A4", "Zwei\nZeilen")
    data = _edited(data, "Bewertungskriterien", "A4", "klima ")
    with pytest.raises(ExchangeError) as caught:
        parse_project(data)
    text = "\n".join(caught.value.messages)
    assert ("Blatt „Szenarien“, Zeile 2, Spalte D: „weniger Rad“ ist keine Projektion des "
            "Schlüsselfaktors") in text  # fmt: skip
    assert "Blatt „Szenarien“, Zeile 3: der Titel fehlt." in text
    assert (
        "Blatt „Szenarien“, Zeile 3, Spalte F: eine zweite Projektion des Schlüsselfaktors" in text
    )
    assert "Blatt „Szenarien“, Spalte G: „Schule“ ist kein Schlüsselfaktor der Datei." in text
    assert "Blatt „Szenarien“, Zeile 4: „Titel“: Darf keine Zeilenumbrüche" in text
    assert "Blatt „Bewertungskriterien“, Zeile 4: „klima“ steht zweimal da." in text


def _edited(data: bytes, sheet: str, cell: str, value) -> bytes:  # noqa: ANN001
    book = load_workbook(io.BytesIO(data))
    book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_broken_file_names_every_problem() -> None:
    data = to_xlsx(project_tables(*_views([[None, 1, 1], [1, None, 1], [1, 1, None]])))
    data = _edited(data, "Einflussmatrix", "C2", 7)
    data = _edited(data, "Projektionen", "A3", "Verkehr")
    data = _edited(data, "Einflussfaktoren", "B4", "wohnen ")
    data = _edited(data, "Projekt", "B6", "Würfeln")
    data = _edited(data, "Einflussfaktoren", "B2", "Zwei\nZeilen")
    data = _edited(data, "Projektionen", "D4", "viel")
    with pytest.raises(ExchangeError) as caught:
        parse_project(data)
    text = "\n".join(caught.value.messages)
    assert "Blatt „Einflussfaktoren“, Zeile 4: „wohnen“ steht zweimal da." in text
    assert "Blatt „Projekt“: „Rangfolge der Schlüsselfaktoren nach“ ist keine" in text
    assert "Blatt „Projektionen“, Zeile 3: „Verkehr“ ist kein Schlüsselfaktor der Datei." in text
    assert "Blatt „Einflussfaktoren“, Zeile 2: „Titel“: Darf keine Zeilenumbrüche" in text
    assert "Blatt „Projektionen“, Zeile 4: „Wahrscheinlichkeit“: Keine gültige Zahl." in text
    with pytest.raises(ExchangeError, match="kein Wert von 0 bis 3"):
        parse_project(_edited(to_xlsx(project_tables(*_views([[None, 1, 1], [1, None, 1],
                                                              [1, 1, None]]))),
                              "Einflussmatrix", "C2", 7))  # fmt: skip
    with pytest.raises(ExchangeError, match="keine XLSX-Arbeitsmappe und kein ZIP-Archiv"):
        parse_project(b"Titel;Wert\r\n")


def test_the_project_as_csv_files_reads_back_as_the_workbook_does() -> None:
    """A ZIP of one CSV per sheet, as German Excel opens it (BOM, ``;``, decimal comma), gives
    the same project as the XLSX; a file left out of the archive is named."""
    tables = project_tables(*_views([[None, 3, 1.5], [0, None, 2], [None, 1, None]]))
    data = to_csv_zip(tables)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [f"{t.name}.csv" for t in tables]
        projections = archive.read("Projektionen.csv")
        factors = archive.read("Einflussfaktoren.csv").decode("utf-8")
    assert projections.startswith(b"\xef\xbb\xbfSchl\xc3\xbcsselfaktor;Projektion;")
    assert ";0,5\r\n" in projections.decode("utf-8")  # decimal comma
    assert "'=HYPERLINK" in factors  # never a formula
    assert parse_project(data) == parse_project(to_xlsx(tables))
    kept = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as archive, zipfile.ZipFile(kept, "w") as out:
        for name in archive.namelist():
            if name != "Projektionen.csv":
                out.writestr(f"projekt/{name}", archive.read(name))  # a folder is fine
    with pytest.raises(ExchangeError, match="Das Blatt „Projektionen“ fehlt."):
        parse_project(kept.getvalue())


def test_a_zip_of_endless_empty_rows_is_read_only_as_far_as_a_sheet_goes() -> None:
    """A 20 kB ZIP held 19 MB of line breaks: every row was read before the cut (1.6 GB and
    11 s in the gateway). Now at most MAX_CELLS rows are read, as from an XLSX sheet."""
    from gateway.scenario_exchange import MAX_CELLS, _read_csv

    assert len(_read_csv(b"a;b\n" + b"\n" * 1_000_000)) == MAX_CELLS
    # One endless line of separators: a bounded row, and no list of millions of cells.
    tracemalloc.start()
    try:
        wide = _read_csv(b"a;" + b";" * (19 * 1024 * 1024))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(wide) == 1 and len(wide[0]) == MAX_CELLS
    assert peak < 80 * 1024 * 1024, f"{peak / 1e6:.0f} MB"
    assert _read_csv(b'Titel;"Zwei\nZeilen";x\n') == [["Titel", "Zwei\nZeilen", "x"]]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("../../Projekt.csv", b"x;y\n" + b"\n" * (19 * 1024 * 1024))
        archive.writestr("/etc/Faktoren.csv", b"x;y\n")
    assert len(bomb.getvalue()) < 40_000
    with pytest.raises(ExchangeError) as refused:  # names inside the archive are only names
        parse_project(bomb.getvalue())
    assert "Das Blatt „Einflussfaktoren“ fehlt." in refused.value.messages
    assert "Das Blatt „Projekt“ fehlt." not in refused.value.messages


def test_an_xlsx_with_xml_entities_is_refused_unread() -> None:
    """openpyxl reads uploads through defusedxml (a dependency for this): a DTD with entities
    (billion laughs, an external file) is refused as a broken file, whatever expat is linked."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML
    laughs = b'<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    external = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    for dtd, entity in ((laughs, b"&b;"), (external, b"&e;")):
        book = io.BytesIO()
        to_xlsx_bytes = to_xlsx(project_tables(*_views([[None, 1, 1], [1, None, 1], [1, 1, None]])))
        with (
            zipfile.ZipFile(io.BytesIO(to_xlsx_bytes)) as source,
            zipfile.ZipFile(book, "w") as out,
        ):
            for info in source.infolist():
                data = source.read(info)
                if info.filename == "xl/workbook.xml":
                    head, _, rest = data.partition(b"?>")
                    data = (
                        head
                        + b"?>"
                        + dtd
                        + rest.replace(b'name="Projekt"', b'name="' + entity + b'"')
                    )
                out.writestr(info, data)
        with pytest.raises(ExchangeError) as refused:
            parse_project(book.getvalue())
        assert refused.value.messages == [
            "Die Datei lässt sich weder als XLSX-Arbeitsmappe noch als ZIP-Archiv lesen."
        ]
