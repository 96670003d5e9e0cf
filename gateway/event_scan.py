"""Which event types the services emit, read from their source (no import, no running service).

Every fact leaves a service through ``self.outbox.add(entity, action, data, ..., public=...)``
(``services.kit.outbox``). This module parses every module of every service package (not the
kit) and finds those calls, so that a test can compare what the code emits with the catalogue:
a new service or a new fact is picked up the day it lands.

The entity and action must be decidable from the source: string literals, a conditional of
literals (``"granted" if grant else "revoked"``), a local variable assigned literals, or a
parameter of a helper whose callers in the same module pass literals. Anything else is
reported as *undecidable*, which the catalogue test treats as a failure (write literals).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SERVICES_DIR = REPO / "services"
NOT_SERVICES = ("kit",)
MAX_DEPTH = 3


@dataclass(frozen=True)
class Emission:
    """One ``outbox.add`` call site and the types it can emit."""

    service: str
    entity: str
    action: str
    version: int
    public: bool | None  # None: decided at run time
    data_keys: frozenset[str] | None  # the literal dict's keys; None when not a plain literal
    file: str
    line: int

    @property
    def type(self) -> str:
        return f"stadtdialog.{self.service}.{self.entity}.{self.action}.v{self.version}"


@dataclass
class ScanResult:
    emissions: list[Emission] = field(default_factory=list)
    undecidable: list[str] = field(default_factory=list)  # "file:line: why"

    @property
    def types(self) -> set[str]:
        return {e.type for e in self.emissions}


def _is_outbox_add(call: ast.Call) -> bool:
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "add"):
        return False
    target = func.value
    if isinstance(target, ast.Attribute):
        return target.attr == "outbox"
    return isinstance(target, ast.Name) and target.id == "outbox"


def _argument(call: ast.Call, index: int, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    return positional[index] if index < len(positional) else None


class _Module:
    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node  # type: ignore[return-value]
        return None

    def module_constant(self, name: str) -> ast.expr | None:
        for statement in self.tree.body:
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        return statement.value
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and statement.target.id == name
                and statement.value is not None
            ):
                return statement.value
        return None

    def calls_of(self, function: str) -> list[ast.Call]:
        found = []
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr == function) or (
                isinstance(func, ast.Name) and func.id == function
            ):
                found.append(node)
        return found

    def strings(self, expr: ast.expr | None, depth: int = 0) -> set[str] | None:
        """Every string ``expr`` can take, or None when that cannot be read from the source."""
        if expr is None or depth > MAX_DEPTH:
            return None
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.IfExp):
            body, orelse = self.strings(expr.body, depth), self.strings(expr.orelse, depth)
            return body | orelse if body is not None and orelse is not None else None
        if isinstance(expr, ast.Name):
            return self._name_strings(expr, depth)
        return None

    def _name_strings(self, name: ast.Name, depth: int) -> set[str] | None:
        function = self.enclosing_function(name)
        if function is not None:
            assigned = _assignments(function, name.id)
            if assigned:
                values: set[str] = set()
                for value in assigned:
                    found = self.strings(value, depth + 1)
                    if found is None:
                        return None
                    values |= found
                return values
            parameters = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
            if name.id in parameters:
                return self._parameter_strings(function, parameters.index(name.id), depth)
        constant = self.module_constant(name.id)
        return self.strings(constant, depth + 1) if constant is not None else None

    def _parameter_strings(
        self, function: ast.FunctionDef, position: int, depth: int
    ) -> set[str] | None:
        """A helper's parameter: the union of what its callers in this module pass."""
        parameter = ([*function.args.posonlyargs, *function.args.args])[position].arg
        first = function.args.args[0].arg if function.args.args else None
        index = position - 1 if first in ("self", "cls") else position
        calls = self.calls_of(function.name)
        if not calls:
            return None
        values: set[str] = set()
        for call in calls:
            found = self.strings(_argument(call, index, parameter), depth + 1)
            if found is None:
                return None
            values |= found
        return values


def _assignments(function: ast.FunctionDef, name: str) -> list[ast.expr]:
    """The values assigned to local variable ``name`` anywhere in ``function``."""
    values: list[ast.expr] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            values.append(node.value)
    return values


def _public(call: ast.Call) -> bool | None:
    value = _argument(call, 99, "public")
    if value is None:
        return False  # the kit's default
    if isinstance(value, ast.Constant) and isinstance(value.value, bool):
        return value.value
    return None


def _version(call: ast.Call) -> int | None:
    value = _argument(call, 99, "version")
    if value is None:
        return 1
    if isinstance(value, ast.Constant) and isinstance(value.value, int):
        return value.value
    return None


def _data_keys(call: ast.Call) -> frozenset[str] | None:
    data = _argument(call, 2, "data")
    if not isinstance(data, ast.Dict):
        return None
    keys = []
    for key in data.keys:
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None  # a ** spread or a computed key
        keys.append(key.value)
    return frozenset(keys)


def _service_name(package: Path) -> str:
    """``SERVICE = "<name>"`` in service.py if present, else the package's folder name."""
    service_py = package / "service.py"
    if service_py.exists():
        module = _Module(ast.parse(service_py.read_text()))
        constant = module.module_constant("SERVICE")
        if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
            return constant.value
    return package.name


def scan(services_dir: Path = SERVICES_DIR) -> ScanResult:
    result = ScanResult()
    for package in sorted(p for p in services_dir.iterdir() if (p / "__init__.py").exists()):
        if package.name in NOT_SERVICES:
            continue
        service = _service_name(package)
        for path in sorted(package.rglob("*.py")):
            if "tests" in path.parts:
                continue
            module = _Module(ast.parse(path.read_text(), filename=str(path)))
            where_file = str(path.relative_to(services_dir.parent))
            for node in ast.walk(module.tree):
                if not (isinstance(node, ast.Call) and _is_outbox_add(node)):
                    continue
                where = f"{where_file}:{node.lineno}"
                entities = module.strings(_argument(node, 0, "entity"))
                actions = module.strings(_argument(node, 1, "action"))
                version = _version(node)
                if entities is None or actions is None or version is None:
                    result.undecidable.append(
                        f"{where}: entity, action and version of outbox.add must be readable "
                        "from the source (string literals)"
                    )
                    continue
                for entity in sorted(entities):
                    for action in sorted(actions):
                        result.emissions.append(
                            Emission(
                                service=service,
                                entity=entity,
                                action=action,
                                version=version,
                                public=_public(node),
                                data_keys=_data_keys(node),
                                file=where_file,
                                line=node.lineno,
                            )
                        )
    return result
