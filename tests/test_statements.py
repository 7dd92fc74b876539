"""Every statement of storage/statements.py runs on a migrated database: through sqlite3 and
through SQLAlchemy on SQLite, and through SQLAlchemy on PostgreSQL. So a typo or a renamed column
fails here, and the two ways of reading and writing SQLite give the same answers and leave the
same rows on the same data."""

from __future__ import annotations

import re
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from freezegun import freeze_time

from complaintctl.domain import vocabulary
from complaintctl.domain.events import CASE_KINDS
from complaintctl.storage import statements
from complaintctl.storage.queries import Queries
from complaintctl.storage.reader import Reader, connect
from complaintctl.storage.writer import Writer, open_writer
from complaintctl.storage.writes import Writes
from conftest import Cli
from test_report_read_path import TODAY, recorded

pytestmark = pytest.mark.both_databases

# How each public name of statements.py is tried. A new name must be added here.
READS = {
    "SQLITE_HAS_MIGRATIONS": "sqlite", "POSTGRES_HAS_MIGRATIONS": "postgresql", "SQLITE_INTEGRITY_CHECK": "sqlite",
    "APPLIED_MIGRATIONS": "both", "META": "both", "COUNTER": "both", "COUNTERS": "both", "CASE_ID": "both", "REFERENCES_STARTING": "both",
    "REFERENCES_AMONG": "both", "CASE_IDS_AMONG": "both", "SQLITE_OPEN_LOOK_ALIKES": "sqlite", "POSTGRES_OPEN_LOOK_ALIKES": "postgresql",
    "EVENTS": "both", "CASE_CHAIN_HASH": "both", "EVENTS_OF_CASES": "both", "CASES_CHANGED_AFTER": "both",
    "CASES_TO_REDERIVE": "both",
    "POLICY_VERSIONS": "both", "LATEST_POLICY_FINGERPRINT": "both", "UNCHAINED_POLICY_VERSION_COUNT": "both",
    "OFFICERS": "both", "OPEN_CASES_HANDLED_BY": "both",
    "RESTRICTIONS": "both", "ACTIVE_RESTRICTIONS": "both", "RESTRICTION": "both", "RESTRICTION_REVIEWS_DUE_BY": "both",
    "DEADLINES_DUE_BY": "both", "ACTIONS_DUE_BY": "both", "ORDERS_DUE_BY": "both", "OPEN_CASES": "both",
    "ANNUAL_RECEIVED": "both", "ANNUAL_THEMES": "both", "RECEIVED_MONTHS": "both", "CLOSED_MONTHS": "both",
    "STAGES_RECEIVED": "both", "STAGES_THEMES": "both", "STAGES_CLOSED": "both", "STAGES_REFUSED": "both",
    "ANNUAL_CLOSED": "both", "ANNUAL_REFUSED": "both", "ANNUAL_FEEDBACK": "both", "ANNUAL_ANONYMOUS": "both", "LEARNING_COUNT": "both",
    "LEARNING_LISTED": "both", "OMBUDSMAN_COUNTS": "both", "OMBUDSMAN_FINDINGS": "both", "OMBUDSMAN_ORDERS": "both",
    "SURVEY_ANSWERS": "both", "HOUSING_ONLY": "both", "LEARNING_ACTIONS": "both", "HOUSING_LEARNING_ACTIONS": "both",
    "SELF_ASSESSMENT_RECEIVED": "both", "SELF_ASSESSMENT_CLOSED": "both", "SELF_ASSESSMENT_ESCALATIONS": "both",
    "SELF_ASSESSMENT_HANDLERS": "both", "SELF_ASSESSMENT_REFUSED": "both", "SELF_ASSESSMENT_BEYOND_CAP": "both",
    "CASE_REFERENCES": "both", "EVENTS_BY_ID": "both", "EVENTS_BY_CASE": "both",
    "CASES_BY_ID": "both", "STAGES_BY_CASE": "both", "ACTIONS_BY_CASE": "both", "RECORDS_BY_CASE": "both",
    "EVENTS_WITH_WORDS": "both", "HISTORIES_BY_CASE": "both", "CASES_AS_EXPORTED": "both", "STAGES_OF_CASES": "both", "ACTIONS_OF_CASES": "both", "EXTERNAL_REFS": "both", "CASES_OF_EXTERNAL_REF": "both", "EVENT_LINKS": "both", "RETENTION_DUE": "both",
    "SQLITE_TRIGGER_TEXT": "sqlite", "SQLITE_INDEX_TEXTS": "sqlite", "LAST_CASE_ID": "both", "LAST_STAGE_ID": "both",
}
WRITES = {
    "CREATE_MIGRATIONS_TABLE", "RECORD_MIGRATION", "UPDATE_META", "INSERT_META", "INSERT_COUNTER", "UPDATE_COUNTER",
    "INSERT_EVENT", "INSERT_CASE", "UPDATE_CASE", "INSERT_STAGE", "DELETE_STAGES", "INSERT_ACTION", "DELETE_ACTIONS",
    "INSERT_RECORDS", "DELETE_RECORDS", "INSERT_POLICY_VERSION", "CHAIN_POLICY_VERSION", "INSERT_OFFICER", "RETIRE_OFFICER", "CHANGE_OFFICER_ROLES",
    "INSERT_RESTRICTION", "END_RESTRICTION", "REDACT_EVENT", "REDACT_RESTRICTIONS",
}
# Run as the connections and transactions use them (test_connection_statements).
CONNECTION = {
    "SQLITE_BUSY_TIMEOUT", "SQLITE_SETTINGS", "SQLITE_READ_ONLY", "BEGIN", "COMMIT", "ROLLBACK", "SQLITE_BEGIN_WRITE",
    "POSTGRES_WRITE_LOCK", "POSTGRES_FOR_UPDATE",
    # Run after a redaction, outside any transaction (test_retention.py).
    "SQLITE_RECLAIM", "POSTGRES_RECLAIM",
}
# Run by an import on SQLite, where test_import_batched.py compares the month figures they add
# with those the trigger adds step by step.
SQLITE_IMPORT = {"SQLITE_COUNT_RECEIVED_MONTHS_AFTER", "SQLITE_COUNT_CLOSED_MONTHS_AFTER"}
# Parts of the statements that `list_cases` and `actions` put together (COMPOSED and SEARCHES below).
# SQLITE_LIST_CASES_JSON, LIST_CASES as each row's JSON on SQLite, is tried against json's own
# text in test_list_json.py.
FRAGMENTS = {
    "LIST_CASES", "LIST_FILTERS", "LIST_ORDER", "LIMIT", "ACTIONS", "OUTSTANDING", "ACTIONS_ORDER",
    "LIST_SEARCH", "LIST_NOT_CLOSED", "SQLITE_LIST_CASES_JSON",
}
# Names, not SQL.
NOT_SQL = {
    "DATE_COLUMNS", "LIST_COLUMNS", "POSTGRES_WRITE_LOCK_KEY", "EVENT_COLUMNS", "CASE_COLUMNS", "STAGE_COLUMNS", "ACTION_COLUMNS", "CASE_EXPORT_COLUMNS",
    "RECORD_COLUMNS", "RECORD_TABLES", "POLICY_VERSION_COLUMNS", "OFFICER_COLUMNS",
    "RESTRICTION_COLUMNS", "BULK_TABLES",
}
COMPOSED = {
    "list_cases(every filter, limited)": statements.list_cases(statements.LIST_FILTERS, limited=True),
    "list_cases()": statements.list_cases(()),
    "list_cases(statuses, none closed)": statements.list_cases(["statuses"], not_closed=True),
    "actions()": statements.actions(),
    "actions(outstanding_only)": statements.actions(outstanding_only=True),
}
# `list --search`: the sample pattern is found only in a summary, kept in the cases' search text.
# `sar`'s cases about a person, by name, email and phone, in each database's words.
PERSON = ("names", "emails", "phones")
SEARCHES = {
    "sqlite": {
        "list_cases(search)": statements.list_cases((), search=statements.LIST_SEARCH),
        "person_cases": statements.sqlite_person_cases(PERSON),
    },
    "postgresql": {
        "list_cases(search)": statements.list_cases((), search=statements.LIST_SEARCH),
        "person_cases": statements.postgres_person_cases(PERSON),
    },
}

