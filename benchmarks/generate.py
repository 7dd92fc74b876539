"""Fill a complaints database with N cases spread over ten years, as the commands write them.

    python benchmarks/generate.py --cases 100000 --db /tmp/bench.db [--seed 1] [--config FILE] [--today DATE]

Every case is a list of events with the details the services record (logged, acknowledged,
extended, updated, closed, escalated, action-added, action-done), folded by the model's own
`derive()` under the policy; the projection rows are the store's own (`case_values`,
`stage_rows`, `action_rows`) and each event is chained as the store's `event_hash` chains it,
under the chain key the new database was given as `init` gives one (checked against it on the
finished file). Only the writing differs: the whole load is one
transaction on one sqlite3 connection, instead of one transaction per step.

The mix: most complaints are closed at stage 1; some are refused or withdrawn, some extended,
some escalated to stage 2; remedies, compensation and actions with due dates; compliments and
comments. About 2% are still open: the complaints received in the last few weeks before today,
most of them not yet due, so the overdue work grows with the yearly intake, not with the years
kept. From 20,000 to 25,000 cases a second on two cores: a million in 40 to 50 seconds.
"""

from __future__ import annotations

import argparse
import hmac
import json
import multiprocessing
import os
import random
import sqlite3
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from complaintctl.domain import policy as policies
from complaintctl.clock import today_in_london
from complaintctl.domain.vocabulary import EXCLUSIONS
from complaintctl.domain.case import Action, derive
from complaintctl.domain.events import Event
from complaintctl.domain.calendar import Calendar
from complaintctl.storage.store import Store
from complaintctl.storage.projection import SEARCHED_DETAILS, case_values, action_rows, event_hash, joined_search_text, stage_rows
from complaintctl.storage.chainkey import KEY_ID

YEARS = 10
BATCH = 2000

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
                # Old promises were all kept in the end: what is overdue now is recent work.
                if (self.today - due).days >= 60 or rng.random() < 0.7:
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


# -- many cases from few lifecycles -----------------------------------------------------------------
#
# Deriving and encoding every case is what made generating slow. A case's projection depends only
# on its steps, their dates and the policy, not on who complained or its reference; so a few
# lifecycles are made and derived for each day of receipt, and each case received that day takes
# one of them with its own reference, complainant and time of day. The complainant appears only in
# the logged event's details and the `name` column, which are filled in per case.

RECENT_DAYS = 21  # the open workload: receipts of the last three weeks, still being handled
RECENT_SHARE = 0.03  # extra share of all cases received in those weeks, besides the even spread
POOL = 8  # at most this many lifecycles made per day of receipt,
REUSE = 10  # each shared by about this many cases
RECENT_POOL = 16  # more for the last weeks, whose cases may still be in progress
IN_PROGRESS_DAYS = 60
NAME_SLOT = "\x00name\x00"
EMAIL_SLOT = "\x00email\x00"
PEOPLE = 4096
TIMES = 1 << 14
OPEN_STATUSES = ("open", "acknowledged")


def _encoder(item_separator: str, key_separator: str) -> Callable[[Any], str]:
    """json.dumps(value, sort_keys=True, ensure_ascii=False) with these separators, made once.

    `json.dumps` builds its C encoder again on every call, which costs more than the encoding of
    the small dictionaries a lifecycle has; only JSON values are given, so `default` never runs.
    """
    from json import encoder

    encode = encoder.c_make_encoder(None, None, encoder.encode_basestring, None, key_separator, item_separator, True, False, True)
    return lambda value: "".join(encode(value, 0))


# The encoders of `event_hash` (compact) and of the events table (default separators).
_compact = _encoder(",", ":")
_stored = _encoder(", ", ": ")


def _value(value: Any) -> Any:
    """A value as SQLite stores it: dates as ISO text, booleans as 0 and 1."""
    kind = type(value)
    if kind is date:
        return value.isoformat()
    if kind is bool:
        return int(value)
    return value


def _hash_prefix(kind: str, number: int, officer: str, on: str, details_json: str) -> str:
    """The start of the text `event_hash` digests, up to where the previous hash goes.

    It is the sorted-key compact JSON of the event's content written out key by key; the writer
    checks the first event of every chunk against `event_hash` itself.
    """
    return (
        '{"details":' + details_json + ',"kind":' + _compact(kind) + ',"number":' + str(number)
        + ',"officer":' + _compact(officer) + ',"on":"' + on + '","prev_hash":"'
    )


