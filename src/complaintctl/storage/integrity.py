"""Whether the record can be trusted, and copies of it that can.

`verify` reads the database in one read transaction, streaming rows in id order so that a large
database costs time, not memory. It checks three things and reports every problem it finds:

- the storage itself (SQLite's `PRAGMA integrity_check`);
- the hash chain: the events and the policy versions, in the order they were recorded. Each
  link's hash is an HMAC, under a key kept outside the database (chainkey.py), of its content
  and the hash before it, so an altered event or version no longer matches its own hash, a
  removed one breaks the link of the one after it (or, for the newest, the chain head kept in
  `meta`), and without the key neither can be made to match again. The links of a database
  recorded before keys, up to where its keyed part begins, are plain SHA-256 and are checked
  without a key. A policy version an upgrade could not chain (its key was elsewhere) is reported
  as not proven. Given an anchor (a hash recorded earlier and kept elsewhere), it also checks
  that a link of the chain still has it: then nothing up to that link was changed, even by
  someone holding the key;
- the projection: the `cases`, `stages` and `actions` rows of every case, and its report records
  (Ombudsman referral, findings and orders, surveys, learning), equal the state derived again
  from its events under the database's policy versions: each step under the version in force
  when it was recorded, what is still open under the latest. Every column is compared, so
  `show` (which derives), `list`, `overdue` and the reports (which read the rows) agree. And the
  month figures the annual report reads (`received_months`, `closed_months`, kept by triggers on
  `stages`) equal those counted again from the stage rows.

Problems name the case reference, the event number and the event id, or the policy version's
number, never a person and never a stored value: the values are personal data.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import groupby
from pathlib import Path
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from complaintctl.domain.case import derive
from complaintctl.errors import StorageError
from complaintctl.storage import statements
from complaintctl.storage.chainkey import KEY_ID, KEYED_AFTER
from complaintctl.storage.projection import action_rows, case_values, event_from_row, event_hash, policy_version_hash, record_rows, stage_rows
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
    """One thing wrong, located by case reference, event number and event id, or by policy
    version number, where known."""

    what: str
    reference: str | None = None
    event_number: int | None = None
    event_id: int | None = None
    policy_version: int | None = None

    def describe(self) -> str:
        where = []
        if self.reference:
            where.append(self.reference)
        if self.event_number is not None:
            where.append(f"event {self.event_number}")
        if self.event_id is not None:
            where.append(f"(id {self.event_id})")
        if self.policy_version is not None:
            where.append(f"policy version {self.policy_version}")
        return f"{' '.join(where)}: {self.what}" if where else self.what

    def place(self) -> str:
        """Where it is, in words: "CMP-2026-00001 event 3 (id 7)", "policy version 2"."""
        return self.describe().rstrip(": ")

    def as_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "event": self.event_number,
            "event_id": self.event_id,
            "policy_version": self.policy_version,
            "problem": self.what,
        }


@dataclass
class Findings:
    """What `verify` found: counts, the chain's head and key, and the problems in the order they
    were met."""

    events: int = 0
    cases: int = 0
    policy_versions: int = 0
    storage: str = "not checked"
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    chain_head: str = ""
    key_id: str | None = None
    # Events and policy versions recorded before the database had a key: checked as plain SHA-256.
    unkeyed_events: int = 0
    unkeyed_policy_versions: int = 0
    # Events whose personal data was redacted past retention: checked against their case's
    # `redacted` event rather than their own hash.
    redacted_events: int = 0
    # The cases with an event found altered: their stored rows then differ because of it.
    altered_cases: set[str] = field(default_factory=set)
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
                anchored = f"; anchor found at {self.anchored_at.place()}: nothing up to it was changed"
            versions = f" and {self.policy_versions} policy version{'' if self.policy_versions == 1 else 's'}" if self.policy_versions else ""
            redacted = ""
            if self.redacted_events:
                redacted = f"; {self.redacted_events} redacted past retention, each as its redaction recorded"
            return (
                f"OK: {self.events} events in {self.cases} cases{versions}; hash chain intact{self.keying()}{redacted}; "
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
        if not self.unkeyed_events and not self.unkeyed_policy_versions:
            return f" and keyed (key {self.key_id})"
        versions = ""
        if self.unkeyed_policy_versions:
            versions = f", as are the {self.unkeyed_policy_versions} policy versions stored before it"
            if self.unkeyed_policy_versions == 1:
                versions = ", as is the policy version stored before it"
        return (
            f" and keyed (key {self.key_id}) from {self.first_keyed.place() if self.first_keyed else 'the next event'}; "
            f"the {self.unkeyed_events} events before it were recorded before keys and are checked without one{versions}"
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
                "policy_version": at.policy_version if at else None,
            }
        return {
            "ok": self.ok,
            "events": self.events,
            "cases": self.cases,
            "policy_versions": self.policy_versions,
            "storage": self.storage,
            "problem_count": self.problem_count,
            "problems": [problem.as_json() for problem in self.problems],
            "chain_head": self.chain_head,
            "key_id": self.key_id,
            "unkeyed_events": self.unkeyed_events,
            "unkeyed_policy_versions": self.unkeyed_policy_versions,
            "redacted_events": self.redacted_events,
            "anchor": anchor,
        }


# -- verify ------------------------------------------------------------------------------------------


def verify(ctx: Context, anchor: str | None = None) -> Findings:
    """Check storage, hash chain and projection of the context's database; with `anchor` (a
    chain head recorded earlier), also that an event or policy version of the chain still has
    that hash."""
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
    # A keyed database's chain is keyed from what follows `keyed_after` (from the first when empty).
    walk = _Walk(findings, key, key_id, keyed_after, keyed=key_id is not None and keyed_after == "")
    versions = _policy_versions(tx, findings)
    last_number: dict[int, int] = {}
    for row in tx.stream(statements.EVENTS_BY_ID, BATCH):
        walk.versions(versions)
        findings.events += 1
        reference = references.get(row["case_id"])
        here = Problem("", reference, row["number"], row["id"])
        if reference is None:
            findings.add(replace(here, what=f"belongs to no case (case id {row['case_id']})"))
        if row["prev_hash"] != walk.previous_hash:
            before = "the event" if walk.newest is None or walk.newest.policy_version is None else f"policy version {walk.newest.policy_version}"
            findings.add(
                replace(here, what=f"does not follow {before} recorded before it: an event or a policy version was removed or altered before it")
            )
        if row["redacted_by"] is None:
            recompute = partial(_hash_of_row, row, reference or "")
        else:
            # Its hash covers the personal data redacted since: the projection check holds the row
            # to what the case's `redacted` event recorded of it instead.
            findings.redacted_events += 1
            recompute = partial(_as_stored, row["hash"])
        walk.step(here, row["hash"], recompute, "was altered after it was recorded: its content no longer matches its hash")
        before = last_number.get(row["case_id"], 0)
        if row["number"] != before + 1:
            findings.add(replace(here, what=f"comes after event {before} of its case: an event was removed or inserted"))
        last_number[row["case_id"]] = max(row["number"], before)
    walk.versions(versions)
    for row in versions:
        findings.add(
            Problem(
                "does not follow what was recorded before it in the chain: it was altered or added outside complaintctl, "
                "or what it follows was removed",
                policy_version=row["number"],
            )
        )
    head = tx.meta("chain_head") or ""
    findings.chain_head = head
    if head != walk.previous_hash:
        after = f" after {walk.newest.place()}" if walk.newest else ""
        findings.add(Problem(f"the newest event or policy version recorded{after} is missing: the chain head does not match"))
    if key_id is not None and not walk.keyed:
        findings.add(Problem("the keyed part of the chain follows an event that is not there: events were altered or removed"))
    elif key_id is not None and keyed_after and not walk.keyed_items:
        findings.add(Problem("no event follows the start of the keyed chain: its keyed events were removed"))
    if findings.anchor is not None and findings.anchored_at is None:
        findings.add(
            Problem(
                f"no event of the chain has the anchor hash {findings.anchor}, nor any policy version: the history up to it "
                "was changed or removed, or the anchor is another database's"
            )
        )
    for case_id, reference in references.items():
        if case_id not in last_number:
            findings.add(Problem("has no events: its history was removed", reference))


def _hash_of_row(row: dict[str, Any], reference: str, key: bytes | None) -> str:
    return event_hash(reference, event_from_row(row), row["prev_hash"], key)


def _as_stored(stored: str, key: bytes | None) -> str:
    return stored


def _policy_versions(tx: Transaction, findings: Findings) -> deque[dict[str, Any]]:
    """The chained policy versions, in order, to be met in the chain; a version missing from the
    numbers, or left out of the chain, is reported here."""
    rows = tx.dicts(statements.POLICY_VERSIONS)
    findings.policy_versions = len(rows)
    expected = 1
    for row in rows:
        if row["number"] != expected:
            findings.add(Problem(f"comes after policy version {expected - 1}: a policy version was removed or inserted", policy_version=row["number"]))
        expected = row["number"] + 1
    chained = deque(row for row in rows if row["hash"])
    for row in rows:
        if not row["hash"]:
            findings.add(
                Problem(
                    "is not in the hash chain yet, so it is not proven: the database was upgraded where its chain key was not; "
                    "the next step recorded with the key puts it there",
                    policy_version=row["number"],
                )
            )
    return chained


@dataclass
class _Walk:
    """The hash chain, followed in the order it was recorded: events by id, each policy version
    where it was stored, after the hash it names as its `prev_hash`."""

    findings: Findings
    key: bytes | None
    key_id: str | None
    keyed_after: str
    keyed: bool
    keyed_items: int = 0
    previous_hash: str = ""
    newest: Problem | None = None

    def versions(self, waiting: deque[dict[str, Any]]) -> None:
        """Take the policy versions stored after what was recorded last, in order."""
        while waiting and waiting[0]["prev_hash"] == self.previous_hash:
            row = waiting.popleft()
            if not self.keyed:
                self.findings.unkeyed_policy_versions += 1
            self.step(
                Problem("", policy_version=row["number"]),
                row["hash"],
                lambda key, row=row: policy_version_hash(row, row["prev_hash"], key),
                "was altered after it was recorded, or added outside complaintctl: its content no longer matches its hash",
            )

    def step(self, here: Problem, stored: str, recompute: Callable[[bytes | None], str], altered: str) -> None:
        """One link of the chain (`here`, with its stored hash), checked against its content."""
        findings = self.findings
        if self.keyed:
            self.keyed_items += 1
            if findings.first_keyed is None:
                findings.first_keyed = here
        elif here.policy_version is None:
            findings.unkeyed_events += 1
        if not self.keyed or self.key is not None:
            try:
                recomputed = recompute(self.key if self.keyed else None)
            except (ValueError, TypeError) as problem:
                findings.add(replace(here, what=f"cannot be read ({type(problem).__name__}): it was altered after it was recorded"))
                findings.altered_cases.add(here.reference or "")
            else:
                if recomputed != stored:
                    findings.add(replace(here, what=altered))
                    findings.altered_cases.add(here.reference or "")
        if findings.anchor is not None and stored == findings.anchor:
            findings.anchored_at = here
        if not self.keyed and self.key_id is not None and stored == self.keyed_after:
            self.keyed = True
        self.previous_hash = stored
        self.newest = here


def _check_projection(tx: Transaction, ctx: Context, findings: Findings) -> None:
    def by_case(sql: str) -> _Cursor:
        return _Cursor(groupby(tx.stream(sql, BATCH), key=lambda row: row["case_id"]))

    event_groups = by_case(statements.EVENTS_BY_CASE)
    stage_groups = by_case(statements.STAGES_BY_CASE)
    action_groups = by_case(statements.ACTIONS_BY_CASE)
    record_groups = {table: by_case(statements.RECORDS_BY_CASE[table]) for table in statements.RECORD_TABLES}
    months = _MonthFigures()
    for row in tx.stream(statements.CASES_BY_ID, BATCH):
        case_id = row["id"]
        case_events = event_groups.take(case_id)
        stored_stages = stage_groups.take(case_id)
        months.count(stored_stages)
        stored_actions = action_groups.take(case_id)
        stored_records = {table: groups.take(case_id) for table, groups in record_groups.items()}
        if not case_events:
            continue  # reported by the chain check
        _check_redactions(row["reference"], case_events, findings)
        _compare_case(ctx, row, case_events, stored_stages, stored_actions, stored_records, findings)
    leftovers = [(stage_groups, "stage"), (action_groups, "action"), *((groups, table) for table, groups in record_groups.items())]
    for leftover, what in leftovers:
        for case_id in leftover.rest():
            findings.add(Problem(f"{what} rows belong to no case (case id {case_id}); they were added outside complaintctl"))
    months.compare(tx, findings)


class _MonthFigures:
    """The month figures counted again from the stage rows, keyed as the triggers of migration
    015_month_figures_live_cases key them: a NULL as '', in_time and apology as 1 or 0, a month
    as its first day."""

    def __init__(self) -> None:
        self.received: dict[tuple[Any, ...], int] = {}
        self.closed: dict[tuple[Any, ...], list[int]] = {}

    def count(self, stages: list[dict[str, Any]]) -> None:
        for stage in stages:
            key = (
                stage["number"],
                stage["received_on"].replace(day=1),
                *(stage[column] or "" for column in ("case_type", "outcome", "exclusion", "service", "category")),
            )
            self.received[key] = self.received.get(key, 0) + 1
            if stage["closed_on"] is None:
                continue
            key = (stage["number"], stage["closed_on"].replace(day=1), stage["outcome"] or "", int(bool(stage["in_time"])), int(bool(stage["apology"])))
            figures = self.closed.setdefault(key, [0, 0, 0])
            pence = stage["compensation_pence"]
            figures[0] += 1
            figures[1] += pence > 0
            figures[2] += pence

    def compare(self, tx: Transaction, findings: Findings) -> None:
        # A row counting nothing is left where the last stage of its key went: it is no figure.
        stored_received = {tuple(key): stages for *key, stages in tx.tuples(statements.RECEIVED_MONTHS) if stages}
        stored_closed: dict[tuple[Any, ...], list[int]] = {}
        for *key, stages, compensated, pence in tx.tuples(statements.CLOSED_MONTHS):
            if stages or compensated or pence:
                stored_closed[tuple(key)] = [stages, compensated, int(pence)]
        tables = (("received_months", stored_received, self.received), ("closed_months", stored_closed, self.closed))
        for table, stored, expected in tables:
            if stored != expected:
                keys = stored.keys() | expected.keys()
                months = sorted({key[1] for key in keys if stored.get(key) != expected.get(key)})
                shown = ", ".join(month.isoformat()[:7] for month in months[:5]) + (" and more" if len(months) > 5 else "")
                findings.add(
                    Problem(
                        f"the month figures of the annual report ({table}) differ from the stage rows in {shown}; "
                        "they were changed outside complaintctl"
                    )
                )


def _check_redactions(reference: str, rows: list[dict[str, Any]], findings: Findings) -> None:
    """Each event of a case redacted past retention against what the case's `redacted` event
    (itself chained under the key) recorded of it: the hash it was chained with before, and the
    SHA-256 of its content as redacted. Any other change of a redacted event shows here."""
    vouchers = {row["number"]: row for row in rows if row["kind"] == "redacted"}
    for row in rows:
        if row["redacted_by"] is None:
            continue
        here = Problem("", reference, row["number"], row["id"])
        entry = None
        voucher = vouchers.get(row["redacted_by"])
        if voucher is not None:
            try:
                vouched = json.loads(voucher["details"]).get("events", [])
                entry = next((item for item in vouched if item.get("number") == row["number"]), None)
            except (ValueError, AttributeError):
                entry = None
        if entry is None:
            findings.add(replace(here, what="is marked as redacted, but no redaction of its case records it: it was altered after it was recorded"))
            findings.altered_cases.add(reference)
            continue
        try:
            digest = event_hash(reference, event_from_row(row), row["prev_hash"], None)
        except (ValueError, TypeError):
            digest = None
        if entry.get("hash") != row["hash"] or entry.get("digest") != digest:
            findings.add(
                replace(here, what="was altered after its personal data was redacted: it no longer matches what the redaction recorded")
            )
            findings.altered_cases.add(reference)


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
    # Rows that differ from the events of a case with an altered event differ because of it.
    cause = "an event of the case was altered" if reference in findings.altered_cases else "the projection was changed outside complaintctl"
    expected_case = {"reference": reference, **case_values(case)}
    differing = [name for name, value in expected_case.items() if row[name] != value]
    if differing:
        findings.add(_differs(where, "case", differing, cause))
    _compare_rows(where, "stage", stage_rows(row["id"], case), stored_stages, cause, findings)
    _compare_rows(where, "action", action_rows(row["id"], case), stored_actions, cause, findings)
    for table, expected in record_rows(row["id"], case).items():
        _compare_rows(where, table, expected, stored_records[table], cause, findings)


def _compare_rows(
    where: Problem, what: str, expected: list[dict[str, Any]], stored: list[dict[str, Any]], cause: str, findings: Findings
) -> None:
    if len(expected) != len(stored):
        findings.add(Problem(f"the stored state has {len(stored)} {what} rows but its events give {len(expected)}; {cause}", where.reference))
        return
    for position, (wanted, have) in enumerate(zip(expected, stored), start=1):
        differing = [name for name, value in wanted.items() if have[name] != value]
        if differing:
            findings.add(_differs(where, f"{what} {wanted.get('number', position)}", differing, cause))


def _differs(where: Problem, what: str, columns: list[str], cause: str) -> Problem:
    return Problem(f"the stored {what} row ({', '.join(columns)}) does not match the state derived from its events; {cause}", where.reference)


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