FIRST = "CMP-2025-00002"  # every kind of record (test_report_read_path.recorded): the deletes' case
PLAIN = "CMP-2026-00002"  # open, nothing recorded but its receipt: the inserts' and updates' case
DATES = {"start": date(2024, 4, 1), "end": date(2026, 3, 31), "as_of": date(2025, 7, 1), "cutoff": date(2027, 1, 1),
         "standing_on": date(2027, 1, 1),
         "today": date(2025, 1, 1), "received_from": date(2025, 1, 1), "received_to": date(2026, 12, 31)}
BOOLEANS = {"housing", "over_12_months", "in_time", "apology", "escalated_late", *statements.RECORD_COLUMNS["surveys"][3:]}
NUMBERS = {"stage": 1, "restriction_id": 1, "number": 99, "event_number": 1, "redacted_by": 2, "year": 2025, "last_number": 7, "limit": 10, "extension_days": 0,
           "compensation_pence": 5000, "amount_pence": 1000,
           # Every case, for the statements that read a few hundred at a time.
           "after": 0, "count": 1000, "first": 0, "last": 10**9,
           # Below any extension, so that the stages beyond the cap are every stage.
           "stage1_cap": -1, "stage2_cap": -1}
WORDS = {"key": "chain_head", "reference": FIRST, "prefix": "CMP", "beginning": "CMP-2025", "before": "CMP-2025\uffff",
         "type": "complaint", "case_type": "complaint", "status": "closed", "outcome": "upheld", "kind": "logged",
         "handler": "jo officer", "service": "repairs", "ombudsman": "HOS", "finding": "maladministration",
         "next_due_what": "respond", "details": "{}", "since": "2025-06-01T00:00:00+00:00",
         "name": "jo officer", "login": "jo",
         "search": "%repairs%", "external_ref": "SHEET-1",
         "other_than": FIRST, "same_service": "lettings", "same_name": "ann example", "same_email": "ann@example.org",
         "decided_by": '["Head of Service"]'}
