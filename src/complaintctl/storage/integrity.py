"""Whether the record can be trusted, and copies of it that can.

`verify` reads the database in one read transaction, streaming rows in id order so that a large
database costs time, not memory. It checks three things and reports every problem it finds:

- the storage itself (SQLite's `PRAGMA integrity_check`);
- the hash chain: each event's hash is an HMAC, under a key kept outside the database
  (chainkey.py), of its content and the hash before it, so an altered event no longer matches
  its own hash, a removed event breaks the link of the one after it (or, for the newest event,
  the chain head kept in `meta`), and without the key neither can be made to match again. The
  events of a database recorded before keys, up to where its keyed part begins, are plain
  SHA-256 and are checked without a key. Given an anchor (a hash recorded earlier and kept
  elsewhere), it also checks that an event of the chain still has it: then nothing up to that
  event was changed, even by someone holding the key;
- the projection: the `cases`, `stages` and `actions` rows of every case, and its report records
  (Ombudsman referral, findings and orders, surveys, learning), equal the state derived again
  from its events under the database's policy versions: each step under the version in force
  when it was recorded, what is still open under the latest. Every column is compared, so
  `show` (which derives), `list`, `overdue` and the reports (which read the rows) agree.

Problems name the case reference, the event number and the event id, never a person and never
a stored value: the values are personal data.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import groupby
from pathlib import Path
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from complaintctl.domain.case import derive
from complaintctl.errors import StorageError
from complaintctl.storage import statements
from complaintctl.storage.chainkey import KEY_ID, KEYED_AFTER
from complaintctl.storage.projection import action_rows, case_values, event_from_row, event_hash, record_rows, stage_rows
from complaintctl.storage.store import Store, Transaction

if TYPE_CHECKING:
    from complaintctl.domain.calendar import Calendar
    from complaintctl.domain.policy import Policy, PolicyHistory


class Context(Protocol):
    """What verify and backup need of the command's context: the store, and the policy, calendar
    and date the cases are derived again with."""

    store: Any
    policy: "Policy"
    calendar: "Calendar"
    today: date
    history: "PolicyHistory | None"


# Enough to act on; the count of all problems is kept regardless.
KEEP_PROBLEMS = 1000
BATCH = 2000


@dataclass(frozen=True)
class Problem:
    """One thing wrong, located by case reference, event number and event id where known."""

    what: str
    reference: str | None = None
    event_number: int | None = None
    event_id: int | None = None

    def describe(self) -> str:
        where = []
        if self.reference:
            where.append(self.reference)
        if self.event_number is not None:
            where.append(f"event {self.event_number}")
        if self.event_id is not None:
            where.append(f"(id {self.event_id})")
        return f"{' '.join(where)}: {self.what}" if where else self.what

    def as_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "event": self.event_number,
            "event_id": self.event_id,
            "problem": self.what,
        }


@dataclass
class Findings:
    """What `verify` found: counts, the chain's head and key, and the problems in the order they
    were met."""

    events: int = 0
    cases: int = 0
    storage: str = "not checked"
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    chain_head: str = ""
    key_id: str | None = None
    # Events recorded before the database had a key: checked as plain SHA-256.
    unkeyed_events: int = 0
    first_keyed: Problem | None = None
    anchor: str | None = None
    anchored_at: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < KEEP_PROBLEMS:
            self.problems.append(problem)

    def summary(self) -> str:
        if self.ok:
            anchored = ""
            if self.anchored_at is not None:
                anchored = f"; anchor found at {self.anchored_at.describe().rstrip(': ')}: nothing up to it was changed"
            return (
                f"OK: {self.events} events in {self.cases} cases; hash chain intact{self.keying()}; "
                f"every case matches its events; storage {self.storage}{anchored}; chain head {self.chain_head or '(no events yet)'}"
            )
        more = f"; {self.problem_count} problems in all (--json lists them)" if self.problem_count > 1 else ""
        return f"{self.problems[0].describe()}{more}"

    def keying(self) -> str:
        """How the chain is keyed, in words, for the summary."""
        if self.key_id is None:
            return (
                " but not keyed: every event was recorded before keys, so anyone who could edit the database could "
                "have rewritten it (the next event recorded starts the keyed chain; an anchor kept elsewhere still holds)"
            )
        if not self.unkeyed_events:
            return f" and keyed (key {self.key_id})"
        return (
            f" and keyed (key {self.key_id}) from {self.first_keyed.describe().rstrip(': ') if self.first_keyed else 'the next event'}; "
            f"the {self.unkeyed_events} events before it were recorded before keys and are checked without one"
        )

    def as_json(self) -> dict[str, Any]:
        anchor = None
        if self.anchor is not None:
            at = self.anchored_at
            anchor = {
                "hash": self.anchor,
                "found": at is not None,
                "reference": at.reference if at else None,
                "event": at.event_number if at else None,
                "event_id": at.event_id if at else None,
            }
        return {
            "ok": self.ok,
            "events": self.events,
            "cases": self.cases,
            "storage": self.storage,
            "problem_count": self.problem_count,
            "problems": [problem.as_json() for problem in self.problems],
            "chain_head": self.chain_head,
            "key_id": self.key_id,
            "unkeyed_events": self.unkeyed_events,
            "anchor": anchor,
        }


# -- verify ------------------------------------------------------------------------------------------


def verify(ctx: Context, anchor: str | None = None) -> Findings:
    """Check storage, hash chain and projection of the context's database; with `anchor` (a
    chain head recorded earlier), also that an event of the chain still has that hash."""
    return verify_store(ctx.store, ctx, anchor)


def verify_store(store: Store, ctx: Context, anchor: str | None = None) -> Findings:
    findings = Findings(anchor=anchor)
    with store.reading() as tx:
        if store.is_sqlite:
            _check_storage(tx, findings)
            if findings.storage != "ok":
                # Reading a damaged file further could report anything; the storage problem comes first.
                return findings
        else:
            findings.storage = "PostgreSQL"
        references = dict(tx.tuples(statements.CASE_REFERENCES))
        findings.cases = len(references)
        _check_chain(tx, references, findings)
        _check_projection(tx, ctx, findings)
    return findings


def _check_storage(tx: Transaction, findings: Findings) -> None:
    rows = [row[0] for row in tx.tuples(statements.SQLITE_INTEGRITY_CHECK)]
    if rows == ["ok"]:
        findings.storage = "ok"
        return
    findings.storage = "damaged"
    for row in rows:
        detail = " ".join(str(row).replace("*** in database main ***", "").split())
        if len(detail) > 160:
            detail = detail[:160] + "…"
        findings.add(Problem(f"SQLite integrity check: {detail}; restore the latest backup"))


def _check_chain(tx: Transaction, references: dict[int, str], findings: Findings) -> None:
    key_id = tx.meta(KEY_ID)
    keyed_after = tx.meta(KEYED_AFTER) or ""
    findings.key_id = key_id
    key = None
    if key_id is not None:
        try:
            key = tx.keys.secret(key_id)
        except StorageError as missing:
            findings.add(Problem(f"the keyed hashes could not be checked, so the chain is not proven: {missing}"))
    # A keyed database's events are keyed from the one after `keyed_after` (from the first when empty).
    keyed = key_id is not None and keyed_after == ""
    keyed_events = 0
    anchor = findings.anchor
    previous_hash = ""
    last_number: dict[int, int] = {}
    newest: Problem | None = None
    for row in tx.stream(statements.EVENTS_BY_ID, BATCH):
        findings.events += 1
        reference = references.get(row["case_id"])
        here = Problem("", reference, row["number"], row["id"])
        if reference is None:
            findings.add(replace(here, what=f"belongs to no case (case id {row['case_id']})"))
        if row["prev_hash"] != previous_hash:
            findings.add(replace(here, what="does not follow the event recorded before it: an event was removed or altered before it"))
        if keyed:
            keyed_events += 1
            if findings.first_keyed is None:
                findings.first_keyed = here
        else:
            findings.unkeyed_events += 1
        if not keyed or key is not None:
            try:
                recomputed = event_hash(reference or "", event_from_row(row), row["prev_hash"], key if keyed else None)
            except (ValueError, TypeError) as problem:
                findings.add(replace(here, what=f"cannot be read ({type(problem).__name__}): it was altered after it was recorded"))
            else:
                if recomputed != row["hash"]:
                    findings.add(replace(here, what="was altered after it was recorded: its content no longer matches its hash"))
        before = last_number.get(row["case_id"], 0)
        if row["number"] != before + 1:
            findings.add(replace(here, what=f"comes after event {before} of its case: an event was removed or inserted"))
        last_number[row["case_id"]] = max(row["number"], before)
        if anchor is not None and row["hash"] == anchor:
            findings.anchored_at = here
        if not keyed and key_id is not None and row["hash"] == keyed_after:
            keyed = True
        previous_hash = row["hash"]
        newest = here
    head = tx.meta("chain_head") or ""
    findings.chain_head = head
    if head != previous_hash:
        after = f" after {newest.describe().rstrip(': ')}" if newest else ""
        findings.add(Problem(f"the newest event recorded{after} is missing: the chain head does not match"))
    if key_id is not None and not keyed:
        findings.add(Problem("the keyed part of the chain follows an event that is not there: events were altered or removed"))
    elif key_id is not None and keyed_after and not keyed_events:
        findings.add(Problem("no event follows the start of the keyed chain: its keyed events were removed"))
    if anchor is not None and findings.anchored_at is None:
        findings.add(
            Problem(
                f"no event of the chain has the anchor hash {anchor}: the history up to it was changed or removed, "
                "or the anchor is another database's"
            )
        )
    for case_id, reference in references.items():
        if case_id not in last_number:
            findings.add(Problem("has no events: its history was removed", reference))


def _check_projection(tx: Transaction, ctx: Context, findings: Findings) -> None:
    def by_case(sql: str) -> _Cursor:
        return _Cursor(groupby(tx.stream(sql, BATCH), key=lambda row: row["case_id"]))

    event_groups = by_case(statements.EVENTS_BY_CASE)
    stage_groups = by_case(statements.STAGES_BY_CASE)
    action_groups = by_case(statements.ACTIONS_BY_CASE)
    record_groups = {table: by_case(statements.RECORDS_BY_CASE[table]) for table in statements.RECORD_TABLES}
    for row in tx.stream(statements.CASES_BY_ID, BATCH):
        case_id = row["id"]
        case_events = event_groups.take(case_id)
        stored_stages = stage_groups.take(case_id)
        stored_actions = action_groups.take(case_id)
        stored_records = {table: groups.take(case_id) for table, groups in record_groups.items()}
        if not case_events:
            continue  # reported by the chain check
        _compare_case(ctx, row, case_events, stored_stages, stored_actions, stored_records, findings)
    leftovers = [(stage_groups, "stage"), (action_groups, "action"), *((groups, table) for table, groups in record_groups.items())]
    for leftover, what in leftovers:
        for case_id in leftover.rest():
            findings.add(Problem(f"{what} rows belong to no case (case id {case_id}); they were added outside complaintctl"))


class _Cursor:
    """Walks (case_id, rows) groups sorted by case id alongside the cases."""

    def __init__(self, groups: Iterator[tuple[int, Iterator[dict[str, Any]]]]) -> None:
        self.groups = groups
        self.pending: tuple[int, list[dict[str, Any]]] | None = None
        self.orphans: list[int] = []
        self._advance()

    def _advance(self) -> None:
        item = next(self.groups, None)
        self.pending = (item[0], list(item[1])) if item else None

    def take(self, case_id: int) -> list[dict[str, Any]]:
        while self.pending and self.pending[0] < case_id:
            self.orphans.append(self.pending[0])
            self._advance()
        if self.pending and self.pending[0] == case_id:
            rows = self.pending[1]
            self._advance()
            return rows
        return []

    def rest(self) -> list[int]:
        while self.pending:
            self.orphans.append(self.pending[0])
            self._advance()
        return self.orphans


def _compare_case(
    ctx: Context,
    row: dict[str, Any],
    event_rows: list[dict[str, Any]],
    stored_stages: list[dict[str, Any]],
    stored_actions: list[dict[str, Any]],
    stored_records: dict[str, list[dict[str, Any]]],
    findings: Findings,
) -> None:
    reference = row["reference"]
    last = event_rows[-1]
    where = Problem("", reference, last["number"], last["id"])
    try:
        case = derive(reference, [event_from_row(event) for event in event_rows], ctx.policy, ctx.calendar, ctx.history)
    except (ValueError, TypeError, KeyError, IndexError) as problem:
        findings.add(replace(where, what=f"its events cannot be replayed ({type(problem).__name__}); an event was altered"))
        return
    expected_case = {"reference": reference, **case_values(case)}
    differing = [name for name, value in expected_case.items() if row[name] != value]
    if differing:
        findings.add(_differs(where, "case", differing))
    _compare_rows(where, "stage", stage_rows(row["id"], case), stored_stages, frozenset(), findings)
    _compare_rows(where, "action", action_rows(row["id"], case), stored_actions, frozenset(), findings)
    for table, expected in record_rows(row["id"], case).items():
        _compare_rows(where, table, expected, stored_records[table], frozenset(), findings)


def _compare_rows(
    where: Problem, what: str, expected: list[dict[str, Any]], stored: list[dict[str, Any]], skip: frozenset[str], findings: Findings
) -> None:
    if len(expected) != len(stored):
        findings.add(
            Problem(
                f"the stored state has {len(stored)} {what} rows but its events give {len(expected)}; "
                "the projection was changed outside complaintctl",
                where.reference,
            )
        )
        return
    for position, (wanted, have) in enumerate(zip(expected, stored), start=1):
        differing = [name for name, value in wanted.items() if name not in skip and have[name] != value]
        if differing:
            findings.add(_differs(where, f"{what} {wanted.get('number', position)}", differing))


def _differs(where: Problem, what: str, columns: list[str]) -> Problem:
    return Problem(
        f"the stored {what} row ({', '.join(columns)}) does not match the state derived from its events; "
        "the projection was changed outside complaintctl",
        where.reference,
    )


# -- backup ------------------------------------------------------------------------------------------


def backup(ctx: Context, destination: str) -> Findings:
    """Copy a SQLite database consistently while others write, then verify the copy.

    The copy is written and verified under a temporary name beside the destination and only then
    given its name, so an interrupted backup never leaves a half-written file where a good one is
    expected, and a file that appeared meanwhile is still never overwritten.
    """
    store = ctx.store
    if not store.is_sqlite:
        raise StorageError("backup copies a SQLite file; for PostgreSQL use pg_dump, which takes a consistent copy")
    target = Path(destination)
    if os.path.lexists(target):
        raise _exists(destination)
    with store.reading() as tx:
        wanted = tx.meta(KEY_ID)
        if wanted is not None:
            try:
                tx.keys.secret(wanted)
            except StorageError as missing:
                raise StorageError(f"backup checks its copy with the chain key, and {missing}") from None
    try:
        # mkstemp creates the file readable and writable by its owner only.
        descriptor, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as problem:
        raise StorageError(f"cannot create {destination} ({problem.strerror}); check the folder exists and is writable") from None
    os.close(descriptor)
    try:
        _copy(store.location, partial)
        copy = Store.open(partial)
        try:
            findings = verify_store(copy, ctx)
        finally:
            copy.dispose()
        _publish(partial, target)
    finally:
        for leftover in (partial, f"{partial}-wal", f"{partial}-shm"):
            Path(leftover).unlink(missing_ok=True)
    return findings


def _exists(destination: str) -> StorageError:
    return StorageError(f"{destination} already exists; backup never overwrites a file, choose a new name")


def _publish(partial: str, target: Path) -> None:
    """Give the finished copy its name, failing rather than replacing a file of that name."""
    try:
        os.link(partial, target)
        return
    except FileExistsError:
        raise _exists(str(target)) from None
    except OSError:
        pass  # a file system without hard links: claim the name, then move the copy onto it
    try:
        descriptor = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        raise _exists(str(target)) from None
    os.close(descriptor)
    os.replace(partial, target)


def _copy(source_path: str, destination: str) -> None:
    source = sqlite3.connect(source_path, timeout=30)
    try:
        target = sqlite3.connect(destination)
        try:
            # One step: the whole copy is read from a single snapshot, so writers never force a restart.
            source.backup(target, pages=-1)
        finally:
            target.close()
    except sqlite3.Error as problem:
        raise StorageError(f"cannot copy {source_path}: {problem}; nothing was written, try again") from None
    finally:
        source.close()
