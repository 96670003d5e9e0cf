"""The operator commands over the real platform: plugins per city, roles, backup and restore,
indexes; and that only operators may use the operations API. (``guests forget`` is shown at
work in tests/integration/dialogue/test_dialogue_guest_retention.py.)"""

from __future__ import annotations

import json
import stat
from pathlib import Path

from click.testing import CliRunner

from gateway.cli import main
from services.kit.registry import SERVICES


def _env(api, token: str | None) -> dict[str, str]:
    env = {"STADTDIALOG_URL": api.base}
    if token:
        env["STADTDIALOG_TOKEN"] = token
    return env


def _invoke(api, token: str | None, *args: str):  # noqa: ANN202
    return CliRunner().invoke(main, list(args), env=_env(api, token))


def test_plugins_enable_list_disable_for_a_city(api, operator, cities) -> None:
    slug = cities.create()["slug"]
    bad = _invoke(
        api, operator["token"], "plugins", "enable", slug, "jugendforum", "--config", "[1"
    )
    assert bad.exit_code == 2 and "--config" in bad.output

    enabled = _invoke(
        api,
        operator["token"],
        "plugins",
        "enable",
        slug,
        "jugendforum",
        "--config",
        '{"required_talks": 3}',
    )
    assert enabled.exit_code == 0, enabled.output
    assert json.loads(enabled.output)["config"]["required_talks"] == 3

    listed = _invoke(api, operator["token"], "plugins", "list", slug)
    assert listed.exit_code == 0, listed.output
    states = {p["name"]: p["enabled"] for p in json.loads(listed.output)}
    assert states["jugendforum"] is True and states["barrierefrei"] is False

    invalid = _invoke(api, operator["token"], "plugins", "enable", slug, "jugendforum")
    assert invalid.exit_code == 1 and "HTTP 422" in invalid.output  # required_talks is required

    disabled = _invoke(api, operator["token"], "plugins", "disable", slug, "jugendforum")
    assert disabled.exit_code == 0, disabled.output
    listed = json.loads(_invoke(api, operator["token"], "plugins", "list", slug).output)
    assert {p["name"]: p["enabled"] for p in listed}["jugendforum"] is False

    installed = _invoke(api, None, "plugins")  # no subcommand: what is installed, no platform
    assert installed.exit_code == 0 and "jugendforum" in installed.output


def test_users_grant_and_revoke_by_email(api, operator, cities) -> None:
    slug = cities.create()["slug"]
    person = api.verified_login()
    granted = _invoke(
        api, operator["token"], "users", "grant", person["email"], "facilitator", "--city", slug
    )
    assert granted.exit_code == 0, granted.output
    assert {"city": slug, "role": "facilitator"} in json.loads(granted.output)["roles"]
    me = api.get("/me", token=person["token"]).json()
    assert {"city": slug, "role": "facilitator"} in me["roles"]

    revoked = _invoke(
        api, operator["token"], "users", "revoke", person["email"], "facilitator", "--city", slug
    )
    assert revoked.exit_code == 0, revoked.output
    me = api.get("/me", token=person["token"]).json()
    assert {"city": slug, "role": "facilitator"} not in me["roles"]

    unknown = _invoke(
        api, operator["token"], "users", "grant", "nobody@example.org", "partner", "--city", slug
    )
    assert unknown.exit_code == 1 and "HTTP 404" in unknown.output
    nowhere = _invoke(
        api, operator["token"], "users", "grant", person["email"], "partner", "--city", "nirgendwo"
    )
    assert nowhere.exit_code == 1 and "HTTP 404" in nowhere.output, nowhere.output
    assert {"city": "nirgendwo", "role": "partner"} not in api.get(
        "/me", token=person["token"]
    ).json()["roles"]
    bad_role = _invoke(
        api, operator["token"], "users", "grant", person["email"], "king", "--city", slug
    )
    assert bad_role.exit_code == 2 and "'king' is not one of" in bad_role.output


def _tenant_documents(platform, backup_lines: list[dict]) -> dict[tuple[str, str], list]:
    """What the databases hold for the city, read directly, for every collection backed up."""
    city = backup_lines[0]["city"]
    found: dict[tuple[str, str], list] = {}
    for service, counts in backup_lines[0]["plan"].items():
        database = platform.infra.database(service)
        for collection in counts:
            query = (
                {"_id": city} if (service, collection) == ("cities", "cities") else {"city": city}
            )
            found[(service, collection)] = sorted(
                database[collection].find(query), key=lambda d: str(d["_id"])
            )
    return found


