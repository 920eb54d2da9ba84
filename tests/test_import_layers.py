"""The package's layering, read from the import statements (ast; lazy imports inside functions count too).

A package may import only packages of a lower layer: the spec knows nothing of generation or conformance,
review knows nothing of the runner, and nothing below the CLI imports the CLI.
"""

from __future__ import annotations

import ast
from pathlib import Path

import generator

PACKAGE = Path(generator.__file__).resolve().parent

# Lower number = lower layer. A top-level module (generator/validate.py) is a unit like a package.
LAYERS: dict[str, int] = {
    "errors": 0,
    "aws_credentials": 0,
    "fsutil": 1,
    "suggest": 1,
    "resources": 1,
    "spec": 2,
    "conformance": 2,
    "engine": 2,
    "generate": 3,
    "review": 3,
    "validate": 4,
    "migrate": 4,
    "sandbox": 4,
    "day2": 5,
    "runner": 6,
    "cli": 7,
}

# Imports that break the layering today, each with why; the test fails once one is gone so the entry goes too.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {
    # Duplicate-identifier check needs the Terraform names the generator derives (generate/names.py);
    # the fix is to move those naming rules below spec/ (names.py depends only on spec.catalog and spec.models).
    ("generator/spec/validation.py", "generate"): "spec validation reads generate.names",
}


def _unit(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _imported_units(tree: ast.AST) -> set[str]:
    units: set[str] = set()
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
            if node.module == "generator":
                modules = [f"generator.{alias.name}" for alias in node.names]
        units.update(m.split(".")[1] for m in modules if m.startswith("generator."))
    return units


def _violations() -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        unit = _unit(path)
        if unit not in LAYERS:
            continue
        for target in _imported_units(ast.parse(path.read_text(encoding="utf-8"))):
            if target == unit or target not in LAYERS:
                continue
            if LAYERS[target] >= LAYERS[unit]:
                name = f"generator/{path.relative_to(PACKAGE).as_posix()}"
                found[(name, target)] = (
                    f"{name} ({unit}, layer {LAYERS[unit]}) imports {target} (layer {LAYERS[target]})"
                )
    return found


def test_every_package_has_a_layer() -> None:
    units = {_unit(p) for p in PACKAGE.rglob("*.py")} - {"__init__", "__main__"}
    assert units <= set(LAYERS), f"add these to LAYERS: {sorted(units - set(LAYERS))}"


def test_packages_import_only_lower_layers() -> None:
    violations = _violations()
    unexpected = [text for key, text in sorted(violations.items()) if key not in KNOWN_EXCEPTIONS]
    assert not unexpected, "\n".join(unexpected)
    gone = sorted(set(KNOWN_EXCEPTIONS) - set(violations))
    assert not gone, f"fixed, remove from KNOWN_EXCEPTIONS: {gone}"


def test_the_checker_sees_lazy_imports() -> None:
    tree = ast.parse("def f():\n    from generator.generate import names\n    import generator.cli.main\n")
    assert _imported_units(tree) == {"generate", "cli"}


def test_spec_and_review_stay_low() -> None:
    # The rules the layering exists for, spelled out (same layer = may not import each other).
    assert LAYERS["spec"] < LAYERS["generate"] and LAYERS["spec"] <= LAYERS["conformance"]
    assert LAYERS["generate"] < LAYERS["validate"] and LAYERS["conformance"] < LAYERS["validate"]
    assert LAYERS["review"] < LAYERS["runner"]
    assert max(v for k, v in LAYERS.items() if k != "cli") < LAYERS["cli"]
