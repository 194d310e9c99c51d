"""No SQL outside storage/: every other module (flows, reports, the crawler, benchmarks...)
asks :mod:`storage` by name for what it needs and gets rows back.

The check reads each module's syntax tree. Outside ``storage/`` (and ``tests/``) a module may
name an engine or a session to pass it on, and nothing more:

- of SQLAlchemy it imports only connection handles (``Engine``, ``make_url``), and the types
  ``Session``, ``Column`` and ``Table`` for annotations; no statement construct (``select``,
  ``insert``, ``update``, ``delete``, ``text``, ``func``...), no ``import sqlalchemy``;
- it imports no database driver (sqlite3, psycopg...) nor Alembic;
- it never names an ORM table class (``storage.Page``...): rows come out of storage as rows;
- it calls no statement method (``execute``, ``scalars``, ``read_sql``...) on anything, and
  on a session it holds only transaction control (``commit``, ``rollback``, ``close``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import storage

ROOT = Path(__file__).resolve().parent.parent
#: Folders whose modules may speak SQL (or are not the project's code).
SQL_HOMES = {"storage", "tests"}
SKIPPED = {".venv", "venv", "build", "dist", "node_modules", "__pycache__"}

#: What of SQLAlchemy a module may import to hold and pass on a connection.
HANDLES = {"Engine", "make_url"}
#: Types a module may name in annotations only (a handle's type, a column described in docs).
ANNOTATION_ONLY = {"Session", "Column", "Table"}
DRIVERS = {"sqlite3", "psycopg", "psycopg2", "pymysql", "MySQLdb", "mariadb", "alembic"}
#: Methods that run a statement, whatever object they are called on.
STATEMENT_METHODS = {
    "execute",
    "executemany",
    "exec_driver_sql",
    "scalar",
    "scalars",
    "scalar_one",
    "scalar_one_or_none",
    "read_sql",
    "read_sql_query",
    "read_sql_table",
    "to_sql",
}
#: What a module may do with a session it opened or was given: decide its transaction.
TRANSACTION_CONTROL = {"commit", "rollback", "close", "begin"}
#: Every ORM table class (read from the models, so a new table is covered too).
MAPPED = {mapper.class_.__name__ for mapper in storage.Base.registry.mappers}


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    function: str | None  # the top-level function or method it is in
    what: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.what}"


def modules() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in SQL_HOMES or any(p in SKIPPED or p.startswith(".") for p in parts):
            continue
        yield path


def _annotation_nodes(tree: ast.AST) -> set[int]:
    """The ids of every node inside a type annotation."""
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.annotation is not None:
            roots.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
            roots.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
    return {id(inner) for root in roots for inner in ast.walk(root)}


def _enclosing_functions(tree: ast.Module) -> dict[int, tuple[str, ast.AST]]:
    """node id -> (the name of the outermost function or method it is in, the innermost
    function it is in: the scope of its local names)."""
    owner: dict[int, tuple[str, ast.AST]] = {}

    def visit(node: ast.AST, outer: str | None, inner: ast.AST | None) -> None:
        for child in ast.iter_child_nodes(node):
            child_outer, child_inner = outer, inner
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                child_outer = outer or getattr(child, "name", None)
                child_inner = child
            if child_outer is not None and child_inner is not None:
                # A function's own arguments are in its scope; its name is in the outer one.
                owner[id(child)] = (child_outer, child_inner)
            visit(child, child_outer, child_inner)

    visit(tree, None, None)
    return owner


def _is_session_source(expr: ast.AST) -> bool:
    """Whether ``expr`` opens a session: ``storage.sessions(engine)()`` or ``.begin()``."""
    return any(
        isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Attribute) and node.func.attr == "sessions")
            or (isinstance(node.func, ast.Name) and node.func.id == "sessions")
        )
        for node in ast.walk(expr)
    )


def violations(source: str, module: str) -> list[Violation]:
    tree = ast.parse(source)
    annotations = _annotation_nodes(tree)
    owner = _enclosing_functions(tree)
    found: list[Violation] = []

    def flag(node: ast.AST, what: str) -> None:
        function = owner[id(node)][0] if id(node) in owner else None
        found.append(Violation(module, getattr(node, "lineno", 0), function, what))

    def scope(node: ast.AST) -> int:
        return id(owner[id(node)][1]) if id(node) in owner else 0

    forbidden: dict[str, str] = {}  # local name -> what it is
    annotation_only: set[str] = set()
    session_types = {"Session"}  # its local names
    sessions: set[tuple[int, str]] = set()  # (scope, name) of every session held
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                root = alias.name.split(".")[0]
                if root == "sqlalchemy":
                    flag(node, f"import {alias.name}: import the handle you need by name")
                elif root in DRIVERS:
                    flag(node, f"import {alias.name}: a database driver outside storage/")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            root = node.module.split(".")[0]
            for alias in node.names:
                local = alias.asname or alias.name
                if root in DRIVERS:
                    flag(node, f"from {node.module} import: a database driver outside storage/")
                elif root == "sqlalchemy" and alias.name in ANNOTATION_ONLY:
                    annotation_only.add(local)
                    if alias.name == "Session":
                        session_types.add(local)
                elif root == "sqlalchemy" and alias.name not in HANDLES:
                    forbidden[local] = f"sqlalchemy's {alias.name}"
                elif root == "storage" and alias.name in MAPPED:
                    forbidden[local] = f"the ORM table {alias.name}"
        elif isinstance(node, ast.arg) and isinstance(node.annotation, ast.Name | ast.Constant):
            named = getattr(node.annotation, "id", getattr(node.annotation, "value", None))
            if named in session_types:
                sessions.add((scope(node), node.arg))
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name) and _is_session_source(
                    item.context_expr
                ):
                    sessions.add((scope(node), item.optional_vars.id))

    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in forbidden:
            flag(node, f"uses {forbidden[node.id]}")
        elif (
            isinstance(node, ast.Name)
            and node.id in annotation_only
            and id(node) not in annotations
        ):
            flag(node, f"uses {node.id} outside an annotation")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "storage"
            and node.attr in MAPPED
        ):
            flag(node, f"uses the ORM table storage.{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method, receiver = node.func.attr, node.func.value
            if method in STATEMENT_METHODS:
                flag(node, f"runs a statement (.{method})")
            elif (
                isinstance(receiver, ast.Name)
                and (scope(node), receiver.id) in sessions
                and method not in TRANSACTION_CONTROL
            ):
                flag(node, f"calls {receiver.id}.{method}: ask storage/ by name instead")
    return found


def test_no_sql_outside_storage() -> None:
    found = []
    for path in modules():
        module = path.relative_to(ROOT).as_posix()
        found += violations(path.read_text(encoding="utf-8"), module)
    assert not found, "SQL outside storage/:\n" + "\n".join(map(str, found))


def test_the_check_sees_sql_however_it_is_spelled() -> None:
    source = """
from sqlalchemy import Engine, func as f, select
from sqlalchemy.orm import Session
import storage
from storage import Page as P, home

def counted(engine: Engine) -> int:
    with storage.sessions(engine).begin() as tx:
        tx.add(storage.Site(seed_url="x"))  # SQL
        return tx.get(P, 1).id  # SQL

def pages(session: Session) -> object:
    session.merge(object())  # SQL
    return Session(bind=None), session.scalars(select(f.count()))  # SQL

def fine(engine: Engine, session: Session, cookie: str) -> None:
    with storage.sessions(engine)() as s:
        s.commit()
    home()

    def inner(session: str) -> bytes:
        return session.encode()  # a string of the same name, in its own scope
"""
    found = violations(source, "x.py")
    marked = {n for n, line in enumerate(source.splitlines(), 1) if line.endswith("# SQL")}
    assert {v.line for v in found} == marked, found
    assert not [v for v in found if v.function == "fine"]
