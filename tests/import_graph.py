"""The project's imports, read from the source (ast), never by importing a module.

Used by the layering and surface tests (tests/test_layout.py, tests/test_surfaces.py).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The stage packages, bottom floor first (docs/architecture.md's table).
PACKAGES = (
    "config",
    "vocabulary",
    "evidence",
    "storage",
    "extract",
    "score",
    "crawler",
    "reports",
    "demoweb",
    "flows",
)


@dataclass(frozen=True)
class Import:
    """One imported thing: ``module`` (a project module) and, for ``from m import name``, the
    name taken from it (None for ``import m`` or when ``name`` is itself a submodule)."""

    importer: str  # the importing module, dotted
    module: str
    name: str | None
    line: int
    type_checking: bool  # under ``if TYPE_CHECKING:``: never executed

    @property
    def where(self) -> str:
        return f"{module_path(self.importer)}:{self.line}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the stage packages, by dotted name."""
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def module_path(name: str) -> str:
    return str(modules()[name].relative_to(ROOT))


def stage(module: str) -> str:
    return module.split(".")[0]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, type_checking: bool = False) -> list[tuple[ast.AST, bool]]:
    found = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            found.append((child, type_checking))
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for inner in child.body:
                found += [(inner, True)] if isinstance(inner, ast.Import | ast.ImportFrom) else []
                found += _walk(inner, True)
            for inner in child.orelse:
                found += _walk(inner, type_checking)
        else:
            found += _walk(child, type_checking)
    return found


def _absolute(importer: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    is_package = modules()[importer].name == "__init__.py"
    base = importer.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join([*base, *([node.module] if node.module else [])])


@cache
def project_imports() -> tuple[Import, ...]:
    """Every import of a project module by a project module (lazy ones inside functions too)."""
    known = modules()
    found: list[Import] = []
    for importer, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node, type_checking in _walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if stage(alias.name) in PACKAGES:
                        found.append(Import(importer, alias.name, None, node.lineno, type_checking))
                continue
            assert isinstance(node, ast.ImportFrom)
            source = _absolute(importer, node)
            if stage(source) not in PACKAGES:
                continue
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in known:  # ``from package import submodule``
                    found.append(Import(importer, submodule, None, node.lineno, type_checking))
                else:
                    found.append(Import(importer, source, alias.name, node.lineno, type_checking))
    return tuple(found)


def declared_all(package: str) -> list[str]:
    """The ``__all__`` list of a package's ``__init__.py``, read from its source."""
    tree = ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, list | tuple), package
            return [str(name) for name in value]
    return []
