"""The service registry and ``deploy/local/Procfile`` name the same services and classes."""

from __future__ import annotations

import importlib
import shlex
from pathlib import Path

from services.kit.registry import SERVICES

PROCFILE = Path(__file__).resolve().parents[3] / "deploy" / "local" / "Procfile"


def nameko_processes() -> dict[str, str]:
    """``{process name: module:Class}`` of every ``nameko run`` line of the Procfile."""
    found: dict[str, str] = {}
    for line in PROCFILE.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, command = line.partition(":")
        words = shlex.split(command)
        if words[:2] != ["nameko", "run"]:
            continue
        arguments, skip_next = [], False
        for word in words[2:]:
            if skip_next:
                skip_next = False
            elif word in ("--config", "--broker", "--backdoor-port"):
                skip_next = True
            elif not word.startswith("-"):
                arguments.append(word)
        assert len(arguments) == 1, f"one service class per process: {line}"
        assert name.strip() not in found, f"process {name} twice"
        found[name.strip()] = arguments[0]
    return found


def test_procfile_has_nameko_lines():
    assert nameko_processes(), "no nameko run line found: the parser or the Procfile is broken"


def test_every_registered_service_runs_from_the_procfile():
    processes = nameko_processes()
    for name, target in SERVICES.items():
        assert processes.get(name) == target, (
            f"{name}: registry {target}, Procfile {processes.get(name)}"
        )


def test_every_procfile_service_is_registered():
    for name, target in nameko_processes().items():
        assert SERVICES.get(name) == target, (
            f"{name}: Procfile {target}, registry {SERVICES.get(name)}"
        )


def test_every_registered_class_exists_and_carries_its_name():
    for name, target in SERVICES.items():
        module_name, _, class_name = target.partition(":")
        service_class = getattr(importlib.import_module(module_name), class_name)
        assert service_class.name == name
        assert callable(getattr(service_class, "ping", None)), f"{name} lacks ping"
