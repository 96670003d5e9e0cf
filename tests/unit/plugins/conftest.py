"""Shared pieces of the plugin-plumbing tests: the ``covers_hook`` marker and small plugins.

``@pytest.mark.covers_hook("stadtdialog_x")`` declares that a test exercises hook
``stadtdialog_x``; ``test_hook_coverage.py`` fails when a hook specification has no such test.
The marker is registered here (not in pyproject) so that ``--strict-markers`` accepts it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from plugins import PluginHost, hookimpl
from plugins.shipped import barrierefrei, jugendforum, ortsteile


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "covers_hook(*names): the test exercises these plugin hook specifications"
    )


class RecordingPlugin:
    """Contributes one step per phase and one criterion, and records every call it gets."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    @hookimpl
    def stadtdialog_phase_steps(
        self, city: str, phase: str, config: Mapping[str, Any]
    ) -> list[dict[str, str]]:
        self.calls.append(("phase_steps", city, dict(config)))
        return [{"key": f"{phase}_step", "title_de": self.name, "title_en": self.name}]

    @hookimpl
    def stadtdialog_assessment_criteria(
        self, city: str, config: Mapping[str, Any]
    ) -> list[dict[str, str]]:
        self.calls.append(("assessment_criteria", city, dict(config)))
        return [{"key": "fit", "title_de": f"Passung {self.name}", "title_en": f"Fit {self.name}"}]

    @hookimpl
    def stadtdialog_phase_changed(
        self, city: str, old: str | None, new: str, event: Mapping[str, Any]
    ) -> list[dict[str, str]]:
        self.calls.append(("phase_changed", city, {"old": old, "new": new, "id": event["id"]}))
        return [
            {"audience": "city_admins", "text_de": f"{self.name}: {new}", "text_en": new},
        ]


@pytest.fixture
def shipped_host() -> PluginHost:
    """A host with the three shipped plugins registered explicitly (no entry points)."""
    host = PluginHost()
    host.register(barrierefrei, "barrierefrei")
    host.register(jugendforum, "jugendforum")
    host.register(ortsteile, "ortsteile")
    return host


@pytest.fixture
def city_configs() -> dict[str, dict[str, Any]]:
    """Valid configs of the three shipped plugins for one city."""
    return {
        "barrierefrei": {"contact_email": "barrierefrei@jena.de"},
        "jugendforum": {"required_talks": 5},
        "ortsteile": {"districts": ["Zentrum", "Lobeda", "Winzerla"]},
    }


@pytest.fixture
def recording_plugin() -> type[RecordingPlugin]:
    """The ``RecordingPlugin`` class (a fixture so tests need not import conftest)."""
    return RecordingPlugin