# Values an insert needs to be new: a reference, a meta key, a counter, a migration. An update
# or a delete takes the readers' values, which name rows that exist.
NEW = {"reference": "TST-2026-00001", "key": "test", "prefix": "TST", "name": "999_test"}


def parameters(sql: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"(?<!:):([a-z_][a-z0-9_]*)", sql)))


def sample(name: str, case_id: int, new: bool) -> object:
    if new and name in NEW:
        return NEW[name]
    if name in ("case_id", "id"):
        return case_id
    if name in DATES or name in statements.DATE_COLUMNS:
        return DATES.get(name, date(2025, 6, 2))
    if name in BOOLEANS:
        return True
    if name in NUMBERS:
        return NUMBERS[name]
    return WORDS.get(name, f"a {name}")


def prepared(sql: str, case_ids: list[int], write: bool = False) -> tuple[str, dict]:
    """The statement with its lists spelled out, and a value for each parameter."""
    params: dict = {}
    lists = (
        ("case_ids", case_ids), ("kinds", list(CASE_KINDS)), ("statuses", ["closed", "open"]), ("references", [FIRST, PLAIN]),
        ("names", ["annexample", "jonobody"]), ("emails", ["ann@example.org"]), ("phones", ["01530454545"]),
    )
    for name, values in lists:
        if f":{name}" in sql:
            sql, expanded = statements.expand(sql, name, values)
            params.update(expanded)
    verb = sql.split()[0]
    new = write and verb == "INSERT"
    case_id = case_ids[-1] if write and verb in ("INSERT", "UPDATE") else case_ids[0]
    params.update({name: sample(name, case_id, new) for name in parameters(sql) if name not in params})
    if write and "id" in params:
        params["id"] = ROW_ID.get(written_table(sql), case_id)
    return sql, params


TABLE_WRITTEN = re.compile(r"(?:INSERT INTO|UPDATE|DELETE FROM|CREATE TABLE IF NOT EXISTS) (\w+)")
# The row a write names by its `id`, in a table other than `cases`: the seeded roster's first officer.
ROW_ID = {"officers": 1}


