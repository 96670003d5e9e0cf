"""The shipped plugin jugendforum: its config, step, completion rule, form field and tag."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from marshmallow import Schema, fields

from plugins import PluginHost
from plugins.city import CityPlugins
from plugins.shipped import jugendforum
from services.kit.errors import Invalid

STEP_ID = "jugendforum:jugendforum"
YOUTH = "dialogue.talk.documented#youth"


class TalkDocumentation(Schema):
    """Stands in for the dialogue service's base documentation form."""

    summary = fields.String(required=True)


@pytest.fixture
def host() -> PluginHost:
    host = PluginHost()
    host.register(jugendforum, "jugendforum")
    return host


def _city(host: PluginHost, **config: Any) -> CityPlugins:
    return host.for_city("jena", {"jugendforum": {"required_talks": 5, **config}})


# --- configuration --------------------------------------------------------------------------


@pytest.mark.covers_hook("stadtdialog_config_schema")
@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({}, "required_talks"),
        ({"required_talks": 0}, "required_talks"),
        ({"required_talks": -3}, "required_talks"),
        ({"required_talks": "5"}, "required_talks"),
        ({"required_talks": 2.5}, "required_talks"),
        ({"required_talks": True}, "required_talks"),
        ({"required_talks": 5, "max_age": 13}, "max_age"),
        ({"required_talks": 5, "max_age": 31}, "max_age"),
        ({"required_talks": 5, "max_age": None}, "max_age"),
        ({"required_talks": 5, "min_age": 12}, "min_age"),
    ],
)
def test_config_errors_name_the_field(host: PluginHost, config: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as caught:
        host.validate_config("jugendforum", config)
    assert list(caught.value.fields) == [field]
    assert caught.value.to_dict()["error"]["fields"][field]["en"]


@pytest.mark.covers_hook("stadtdialog_config_schema")
@pytest.mark.parametrize(
    ("config", "loaded"),
    [
        ({"required_talks": 1}, {"required_talks": 1, "max_age": 27}),
        ({"required_talks": 12, "max_age": 14}, {"required_talks": 12, "max_age": 14}),
        ({"required_talks": 12, "max_age": 30}, {"required_talks": 12, "max_age": 30}),
    ],
)
def test_config_is_loaded_with_the_default_age(
    host: PluginHost, config: dict[str, Any], loaded: dict[str, Any]
) -> None:
    assert host.validate_config("jugendforum", config) == loaded


def test_installed_metadata_shows_the_rule_hooks_and_the_schema(host: PluginHost) -> None:
    (meta,) = host.installed()
    assert meta["title_de"] == "Jugendforum"
    assert meta["title_en"] == "Youth forum"
    assert {"stadtdialog_step_status", "stadtdialog_form_tags"} <= set(meta["hooks"])
    schema = meta["config_schema"]
    assert schema["required"] == ["required_talks"]
    assert schema["properties"]["required_talks"]["minimum"] == 1
    assert schema["properties"]["max_age"]["default"] == 27


# --- the table-talk step and its completion rule --------------------------------------------


@pytest.mark.covers_hook("stadtdialog_phase_steps")
def test_the_step_is_added_to_the_table_talks_only(host: PluginHost) -> None:
    city = _city(host, max_age=21)

    (step,) = city.phase_steps("table_talks")

    assert step["id"] == STEP_ID
    assert step["title_de"] == "Jugendforum: Tischgespräche mit jungen Menschen"
    assert step["title_en"] == "Youth forum: table talks with young people"
    assert "Mindestens 5 Jugendgespräche" in step["description_de"]
    assert "bis 21 Jahre" in step["description_de"]
    assert "at least 5 youth talks" in step["description_en"]
    for phase in ("kickoff", "scenarios", "transfer", "closing"):
        assert city.phase_steps(phase) == []


@pytest.mark.covers_hook("stadtdialog_step_status")
@pytest.mark.parametrize(
    ("documented", "done", "progress_de", "progress_en"),
    [
        (None, False, "0 von 5 Jugendgesprächen dokumentiert", "0 of 5 youth talks documented"),
        (0, False, "0 von 5 Jugendgesprächen dokumentiert", "0 of 5 youth talks documented"),
        (4, False, "4 von 5 Jugendgesprächen dokumentiert", "4 of 5 youth talks documented"),
        (5, True, "5 von 5 Jugendgesprächen dokumentiert", "5 of 5 youth talks documented"),
        (6, True, "6 von 5 Jugendgesprächen dokumentiert", "6 of 5 youth talks documented"),
    ],
)
def test_the_step_is_done_once_enough_youth_talks_are_documented(
    host: PluginHost, documented: int | None, done: bool, progress_de: str, progress_en: str
) -> None:
    # All talks count towards "dialogue.talk.documented"; only tagged ones are youth talks.
    tallies = {"dialogue.talk.documented": 40}
    if documented is not None:
        tallies[YOUTH] = documented

    status = _city(host).step_status("table_talks", STEP_ID, tallies)

    assert status == {"done": done, "progress_de": progress_de, "progress_en": progress_en}


@pytest.mark.covers_hook("stadtdialog_step_status")
@pytest.mark.parametrize(
    ("documented", "done", "progress_de", "progress_en"),
    [
        (0, False, "0 von 1 Jugendgespräch dokumentiert", "0 of 1 youth talk documented"),
        (1, True, "1 von 1 Jugendgespräch dokumentiert", "1 of 1 youth talk documented"),
    ],
)
def test_a_single_required_talk_reads_in_the_singular(
    host: PluginHost, documented: int, done: bool, progress_de: str, progress_en: str
) -> None:
    city = _city(host, required_talks=1)
    status = city.step_status("table_talks", STEP_ID, {YOUTH: documented})
    assert status == {"done": done, "progress_de": progress_de, "progress_en": progress_en}


@pytest.mark.covers_hook("stadtdialog_step_status")
def test_only_youth_talks_of_the_dialogue_service_count(host: PluginHost) -> None:
    tallies = {
        "dialogue.talk.documented": 9,
        "dialogue.idea.proposed#youth": 9,  # a youth project idea is not a youth talk
        "dialogue.talk.documented#evening": 9,
    }
    status = _city(host).step_status("table_talks", STEP_ID, tallies)
    assert status is not None and status["done"] is False
    assert status["progress_de"].startswith("0 von 5")


# --- the documentation field and the tag ----------------------------------------------------


@pytest.mark.covers_hook("stadtdialog_form_fields")
def test_the_youth_talk_field_is_an_optional_checkbox_on_the_talk_documentation(
    host: PluginHost,
) -> None:
    default_age = _city(host).form_fields("talk_documentation")["youth_talk"]
    own_age = _city(host, max_age=21).form_fields("talk_documentation")["youth_talk"]

    assert isinstance(default_age, fields.Boolean)
    assert not default_age.required
    assert default_age.metadata["title_de"] == (
        "Jugendgespräch: überwiegend Teilnehmende bis 27 Jahre"
    )
    assert default_age.metadata["title_en"] == "Youth talk: mostly participants aged up to 27"
    assert own_age.metadata["title_de"].endswith("bis 21 Jahre")
    assert _city(host).form_fields("project_idea") == {}
    assert _city(host).form_fields("observation") == {}


@pytest.mark.covers_hook("stadtdialog_form_fields", "stadtdialog_form_tags")
@pytest.mark.parametrize(
    ("extra", "youth_talk", "tags"),
    [
        ({"youth_talk": True}, True, ["youth"]),
        ({"youth_talk": "true"}, True, ["youth"]),  # as an HTML checkbox may send it
        ({"youth_talk": False}, False, []),
        ({}, False, []),  # hosts who never saw the box can still submit
    ],
)
def test_a_documented_youth_talk_is_tagged_youth(
    host: PluginHost, extra: dict[str, Any], youth_talk: bool, tags: list[str]
) -> None:
    city = _city(host)

    loaded = city.load_form("talk_documentation", TalkDocumentation, {"summary": "x", **extra})

    assert loaded["youth_talk"] is youth_talk
    assert city.form_tags("talk_documentation", loaded) == tags


@pytest.mark.covers_hook("stadtdialog_form_tags")
def test_other_forms_are_never_tagged(host: PluginHost) -> None:
    city = _city(host)
    assert city.form_tags("project_idea", {"youth_talk": True}) == []
    assert city.form_tags("observation", {"youth_talk": True}) == []


@pytest.mark.covers_hook("stadtdialog_form_tags", "stadtdialog_step_status")
def test_tags_counted_like_the_cities_service_complete_the_step(host: PluginHost) -> None:
    city = _city(host, required_talks=3)
    tallies: Counter[str] = Counter()

    def document(youth_talk: bool) -> None:
        # What the dialogue service and the cities service do with one documented talk.
        data = city.load_form(
            "talk_documentation", TalkDocumentation, {"summary": "x", "youth_talk": youth_talk}
        )
        fact = "dialogue.talk.documented"
        tallies[fact] += 1
        for tag in city.form_tags("talk_documentation", data):
            tallies[f"{fact}#{tag}"] += 1

    for youth_talk in (True, False, True, False):
        document(youth_talk)
    assert city.step_statuses("table_talks", tallies)[STEP_ID]["done"] is False
    document(True)
    assert city.step_statuses("table_talks", tallies) == {
        STEP_ID: {
            "done": True,
            "progress_de": "3 von 3 Jugendgesprächen dokumentiert",
            "progress_en": "3 of 3 youth talks documented",
        }
    }


# --- phase change ---------------------------------------------------------------------------


@pytest.mark.covers_hook("stadtdialog_phase_changed")
def test_hosts_hear_of_the_youth_forum_when_table_talks_begin(host: PluginHost) -> None:
    city = _city(host, max_age=25)

    (notice,) = city.phase_changed("transfer", "table_talks", {"id": "evt-9"})

    assert notice["audience"] == "hosts"
    assert "bis 25 Jahre" in notice["text_de"]
    assert "Unser Ziel: 5 Jugendgespräche." in notice["text_de"]
    assert "Our goal: 5 youth talks." in notice["text_en"]
    assert city.phase_changed("table_talks", "closing", {"id": "evt-10"}) == []
