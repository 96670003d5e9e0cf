"""The shipped plugins barrierefrei and ortsteile, driven through the host like a service."""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields

from plugins import PluginHost
from plugins.city import CityPlugins
from plugins.shipped import barrierefrei, ortsteile
from services.kit.errors import Invalid


class TalkDocumentation(Schema):
    summary = fields.String(required=True)


class ProjectIdea(Schema):
    title = fields.String(required=True)


@pytest.fixture
def jena(shipped_host: PluginHost, city_configs: dict[str, dict[str, Any]]) -> CityPlugins:
    return shipped_host.for_city("jena", city_configs)


def _talk(**extra: Any) -> dict[str, Any]:
    return {"summary": "Wir haben über den Nahverkehr gesprochen.", "district": "Lobeda", **extra}


# --- barrierefrei ---------------------------------------------------------------------------


@pytest.mark.covers_hook("stadtdialog_phase_steps")
def test_barrierefrei_adds_an_accessibility_check_to_kickoff_and_table_talks(
    jena: CityPlugins,
) -> None:
    kickoff = [s for s in jena.phase_steps("kickoff") if s["plugin"] == "barrierefrei"]
    talks = [s for s in jena.phase_steps("table_talks") if s["plugin"] == "barrierefrei"]

    assert [s["title_de"] for s in kickoff + talks] == ["Barrierefreiheit prüfen"] * 2
    assert [s["id"] for s in kickoff] == ["barrierefrei:check_venues"]
    assert "barrierefrei@jena.de" in kickoff[0]["description_de"]
    assert not [s for s in jena.phase_steps("transfer") if s["plugin"] == "barrierefrei"]


@pytest.mark.covers_hook("stadtdialog_form_fields")
def test_barrierefrei_asks_about_access_in_the_talk_documentation_only(jena: CityPlugins) -> None:
    talk_fields = jena.form_fields("talk_documentation")
    assert {"step_free_access", "barrier_notes", "sign_language_needed", "support_needed"} <= set(
        talk_fields
    )
    assert talk_fields["step_free_access"].required
    assert "step_free_access" not in jena.form_fields("project_idea")


