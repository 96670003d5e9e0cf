"""Every service takes its message entrypoints from the kit, never nameko's directly: nameko's
die of a broker restart (``services.kit.rpc``, ``services.kit.messaging``)."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[3] / "services"
HARDENED = {
    ("nameko.rpc", "rpc"): "services.kit.rpc",
    ("nameko.events", "event_handler"): "services.kit.messaging",
    ("nameko.messaging", "consume"): "services.kit.messaging",
}
KIT_ITSELF = {SERVICES / "kit" / "rpc.py", SERVICES / "kit" / "messaging.py"}


def _nameko_entrypoints(path: Path, root: Path = SERVICES.parent) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if (node.module, alias.name) in HARDENED:
                    where = f"{path.relative_to(root)}:{node.lineno}"
                    kit = HARDENED[(node.module, alias.name)]
                    found.append(f"{where} imports {alias.name} from {node.module}, use {kit}")
    return found


def test_services_use_the_kits_entrypoints() -> None:
    modules = [p for p in SERVICES.rglob("*.py") if p not in KIT_ITSELF]
    assert len(modules) > 20  # the services are really there
    assert [line for path in modules for line in _nameko_entrypoints(path)] == []


def test_the_check_finds_a_direct_import(tmp_path: Path) -> None:
    module = tmp_path / "service.py"
    module.write_text("from nameko.events import BROADCAST, event_handler\n")
    assert _nameko_entrypoints(module, tmp_path) == [
        "service.py:1 imports event_handler from nameko.events, use services.kit.messaging"
    ]
