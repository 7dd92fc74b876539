"""Take a database made by today's `init` back to the schema of the first release (only
001_initial applied), keeping its cases, to test the upgrade path on real data.

Each later migration's objects are listed here once; a new migration adds its line, and the
tests that upgrade an old database then cover it too.
"""

from __future__ import annotations

# What each migration after the first added, in statements that remove it again: SQLite and
# PostgreSQL both accept a text; a dict holds each database's own (a database missing from it
# has nothing to undo there).
UNDO = {
    "002_records": [
        "DROP TABLE ombudsman_findings",
        "DROP TABLE ombudsman_orders",
        "DROP TABLE ombudsman_cases",
        "DROP TABLE surveys",
        "DROP TABLE learning",
        "DROP INDEX ix_cases_type_received",
    ],
    "003_policy_versions": ["DROP TABLE policy_versions"],
    "004_policy_chain": ["ALTER TABLE policy_versions DROP COLUMN hash", "ALTER TABLE policy_versions DROP COLUMN prev_hash"],
    "005_officers": ["DROP TABLE officers"],
    "006_report_indexes": [
        "DROP INDEX IF EXISTS ix_stages_received_figures",
        "DROP INDEX IF EXISTS ix_stages_closed_figures",
        "ALTER TABLE stages DROP COLUMN case_type",
        "ALTER TABLE stages DROP COLUMN service",
        "ALTER TABLE stages DROP COLUMN category",
        "CREATE INDEX ix_stages_received ON stages (number, received_on)",
        "CREATE INDEX ix_stages_closed ON stages (number, closed_on)",
    ],
    "007_update_due": ["ALTER TABLE cases DROP COLUMN update_due"],
    "008_self_assessment": [
        "DROP INDEX ix_stages_self_assessment",
        "DROP INDEX IF EXISTS ix_stages_closed_figures",
        "ALTER TABLE stages DROP COLUMN escalated_late",
    ],
    "009_restrictions": ["DROP TABLE restrictions"],
    "011_external_ref": ["DROP INDEX ix_cases_external_ref", "ALTER TABLE cases DROP COLUMN external_ref"],
    "012_search_text": [
        "ALTER TABLE cases DROP COLUMN search_text",
        "ALTER TABLE officers DROP COLUMN roles_changed_at",
        "ALTER TABLE officers DROP COLUMN roles_changed_by",
    ],
    "013_redaction": ["ALTER TABLE events DROP COLUMN redacted_by"],
    "014_open_deadlines": ["DROP INDEX ix_cases_open_deadlines"],
    # Dropping the function drops PostgreSQL's trigger with it; SQLite has no functions.
    "015_month_figures_live_cases": [
        "DROP TABLE received_months",
        "DROP TABLE closed_months",
        "DROP INDEX ix_cases_live",
        {"sqlite": "DROP TRIGGER stages_counted", "postgresql": "DROP FUNCTION count_stage_months CASCADE"},
        {"sqlite": "DROP TRIGGER stages_uncounted"},
        {"sqlite": "DROP TRIGGER stages_recounted"},
    ],
}


def later_migrations() -> list[str]:
    from complaintctl.storage.migrations import MIGRATIONS

    return [name for name, _ in MIGRATIONS[1:]]


def statements(dialect: str) -> list[str]:
    """The statements that undo every migration after the first, the latest first, for the
    database `dialect` ("sqlite" or "postgresql"): a statement given as a dict is that
    database's own, or none."""
    missing = set(later_migrations()) - set(UNDO)
    assert not missing, f"tests/first_release.py does not know how to undo {sorted(missing)}"
    undo = [
        statement if isinstance(statement, str) else statement[dialect]
        for name in reversed(later_migrations())
        for statement in UNDO[name]
        if isinstance(statement, str) or dialect in statement
    ]
    names = ", ".join(f"'{name}'" for name in later_migrations())
    return undo + [f"DELETE FROM schema_migrations WHERE name IN ({names})"]


def sqlite(path) -> None:
    import sqlite3

    with sqlite3.connect(path) as conn:
        for statement in statements("sqlite"):
            conn.execute(statement)


def postgresql(url: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        for statement in statements("postgresql"):
            conn.execute(statement)