def test_backup_wipe_restore_gives_the_same_data(api, operator, cities, platform, tmp_path) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    for name in ("Verkehr", "Wohnen", "Grün in der Stadt"):
        created = api.post(f"/cities/{slug}/working-groups", {"name": name}, token=admin["token"])
        assert created.status_code == 201, created.text
    enabled = api.put(
        f"/cities/{slug}/plugins/jugendforum",
        {"config": {"required_talks": 2}},
        token=admin["token"],
    )
    assert enabled.status_code == 200, enabled.text
    other = cities.create()["slug"]  # another tenant: never touched by this city's restore
    other_before = api.get(f"/cities/{other}", token=operator["token"]).json()

    file = tmp_path / "backup.jsonl"
    done = _invoke(api, operator["token"], "backup", slug, str(file))
    assert done.exit_code == 0, done.output
    assert stat.S_IMODE(file.stat().st_mode) == 0o600  # addresses and needs: the operator's only
    lines = [json.loads(line) for line in file.read_text().splitlines()]
    header, records, end = lines[0], lines[1:-1], lines[-1]
    assert header["city"] == slug and end == {"end": True, "records": len(records)}
    assert set(header["plan"]) == set(SERVICES)
    collections = {(r["service"], r["collection"]) for r in records}
    assert {
        ("cities", "cities"),
        ("cities", "working_groups"),
        ("cities", "plugin_enablements"),
    } <= (collections)
    assert all(r["document"].get("city", slug) == slug for r in records)
    assert sum(1 for r in records if r["collection"] == "working_groups") == 3
    before = _tenant_documents(platform, lines)

    # Wipe the tenant in every service database, as a lost disk would.
    for (service, collection), documents in before.items():
        ids = [d["_id"] for d in documents]
        platform.infra.database(service)[collection].delete_many({"_id": {"$in": ids}})
    assert api.get(f"/cities/{slug}", token=operator["token"]).status_code == 404

    restored = _invoke(api, operator["token"], "restore", str(file))
    assert restored.exit_code == 0, restored.output
    assert f"{len(records)} Dokumente" in restored.output
    assert _tenant_documents(platform, lines) == before  # same ids, same fields, same values
    again = _invoke(api, operator["token"], "restore", str(file))  # idempotent
    assert again.exit_code == 0, again.output
    assert _tenant_documents(platform, lines) == before

    groups = api.get(f"/cities/{slug}/working-groups", token=admin["token"])
    assert sorted(g["name"] for g in groups.json()) == ["Grün in der Stadt", "Verkehr", "Wohnen"]
    assert api.get(f"/cities/{other}", token=operator["token"]).json() == other_before

    # A record that claims another city is refused before anything is written.
    group = next(r for r in records if r["collection"] == "working_groups")
    forged = [header, {**group, "document": {**group["document"], "city": other}}]
    forged_file = tmp_path / "forged.jsonl"
    lines_out = [*forged, {"end": True, "records": 1}]
    forged_file.write_text("\n".join(json.dumps(line) for line in lines_out) + "\n")
    refused = _invoke(api, operator["token"], "restore", str(forged_file))
    assert refused.exit_code == 1 and "HTTP 422" in refused.output
    assert _tenant_documents(platform, lines) == before
    other_groups = api.get(f"/cities/{other}/working-groups", token=operator["token"]).json()
    assert other_groups == []


def test_an_encrypted_backup_tried_first_then_restored(
    api, operator, cities, platform, tmp_path
) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    group = {"name": "Verkehr", "description": "Radwege am Ring"}
    assert api.post(f"/cities/{slug}/working-groups", group, token=admin["token"]).ok
    env = {**_env(api, operator["token"]), "STADTDIALOG_BACKUP_PASSPHRASE": "Ring frei 2027!"}
    runner = CliRunner()

    file = tmp_path / "sicherung.enc.jsonl"
    done = runner.invoke(main, ["backup", "--encrypt", slug, str(file)], env=env)
    assert done.exit_code == 0, done.output
    text = file.read_text()
    assert "Radwege" not in text and slug not in text.split("\n", 1)[1]  # only the header is plain
    assert stat.S_IMODE(file.stat().st_mode) == 0o600

    wrong = {**env, "STADTDIALOG_BACKUP_PASSPHRASE": "nicht die richtige"}
    refused = runner.invoke(main, ["restore", "--dry-run", str(file)], env=wrong)
    assert refused.exit_code == 2 and "wrong passphrase" in refused.output

    # The plain lines, to compare the databases with after the restore.
    plain_file = tmp_path / "klar.jsonl"
    assert runner.invoke(main, ["backup", slug, str(plain_file)], env=env).exit_code == 0
    lines = [json.loads(line) for line in plain_file.read_text().splitlines()]
    before = _tenant_documents(platform, lines)
    for (service, collection), documents in before.items():
        ids = [d["_id"] for d in documents]
        platform.infra.database(service)[collection].delete_many({"_id": {"$in": ids}})
    total = len(lines) - 2

    tried = runner.invoke(main, ["restore", "--dry-run", str(file)], env=env)
    assert tried.exit_code == 0, tried.output
    assert f"{total} Dokumente geprüft" in tried.output and f"{total} neu" in tried.output
    assert "nichts geschrieben" in tried.output
    assert all(documents == [] for documents in _tenant_documents(platform, lines).values())

    restored = runner.invoke(main, ["restore", str(file)], env=env)
    assert restored.exit_code == 0, restored.output
    assert f"({total} neu / new, 0 ersetzt / replaced)" in restored.output
    assert _tenant_documents(platform, lines) == before
    again = runner.invoke(main, ["restore", "--dry-run", str(file)], env=env)
    assert f"0 neu / new, {total} ersetzt" in again.output  # a second restore changes nothing


