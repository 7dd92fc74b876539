"""The writes of a transaction, written once for the light SQLite writer and the full store.

`Writes` adds to the reads of queries.Queries every write the services make: a reference, the
events with their keyed chain hash, the projected rows of a case, the policy's versions, the
team roster. Each is a statement of statements.py, sent through two methods its subclasses
give, as `run` for the reads: `execute` (one statement, one set of parameters) and
`execute_many` (one statement, many rows). writer.Writer runs them with `sqlite3`,
store.Transaction with SQLAlchemy (SQLite or PostgreSQL), so both write the same rows.

A write method belongs here, not in one of the subclasses: the writer stands in for the store
whenever a command runs on an up-to-date SQLite file, and must be able to do whatever the store
does there (tests/test_statements.py holds the two to the same methods).

Imports neither SQLAlchemy nor SQLModel: the light writer loads this module.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from complaintctl.domain.records import has_records
from complaintctl.errors import StorageError
from complaintctl.storage import statements
from complaintctl.storage.chainkey import KEY_ID, KEYED_AFTER, Keyring, make_key
from complaintctl.storage.projection import (
    action_rows,
    case_values,
    details_text,
    event_hash,
    policy_version_hash,
    policy_version_row,
    ReadyEvent,
    chained_event,
    ready_event,
    record_rows,
    stage_rows,
)
from complaintctl.storage.queries import CASES_A_STATEMENT, Queries

if TYPE_CHECKING:
    from complaintctl.domain.case import Case
    from complaintctl.domain.events import Event
    from complaintctl.domain.officers import Officer
    from complaintctl.domain.policy import PolicyVersion
    from complaintctl.domain.restrictions import Restriction


def utc_text(moment: datetime) -> str:
    """A moment as the roster keeps it, and as the events' recorded times compare: ISO text in UTC."""
    return (moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).isoformat()


class NewCases(NamedTuple):
    """New cases as their rows will be stored, without their ids (`Writes.new_cases`): for each
    case in order, its `cases` row (with its reference), its stages' and actions' rows, its
    records' rows by table (None without any) and its events made ready (projection.ready_event)."""

    cases: list[dict[str, Any]]
    stages: list[list[dict[str, Any]]]
    actions: list[list[dict[str, Any]]]
    records: list[dict[str, list[dict[str, Any]]] | None]
    events: list[list[ReadyEvent]]


def _ready(events: Sequence["Event"], moments: dict[datetime, str]) -> list[ReadyEvent]:
    """Events made ready to be stored (projection.ready_event), each moment spelled once
    (`moments`: the events of one command share the moment they were recorded)."""
    ready = []
    for item in events:
        moment = moments.get(item.recorded_at)
        if moment is None:
            moment = moments[item.recorded_at] = item.recorded_at.isoformat()
        ready.append(ready_event(item, moment))
    return ready


def _spell_dates(rows: Sequence[dict[str, Any]], spelled: dict[date, str]) -> None:
    """The dates of rows of one statement (the same columns: statements.DATE_COLUMNS among them
    found once, from the first row) made ISO text in the rows themselves, as SQLite keeps them,
    each day spelled once (`spelled`; the rows of a batch of cases share a few thousand days)."""
    if not rows:
        return
    dated = [name for name in rows[0] if name in statements.DATE_COLUMNS]
    for row in rows:
        for name in dated:
            value = row[name]
            if isinstance(value, date):
                text = spelled.get(value)
                if text is None:
                    text = spelled[value] = value.isoformat()
                row[name] = text


