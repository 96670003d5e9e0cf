"""Mein Bereich's arrangement (pure): which of the export's documents appear, in what order,
with which links; and the short device names of the session list."""

from __future__ import annotations

from datetime import UTC, datetime

from gateway.device_names import device_name
from gateway.my_area import arrange

NOW = datetime(2027, 5, 1, 12, tzinfo=UTC)


def _parts(dialogue=None, scenarios=None, events=None) -> dict:  # noqa: ANN001
    def service(sections: dict | None) -> dict:
        return {"sections": [{"name": k, "items": v} for k, v in (sections or {}).items()]}

    return {
        "dialogue": service(dialogue),
        "scenarios": service(scenarios),
        "events": service(events),
    }


def test_nothing_done_gives_every_list_empty() -> None:
    area = arrange(_parts(), {}, NOW)
    assert set(area) == {
        "hosted_talks", "registrations", "documentation_drafts", "ideas", "supports",
        "observations", "event_registrations",
    }  # fmt: skip
    assert all(items == [] for items in area.values())


def test_registrations_upcoming_first_then_past_and_cancelled_ones_left_out() -> None:
    def reg(talk: str, starts: str, ends: str, state: str, position=None) -> dict:  # noqa: ANN001
        return {"city": "nordstadt", "talk_id": talk, "talk_title": talk, "talk_starts_at": starts,
                "talk_ends_at": ends, "state": state, "position": position}  # fmt: skip

    area = arrange(
        _parts(
            dialogue={
                "registrations": [
                    reg(
                        "past",
                        "2027-04-01T10:00:00+00:00",
                        "2027-04-01T12:00:00+00:00",
                        "confirmed",
                    ),
                    reg(
                        "later",
                        "2027-06-01T10:00:00+00:00",
                        "2027-06-01T12:00:00+00:00",
                        "waitlisted",
                        2,
                    ),
                    reg(
                        "soon",
                        "2027-05-02T10:00:00+00:00",
                        "2027-05-02T12:00:00+00:00",
                        "confirmed",
                    ),
                    reg("gone", "2027-05-03T10:00:00+00:00", "2027-05-03T12:00:00+00:00", "none"),
                ]
            }
        ),  # fmt: skip
        {"nordstadt": "Nordstadt am See"},
        NOW,
    )
    assert [(r["talk_id"], r["past"]) for r in area["registrations"]] == [
        ("soon", False), ("later", False), ("past", True),
    ]  # fmt: skip
    later = area["registrations"][1]
    assert later["position"] == 2 and later["city_name"] == "Nordstadt am See"
    assert later["path"] == "/stadt/nordstadt/tischgespraeche/later"


def test_a_held_undocumented_talk_offers_documentation_and_its_draft_is_listed() -> None:
    talk = {"city": "x", "id": "t1", "title": "T", "status": "scheduled",
            "starts_at": "2027-04-30T10:00:00+00:00", "ends_at": "2027-04-30T12:00:00+00:00",
            "draft_saved_at": "2027-04-30T13:00:00+00:00"}  # fmt: skip
    documented = {**talk, "id": "t2", "status": "documented", "draft_saved_at": None}
    area = arrange(_parts(dialogue={"talks": [talk, documented]}), {}, NOW)
    offers = {t["id"]: t["documentation_path"] for t in area["hosted_talks"]}
    assert offers == {"t1": "/stadt/x/tischgespraeche/t1/dokumentation", "t2": None}
    assert [d["talk_id"] for d in area["documentation_drafts"]] == ["t1"]


def test_a_talk_documented_is_offered_no_more_and_a_running_one_is_marked() -> None:
    held = {
        "city": "x",
        "id": "t1",
        "title": "T",
        "status": "scheduled",
        "documented": True,
        "starts_at": "2027-04-30T10:00:00+00:00",
        "ends_at": "2027-04-30T12:00:00+00:00",
    }
    running = {
        **held,
        "id": "t2",
        "documented": False,
        "starts_at": "2027-05-01T11:00:00+00:00",
        "ends_at": "2027-05-01T13:00:00+00:00",
    }
    area = arrange(_parts(dialogue={"talks": [held, running]}), {}, NOW)
    shown = {t["id"]: t for t in area["hosted_talks"]}
    assert shown["t1"]["documentation_path"] is None and shown["t1"]["status"] == "documented"
    assert shown["t2"]["running"] and not shown["t2"]["past"]
    assert shown["t2"]["documentation_path"] is None  # offered once it is over
    assert not shown["t1"]["running"]


def test_observations_are_shortened_and_link_to_their_city() -> None:
    note = {"city": "y", "id": "o1", "kind": "observation", "text": "Bäcker  zu " * 40,
            "hidden": False, "created_at": "2027-04-01T10:00:00+00:00"}  # fmt: skip
    (shown,) = arrange(_parts(scenarios={"observations": [note]}), {}, NOW)["observations"]
    assert len(shown["text"]) <= 160 and shown["text"].endswith("…") and "  " not in shown["text"]
    assert shown["path"] == "/stadt/y/beobachtungen"


def test_device_names_are_short_and_never_the_whole_user_agent() -> None:
    android = (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0 Mobile Safari/537.36"
    )
    assert device_name(android) == "Chrome · Android"
    assert device_name("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko Firefox/128.0") == (
        "Firefox · Linux"
    )
    edge = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit Chrome/126.0 Safari/537.36 Edg/126.0"
    assert device_name(edge) == "Edge · Windows"
    assert device_name("") == "" and device_name(None) == ""
    assert device_name("curl/8.5.0") == ""