def _split(text: str) -> tuple[str, str, str]:
    """Text encoding the logged details, cut where the email and the name go (keys sorted)."""
    first, rest = text.split(_compact(EMAIL_SLOT))
    second, third = rest.split(_compact(NAME_SLOT))
    return first, second, third


class Lifecycle:
    """One derived case, ready to be written again under other references and complainants."""

    __slots__ = ("id", "named", "emailed", "name", "case", "stages", "actions", "events", "logged", "hashing", "open", "searched")

    def __init__(self, number: int, steps: list[tuple[str, date, str, dict[str, Any]]], chosen_policy: policies.Policy, calendar: Calendar) -> None:
        self.id = number
        stamp = datetime(2000, 1, 1, tzinfo=timezone.utc)  # derive() does not read recorded_at
        events = [
            Event(kind=kind, on=on, officer=officer, recorded_at=stamp, details=details, number=index)
            for index, (kind, on, officer, details) in enumerate(steps, start=1)
        ]
        case = derive("", events, chosen_policy, calendar)
        values = case_values(case)
        self.name = values.pop("name")
        self.case = (number, self.name, *(_value(value) for value in values.values()))
        # Stage and action rows keyed by the lifecycle in place of the case id.
        self.stages = [(number, *[_value(value) for value in row.values()][1:]) for row in stage_rows(0, case)]
        self.actions = [(number, *[_value(value) for value in row.values()][1:]) for row in action_rows(0, case)]
        self.open = case.status in OPEN_STATUSES
        logged = dict(steps[0][3])
        # The searched details the lifecycle's cases share (each case adds its own reference,
        # name and email in front, as projection.search_text orders them).
        self.searched = [logged.get(key) for key in SEARCHED_DETAILS if key != "email"]
        self.named = logged["name"] is not None
        self.emailed = logged["email"] is not None
        logged["name"], logged["email"] = NAME_SLOT, EMAIL_SLOT
        on, officer = steps[0][1].isoformat(), steps[0][2]
        self.events = [(number, 1, "logged", on, officer, None, *_split(_stored(logged)))]
        self.logged = (*_split(_hash_prefix("logged", 1, officer, on, _compact(logged))), '","recorded_at":"' + on + "T")
        self.hashing = []
        for item in events[1:]:
            on = item.on.isoformat()
            self.events.append((number, item.number, item.kind, on, item.officer, _stored(item.details), None, None, None))
            self.hashing.append(
                (_hash_prefix(item.kind, item.number, item.officer, on, _compact(item.details)), '","recorded_at":"' + on + "T")
            )


def _people(rng: random.Random) -> list[tuple[str, str, str]]:
    """Complainants: (name, name as JSON, email as JSON)."""
    people = []
    for _ in range(PEOPLE):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        people.append((name, _compact(name), _compact(f"{first.lower()}{rng.randint(1, 999)}@example.org")))
    return people


def _times(rng: random.Random) -> list[str]:
    """Times of day at which steps are typed in, with the text that follows them in the hash."""
    return [f"{8 + rng.randrange(9):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}+00:00" for _ in range(TIMES)]


class TableCalendar(Calendar):
    """The policy's calendar with its working days counted once, for the generator's ten years.

    `add` and `between` read two tables instead of stepping day by day; they give the same
    answers as the calendar they copy (it decides every day), which it still asks outside the span.
    """

    def __init__(self, base: Calendar, first: date, last: date) -> None:
        super().__init__(base.nation, base.closures)
        self.first, self.last = first.toordinal(), last.toordinal()
        self.counts: list[int] = []  # working days after `first`, up to and including each day
        self.days: list[date] = [first]  # the n-th working day after `first`
        count = 0
        for ordinal in range(self.first, self.last + 1):
            day = date.fromordinal(ordinal)
            if ordinal > self.first and base.is_working_day(day):
                count += 1
                self.days.append(day)
            self.counts.append(count)

    def add(self, start: date, days: int) -> date:
        offset = start.toordinal() - self.first
        if days > 0 and 0 <= offset and start.toordinal() <= self.last:
            position = self.counts[offset] + days
            if position < len(self.days):
                return self.days[position]
        return super().add(start, days)

    def between(self, start: date, end: date) -> int:
        first, last = start.toordinal() - self.first, end.toordinal() - self.first
        if 0 <= first < len(self.counts) and 0 <= last < len(self.counts):
            return self.counts[last] - self.counts[first]
        return super().between(start, end)