class Writes(Queries):
    """Every write of one write transaction, each one statement of statements.py; the
    transaction holds the database's write lock from its first statement."""

    # The chain keys found so far (a subclass gives each store or writer its own).
    keys: Keyring
    # Each case is written as each step derives it (services/context.py Writing).
    keeps_cases_derived = False
    # Appended to a SELECT of rows to be written back: PostgreSQL locks them; a SQLite writer
    # holds the whole file already.
    for_update = ""

    def execute(self, sql: str, params: Mapping[str, Any]) -> int:
        """Run one statement with parameters as the database keeps them; the rows it changed."""
        raise NotImplementedError

    def execute_many(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run one statement once for each of `rows` (at least one), bound as `execute` binds."""
        raise NotImplementedError

    # -- running a statement -----------------------------------------------------------------------

    def write(self, sql: str, **params: Any) -> int:
        """Run one statement; the number of rows it changed."""
        return self.execute(sql, self.bound(params))

    def write_rows(self, sql: str, rows: list[dict[str, Any]]) -> None:
        """One statement for many rows; none for none. The rows of one statement have the same
        columns; on SQLite their dates are made ISO text in the rows themselves (`_spell_dates`),
        which the methods here make for the one statement."""
        if not rows:
            return
        if self.dates_as_text:
            _spell_dates(rows, {})
        self.execute_many(sql, rows)

    # -- meta --------------------------------------------------------------------------------------

    def set_meta(self, key: str, value: str) -> None:
        if self.write(statements.UPDATE_META, key=key, value=value) == 0:
            self.write(statements.INSERT_META, key=key, value=value)

    # -- the policy's versions ----------------------------------------------------------------------

    def add_policy_version(self, version: "PolicyVersion") -> None:
        """Store a policy version, chained after whatever was recorded last, under the chain key as
        an event is (without it nothing is written). A database from before keys chains it
        without one, as its events, until its first keyed step."""
        head = self.value(statements.META + self.for_update, key="chain_head") or ""
        wanted = self.meta(KEY_ID)
        try:
            key = self.keys.secret(wanted) if wanted is not None else None
        except StorageError as missing:
            raise StorageError(f"storing the policy as a new version needs the chain key, and {missing}") from None
        head = self.chain_policy_versions(head, key)
        row = policy_version_row(version)
        digest = policy_version_hash(row, head, key)
        self.write(statements.INSERT_POLICY_VERSION, **row, prev_hash=head, hash=digest)
        self.set_meta("chain_head", digest)

    def chain_policy_versions(self, head: str, key: bytes | None) -> str:
        """Chain, after `head`, the versions an upgrade left unchained because the key of the
        database was not where it ran (migrations.m004); returns the new head."""
        if not self.value(statements.UNCHAINED_POLICY_VERSION_COUNT):
            return head
        for row in self.dicts(statements.POLICY_VERSIONS):
            if row["hash"]:
                continue
            digest = policy_version_hash(row, head, key)
            self.write(statements.CHAIN_POLICY_VERSION, number=row["number"], prev_hash=head, hash=digest)
            head = digest
        self.set_meta("chain_head", head)
        return head

    # -- the team roster -----------------------------------------------------------------------------

    def add_officer(self, officer: "Officer") -> int:
        """Put an officer on the roster; returns the id the roster gave them."""
        self.write(
            statements.INSERT_OFFICER,
            name=officer.name,
            login=officer.login,
            email=officer.email,
            roles=",".join(officer.roles),
            added_at=utc_text(officer.added_at),
            added_by=officer.added_by,
            retired_at=None,
            retired_by=None,
            roles_changed_at=None,
            roles_changed_by=None,
        )
        return max(row.id for row in self.officers())

    def retire_officer(self, officer_id: int, retired_at: datetime, retired_by: str) -> None:
        self.write(statements.RETIRE_OFFICER, id=officer_id, retired_at=utc_text(retired_at), retired_by=retired_by)

    def change_officer_roles(self, officer_id: int, roles: Sequence[str], changed_at: datetime, changed_by: str) -> None:
        """Replace a current officer's roles, keeping who changed them and when."""
        self.write(
            statements.CHANGE_OFFICER_ROLES,
            id=officer_id,
            roles=",".join(roles),
            roles_changed_at=utc_text(changed_at),
            roles_changed_by=changed_by,
        )

    # -- managed contact -------------------------------------------------------------------------------

    def add_restriction(self, restriction: "Restriction", recorded_on: date) -> int:
        """Record a restriction on the day `recorded_on` (as `overdue --as-of` counts it); returns its id."""
        self.write(
            statements.INSERT_RESTRICTION,
            name=restriction.name,
            email=restriction.email,
            phone=restriction.phone,
            reason=restriction.reason,
            arrangements=restriction.arrangements,
            decided_by=json.dumps(list(restriction.decided_by), ensure_ascii=False),
            decided_on=restriction.decided_on,
            review_on=restriction.review_on,
            recorded_on=recorded_on,
            recorded_at=utc_text(restriction.recorded_at),
            recorded_by=restriction.recorded_by,
            ended_on=None,
            ended_at=None,
            ended_by=None,
            end_reason=None,
        )
        return max(row.id for row in self.restrictions())

    def end_restriction(self, restriction_id: int, ended_on: date, ended_at: datetime, ended_by: str, reason: str) -> int:
        """End a restriction still in force; the number of rows changed (0 when it had ended)."""
        return self.write(
            statements.END_RESTRICTION,
            restriction_id=restriction_id,
            ended_on=ended_on,
            ended_at=utc_text(ended_at),
            ended_by=ended_by,
            end_reason=reason,
        )

    # -- references ----------------------------------------------------------------------------------

    def next_reference(self, prefix: str, year: int) -> str:
        """Allocate the next reference; the transaction's lock keeps it unique."""
        current = self.value(statements.COUNTER + self.for_update, prefix=prefix, year=year)
        if current is None:
            number = 1
            self.write(statements.INSERT_COUNTER, prefix=prefix, year=year, last_number=number)
        else:
            number = current + 1
            self.write(statements.UPDATE_COUNTER, prefix=prefix, year=year, last_number=number)
        return f"{prefix}-{year}-{number:05d}"

    def set_reference_counter(self, prefix: str, year: int, last_number: int) -> None:
        """Move on (or start) a year's counter: references up to `last_number` were given out by
        a batch of cases (`import`) that counted them itself."""
        if self.write(statements.UPDATE_COUNTER, prefix=prefix, year=year, last_number=last_number) == 0:
            self.write(statements.INSERT_COUNTER, prefix=prefix, year=year, last_number=last_number)

    # -- events --------------------------------------------------------------------------------------

    def append(self, reference: str, case_id: int, events: list["Event"]) -> None:
        """Append events to a case's history, chaining each to the previous event recorded under
        the database's chain key; without the key nothing is written."""
        self.append_many([(reference, case_id, events)])

    def append_many(self, histories: Sequence[tuple[str, int, list["Event"]]]) -> None:
        """Append the events of many cases (reference, case id, its new events), chained in the
        order given as one `append` after another would chain them, in one statement."""
        moments: dict[datetime, str] = {}
        self.append_ready([(reference, case_id, _ready(events, moments)) for reference, case_id, events in histories])

    def append_ready(self, histories: Sequence[tuple[str, int, list[ReadyEvent]]]) -> None:
        """`append_many` for events made ready to be stored (projection.ready_event), as an
        import's workers make them."""
        if not any(events for _, _, events in histories):
            return
        head = self.value(statements.META + self.for_update, key="chain_head") or ""
        key = self.chain_key(head)
        head = self.chain_policy_versions(head, key)
        rows = []
        as_text = self.dates_as_text
        for reference, case_id, events in histories:
            for item in events:
                details, digest = chained_event(reference, item, head, key)
                number, kind, on, officer, recorded_at, _ = item
                # Bound here as `bound` binds, the one date column spelled out.
                rows.append(
                    {
                        "case_id": case_id,
                        "number": number,
                        "kind": kind,
                        "business_date": on if as_text else date.fromisoformat(on),
                        "officer": officer,
                        "recorded_at": recorded_at,
                        "details": details,
                        "prev_hash": head,
                        "hash": digest,
                        "redacted_by": None,
                    }
                )
                head = digest
        if rows:
            self.execute_many(statements.INSERT_EVENT, rows)
        self.set_meta("chain_head", head)

    def chain_key(self, head: str) -> bytes:
        """The key new events are chained under. A database recorded before keys is given one
        here, as `init` would, and its chain is keyed from the event after `head` on."""
        wanted = self.meta(KEY_ID)
        if wanted is not None:
            return self.keys.secret(wanted)
        key = make_key()
        self.set_meta(KEY_ID, key.id)
        self.set_meta(KEYED_AFTER, head)
        return key.secret

    # -- redaction past retention -------------------------------------------------------------------

    def redact_events(self, reference: str, case_id: int, changes: Sequence[tuple["Event", "Event", list[str]]], by: int) -> list[dict[str, Any]]:
        """Replace events' details by their redacted form (`changes`: each event as recorded, as
        redacted, and the fields redacted), vouched for by the `redacted` event the case will
        record as number `by`; what that event must record of each: its number, the hash it was
        chained with, the SHA-256 of its redacted content and the fields. An event that no
        longer matches its hash is refused first: redaction never hides an earlier alteration."""
        links = {row["number"]: row for row in self.dicts(statements.EVENT_LINKS + self.for_update, case_id=case_id)}
        wanted = self.meta(KEY_ID)
        key = self.keys.secret(wanted) if wanted is not None else None
        vouched = []
        rows = []
        for recorded, redacted, fields in changes:
            link = links[recorded.number]
            prev_hash, stored = link["prev_hash"], link["hash"]
            if link["redacted_by"] is None and stored not in (
                event_hash(reference, recorded, prev_hash, None),
                event_hash(reference, recorded, prev_hash, key) if key is not None else None,
            ):
                raise StorageError(
                    f"event {recorded.number} of {reference} no longer matches its hash, so it is not redacted: "
                    "run `complaintctl verify` and restore the latest good backup"
                )
            vouched.append(
                {"number": recorded.number, "hash": stored, "digest": event_hash(reference, redacted, prev_hash, None), "fields": fields}
            )
            rows.append({"case_id": case_id, "event_number": recorded.number, "details": details_text(redacted.details), "redacted_by": by})
        self.write_rows(statements.REDACT_EVENT, rows)
        return vouched

    def redact_restrictions(self, cutoff: date, marker: str) -> int:
        """Redact the restrictions that ended on or before `cutoff`; how many were."""
        return self.write(statements.REDACT_RESTRICTIONS, cutoff=cutoff, redacted=marker)

    # -- the projection ------------------------------------------------------------------------------

    def insert_case(self, case: "Case") -> int:
        self.write(statements.INSERT_CASE, reference=case.reference, **case_values(case))
        case_id = self.case_id(case.reference)
        self.write_children(case_id, case)
        return case_id

    def new_cases(self, cases: Sequence["Case"], histories: Sequence[list["Event"]]) -> NewCases:
        """The rows of new cases and their events (each case's whole history), ready for
        `insert_new_cases`: made without reading or writing the database, so an import's workers
        make them, each from its own rows, while this transaction writes those made before."""
        dates_as_text = self.dates_as_text
        made = NewCases([], [], [], [], [])
        spelled: dict[date, str] = {}
        moments: dict[datetime, str] = {}
        for case, events in zip(cases, histories, strict=True):
            made.cases.append({"reference": case.reference, **case_values(case)})
            made.stages.append(stage_rows(None, case))
            made.actions.append(action_rows(None, case))
            made.records.append(record_rows(None, case) if has_records(case) else None)
            made.events.append(_ready(events, moments))
        if dates_as_text:
            # Spelled here rather than when written: ISO text is smaller to hand on than a `date`.
            _spell_dates(made.cases, spelled)
            for rows in (*made.stages, *made.actions):
                _spell_dates(rows, spelled)
        return made

    def insert_new_cases(self, made: NewCases) -> None:
        """Insert the rows of `new_cases`, as `insert_case` and `append` would one case after
        another: the cases' rows, then (with the ids they were given) their stages, actions,
        records and events, each table in one statement."""
        if not made.cases:
            return
        # Their dates spelled already, as `new_cases` made them: written as they are.
        self.execute_many(statements.INSERT_CASE, made.cases)
        found: dict[str, int] = {}
        references = [row["reference"] for row in made.cases]
        for start in range(0, len(references), CASES_A_STATEMENT):
            sql, params = statements.expand(statements.CASE_IDS_AMONG, "references", references[start : start + CASES_A_STATEMENT])
            found.update((reference, case_id) for case_id, reference in self.tuples(sql, **params))
        ids = [found[reference] for reference in references]
        for table, per_case in ((statements.INSERT_STAGE, made.stages), (statements.INSERT_ACTION, made.actions)):
            rows = []
            for case_id, some in zip(ids, per_case):
                for row in some:
                    row["case_id"] = case_id
                    rows.append(row)
            if rows:
                self.execute_many(table, rows)
        for case_id, tables in zip(ids, made.records):
            for table, rows in (tables or {}).items():
                for row in rows:
                    row["case_id"] = case_id
                self.write_rows(statements.INSERT_RECORDS[table], rows)
        self.append_ready(list(zip(references, ids, made.events)))

    @contextmanager
    def inserting_many(self, cases: int) -> Iterator[None]:
        """A block of this write transaction that inserts about `cases` new cases with their
        stages, events and actions, and changes or deletes no row of those tables (an import).

        On SQLite the month figures of the new stages are counted once, when the block ends, by
        one statement for each table, rather than by the trigger (migration 015) for each stage;
        and when the database has held no more cases than that, the secondary indexes of those
        tables are dropped and built again when it ends, each sorted once rather than added to
        row by row. Each is made again from the text SQLite kept of it. A block that fails
        leaves that to the rollback `writing()` makes of the whole transaction. On PostgreSQL
        nothing changes: the trigger counts each stage as it is written."""
        if not self.is_sqlite:
            yield
            return
        dropped = [("TRIGGER", name, sql) for name, sql in self.tuples(statements.SQLITE_TRIGGER_TEXT)]
        if (self.value(statements.LAST_CASE_ID) or 0) <= cases:
            dropped += [("INDEX", name, sql) for name, sql in self.tuples(statements.SQLITE_INDEX_TEXTS)]
        after = self.value(statements.LAST_STAGE_ID) or 0
        for kind, name, _ in dropped:
            self.write(statements.sqlite_drop(kind, name))
        yield
        if any(kind == "TRIGGER" for kind, _, _ in dropped):
            self.write(statements.SQLITE_COUNT_RECEIVED_MONTHS_AFTER, after=after)
            self.write(statements.SQLITE_COUNT_CLOSED_MONTHS_AFTER, after=after)
        for _, _, sql in dropped:
            self.write(sql)

    def derived_case(self, case_id: int) -> "Case | None":
        """The case as its events stand, when the transaction keeps it derived (an import's
        batch does); None here: a step derives it from the events it reads."""
        return None

    def save_case(self, case_id: int, case: "Case") -> None:
        self.write(statements.UPDATE_CASE, id=case_id, **case_values(case))
        self.write(statements.DELETE_STAGES, case_id=case_id)
        self.write(statements.DELETE_ACTIONS, case_id=case_id)
        self.write_children(case_id, case)

    def write_children(self, case_id: int, case: "Case") -> None:
        """The rows a case projects beside its own: stages, actions and report records."""
        self.write_rows(statements.INSERT_STAGE, stage_rows(case_id, case))
        self.write_rows(statements.INSERT_ACTION, action_rows(case_id, case))
        # The report records (Ombudsman, surveys, learning) are projected with the case; a case
        # with no record events never has rows, so costs nothing.
        if not has_records(case):
            return
        for table in statements.RECORD_TABLES:
            self.write(statements.DELETE_RECORDS[table], case_id=case_id)
        for table, rows in record_rows(case_id, case).items():
            self.write_rows(statements.INSERT_RECORDS[table], rows)

    def cases_to_rederive(self, since: datetime | None) -> dict[int, str]:
        """Cases (id → reference) to derive again under a policy version in force from `since`:
        the open ones and any with a step recorded since; every case when `since` is None."""
        if since is None:
            return dict(self.tuples(statements.CASE_REFERENCES))
        return dict(self.tuples(statements.CASES_TO_REDERIVE, since=utc_text(since)))
