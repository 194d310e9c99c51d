"""The tables described for people: what the data dictionary (``flows.data_dictionary``)
prints, read off the ORM models so it cannot drift from them."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Column, Table
from sqlalchemy.dialects import sqlite

from storage.tables import Base


@dataclass(frozen=True)
class ColumnDescription:
    name: str
    type: str  # as SQLite spells it, lower case
    nullable: bool
    key: str  # primary key, → the column it refers to, unique (comma-separated)
    doc: str  # the model's ``doc=``; empty if it has none


@dataclass(frozen=True)
class TableDescription:
    name: str
    doc: str  # the model's docstring on one line
    columns: list[ColumnDescription]


def described_tables() -> list[TableDescription]:
    """Every table by name, with its columns in their order."""
    tables = []
    for mapper in Base.registry.mappers:
        table = cast(Table, mapper.local_table)
        columns = [
            ColumnDescription(
                column.name,
                str(column.type.compile(dialect=sqlite.dialect())).lower(),
                bool(column.nullable),
                _key(column),
                mapper.get_property_by_column(column).doc or "",
            )
            for column in table.columns
        ]
        doc = " ".join(inspect.cleandoc(mapper.class_.__doc__ or "").split())
        tables.append(TableDescription(table.name, doc, columns))
    return sorted(tables, key=lambda t: t.name)


def _key(column: Column[Any]) -> str:
    parts = []
    if column.primary_key:
        parts.append("primary key")
    parts += [f"→ {fk.target_fullname}" for fk in column.foreign_keys]
    if column.unique:
        parts.append("unique")
    return ", ".join(parts)