def _schema(columns: dict[str, list[str]]) -> str:
    """The tables a batch travels in: its lifecycles, and a row per case."""
    case_values, stage_values, action_values = columns["cases"][3:], columns["stages"][1:], columns["actions"][1:]
    return f"""
        CREATE TABLE life (life INTEGER PRIMARY KEY, name, {', '.join(case_values)});
        CREATE TABLE life_stage (life INTEGER, {', '.join(stage_values)}, PRIMARY KEY (life, number)) WITHOUT ROWID;
        CREATE TABLE life_action (life INTEGER, {', '.join(action_values)}, PRIMARY KEY (life, number)) WITHOUT ROWID;
        CREATE TABLE life_event (life INTEGER, number INTEGER, kind, business_date, officer, details, part0, part1, part2,
                                 PRIMARY KEY (life, number)) WITHOUT ROWID;
        CREATE TABLE batch (id INTEGER PRIMARY KEY, life, first_event, reference, name, email_json, name_json, clock,
                            prev_hash, hashes, search_text);
        """


LIFE_TABLES = ("life", "life_stage", "life_action", "life_event")


class Loader:
    """Writes batches of cases into the new database by letting SQLite copy rows.

    A batch arrives as a small serialized SQLite database: the lifecycles first seen in it, and
    one row per case of its id, reference, complainant, time of day and the hashes of its events.
    Lifecycles are kept in temporary tables; `INSERT … SELECT` joins them with the cases into the
    rows of cases, stages, actions and events.
    """

    def __init__(self, conn: sqlite3.Connection, columns: dict[str, list[str]]) -> None:
        self.conn = conn
        case_values = columns["cases"][3:]
        stage_values = columns["stages"][1:]
        action_values = columns["actions"][1:]
        conn.execute("PRAGMA temp_store = MEMORY")
        for statement in _schema(columns).split(";"):
            if "CREATE TABLE life" in statement:
                conn.execute(statement.replace("CREATE TABLE", "CREATE TEMP TABLE"))
        conn.execute("ATTACH ':memory:' AS incoming")
        self.copy = [
            *(f"INSERT INTO temp.{table} SELECT * FROM incoming.{table}" for table in LIFE_TABLES),
            f"""INSERT INTO main.cases ({', '.join(columns['cases'])})
                SELECT b.id, b.reference, b.name, {', '.join(('b.' if name == 'search_text' else 'l.') + name for name in case_values)}
                FROM incoming.batch b JOIN temp.life l ON l.life = b.life ORDER BY b.id""",
            f"""INSERT INTO main.stages (case_id, {', '.join(stage_values)})
                SELECT b.id, {', '.join('s.' + name for name in stage_values)}
                FROM incoming.batch b JOIN temp.life_stage s ON s.life = b.life ORDER BY b.id, s.number""",
            f"""INSERT INTO main.actions (case_id, {', '.join(action_values)})
                SELECT b.id, {', '.join('a.' + name for name in action_values)}
                FROM incoming.batch b JOIN temp.life_action a ON a.life = b.life ORDER BY b.id, a.number""",
            # A logged event's details are its lifecycle's with the complainant's email and name;
            # `hashes` are the case's event hashes one after another, 64 characters each.
            """INSERT INTO main.events (id, case_id, number, kind, business_date, officer, recorded_at, details, prev_hash, hash)
                SELECT b.first_event + e.number - 1, b.id, e.number, e.kind, e.business_date, e.officer,
                       e.business_date || 'T' || b.clock,
                       coalesce(e.details, e.part0 || b.email_json || e.part1 || b.name_json || e.part2),
                       iif(e.number = 1, b.prev_hash, substr(b.hashes, e.number * 64 - 127, 64)),
                       substr(b.hashes, e.number * 64 - 63, 64)
                FROM incoming.batch b JOIN temp.life_event e ON e.life = b.life
                ORDER BY b.id, e.number""",
        ]

    def write(self, batch: bytes) -> None:
        self.conn.deserialize(batch, name="incoming")
        for statement in self.copy:
            self.conn.execute(statement)


