"""Arrows point inward: the kit imports no plugin and no service, and no service imports
another. What the kit needs from the outside is handed to it (``register_messages``,
``CityState(plugin_host=...)``); services talk to each other over RPC and events only.

Every import counts, also one inside a function, and so does loading modules by name
(``importlib``, ``pkgutil``, ``__import__``) or walking ``services.__path__``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ROOT / "services"
KIT = SERVICES / "kit"
SERVICE_PACKAGES = sorted(
    p.name for p in SERVICES.iterdir() if (p / "__init__.py").is_file() and p.name != "kit"
)
OUTER = ("plugins", *(f"services.{name}" for name in SERVICE_PACKAGES))
# Loading by name, and the namespace whose ``__path__`` lists every service.
BY_NAME = {"importlib", "pkgutil", "services", "__import__", "__path__"}


def _absolute(node: ast.ImportFrom, path: Path, root: Path) -> str:
    """``from ..x import y`` in ``services/kit/a.py`` → ``services.x``."""
    if not node.level:
        return node.module or ""
    package = list(path.relative_to(root).with_suffix("").parts[:-1])
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imported_modules(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """Every module ``path`` imports, anywhere in it: ``(line, dotted name)``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, path, root)
            found.append((node.lineno, module))
            # ``from services import cities`` imports the package ``services.cities``.
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            found.append((node.lineno, "__import__"))
        elif isinstance(node, ast.Attribute) and node.attr == "__path__":
            found.append((node.lineno, "__path__"))
    return sorted(found, key=lambda entry: entry[0])


def _is_package(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def kit_violations(path: Path, root: Path = ROOT) -> list[str]:
    return [
        f"{path.relative_to(root)}:{line} imports {module}"
        for line, module in imported_modules(path, root)
        if module in BY_NAME
        or module.split(".")[0] in BY_NAME - {"services"}
        or any(_is_package(module, package) for package in OUTER)
    ]


def service_violations(path: Path, own: str, root: Path = ROOT) -> list[str]:
    others = [f"services.{name}" for name in SERVICE_PACKAGES if name != own]
    return [
        f"{path.relative_to(root)}:{line} imports {module}"
        for line, module in imported_modules(path, root)
        if any(_is_package(module, package) for package in others)
    ]


def test_the_kit_imports_no_plugin_and_no_service() -> None:
    modules = sorted(KIT.rglob("*.py"))
    assert len(modules) > 15  # the kit is really there
    assert [line for path in modules for line in kit_violations(path)] == []


def test_no_service_imports_another_service() -> None:
    assert {"identity", "cities", "events", "dialogue", "scenarios"} <= set(SERVICE_PACKAGES)
    found = [
        line
        for name in SERVICE_PACKAGES
        for path in sorted((SERVICES / name).rglob("*.py"))
        for line in service_violations(path, name)
    ]
    assert found == []


def test_the_kit_check_finds_every_way_in(tmp_path: Path) -> None:
    module = tmp_path / "services" / "kit" / "sneaky.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "import importlib\n"
        "from services.kit.errors import Invalid\n"
        "def later():\n"
        "    from plugins.manager import default_host\n"
        "    from .. import cities\n"
        "    import services.dialogue.service\n"
        "    return services.__path__, __import__('services.events')\n"
    )
    assert kit_violations(module, tmp_path) == [
        "services/kit/sneaky.py:1 imports importlib",
        "services/kit/sneaky.py:4 imports plugins.manager",
        "services/kit/sneaky.py:4 imports plugins.manager.default_host",
        "services/kit/sneaky.py:5 imports services",
        "services/kit/sneaky.py:5 imports services.cities",
        "services/kit/sneaky.py:6 imports services.dialogue.service",
        "services/kit/sneaky.py:7 imports __path__",
        "services/kit/sneaky.py:7 imports __import__",
    ]


def test_the_service_check_finds_an_import_of_another_service(tmp_path: Path) -> None:
    module = tmp_path / "services" / "events" / "service.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "from services.events.models import Event\n"
        "from services.kit.rpc import rpc\n"
        "def later():\n"
        "    from services.dialogue.seating import fill\n"
    )
    assert service_violations(module, "events", tmp_path) == [
        "services/events/service.py:4 imports services.dialogue.seating",
        "services/events/service.py:4 imports services.dialogue.seating.fill",
    ]