def written_table(sql: str) -> str:
    return TABLE_WRITTEN.match(sql.strip()).group(1)


def every_statement(kind: dict | set) -> Iterator[tuple[str, str]]:
    """(label, SQL) of each named statement, a dict's or tuple's one by one."""
    for name in sorted(kind):
        value = getattr(statements, name)
        if isinstance(value, str):
            yield name, value
        elif isinstance(value, dict):
            yield from ((f"{name}[{key}]", sql) for key, sql in value.items())
        else:
            yield from ((f"{name}[{index}]", sql) for index, sql in enumerate(value))


# -- running a statement three ways -----------------------------------------------------------------


@contextmanager
def through_sqlite3(location: str) -> Iterator[Writes]:
    """The light writer (which reads as the light reader does), in a transaction rolled back."""
    conn = sqlite3.connect(location, isolation_level=None)
    conn.execute(statements.SQLITE_BUSY_TIMEOUT)
    conn.execute(statements.BEGIN)
    try:
        yield Writer(location, conn)
    finally:
        conn.execute(statements.ROLLBACK)
        conn.close()


@contextmanager
def through_sqlalchemy(location: str) -> Iterator[Writes]:
    from complaintctl.storage.store import Store, Transaction

    store = Store.open(location)
    try:
        with store.engine.connect() as conn:
            transaction = conn.begin()
            try:
                yield Transaction(conn, store.is_sqlite)
            finally:
                transaction.rollback()
    finally:
        store.dispose()


def ways(location: str, backend: str) -> dict:
    if backend == "sqlite":
        return {"sqlite3": lambda: through_sqlite3(location), "SQLAlchemy": lambda: through_sqlalchemy(location)}
    return {"SQLAlchemy on PostgreSQL": lambda: through_sqlalchemy(location)}


def seed(cli: Cli) -> None:
    """Two years of every kind of record, an outstanding action, an open case handled by an
    officer, an anonymous complaint, and a team roster; every case a Housing Ombudsman case."""
    recorded(cli)
    with freeze_time(TODAY):
        cli.ok("action", "add", FIRST, "--what", "Call back", "--due", "2025-09-01", "--on", "2025-08-29")
        handled = cli.ok("log", "--name", "Cy Open", "--summary", "Open", "--received", "2026-03-03").stdout.split()[0]
        cli.ok("acknowledge", handled, "--handler", "Jo Officer", "--on", "2026-03-04")
        anonymous = cli.ok("log", "--anonymous", "--summary", "Anonymous", "--received", "2025-05-01").stdout.split()[0]
        cli.ok("acknowledge", anonymous, "--handler", "Jo Officer", "--on", "2025-05-02")
        cli.ok("close", anonymous, "--outcome", "upheld", "--reasons", "Missed", "--on", "2025-05-09")
        with tempfile.TemporaryDirectory() as folder:
            sheet = Path(folder) / "sheet.csv"
            sheet.write_text("Ref,Name,Date received,Details\nSHEET-1,Di Imported,02/06/2025,Fence\n")
            cli.ok("import", str(sheet))
        cli.ok("officer", "add", "Officer One", "--login", "officer.one")
        cli.ok("officer", "add", "Jo Officer", "--login", "jo", "--role", "handler", "--role", "reviewer")
        cli.ok(
            "restrict", "--name", "Cy Open", "--reason", "Abusive calls", "--arrangements", "Email only",
            "--decided-by", "jo", "--review", "2026-06-10", "--on", "2026-03-10",
        )
        # Every case a Housing Ombudsman case, so that the annual report's statements of those
        # cases alone (HOUSING_ONLY) read every kind of row too.
        for case in cli.ok("list", "--json").json():
            cli.ok("amend", case["reference"], "--housing", "--reason", "A landlord complaint", "--on", "2026-03-05")


@pytest.fixture
def database(cli, db_location) -> tuple[str, list[int]]:
    """A seeded database, and the ids of FIRST and PLAIN."""
    seed(cli)
    with through_sqlalchemy(db_location) as tx:
        return db_location, [tx.case_id(FIRST), tx.case_id(PLAIN)]