class Chain:
    """Batches of cases as `Loader` takes them, with every event's hash chained to the one before."""

    def __init__(self, head: str, last_event: int, schema: str, key: bytes) -> None:
        self.head, self.last_event, self.schema, self.key = head, last_event, schema, key
        self.lives: dict[str, list[tuple]] = {table: [] for table in LIFE_TABLES}
        self.cases: list[tuple] = []

    def add_life(self, life: Lifecycle) -> None:
        self.lives["life"].append(life.case)
        self.lives["life_stage"].extend(life.stages)
        self.lives["life_action"].extend(life.actions)
        self.lives["life_event"].extend(life.events)
        # What comes before the previous hash is the same for every case sharing the lifecycle,
        # so it is digested once and the digest copied.
        first, second, third, stamp = life.logged
        life.logged = (self.keyed(first), second, third, stamp)
        life.hashing = [(self.keyed(before), stamp) for before, stamp in life.hashing]

    def keyed(self, text: str) -> Any:
        """The HMAC of `text` under the chain key, to be copied and finished for each case."""
        return hmac.new(self.key, text.encode(), "sha256")

    def add_case(self, case_id: int, reference: str, life: Lifecycle, person: tuple[str, str, str], clock: str) -> None:
        name, name_json, email_json = person
        if not life.named:
            name, name_json = life.name, "null"
        if not life.emailed:
            email_json = "null"
        prev_hash = self.head
        tail = clock + '","reference":"' + reference + '"}'
        first, second, third, stamp = life.logged
        digest = first.copy()
        digest.update((email_json + second + name_json + third + prev_hash + stamp + tail).encode())
        head = digest.hexdigest()
        hashes = [head]
        for before, stamp in life.hashing:
            digest = before.copy()
            digest.update((head + stamp + tail).encode())
            head = digest.hexdigest()
            hashes.append(head)
        email = json.loads(email_json) if life.emailed else None
        searched = joined_search_text([reference, name, None, email, *life.searched])
        self.cases.append(
            (case_id, life.id, self.last_event + 1, reference, name, email_json, name_json, clock, prev_hash, "".join(hashes), searched)
        )
        self.last_event += len(hashes)
        self.head = head

    def take(self) -> bytes:
        """The batch as a serialized database, made here so the writer only has to copy it."""
        db = sqlite3.connect(":memory:")
        db.executescript(self.schema)
        for table, rows in (*self.lives.items(), ("batch", self.cases)):
            if rows:
                db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
        db.commit()
        batch = db.serialize()
        db.close()
        self.lives = {table: [] for table in LIFE_TABLES}
        self.cases = []
        return batch


_WORKER: dict[str, Any] = {}


def _start_worker(config: str | None, today: date, seed: int, first_day: date) -> None:
    chosen_policy = policies.load(config)
    calendar = TableCalendar(chosen_policy.calendar(), date(first_day.year - 1, 1, 1), date(today.year + 2, 12, 31))
    _WORKER.update(policy=chosen_policy, calendar=calendar, today=today, seed=seed, first_day=first_day)


