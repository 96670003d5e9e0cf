"""Meta-test: every hook specification is documented and has at least one test.

A test declares the hooks it exercises with ``@pytest.mark.covers_hook("stadtdialog_x")``
(registered in this folder's conftest). The tests folder is read with ``ast`` rather than
imported, so the check does not depend on which test files pytest happened to collect.
"""

from __future__ import annotations

import ast
import inspect
import types
from pathlib import Path

import pluggy

from plugins import hookspecs

TESTS_ROOT = Path(__file__).resolve().parents[2]
MIN_DOCSTRING = 200  # a sentence of purpose, the arguments, the return value


def spec_functions(module: types.ModuleType) -> dict[str, types.FunctionType]:
    """The hook specifications declared in ``module`` (functions carrying pluggy's marker)."""
    marker = f"{hookspecs.PROJECT}_spec"
    return {
        name: value
        for name, value in vars(module).items()
        if inspect.isfunction(value) and hasattr(value, marker)
    }


def scan_tests(tests_root: Path) -> tuple[set[str], set[str]]:
    """Names of test functions and hook names in ``covers_hook(...)`` markers under a folder."""
    names: set[str] = set()
    marked: set[str] = set()
    for path in sorted(tests_root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            names.add(node.name)
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr == "covers_hook"
                ):
                    marked.update(
                        arg.value
                        for arg in decorator.args
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                    )
    return names, marked


def covered_hooks(hooks: set[str], tests_root: Path) -> set[str]:
    """The ``hooks`` that a marker names or whose name is part of a test function's name."""
    names, marked = scan_tests(tests_root)
    by_name = {
        hook for hook in hooks for name in names if name.startswith("test_") and hook in name
    }
    return (marked & hooks) | by_name


def docstring_problems(name: str, function: types.FunctionType) -> list[str]:
    doc = inspect.getdoc(function) or ""
    problems = []
    if len(doc) < MIN_DOCSTRING:
        problems.append(f"{name}: docstring missing or shorter than {MIN_DOCSTRING} characters")
    for parameter in inspect.signature(function).parameters:
        if f"``{parameter}``" not in doc:
            problems.append(f"{name}: docstring does not explain ``{parameter}``")
    if "return" not in doc.lower():
        problems.append(f"{name}: docstring does not say what to return")
    return problems


def hook_coverage_problems(module: types.ModuleType, tests_root: Path) -> list[str]:
    """Everything wrong with the documentation and test coverage of ``module``'s hooks."""
    specs = spec_functions(module)
    covered = covered_hooks(set(specs), tests_root)
    problems: list[str] = []
    for name, function in specs.items():
        problems.extend(docstring_problems(name, function))
        if name not in covered:
            problems.append(f"{name}: no test is marked @pytest.mark.covers_hook({name!r})")
    # A misspelt marker would otherwise make a hook look tested while it is not.
    _, marked = scan_tests(tests_root)
    problems.extend(
        f"covers_hook names unknown hook {name!r}" for name in sorted(marked - set(specs))
    )
    return problems


def test_every_hookspec_is_documented_and_tested() -> None:
    assert len(spec_functions(hookspecs)) >= 6
    assert hook_coverage_problems(hookspecs, TESTS_ROOT) == []


def test_the_check_fails_for_an_undocumented_untested_hook(tmp_path: Path) -> None:
    module = types.ModuleType("fake_hookspecs")
    marker = pluggy.HookspecMarker(hookspecs.PROJECT)

    @marker
    def stadtdialog_silent(city):  # type: ignore[no-untyped-def]
        pass

    @marker
    def stadtdialog_vague(city, config):  # type: ignore[no-untyped-def]
        """Does something with ``city``."""

    module.stadtdialog_silent = stadtdialog_silent
    module.stadtdialog_vague = stadtdialog_vague
    (tmp_path / "test_fake.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.covers_hook('stadtdialog_vague', 'stadtdialog_vauge')\n"
        "def test_vague():\n    pass\n",
        encoding="utf-8",
    )

    problems = hook_coverage_problems(module, tmp_path)

    assert (
        "stadtdialog_silent: no test is marked @pytest.mark.covers_hook('stadtdialog_silent')"
        in problems
    )
    assert any(p.startswith("stadtdialog_silent: docstring missing") for p in problems)
    assert "stadtdialog_vague: docstring does not explain ``config``" in problems
    assert "stadtdialog_vague: docstring does not say what to return" in problems
    assert not any("covers_hook('stadtdialog_vague')" in p for p in problems)
    assert "covers_hook names unknown hook 'stadtdialog_vauge'" in problems


def test_a_test_function_name_counts_as_coverage(tmp_path: Path) -> None:
    (tmp_path / "test_named.py").write_text(
        "def test_stadtdialog_phase_steps_skip_other_phases():\n    pass\n", encoding="utf-8"
    )
    hooks = {"stadtdialog_phase_steps", "stadtdialog_form_fields"}
    assert covered_hooks(hooks, tmp_path) == {"stadtdialog_phase_steps"}
