"""Fill a complaints database with N cases spread over ten years, as the commands write them.

    python benchmarks/generate.py --cases 100000 --db /tmp/bench.db [--seed 1] [--config FILE]

Every case is a list of events with the details the services record (logged, acknowledged,
extended, updated, closed, escalated, action-added, action-done), folded by the model's own
`derive()` under the policy; the projection rows are the store's own (`_case_values`,
`stage_rows`, `action_rows`) and each event is chained with the store's `event_hash`. Only the
writing differs: many cases per transaction, inserted with executemany on one sqlite3
connection, instead of one transaction per step.

The mix: most complaints are closed at stage 1; some are refused or withdrawn, some extended,
some escalated to stage 2; remedies, compensation and actions with due dates; compliments and
comments; the recent ones still open (about 2%), as cut off by today.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import multiprocessing
import os
import random
import sqlite3
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from complaintctl import policy as policies
from complaintctl.dates import today_in_london
from complaintctl.model import EXCLUSIONS, Event, derive
from complaintctl.store import Store, _case_values, action_rows, event_hash, stage_rows

YEARS = 10
BATCH = 2000
BACKLOG_DAYS = 200

FIRST_NAMES = "Ann Bob Carol David Emma Faisal Grace Hamid Iris James Kate Liam Maya Noor Owen Priya Quinn Ravi Sara Tom Uma Vik Wendy Yusuf Zoe".split()
LAST_NAMES = "Patel Smith Jones Taylor Brown Williams Wilson Evans Thomas Roberts Khan Walker Wright Green Hall Wood Clarke Ali Hughes Lewis".split()
OFFICERS = [f"officer.{name.lower()}" for name in "Adams Baker Carter Dixon Ellis Foster Gray Hayes Irwin Jarvis Kemp Lowe Mason Nash Oakley Price".split()]
SERVICES = [
    ("Housing Repairs", True, ("Damp and mould", "Repairs delayed", "Heating")),
    ("Housing Management", True, ("Anti-social behaviour", "Tenancy", "Rent account")),
    ("Waste and Recycling", False, ("Missed collection", "Bin replacement", "Fly-tipping")),
    ("Council Tax", False, ("Billing", "Enforcement", "Discounts")),
    ("Parking", False, ("Penalty notice", "Permits")),
    ("Planning", False, ("Application handling", "Enforcement")),
    ("Highways", False, ("Potholes", "Street lighting")),
    ("Benefits", False, ("Delay", "Overpayment")),
    ("Adult Social Care", False, ("Care assessment", "Charging")),
    ("Customer Services", False, ("Staff conduct", "Communication")),
]
CHANNELS = ("online", "email", "phone", "letter", "in-person", "social-media", "representative")
EXCLUSION_CODES = tuple(code for code in EXCLUSIONS if code != "other")


class Generator:
    """Builds one case's events at a time, as the services would have recorded them."""

    def __init__(self, chosen_policy: policies.Policy, rng: random.Random, today: date) -> None:
        self.policy = chosen_policy
        self.calendar = chosen_policy.calendar()
        self.rng = rng
        self.today = today
        self.stage1 = chosen_policy.stage(1)
        self.stage2 = chosen_policy.stage(2)
        self.actions = 0

    def _at(self, on: date) -> datetime:
        r = self.rng.random()
        return datetime(on.year, on.month, on.day, 8 + int(r * 9), int(r * 3600) % 60, int(r * 216000) % 60, tzinfo=timezone.utc)

    def _after(self, start: date, low: int, high: int) -> date:
        return self.calendar.add(start, self.rng.randint(low, high))

    def case_events(self, received_on: date) -> list[tuple[str, date, str, dict[str, Any]]]:
        rng = self.rng
        roll = rng.random()
        case_type = "complaint" if roll < 0.9 else ("compliment" if roll < 0.96 else "comment")
        service, housing, categories = rng.choice(SERVICES)
        anonymous = rng.random() < 0.02
        name = None if anonymous else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        channel = rng.choice(CHANNELS)
        email = f"{name.split()[0].lower()}{rng.randint(1, 999)}@example.org" if name and rng.random() < 0.6 else None
        issue_date = received_on - timedelta(days=rng.randint(400, 900) if rng.random() < 0.03 else rng.randint(0, 60))
        logged = {
            "type": case_type,
            "name": name,
            "email": email,
            "phone": f"07700 9{rng.randint(0, 99999):05d}" if rng.random() < 0.4 else None,
            "address": f"{rng.randint(1, 200)} High Street, Exampleton" if rng.random() < 0.5 else None,
            "preferred_contact": "email" if email else None,
            "channel": channel,
            "representative": "Cllr A. Member" if channel == "representative" else None,
            "anonymous": anonymous,
            "service": service,
            "category": rng.choice(categories),
            "summary": f"{rng.choice(categories)}: {service.lower()} not resolved" if case_type == "complaint" else f"About {service.lower()}",
            "outcomes_sought": "Put it right and explain what went wrong" if case_type == "complaint" else None,
            "received_on": received_on.isoformat(),
            "issue_date": issue_date.isoformat(),
            "housing": housing,
            "adjustments": "Large print" if rng.random() < 0.02 else None,
        }
        self.actions = 0
        logger = rng.choice(OFFICERS)
        events = [("logged", received_on, logger, logged)]
        if case_type == "complaint":
            self._stage(events, 1, received_on, logged, rng.choice(OFFICERS), None)
        events.sort(key=lambda item: item[1])
        return [event for event in events if event[1] <= self.today]

    def _stage(self, events: list, number: int, received_on: date, logged: dict, handler: str, first_handler: str | None) -> None:
        rng = self.rng
        rules = self.stage1 if number == 1 else self.stage2
        acknowledge_by = self.calendar.add(received_on, rules.acknowledge_days)
        roll = rng.random()
        if number == 1 and roll < 0.07:
            code = rng.choice(EXCLUSION_CODES)
            on = self._after(received_on, 1, rules.acknowledge_days + 3)
            events.append(("closed", on, handler, self._closed(number, "refused", code, False, 0)))
            return
        if number == 1 and roll < 0.10:
            on = self._after(received_on, 1, 15)
            events.append(("closed", on, handler, self._closed(number, "withdrawn", None, False, 0)))
            return
        slow = rng.random() < 0.15
        acknowledged_on = self._after(received_on, 0, rules.acknowledge_days + (6 if slow else 0))
        events.append(
            (
                "acknowledged",
                acknowledged_on,
                handler,
                {
                    "stage": number,
                    "handler": handler,
                    "understanding": logged["summary"],
                    "outcomes_sought": logged["outcomes_sought"],
                },
            )
        )
        start = acknowledged_on if rules.respond_from == "acknowledgement" else received_on
        respond_by = self.calendar.add(start, rules.respond_days)
        extension = 0
        if rng.random() < 0.12:
            extension = rng.randint(1, rules.extension_max_days)
            on = self._after(acknowledged_on, 1, rules.respond_days - 1)
            new_respond_by = self.calendar.add(respond_by, extension)
            events.append(
                (
                    "extended",
                    on,
                    handler,
                    {
                        "stage": number,
                        "days": extension,
                        "reason": "Waiting for a contractor's report",
                        "good_reason": None,
                        "late_reason": None,
                        "late": False,
                        "previous_respond_by": respond_by.isoformat(),
                        "new_respond_by": new_respond_by.isoformat(),
                    },
                )
            )
            respond_by = new_respond_by
        if rng.random() < 0.2:
            on = self._after(acknowledged_on, 2, rules.respond_days)
            events.append(("updated", on, handler, {"stage": number, "progress": "Inspection booked", "next_update": None}))
        late = rng.random() < (0.25 if slow else 0.08)
        closed_on = self.calendar.add(respond_by, rng.randint(1, 15)) if late else self._after(start, 2, max(2, self.calendar.between(start, respond_by)))
        if (self.today - received_on).days < BACKLOG_DAYS and rng.random() < 0.8:
            # The current backlog: recent cases still waiting, some past their dates.
            closed_on = self.calendar.add(closed_on, rng.randint(20, 90))
        # Nothing of this stage is recorded after its outcome: the services refuse it.
        for index in range(len(events)):
            kind, on, officer, details = events[index]
            if kind in ("extended", "updated") and details["stage"] == number and on > closed_on:
                events[index] = (kind, closed_on, officer, details)
        outcome = rng.choices(("upheld", "partly-upheld", "not-upheld"), (3, 3, 4))[0]
        compensation = rng.choice((0, 0, 2500, 5000, 10000, 25000)) if outcome != "not-upheld" else 0
        events.append(("closed", closed_on, handler, self._closed(number, outcome, None, outcome != "not-upheld", compensation)))
        if outcome != "not-upheld" and rng.random() < 0.4:
            for _ in range(rng.randint(1, 2)):
                self.actions += 1
                action_number = self.actions
                due = closed_on + timedelta(days=rng.randint(7, 60))
                events.append(
                    (
                        "action-added",
                        closed_on,
                        handler,
                        {"number": action_number, "what": "Complete the repair", "due": due.isoformat(), "owner": rng.choice(OFFICERS)},
                    )
                )
                if rng.random() < (0.7 if (self.today - due).days < 60 else 0.995):
                    done = due - timedelta(days=rng.randint(0, 6)) if rng.random() < 0.8 else due + timedelta(days=rng.randint(1, 20))
                    events.append(("action-done", max(done, closed_on), handler, {"number": action_number}))
        if number == 1 and rng.random() < 0.12:
            on = self._after(closed_on, 1, 30)
            reviewer = rng.choice([officer for officer in OFFICERS if officer != handler])
            events.append(("escalated", on, reviewer, {"handler": reviewer, "late_reason": None, "outcomes_sought": "A review by a senior officer"}))
            self._stage(events, 2, on, logged, reviewer, handler)

    @staticmethod
    def _closed(number: int, outcome: str, exclusion: str | None, apology: bool, compensation: int) -> dict[str, Any]:
        decided = outcome in ("upheld", "partly-upheld", "not-upheld")
        return {
            "stage": number,
            "outcome": outcome,
            "reasons": EXCLUSIONS[exclusion] if exclusion else ("We looked at the records and spoke to the team" if decided else "The complainant withdrew"),
            "exclusion": exclusion,
            "steps_taken": "Reviewed the case file and interviewed staff" if decided else None,
            "remedy": "Repair completed and an apology given" if apology else None,
            "apology": apology,
            "compensation_pence": compensation,
            "learning": None,
        }