def _day_pool(offset: int, count: int) -> list[Lifecycle]:
    """The lifecycles of one day of receipt."""
    chosen_policy, calendar, today, seed = _WORKER["policy"], _WORKER["calendar"], _WORKER["today"], _WORKER["seed"]
    received_on = _WORKER["first_day"] + timedelta(days=offset)
    maker = Generator(chosen_policy, random.Random(seed * 100_000_007 + received_on.toordinal()), today)
    maker.calendar = calendar
    if (today - received_on).days < IN_PROGRESS_DAYS:
        size = min(count, max(RECENT_POOL, count // REUSE))
    else:
        size = max(1, min(count // REUSE, POOL))
    return [Lifecycle(offset * 1_000_000 + slot, maker.case_events(received_on), chosen_policy, calendar) for slot in range(size)]


def _batches(counts: list[int], prefix: str, head: str, last_event: int, key: bytes) -> Iterator[tuple]:
    """Every case, day by day of receipt, in batches: references in order, each year numbered from 1.

    The last item is what the writer needs to finish: the numbers used per year, how many cases
    are open, the chain head and the last event id.
    """
    first_day, seed = _WORKER["first_day"], _WORKER["seed"]
    rng = random.Random(seed)
    people, times = _people(rng), _times(rng)
    chain = Chain(head, last_event, _schema(_column_names(_WORKER["policy"])), key)
    numbers: dict[int, int] = {}
    case_id = opened = 0
    getrandbits = rng.getrandbits
    for offset, count in enumerate(counts):
        if not count:
            continue
        pool = _day_pool(offset, count)
        for life in pool:
            chain.add_life(life)
        size = len(pool)
        year = (first_day + timedelta(days=offset)).year
        number = numbers.get(year, 0)
        label = f"{prefix}-{year}-"
        for _ in range(count):
            bits = getrandbits(32)
            life = pool[bits % size]
            number += 1
            case_id += 1
            chain.add_case(case_id, f"{label}{number:05d}", life, people[(bits >> 6) & (PEOPLE - 1)], times[bits >> 18])
            opened += life.open
        numbers[year] = number
        if len(chain.cases) >= BATCH:
            yield chain.take()
    yield chain.take()
    yield numbers, opened, chain.head, chain.last_event


def _produce(out: Any, setup: tuple, job: tuple) -> None:
    """Make the batches in this process and send them to the writer, in order."""
    try:
        _start_worker(*setup)
        for item in _batches(*job):
            out.put(item)
    except BaseException as problem:
        out.put(SystemExit(f"Error: making the cases failed: {problem!r}"))
        raise
    out.put(None)


def _received(source: Any) -> Iterator[tuple]:
    while (item := source.get()) is not None:
        if isinstance(item, BaseException):
            raise item
        yield item


def _prepare(location: str, chosen_policy: policies.Policy, today: date) -> bytes:
    """A new database, created and migrated exactly as `complaintctl init` creates it; its chain key."""
    from complaintctl import services

    store = Store.create(location)
    try:
        services.sync_policy(services.Context(store, chosen_policy, chosen_policy.calendar(), "generator", today, datetime.now(timezone.utc)))
        with store.reading() as tx:
            return tx.keys.secret(tx.meta(KEY_ID))
    finally:
        store.dispose()


def _receipts(rng: random.Random, cases: int, first_day: date, today: date) -> list[int]:
    """How many cases were received on each day from first_day to today.

    They are spread evenly over the years, with some more in the last weeks: the complaints still
    being handled, most of them not yet due.
    """
    span = (today - first_day).days
    recent = int(cases * RECENT_SHARE)
    counts = [0] * (span + 1)
    randrange = rng.randrange
    for _ in range(cases - recent):
        counts[randrange(span + 1)] += 1
    for _ in range(recent):
        counts[span - randrange(RECENT_DAYS)] += 1
    return counts


def _column_names(chosen_policy: policies.Policy) -> dict[str, list[str]]:
    """The columns of the rows a Lifecycle holds, in its order, named by the store's own functions."""
    on = date(2020, 1, 6)
    logged = Event(kind="logged", on=on, officer="x", recorded_at=datetime(2020, 1, 6, tzinfo=timezone.utc), number=1,
                   details={"type": "complaint", "received_on": on.isoformat(), "issue_date": None})
    case = derive("", [logged], chosen_policy, chosen_policy.calendar())
    case.actions.append(Action(number=1, what="x", due=on, owner=None, stage=1, added_on=on))
    values = [name for name in case_values(case) if name != "name"]
    return {
        "cases": ["id", "reference", "name", *values],
        "stages": list(stage_rows(0, case)[0]),
        "actions": list(action_rows(0, case)[0]),
        "events": ["case_id", "number", "kind", "business_date", "officer", "recorded_at", "details", "prev_hash", "hash"],
    }


def generate(
    location: str,
    cases: int,
    seed: int = 1,
    config: str | None = None,
    today: date | None = None,
    workers: int | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Write `cases` cases to a new database at `location`; the same seed gives the same cases.

    SQLite has one writer and the hash chain is one sequence, so with `workers` (by default if
    there is a second core) one other process makes the cases and their hashes while this one
    writes them; with workers=0 this process does both.
    """
    if Path(location).exists():
        raise SystemExit(f"Error: {location} already exists; give a new file to --db")
    today = today or today_in_london()
    chosen_policy = policies.load(config)
    key = _prepare(location, chosen_policy, today)
    started = time.perf_counter()

    first_day = date(today.year - YEARS, today.month, min(today.day, 28))
    counts = _receipts(random.Random(seed), cases, first_day, today)
    prefix = chosen_policy.reference_prefix

    conn = sqlite3.connect(location, isolation_level=None)
    # Nothing else uses the file until it is finished, so the load needs no journal; WAL, as the
    # store sets it, is restored at the end.
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    # The indexes stay in place while loading: cases arrive in order of receipt, so each index
    # grows at a few places only. Dropping them and making them again afterwards took longer, on
    # one core, with the other idle.
    loader = Loader(conn, _column_names(chosen_policy))
    conn.execute("BEGIN")

    head = conn.execute("SELECT value FROM meta WHERE key = 'chain_head'").fetchone()[0]
    last_event = conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
    setup, job = (config, today, seed, first_day), (counts, prefix, head, last_event, key)
    if workers is None:
        workers = 1 if (os.cpu_count() or 1) > 1 else 0
    if workers:
        context = multiprocessing.get_context("fork")
        channel = context.Queue(maxsize=4)
        maker = context.Process(target=_produce, args=(channel, setup, job), daemon=True)
        maker.start()
        batches = _received(channel)
    else:
        maker = None
        _start_worker(*setup)
        batches = _batches(*job)
    written = 0
    try:
        for batch in batches:
            if not isinstance(batch, bytes):
                numbers, opened, head, last_event = batch
                break
            loader.write(batch)
            written = conn.execute("SELECT max(id) FROM incoming.batch").fetchone()[0] or written
            if progress:
                sys.stderr.write(f"\r{written:,} cases, {written / (time.perf_counter() - started):,.0f} a second ")
    finally:
        if maker is not None:
            maker.join(timeout=5)
            if maker.is_alive():
                maker.terminate()
    _check_hash(conn, key)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'chain_head'", (head,))
    conn.executemany(
        "INSERT INTO reference_counters (prefix, year, last_number) VALUES (?, ?, ?)",
        [(prefix, year, number) for year, number in sorted(numbers.items())],
    )
    conn.execute("COMMIT")
    # No ANALYZE: the commands never run it, so the file keeps the query plans a real one has.
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    if progress:
        sys.stderr.write("\n")
    return {"cases": cases, "events": last_event, "open": opened, "seconds": round(time.perf_counter() - started, 2)}


def _check_hash(conn: sqlite3.Connection, key: bytes) -> None:
    """Recompute a few events' hashes with the store's own `event_hash`, from the rows as stored."""
    last = conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0
    for event_id in sorted({1, 2, last // 2, last - 1, last} - {0}):
        row = conn.execute(
            "SELECT c.reference, e.kind, e.business_date, e.officer, e.recorded_at, e.details, e.number, e.prev_hash, e.hash"
            " FROM events e JOIN cases c ON c.id = e.case_id WHERE e.id = ?",
            (event_id,),
        ).fetchone()
        reference, kind, on, officer, recorded_at, details, number, prev_hash, digest = row
        item = Event(kind=kind, on=date.fromisoformat(on), officer=officer, recorded_at=datetime.fromisoformat(recorded_at),
                     details=json.loads(details), number=number)
        if event_hash(reference, item, prev_hash, key) != digest or _stored(item.details) != details:
            raise SystemExit("Error: a generated event differs from what the store writes; the generator needs updating")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, required=True, help="How many cases to write.")
    parser.add_argument("--db", required=True, help="The SQLite file to create.")
    parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same cases.")
    parser.add_argument("--config", help="A policy file (TOML), as for complaintctl --config.")
    parser.add_argument("--today", type=date.fromisoformat, help="Generate as if today were this date (ISO).")
    parser.add_argument("--workers", type=int, help="0 to make and write the cases in one process (default: a second process makes them, on two or more cores).")
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