@pytest.mark.covers_hook("stadtdialog_validate_form")
@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"step_free_access": False}, "barrier_notes", barrierefrei.MSG_DESCRIBE_BARRIER),
        (
            {"step_free_access": False, "barrier_notes": "   "},
            "barrier_notes",
            barrierefrei.MSG_DESCRIBE_BARRIER,
        ),
        (
            {"step_free_access": True, "support_needed": ["large_print", "large_print"]},
            "support_needed",
            barrierefrei.MSG_DUPLICATE_SUPPORT,
        ),
        (
            {"step_free_access": True, "sign_language_needed": True},
            "support_needed",
            barrierefrei.MSG_SIGN_LANGUAGE_LISTED,
        ),
    ],
)
def test_barrierefrei_validation_names_the_field(
    jena: CityPlugins, extra: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(Invalid) as caught:
        jena.load_form("talk_documentation", TalkDocumentation, _talk(**extra))
    assert caught.value.fields == {field: [message]}
    assert message in barrierefrei.MESSAGES_DE


def test_barrierefrei_rejects_unknown_support_and_missing_answer(jena: CityPlugins) -> None:
    with pytest.raises(Invalid) as caught:
        jena.load_form("talk_documentation", TalkDocumentation, _talk(support_needed=["magic"]))
    assert set(caught.value.fields) == {"step_free_access", "support_needed.0"}


def test_barrierefrei_accepts_a_complete_documentation(jena: CityPlugins) -> None:
    loaded = jena.load_form(
        "talk_documentation",
        TalkDocumentation,
        _talk(
            step_free_access=False,
            barrier_notes="Drei Stufen am Eingang, keine Rampe.",
            sign_language_needed=True,
            support_needed=["sign_language", "induction_loop"],
        ),
    )
    assert loaded["barrier_notes"] == "Drei Stufen am Eingang, keine Rampe."
    assert loaded["support_needed"] == ["sign_language", "induction_loop"]


@pytest.mark.covers_hook("stadtdialog_phase_changed")
def test_barrierefrei_tells_admins_and_hosts_whom_to_ask(shipped_host: PluginHost) -> None:
    config = {"contact_email": "inklusion@jena.de", "contact_phone": "03641 49-0"}
    plain = shipped_host.for_city("jena", {"barrierefrei": config})
    interpreting = shipped_host.for_city(
        "jena", {"barrierefrei": {**config, "interpreting_offered": True}}
    )
    event = {"id": "evt-7"}

    (admins,) = plain.phase_changed(None, "kickoff", event)
    (hosts,) = plain.phase_changed("transfer", "table_talks", event)
    (hosts_sign,) = interpreting.phase_changed("transfer", "table_talks", event)

    assert admins["audience"] == "city_admins"
    assert "inklusion@jena.de, 03641 49-0" in admins["text_de"]
    assert hosts["audience"] == "hosts"
    assert "Gebärdensprach" not in hosts["text_de"]
    assert "Gebärdensprachdolmetschung" in hosts_sign["text_de"]
    assert "sign-language" in hosts_sign["text_en"]
    assert plain.phase_changed("table_talks", "closing", event) == []


# --- ortsteile ------------------------------------------------------------------------------


@pytest.mark.covers_hook("stadtdialog_form_fields", "stadtdialog_validate_form")
def test_ortsteile_requires_a_configured_district(jena: CityPlugins) -> None:
    base = {"summary": "x", "step_free_access": True}
    with pytest.raises(Invalid) as missing:
        jena.load_form("talk_documentation", TalkDocumentation, base)
    with pytest.raises(Invalid) as unknown:
        jena.load_form("talk_documentation", TalkDocumentation, {**base, "district": "Mitte"})

    assert missing.value.fields == {"district": ["Missing data for required field."]}
    assert unknown.value.fields == {"district": ["Must be one of: Zentrum, Lobeda, Winzerla."]}
    loaded = jena.load_form("talk_documentation", TalkDocumentation, {**base, "district": "Lobeda"})
    assert loaded["district"] == "Lobeda"
    assert loaded["further_districts"] == []


@pytest.mark.covers_hook("stadtdialog_form_fields")
@pytest.mark.parametrize("form", ["talk_documentation", "project_idea"])
def test_ortsteile_offers_a_stadtteil_choice_on_both_dialogue_forms(
    shipped_host: PluginHost, form: str
) -> None:
    # Issue 3, item 6: by default, without the partner naming forms.
    districts = ["Altstadt", "Nord", "Ost"]
    city = shipped_host.for_city("weimar", {"ortsteile": {"districts": districts}})

    field = city.form_fields(form)["district"]

    assert field.required
    assert field.metadata["title_de"] == "Stadtteil"
    assert field.metadata["title_en"] == "District"
    assert field.metadata["choices"] == districts
    assert field.deserialize("Nord") == "Nord"
    with pytest.raises(ValidationError):
        field.deserialize("Süd")
    assert "district" not in city.form_fields("observation")


@pytest.mark.covers_hook("stadtdialog_validate_form")
@pytest.mark.parametrize(
    ("further", "message"),
    [
        (["Zentrum", "Zentrum"], ortsteile.MSG_DUPLICATE_DISTRICT),
        (["Lobeda"], ortsteile.MSG_MAIN_DISTRICT_REPEATED),
    ],
)
def test_ortsteile_checks_further_districts(
    jena: CityPlugins, further: list[str], message: str
) -> None:
    with pytest.raises(Invalid) as caught:
        jena.load_form(
            "project_idea",
            ProjectIdea,
            {"title": "Bücherschrank", "district": "Lobeda", "further_districts": further},
        )
    assert caught.value.fields == {"further_districts": [message]}
    assert message in ortsteile.MESSAGES_DE


@pytest.mark.covers_hook("stadtdialog_form_fields")
def test_ortsteile_asks_only_in_the_configured_forms(shipped_host: PluginHost) -> None:
    city = shipped_host.for_city(
        "gera", {"ortsteile": {"districts": ["Zwötzen"], "forms": ["observation"]}}
    )
    assert "district" in city.form_fields("observation")
    assert "district" not in city.form_fields("talk_documentation")
    assert city.validation_messages("talk_documentation", {"further_districts": ["x", "x"]}) == {}


@pytest.mark.covers_hook("stadtdialog_assessment_criteria")
def test_ortsteile_adds_the_district_relevance_criterion(jena: CityPlugins) -> None:
    (criterion,) = jena.assessment_criteria()
    assert criterion["id"] == "ortsteile:district_relevance"
    assert criterion["title_de"] == "Relevanz für die Stadtteile"
    assert "Zentrum, Lobeda, Winzerla" in criterion["description_de"]


@pytest.mark.covers_hook("stadtdialog_phase_steps")
def test_ortsteile_adds_a_district_report_to_the_closing(jena: CityPlugins) -> None:
    closing = [s["id"] for s in jena.phase_steps("closing")]
    assert closing == ["ortsteile:report_by_district"]


def test_two_cities_get_their_own_districts(shipped_host: PluginHost) -> None:
    jena = shipped_host.for_city("jena", {"ortsteile": {"districts": ["Lobeda"]}})
    gera = shipped_host.for_city("gera", {"ortsteile": {"districts": ["Zwötzen"]}})

    jena_field = jena.form_fields("talk_documentation")["district"]
    gera_field = gera.form_fields("talk_documentation")["district"]

    assert jena_field.metadata["choices"] == ["Lobeda"]
    assert gera_field.metadata["choices"] == ["Zwötzen"]