def run(tx: Queries, sql: str, params: dict) -> tuple[list[str], list[tuple]]:
    names, rows = tx.cursor(sql, params)
    return list(names), list(rows)


# -- the tests --------------------------------------------------------------------------------------


def test_every_name_is_tried():
    public = {name for name in vars(statements) if name.isupper() and not name.startswith("_") and name not in vars(vocabulary)}
    assert public == set(READS) | WRITES | CONNECTION | SQLITE_IMPORT | FRAGMENTS | NOT_SQL, "say in this file how to try it"


def test_every_read_runs_and_answers_the_same_every_way(database, backend):
    location, case_ids = database
    reads = [
        *every_statement({name for name, where in READS.items() if where in ("both", backend)}),
        *COMPOSED.items(),
        *SEARCHES[backend].items(),
    ]
    answers: dict[str, dict[str, tuple]] = {}
    for way, opened in ways(location, backend).items():
        with opened() as tx:
            for label, sql in reads:
                names, rows = run(tx, *prepared(sql, case_ids))
                assert rows, f"{label} read nothing {way}: the comparison would prove nothing"
                for name, value in ((name, value) for row in rows for name, value in zip(names, row)):
                    if name in statements.DATE_COLUMNS:
                        assert value is None or type(value) is date, f"{label} {way}: {name} is {value!r}"
                answers.setdefault(label, {})[way] = (names, rows)
    for label, by_way in answers.items():
        first, *others = by_way.values()
        for other in others:
            assert other == first, label


# Writes that act only on a row in a state the seeded database has moved past: that state is
# restored first, in the same rolled-back transaction (a version an upgrade left unchained).
UNDONE_FIRST = {
    "CHAIN_POLICY_VERSION": ("UPDATE policy_versions SET hash = '' WHERE number = :number", {"number": 1}),
    # A restriction that has ended (the seeded one is in force).
    "REDACT_RESTRICTIONS": ("UPDATE restrictions SET ended_on = :ended_on WHERE id = :restriction_id", {"ended_on": date(2026, 4, 1), "restriction_id": 1}),
}


def test_every_write_runs_and_leaves_the_same_rows_every_way(database, backend):
    """Each write through the transactions' own `write` (writes.Writes), in a transaction of its
    own rolled back: it changes a row (a table made if missing changes none), and on SQLite the
    light writer and the store leave the same rows in the table it wrote."""
    location, case_ids = database
    after: dict[str, dict[str, list]] = {}
    for way, opened in ways(location, backend).items():
        for label, sql in every_statement(WRITES):
            with opened() as tx:
                written, params = prepared(sql, case_ids, write=True)
                if label in UNDONE_FIRST:
                    undo, row = UNDONE_FIRST[label]
                    params.update(row)
                    tx.write(undo, **params)
                changed = tx.write(written, **params)
                if not sql.startswith("CREATE"):
                    assert changed >= 1, f"{label} changed no row {way}: the comparison would prove nothing"
                rows = tx.dicts(f"SELECT * FROM {written_table(sql)}")
                after.setdefault(label, {})[way] = sorted(rows, key=repr)
    for label, by_way in after.items():
        first, *others = by_way.values()
        for other in others:
            assert other == first, label


def test_many_rows_are_written_alike_every_way(database, backend):
    """`write_rows`, the one statement for many rows (events, stages, actions, records)."""
    location, case_ids = database
    row = {name: sample(name, case_ids[-1], True) for name in statements.ACTION_COLUMNS}
    rows = [{**row, "number": number} for number in (97, 98)]
    after = {}
    for way, opened in ways(location, backend).items():
        with opened() as tx:
            tx.write_rows(statements.INSERT_ACTION, rows)
            tx.write_rows(statements.INSERT_ACTION, [])
            after[way] = tx.dicts(statements.ACTIONS_BY_CASE)
            assert [row["number"] for row in after[way] if row["case_id"] == case_ids[-1]] == [97, 98], way
    first, *others = after.values()
    assert all(other == first for other in others)