def _tuples(rows: list[dict[str, Any]]) -> list[tuple]:
    """Rows as SQLite stores them: dates as ISO text, booleans as 0 and 1."""
    converted = []
    for row in rows:
        values = []
        for value in row.values():
            kind = type(value)
            if kind is date:
                value = value.isoformat()
            elif kind is bool:
                value = int(value)
            values.append(value)
        converted.append(tuple(values))
    return converted


# The encoders of `event_hash` (compact) and of the events table (default separators).
_compact = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
_stored = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode


def _hash_halves(reference: str, item: Event, recorded_at: str) -> tuple[str, str]:
    """The text `event_hash` digests, split where the previous hash goes.

    It is the sorted-key compact JSON of the event's content, written out key by key so that
    the details are encoded once; the chain is sequential, but everything else can be done in a
    worker. The writer checks the first event of every chunk against `event_hash` itself.
    """
    before = (
        '{"details":' + _compact(item.details)
        + ',"kind":' + _compact(item.kind)
        + ',"number":' + str(item.number)
        + ',"officer":' + _compact(item.officer)
        + ',"on":"' + item.on.isoformat()
        + '","prev_hash":"'
    )
    after = '","recorded_at":"' + recorded_at + '","reference":' + _compact(reference) + "}"
    return before, after


