"""The models of storage/schema.py are the database the migrations make: the same tables, the
same columns, nullability, primary keys and types, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, TypeDecorator, create_engine, inspect

from complaintctl.domain.vocabulary import SURVEY_QUESTIONS
from complaintctl.storage import schema, statements

pytestmark = pytest.mark.both_databases

# Types a migration may spell differently on each database but that hold the same values.
FAMILIES = ((Boolean, "boolean"), (Date, "date"), (Integer, "integer"), (String, "text"))


def family(column_type) -> str:
    column_type = plain(column_type)
    for kind, name in FAMILIES:
        if isinstance(column_type, kind):
            return name
    return type(column_type).__name__


def plain(column_type):
    """A type as the database sees it: SQLModel's AutoString is a VARCHAR."""
    return column_type.impl_instance if isinstance(column_type, TypeDecorator) else column_type


def differences(location: str, metadata: MetaData) -> list[str]:
    """Every way the database at `location` differs from the tables of `metadata`."""
    engine = create_engine(location if "://" in location else f"sqlite:///{location}")
    try:
        inspector = inspect(engine)
        found = set(inspector.get_table_names()) - {"sqlite_sequence"}
        wanted = set(metadata.tables)
        problems = [f"table {name} is not in the models" for name in sorted(found - wanted)]
        problems += [f"table {name} is not in the database" for name in sorted(wanted - found)]
        for name in sorted(found & wanted):
            problems += table_differences(name, inspector, metadata.tables[name])
        return problems
    finally:
        engine.dispose()


def table_differences(name: str, inspector, model) -> list[str]:
    stored = {column["name"]: column for column in inspector.get_columns(name)}
    problems = [f"{name}.{column} is not in the model" for column in stored if column not in model.c]
    problems += [f"{name}.{column.name} is not in the database" for column in model.c if column.name not in stored]
    primary = set(inspector.get_pk_constraint(name)["constrained_columns"])
    if primary != {column.name for column in model.primary_key}:
        problems.append(f"{name} has primary key {sorted(primary)}, the model {[c.name for c in model.primary_key]}")
    for column in model.c:
        have = stored.get(column.name)
        if have is None:
            continue
        where = f"{name}.{column.name}"
        if family(have["type"]) != family(column.type):
            problems.append(f"{where} is {have['type']!r} in the database, {column.type!r} in the model")
        length = getattr(plain(column.type), "length", None)
        if length is not None and getattr(have["type"], "length", None) != length:
            problems.append(f"{where} holds {getattr(have['type'], 'length', None)} characters in the database, {length} in the model")
        # A primary key is never null; SQLite's catalogue does not always say so.
        if not column.primary_key and have["nullable"] != column.nullable:
            problems.append(f"{where} is {'' if have['nullable'] else 'not '}nullable in the database, the reverse in the model")
    return problems


def test_a_migrated_database_is_the_models(cli, db_location):
    assert differences(db_location, schema.metadata) == []


def test_a_difference_is_found(cli, db_location):
    """The comparison above can fail: a column added, a nullability or a type changed."""
    altered = MetaData()
    for table in schema.metadata.tables.values():
        table.to_metadata(altered)
    altered.tables["learning"].append_column(Column("reviewed_on", Date))
    altered.tables["cases"].c.handler.nullable = False
    altered.tables["surveys"].c.kept_informed.type = Integer()
    altered.tables["events"].c.kind.type = String(30)
    assert differences(db_location, altered) == [
        "cases.handler is nullable in the database, the reverse in the model",
        "events.kind holds 40 characters in the database, 30 in the model",
        "learning.reviewed_on is not in the database",
        "surveys.kept_informed is BOOLEAN() in the database, Integer() in the model",
    ]



def test_the_statements_name_the_columns_of_the_models():
    """statements.py spells out columns (the reader cannot load the models): the same ones."""
    tables = schema.metadata.tables
    dated = {column.name for table in tables.values() for column in table.c if isinstance(column.type, Date)}
    undated = {column.name for table in tables.values() for column in table.c if not isinstance(column.type, Date)}
    assert statements.DATE_COLUMNS == dated
    assert not dated & undated, "a date is recognised by its column's name"

    def columns(name: str) -> list[str]:
        return [column.name for column in tables[name].c if column.name not in ("id", "reference")]

    assert list(statements.EVENT_COLUMNS) == columns("events")
    assert list(statements.CASE_COLUMNS) == columns("cases")
    assert list(statements.STAGE_COLUMNS) == columns("stages")
    assert list(statements.ACTION_COLUMNS) == columns("actions")
    assert statements.RECORD_TABLES == tuple(table.name for table in schema.RECORD_TABLES)
    for table in statements.RECORD_TABLES:
        assert list(statements.RECORD_COLUMNS[table]) == columns(table), table
    assert columns("surveys")[3:] == list(SURVEY_QUESTIONS)
