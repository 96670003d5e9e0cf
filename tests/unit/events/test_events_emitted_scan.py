"""The scanner that finds emitted types in the services' source, on small services of its own."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from gateway.event_scan import scan

SOURCE = """
SERVICE = "shop"
KIND = "order"


class Shop:
    def place(self):
        self.outbox.add("order", "placed", {"order_id": "1", "count": 2}, public=True)

    def grant(self, grant):
        self.outbox.add("role", "granted" if grant else "revoked", {"x": 1})

    def choose(self, existing):
        if existing:
            action = "changed"
        else:
            action = "created"
        self.outbox.add(KIND, action, dict(a=1), public=True, version=2)

    def _emit(self, entity, action, data):
        self.outbox.add(entity, action, data, public=True)

    def ship(self):
        self._emit("parcel", "shipped", {})
        self._emit(entity="parcel", action="lost", data={})

    def open_ended(self, action):
        self.outbox.add("thing", action, {})
"""


def make_services(tmp_path: Path, source: str) -> Path:
    services = tmp_path / "services"
    for package in ("kit", "shop"):
        (services / package).mkdir(parents=True)
        (services / package / "__init__.py").write_text("")
    (services / "kit" / "outbox.py").write_text('outbox.add("kit", "ignored", {})\n')
    (services / "shop" / "service.py").write_text(dedent(source))
    return services


def test_scanner_reads_literals_conditionals_variables_and_helpers(tmp_path: Path) -> None:
    result = scan(make_services(tmp_path, SOURCE))
    found = {(e.type, e.public, e.data_keys) for e in result.emissions}
    assert found == {
        ("stadtdialog.shop.order.placed.v1", True, frozenset({"order_id", "count"})),
        ("stadtdialog.shop.role.granted.v1", False, frozenset({"x"})),
        ("stadtdialog.shop.role.revoked.v1", False, frozenset({"x"})),
        ("stadtdialog.shop.order.changed.v2", True, None),
        ("stadtdialog.shop.order.created.v2", True, None),
        ("stadtdialog.shop.parcel.shipped.v1", True, None),
        ("stadtdialog.shop.parcel.lost.v1", True, None),
    }
    # A parameter nobody in the module passes a literal for cannot be decided: reported.
    assert len(result.undecidable) == 1
    assert "service.py" in result.undecidable[0]
    assert all(e.service == "shop" for e in result.emissions)


def test_the_kit_is_not_a_service(tmp_path: Path) -> None:
    result = scan(make_services(tmp_path, "x = 1\n"))
    assert result.emissions == [] and result.undecidable == []