_WORKER: dict[str, Any] = {}


def _start_worker(config: str | None, today: date) -> None:
    chosen_policy = policies.load(config)
    calendar = chosen_policy.calendar()
    # Ten years of cases ask the same few thousand (date, days) sums again and again.
    calendar.add = functools.lru_cache(maxsize=None)(calendar.add)
    calendar.between = functools.lru_cache(maxsize=None)(calendar.between)
    _WORKER.update(policy=chosen_policy, calendar=calendar, today=today)


def _build_chunk(job: tuple[int, int, list[tuple[int, str, date]]]) -> dict[str, Any]:
    """Cases of one chunk: projection rows, and events with everything but their chain hash."""
    seed, _, cases = job
    chosen_policy, calendar = _WORKER["policy"], _WORKER["calendar"]
    maker = Generator(chosen_policy, random.Random(seed), _WORKER["today"])
    maker.calendar = calendar
    case_rows, stages, actions, events_out = [], [], [], []
    opened = 0
    for case_id, reference, received_on in cases:
        events = [
            Event(kind=kind, on=on, officer=officer, recorded_at=maker._at(on), details=details, number=index)
            for index, (kind, on, officer, details) in enumerate(maker.case_events(received_on), start=1)
        ]
        case = derive(reference, events, chosen_policy, calendar)
        case_rows.append({"id": case_id, "reference": reference, **_case_values(case)})
        stages.extend(stage_rows(case_id, case))
        actions.extend(action_rows(case_id, case))
        for item in events:
            recorded_at = item.recorded_at.isoformat()
            before, after = _hash_halves(reference, item, recorded_at)
            events_out.append(
                (
                    case_id, item.number, item.kind, item.on.isoformat(), item.officer, recorded_at,
                    _stored(item.details), before, after,
                )
            )
        opened += case.status != "closed"
    sample = None
    if cases:
        case_id, reference, received_on = cases[0]
        first = events_out[0]
        sample = Event(
            kind=first[2], on=date.fromisoformat(first[3]), officer=first[4],
            recorded_at=datetime.fromisoformat(first[5]), details=json.loads(first[6]), number=first[1],
        )
    return {
        "cases": _tuples(case_rows),
        "case_columns": list(case_rows[0]) if case_rows else [],
        "stages": _tuples(stages),
        "stage_columns": list(stages[0]) if stages else [],
        "actions": _tuples(actions),
        "action_columns": list(actions[0]) if actions else [],
        "events": events_out,
        "open": opened,
        "sample": (cases[0][1], sample) if sample else None,
    }