def test_an_incomplete_backup_file_is_refused(api, operator, tmp_path: Path) -> None:
    file = tmp_path / "cut.jsonl"
    file.write_text(
        json.dumps({"stadtdialog_backup": 1, "city": "x", "plan": {}, "total": 1}) + "\n"
    )
    result = _invoke(api, operator["token"], "restore", str(file))
    assert result.exit_code == 2 and "incomplete" in result.output


def test_indexes_ensure_and_list(api, operator) -> None:
    ensured = _invoke(api, operator["token"], "indexes", "ensure")
    assert ensured.exit_code == 0, ensured.output
    listed = _invoke(api, operator["token"], "indexes", "list")
    assert listed.exit_code == 0, listed.output
    indexes = json.loads(listed.output)
    assert set(indexes) == set(SERVICES)
    assert "_id_" in indexes["identity"]["accounts"]
    assert any("city" in name for name in indexes["cities"]["working_groups"])
    assert json.loads(ensured.output) == indexes  # ensuring again changes nothing


def test_only_operators_may_use_the_operations_api(api, cities) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    citizen = api.verified_login()
    for token in (admin["token"], citizen["token"]):
        assert api.get(f"/operations/backup/{slug}", token=token).status_code == 403
        assert api.get(f"/operations/backup/{slug}/plan", token=token).status_code == 403
        assert api.get("/operations/indexes", token=token).status_code == 403
        assert api.post("/operations/indexes", token=token).status_code == 403
        assert api.post("/operations/guest-retention", token=token).status_code == 403
        restore = api.post("/operations/restore", {"city": slug, "records": []}, token=token)
        assert restore.status_code == 403
        grant = {"email": citizen["email"], "city": slug, "role": "city_admin"}
        assert api.post("/operations/roles", grant, token=token).status_code == 403
    assert api.get(f"/operations/backup/{slug}").status_code == 401
    refused = _invoke(api, admin["token"], "backup", slug, "/tmp/never-written.jsonl")
    assert refused.exit_code == 1 and "HTTP 403" in refused.output
    assert not Path("/tmp/never-written.jsonl").exists()
    denied = _invoke(
        api, citizen["token"], "users", "grant", citizen["email"], "city_admin", "--city", slug
    )
    assert denied.exit_code == 1 and "HTTP 403" in denied.output


def test_malformed_restore_records_name_the_field(api, operator, cities) -> None:
    slug = cities.create()["slug"]
    cases = [
        (
            {
                "service": "cities",
                "collection": "working_groups",
                "document": {"_id": {"$oid": "zz"}},
            },
            "records.0.document",
        ),
        (
            {"service": "cities", "collection": "nope", "document": {"_id": "x", "city": slug}},
            "records.0.collection",
        ),
        (
            {"service": "cities", "collection": "working_groups", "document": {"name": "x"}},
            "records.0.document",
        ),
        ({"service": "mars", "collection": "x", "document": {"_id": "x"}}, "records"),
    ]
    for record, field in cases:
        answer = api.post(
            "/operations/restore", {"city": slug, "records": [record]}, token=operator["token"]
        )
        assert answer.status_code == 422, answer.text
        assert any(name.startswith(field) for name in answer.json()["error"]["fields"]), answer.text
    bad_slug = api.get("/operations/backup/Not_A_Slug/plan", token=operator["token"])
    assert bad_slug.status_code == 422 and "slug" in bad_slug.json()["error"]["fields"]


def test_every_operator_command_says_clearly_when_the_platform_is_away(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"  # closed again when the block ends
    backup_file = tmp_path / "b.jsonl"
    for args in (
        ["backup", "koeln", str(backup_file)],
        ["indexes", "list"],
        ["indexes", "ensure"],
        ["guests", "forget"],
        ["users", "grant", "erika@example.org", "partner", "--city", "koeln"],
        ["plugins", "list", "koeln"],
        ["plugins", "disable", "koeln", "jugendforum"],
    ):
        result = CliRunner().invoke(main, ["--url", url, *args])
        assert result.exit_code == 2, (args, result.output)
        assert "nicht erreichbar" in result.output and url in result.output
        assert "Traceback" not in result.output
    assert not backup_file.exists() and not backup_file.with_name("b.jsonl.part").exists()