def test_connection_statements(database, backend):
    location, case_ids = database
    if backend == "sqlite":
        conn = connect(location)  # the light reader's: busy timeout, read only
        try:
            conn.execute(statements.BEGIN)
            conn.execute(statements.COMMIT)
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                conn.execute(statements.UPDATE_META, {"key": "test", "value": "x"})
        finally:
            conn.close()
        conn = sqlite3.connect(location, isolation_level=None)
        try:
            for setting in (statements.SQLITE_BUSY_TIMEOUT, *statements.SQLITE_SETTINGS):
                conn.execute(setting)
            conn.execute(statements.SQLITE_BEGIN_WRITE)
            conn.execute(statements.COMMIT)
        finally:
            conn.close()
        writer = open_writer(location)  # the light writer's: the store's settings, BEGIN IMMEDIATE
        try:
            pragmas = ("busy_timeout", "journal_mode", "foreign_keys", "synchronous")
            assert [writer.value(f"PRAGMA {name}") for name in pragmas] == [30000, "wal", 1, 2]
            with writer.writing() as tx:
                tx.set_meta("test", "kept")
            with pytest.raises(ZeroDivisionError), writer.writing() as tx:
                tx.set_meta("test", "rolled back")
                1 / 0
            with writer.reading() as tx:
                assert tx.meta("test") == "kept"
            assert not writer.conn.in_transaction
        finally:
            writer.dispose()
        return
    with through_sqlalchemy(location) as tx:
        tx.run(statements.POSTGRES_WRITE_LOCK, {})
        for sql in (statements.COUNTER, statements.META):
            _, params = prepared(sql, case_ids)
            assert tx.tuples(sql + statements.POSTGRES_FOR_UPDATE, **params)


def test_the_read_methods_answer_alike(database, backend, tmp_path):
    """What the reports and services call (queries.Queries). On SQLite: the light reader and the
    store. On PostgreSQL: the store, and the reader of a SQLite file the same commands made."""
    location, case_ids = database
    if backend == "sqlite":
        answers = []
        for opened in ways(location, backend).values():
            with opened() as tx:
                answers.append(every_answer(tx, case_ids))
        assert answers[0] == answers[1]
        assert typed(answers[0]) == typed(answers[1])
        return
    twin = Cli(str(tmp_path / "twin.db"))
    twin.ok("init")
    seed(twin)
    with through_sqlalchemy(location) as tx:
        postgres = every_answer(tx, case_ids)
    reader = Reader(twin.db, connect(twin.db))
    try:
        with reader.reading():
            sqlite = every_answer(reader, case_ids)
    finally:
        reader.dispose()
    assert postgres == sqlite
    # The same types too, but for a sum in pence: PostgreSQL's sum of a BIGINT is a Decimal.
    assert typed(postgres) == typed(sqlite)