def _prepare(location: str, chosen_policy: policies.Policy, today: date) -> None:
    """A new database, created and migrated exactly as `complaintctl init` creates it."""
    from complaintctl import services

    store = Store.create(location)
    try:
        services.sync_policy(services.Context(store, chosen_policy, chosen_policy.calendar(), "generator", today, datetime.now(timezone.utc)))
    finally:
        store.dispose()


def _insert(conn: sqlite3.Connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    if rows:
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)


def generate(
    location: str,
    cases: int,
    seed: int = 1,
    config: str | None = None,
    today: date | None = None,
    workers: int | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    if Path(location).exists():
        raise SystemExit(f"Error: {location} already exists; give a new file to --db")
    today = today or today_in_london()
    chosen_policy = policies.load(config)
    _prepare(location, chosen_policy, today)
    started = time.perf_counter()

    rng = random.Random(seed)
    first_day = date(today.year - YEARS, today.month, min(today.day, 28))
    span = (today - first_day).days
    receipts = sorted(first_day + timedelta(days=rng.randrange(span + 1)) for _ in range(cases))
    prefix = chosen_policy.reference_prefix
    counters: dict[int, int] = {}
    numbered = []
    for case_id, received_on in enumerate(receipts, start=1):
        number = counters.get(received_on.year, 0) + 1
        counters[received_on.year] = number
        numbered.append((case_id, f"{prefix}-{received_on.year}-{number:05d}", received_on))
    jobs = [(seed * 1_000_003 + index, index, numbered[index : index + BATCH]) for index in range(0, cases, BATCH)]

    conn = sqlite3.connect(location, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    head = conn.execute("SELECT value FROM meta WHERE key = 'chain_head'").fetchone()[0]
    # The indexes the migrations made are dropped while loading and made again, identically, after.
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")

    totals = {"cases": 0, "events": 0, "open": 0}
    event_id = 0
    workers = workers or min(4, os.cpu_count() or 1)
    if workers > 1 and len(jobs) > 1:
        pool = multiprocessing.get_context("fork").Pool(workers, _start_worker, (config, today))
        results = pool.imap(_build_chunk, jobs)
    else:
        pool = None
        _start_worker(config, today)
        results = map(_build_chunk, jobs)
    try:
        for chunk in results:
            if chunk["sample"]:
                reference, sample = chunk["sample"]
                before, after = chunk["events"][0][7:9]
                if hashlib.sha256((before + head + after).encode()).hexdigest() != event_hash(reference, sample, head):
                    raise SystemExit("Error: the generated hash differs from the store's event_hash; the generator needs updating")
            event_rows = []
            for case_id, number, kind, on, officer, recorded_at, details, before, after in chunk["events"]:
                digest = hashlib.sha256((before + head + after).encode()).hexdigest()
                event_id += 1
                event_rows.append((event_id, case_id, number, kind, on, officer, recorded_at, details, head, digest))
                head = digest
            conn.execute("BEGIN IMMEDIATE")
            _insert(conn, "cases", chunk["case_columns"], chunk["cases"])
            _insert(conn, "stages", chunk["stage_columns"], chunk["stages"])
            _insert(conn, "actions", chunk["action_columns"], chunk["actions"])
            _insert(conn, "events", ["id", "case_id", "number", "kind", "business_date", "officer", "recorded_at", "details", "prev_hash", "hash"], event_rows)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'chain_head'", (head,))
            conn.execute("COMMIT")
            totals["cases"] += len(chunk["cases"])
            totals["events"] += len(event_rows)
            totals["open"] += chunk["open"]
            if progress:
                rate = totals["cases"] / (time.perf_counter() - started)
                sys.stderr.write(f"\r{totals['cases']:,} cases, {rate:,.0f} a second ")
    finally:
        if pool is not None:
            pool.terminate()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO reference_counters (prefix, year, last_number) VALUES (?, ?, ?)",
        [(prefix, year, number) for year, number in sorted(counters.items())],
    )
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    totals["seconds"] = round(time.perf_counter() - started, 2)
    if progress:
        sys.stderr.write("\n")
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, required=True, help="How many cases to write.")
    parser.add_argument("--db", required=True, help="The SQLite file to create.")
    parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same cases.")
    parser.add_argument("--config", help="A policy file (TOML), as for complaintctl --config.")
    parser.add_argument("--today", type=date.fromisoformat, help="Generate as if today were this date (ISO).")
    parser.add_argument("--workers", type=int, help="Processes building cases (default: up to 4, one per core).")
    options = parser.parse_args(argv)
    if options.cases < 1:
        parser.error("--cases must be at least 1")
    totals = generate(options.db, options.cases, options.seed, options.config, options.today, options.workers, progress=sys.stderr.isatty())
    rate = totals["cases"] / max(totals["seconds"], 1e-9)
    print(
        f"Wrote {totals['cases']:,} cases ({totals['open']:,} open) and {totals['events']:,} events to {options.db} "
        f"in {totals['seconds']:.1f} s ({rate:,.0f} cases a second)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