def every_answer(tx: Queries, case_ids: list[int]) -> dict[str, object]:
    start, end = DATES["start"], DATES["end"]
    return {
        "meta": bool(tx.meta("chain_head")),
        "policy_versions": [(version.number, version.policy.raw, version.note) for version in tx.policy_versions()],
        "officers": tx.officers(),
        "open_cases_handled_by": [tx.open_cases_handled_by(officer) for officer in tx.officers()],
        "restrictions": [tx.restrictions(), tx.restrictions(active_only=True), tx.restriction(1)],
        "restriction_reviews_due_by": tx.restriction_reviews_due_by(DATES["cutoff"], DATES["cutoff"]),
        "case_id": tx.case_id(FIRST),
        "references_starting": tx.references_starting("CMP-2025-0000", 3),
        "events": tx.events(case_ids[0]),
        # Each database has its own chain key, so a twin's hashes differ: the shape is compared.
        "case_chain_hash": len(tx.case_chain_hash(case_ids[0])),
        "histories": tx.histories(case_ids),
        "cases_changed_after": tx.cases_changed_after(DATES["as_of"], CASE_KINDS),
        "list_cases": [
            tx.list_cases(**filters)
            for filters in ({}, {"status": "closed"}, {"service": "REPAIRS", "stage": 2}, {"handler": "jo officer"},
                            {"received_from": date(2025, 6, 1), "received_to": date(2025, 12, 31)},
                            {"case_type": "compliment"}, {"limit": 2}, {"status": ["open", "acknowledged"]},
                            {"search": "REPAIRS"}, {"search": "ann ex", "limit": 1}, {"search": "cmp-2025-0000"})
        ],
        "person_cases": [
            tx.person_cases(names, emails, phones)
            for names, emails, phones in ((["ann example"], [], []), ([], ["ann@example.org"], []), ([], [], ["0"]), ([], [], []))
        ],
        "open_look_alikes": [
            tx.open_look_alikes(FIRST, date(2025, 1, 1), date(2026, 12, 31), service, name, email)
            for service, name, email in (("Lettings", "ANN EXAMPLE", None), ("lettings", None, "ann@example.org"), (None, "Ann Example", None))
        ],
        "deadlines_due_by": tx.deadlines_due_by(DATES["cutoff"]),
        "actions_due_by": tx.actions_due_by(DATES["cutoff"]),
        "orders_due_by": [tx.orders_due_by(DATES["cutoff"], DATES["cutoff"]), tx.orders_due_by(DATES["cutoff"], DATES["as_of"])],
        "all_actions": [tx.all_actions(), tx.all_actions(outstanding_only=True)],
        "received_by_date": sorted(tx.received_by_date(start, end)),
        "themes": sorted(tx.themes(start, end), key=repr),
        "closed_by_date": sorted(tx.closed_by_date(start, end)),
        "refusals": sorted(tx.refusals(start, end), key=repr),
        "feedback": sorted(tx.feedback(start, end)),
        "learning_count": tx.learning_count(start, end),
        "learning_listed": tx.learning_listed(start, end, 10),
        "ombudsman_counts": tx.ombudsman_counts(start, end),
        "ombudsman_findings": sorted(tx.ombudsman_findings(start, end)),
        "ombudsman_orders": sorted(tx.ombudsman_orders(start, end)),
        "survey_answers": tx.survey_answers(start, end),
        "self_assessment_received": sorted(tx.self_assessment_received(start, end, DATES["today"], (0, 0))),
        "self_assessment_closed": sorted(tx.self_assessment_closed(start, end)),
        "self_assessment_escalations": tx.self_assessment_escalations(start, end),
        "self_assessment_handlers": sorted(tx.self_assessment_handlers(start, end), key=repr),
        "self_assessment_refused": sorted(tx.self_assessment_refused(start, end), key=repr),
        "self_assessment_beyond_cap": tx.self_assessment_beyond_cap(start, end, (-1, -1), 10),
    }


def typed(value: object) -> object:
    """The types of every value inside `value`; a sum in pence may come back as a Decimal."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [typed(item) for item in value]
    if isinstance(value, Decimal):
        return int
    return type(value)


def test_the_transactions_are_what_the_services_and_reports_expect():
    """Both transaction types have every method of the protocols of services/context.py, with
    the same parameters (there is no type checker in the test run)."""
    import inspect

    from complaintctl.services.context import Reading, Writing
    from complaintctl.storage.store import Transaction

    def methods(protocol) -> dict:
        return {name: value for name, value in vars(protocol).items() if callable(value) and not name.startswith("_")}

    def names(function) -> list[str]:
        return [p.name for p in inspect.signature(function).parameters.values() if p.kind is not p.VAR_KEYWORD]

    for implementation, protocols in ((Reader, (Reading,)), (Writer, (Reading, Writing)), (Transaction, (Reading, Writing))):
        for protocol in protocols:
            for name, wanted in methods(protocol).items():
                have = getattr(implementation, name, None)
                assert callable(have), f"{implementation.__name__} has no {name}"
                if name != "list_cases":  # the protocol takes the filters as keywords
                    assert names(have) == names(wanted), f"{implementation.__name__}.{name}"


def test_the_light_writer_does_whatever_the_store_does():
    """The light writer stands in for the store on an up-to-date SQLite file, so a method the
    store's transaction has belongs on the classes both share (queries.Queries for a read,
    writes.Writes for a write), never on store.Transaction alone."""
    from complaintctl.storage.store import Transaction

    def public(cls) -> set[str]:
        return {name for name in dir(cls) if not name.startswith("_") and callable(getattr(cls, name))}

    assert public(Transaction) - public(Writer) == set(), "move it to storage/writes.py (or queries.py for a read)"
