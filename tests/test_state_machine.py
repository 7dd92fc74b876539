"""Random walks through the complaints process, checked step by step against a small model.

A hypothesis rule-based state machine drives the real command line in-process (Typer's
CliRunner) through random walks. A walk starts on a fixed Monday (before Christmas 2026,
Easter 2027, the May bank holidays of 2027 or the Summer bank holiday of 2026) with the clock
frozen at noon, under the built-in policy or a council's (closure days, stage 1 answered from
receipt), and logs a first complaint. Each move is then one of:
- a usual step on a case: acknowledge (with or without a handler), extend (`--days`, `--to`,
  at or around the cap, with or without `--good-reason` and `--late-reason`), record a progress
  update, close (each outcome, at times with an action), escalate (naming a reviewer, or the
  stage 1 handler in another spelling), acknowledge stage 2, add and complete actions; or, once
  every case has come to its end, log the next complaint;
- any step on any case, which the model often refuses (a decision before an acknowledgement,
  a compliment extended, an action done twice...);
- log a complaint, compliment or comment received today, a few days or some weeks back;
- move the clock on 1 to 10 days; look at `overdue --as-of` an earlier day;
- a step dated tomorrow, or before its stage was received.
Steps are dated `--on` today or up to 4 days back, never before the case's previous step, so a
case's steps dated up to any day are a prefix of its history.

The model is this file's own: it never imports complaintctl. It counts working days with its
own loop over the `holidays` package (SPEC §3: Monday to Friday, not an England and Wales bank
holiday nor a closure day of the policy; "within N working days of D" is the N-th working day
after D, D not counted) and keeps the rules of SPEC §2 and §4 and of the README ("The rules it
keeps"): acknowledge within 5 working days of receipt, respond within 10 (stage 2: 20) of the
acknowledgement or, until then, of the last day to acknowledge; extensions capped at 10
(stage 2: 20) without a good reason, after the response date only with a late reason; a
decision only after the acknowledgement; stage 2 only after a stage 1 decision and never
handled by the stage 1 handler, however the name is typed.

After every step:
- a step the model refuses must exit 1 with one `Error: …` line naming the case and leave
  `show REF --json` as it was; a step it allows must exit 0, and the case printed with `--json`
  must have the model's status, stage, deadlines, extension days, outcome, handler, next due
  date, actions and history (kinds and dates of its events);
- one more case in turn: its `show --json` is the model's, and the same as its last output;
- `overdue --json` and `overdue --json --within 10` list exactly the model's items (each open
  case's next deadline, each outstanding action: due date, working days overdue as SPEC §7
  counts them, handler), most late first.

Every step the model allows runs on a SQLite file and on a PostgreSQL database side by side
(tests/pg.py's server; PostgreSQL is left out, with a warning, only where that fixture skips
because initdb or psycopg is missing), and their outputs must be identical but for
`recorded_at`. At the end of each walk both databases must give the same `overdue` (today,
and as of the start and the middle of the walk), pass `verify`, and show every case as the
model says.

`test_as_of_equals_a_database_rebuilt_up_to_that_date` walks on SQLite only and rebuilds
databases from only the steps dated on or before a past day D, the clock at D:
`overdue --json --as-of D --within 10` on the walk's database must list exactly what
`overdue --json --within 10` lists on the rebuilt one, and what the model lists. It fails for
as long as `overdue --as-of D --within N` lists cases received after D (its smallest failing
walk: a complaint received on the first day, and the overdue list as of the day before).

CI walks the same walks every run: 15 walks of up to 25 moves (10 of up to 12 for the
rebuilds), from a fixed seed, with no example database. For a release, walk more, at random:

    COMPLAINTCTL_LONG_WALK=1 PYTHONPATH=src python -m pytest -p no:cacheprovider tests/test_state_machine.py

which takes 200 walks of up to 60 moves (100 of up to 30 for the rebuilds), around half an
hour on two cores. `COMPLAINTCTL_WALK_EXAMPLES` and `COMPLAINTCTL_WALK_STEPS` set those numbers;
`COMPLAINTCTL_WALK_SEED=N` repeats a run (a failure names its seed). A failure prints the
walk that makes it, shrunk, as `state.move(...)` calls with the moves drawn ("Draw 1 (move):
'usual step'" …), and a `@reproduce_failure` blob.
"""

from __future__ import annotations

import copy
import json
import os
import random
import sqlite3
import sys
import uuid
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import holidays
import pytest
from freezegun import freeze_time
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from conftest import Cli, Outcome

LONG_WALK = os.environ.get("COMPLAINTCTL_LONG_WALK", "") not in ("", "0")
WALK = settings(
    max_examples=int(os.environ.get("COMPLAINTCTL_WALK_EXAMPLES", 200 if LONG_WALK else 15)),
    stateful_step_count=int(os.environ.get("COMPLAINTCTL_WALK_STEPS", 60 if LONG_WALK else 25)),
    deadline=None,
    database=None,
    print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no "explain": a run per line
    suppress_health_check=[HealthCheck.too_slow],
)
# Rebuilding databases: shorter walks, so that a failure shrinks in a minute or two.
REPLAY = settings(
    WALK,
    max_examples=int(os.environ.get("COMPLAINTCTL_WALK_EXAMPLES", 100 if LONG_WALK else 10)),
    stateful_step_count=int(os.environ.get("COMPLAINTCTL_WALK_STEPS", 30 if LONG_WALK else 12)),
)

CI_SEED = 20261214  # CI walks the same walks every time; COMPLAINTCTL_WALK_SEED picks others
ONE_DAY = timedelta(days=1)
OFFICER = "officer.one"  # COMPLAINTCTL_OFFICER, set for every test by conftest
DECISIONS = ("upheld", "partly-upheld", "not-upheld")
OUTCOMES = (*DECISIONS, "refused", "withdrawn")
# Handlers as officers type them: the same person in another spelling is still the same person.
HANDLERS = (None, "Sam Smith", "Pat Jones", "Sam Smith")  # None: the officer recording it
REVIEWERS = ("Pat Jones", None, " sam  SMITH ", "Officer.ONE")  # named at escalation
# Where walks start (a Monday, the clock at noon UTC): before Christmas 2026 (25 Dec, 28 Dec for
# Boxing Day, 1 Jan), Easter 2027 (26 and 29 March), the May bank holidays of 2027 (3 and 31
# May) and the Summer bank holiday of 2026 (31 August).
STARTS = (date(2026, 12, 14), date(2027, 3, 22), date(2027, 4, 26), date(2026, 8, 24))


# -- the model: working days -------------------------------------------------------------------------


class WorkingDays:
    """SPEC §3, counted here: Monday to Friday, not an England and Wales bank holiday (the
    `holidays` package, substitute days included) and not one of the policy's closure days."""

    def __init__(self, closures: tuple[date, ...] = ()) -> None:
        self.bank_holidays = holidays.country_holidays("GB", subdiv="ENG")  # loads years as asked
        self.closures = set(closures)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.bank_holidays and day not in self.closures

    def add(self, start: date, days: int) -> date:
        """The `days`-th working day after `start`, which is never counted itself."""
        day = start
        while days:
            day += ONE_DAY
            days -= self.is_working_day(day)
        return day

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when end is earlier."""
        if end < start:
            return -self.between(end, start)
        return sum(self.is_working_day(start + k * ONE_DAY) for k in range(1, (end - start).days + 1))


# -- the model: policy, cases and rules ---------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class Policy:
    name: str
    toml: str | None = None  # None: the built-in policy, no --config
    closures: tuple[date, ...] = ()
    stage1_from_receipt: bool = False
    acknowledge_days: tuple[int, int] = (5, 5)
    respond_days: tuple[int, int] = (10, 20)
    extension_cap: tuple[int, int] = (10, 20)

    def __repr__(self) -> str:
        return f"Policy({self.name!r})"

    def _repr_pretty_(self, printer, cycle) -> None:  # how hypothesis prints a failing walk
        printer.text(repr(self))


COUNCIL_CLOSURES = tuple(
    date.fromisoformat(day)
    for day in ("2026-09-01", "2026-12-29", "2026-12-30", "2026-12-31", "2027-03-30", "2027-05-04")
)
POLICIES = (
    Policy("built-in Housing Ombudsman Code 2024"),
    Policy(
        "council: closure days, stage 1 answered from receipt",
        toml=(
            "[calendar]\nclosures = [" + ", ".join(f'"{day.isoformat()}"' for day in COUNCIL_CLOSURES) + "]\n"
            '[stage1]\nrespond_from = "receipt"\n'
        ),
        closures=COUNCIL_CLOSURES,
        stage1_from_receipt=True,
    ),
)


@dataclass
class Stage:
    number: int
    received: date
    handler: str | None = None
    acknowledged_on: date | None = None
    extension_days: int = 0
    closed_on: date | None = None
    outcome: str | None = None


@dataclass
class Action:
    number: int
    what: str
    due: date
    stage: int
    added_on: date
    done_on: date | None = None


@dataclass
class Case:
    index: int  # position in the walk: references differ between the full and a rebuilt database
    reference: str
    type: str
    received: date
    service: str
    stages: list[Stage] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    events: list[tuple[str, date]] = field(default_factory=list)

    @property
    def has_clock(self) -> bool:
        return self.type == "complaint"

    @property
    def current(self) -> Stage:
        return self.stages[-1]

    @property
    def last_on(self) -> date:
        return self.events[-1][1]


def same_person(first: str | None, second: str | None) -> bool:
    return bool(first and second) and " ".join(first.lower().split()) == " ".join(second.lower().split())


def cleaned(text: str | None) -> str | None:
    return (text or "").strip() or None


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


class Rules:
    """The deadlines and the refusals of SPEC §2–§4 and §7 for one policy."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.days = WorkingDays(policy.closures)

    # deadlines

    def acknowledge_by(self, stage: Stage) -> date:
        return self.days.add(stage.received, self.policy.acknowledge_days[stage.number - 1])

    def respond_by(self, stage: Stage) -> date:
        if stage.number == 1 and self.policy.stage1_from_receipt:
            start = stage.received
        else:
            # Until the stage is acknowledged, the last day it could be acknowledged stands in.
            start = stage.acknowledged_on or self.acknowledge_by(stage)
        return self.days.add(start, self.policy.respond_days[stage.number - 1] + stage.extension_days)

    def next_due(self, case: Case) -> tuple[str, date] | None:
        """The earliest thing an open case waits for: acknowledge, then respond (no updates)."""
        stage = case.current
        if not case.has_clock or stage.closed_on:
            return None
        pending = [(self.respond_by(stage), 1, "respond")]
        if stage.acknowledged_on is None:
            pending.append((self.acknowledge_by(stage), 0, "acknowledge"))
        due, _, what = min(pending)
        return what, due

    def shown(self, case: Case) -> dict:
        """What `show REF --json` must say, for the keys the model knows."""
        stage, clock = case.current, case.has_clock
        upcoming = self.next_due(case)
        return {
            "reference": case.reference,
            "type": case.type,
            "stage": stage.number,
            "status": "closed" if not clock or stage.closed_on else "acknowledged" if stage.acknowledged_on else "open",
            "outcome": stage.outcome,
            "received_on": iso(case.received),
            "handler": stage.handler,
            "acknowledge_by": iso(self.acknowledge_by(stage)) if clock else None,
            "acknowledged_on": iso(stage.acknowledged_on),
            "respond_by": iso(self.respond_by(stage)) if clock else None,
            "escalate_by": None,  # no escalation window in either policy
            "extension_days": stage.extension_days,
            "next_due": {"what": upcoming[0], "due": iso(upcoming[1])} if upcoming else None,
            "service": case.service,
            "actions": [
                {"number": a.number, "what": a.what, "due": iso(a.due), "stage": a.stage, "done_on": iso(a.done_on)}
                for a in case.actions
            ],
            "events": [[kind, iso(on)] for kind, on in case.events],
        }

    def overdue(self, cases: list[Case], as_of: date, within: int | None) -> list[dict]:
        """SPEC §7, §10 and the README: every deadline of each open case (acknowledge until it is
        acknowledged, respond) and each outstanding action, due before as-of (or, with --within
        N, on or before the N-th working day after it)."""
        horizon = as_of - ONE_DAY if within is None else self.days.add(as_of, within)
        items = []
        for case in cases:
            if not case.has_clock:
                continue
            stage = case.current
            if not stage.closed_on:
                pending = [("respond", self.respond_by(stage))]
                if stage.acknowledged_on is None:
                    pending.append(("acknowledge", self.acknowledge_by(stage)))
                for what, due in pending:
                    if due <= horizon:
                        items.append(self._item(case, stage.number, what, due, None, as_of))
            for action in case.actions:
                if action.done_on is None and action.due <= horizon:
                    items.append(self._item(case, action.stage, "action", action.due, action.number, as_of))
        return sorted(items, key=item_key)

    def _item(self, case: Case, stage: int, what: str, due: date, action: int | None, as_of: date) -> dict:
        return {
            "reference": case.reference,
            "stage": stage,
            "what": what,
            "due": iso(due),
            "working_days_overdue": self.days.between(due, as_of),
            "overdue": due < as_of,
            "handler": case.current.handler,
            "action": action,
            "service": case.service,
        }

    # refusals: None when the step is allowed, else why not (for the failure message)

    def date_refusal(self, case: Case, on: date, today: date, after: date | None = None) -> str | None:
        if on > today:
            return "in the future"
        if on < (after or case.current.received):
            return "before the stage was received (or the step it follows)"
        return None

    def open_refusal(self, case: Case) -> str | None:
        if not case.has_clock:
            return f"a {case.type} has no clock"
        if case.current.closed_on:
            return "the stage is closed"
        return None

    def acknowledge_refusal(self, case: Case, on: date, today: date, handler: str | None) -> str | None:
        refusal = self.open_refusal(case) or self.date_refusal(case, on, today)
        if refusal:
            return refusal
        stage = case.current
        if stage.acknowledged_on:
            return "already acknowledged"
        if stage.number == 2 and same_person(self.acknowledging_handler(case, handler), case.stages[0].handler):
            return "the stage 2 handler handled stage 1"
        return None

    @staticmethod
    def acknowledging_handler(case: Case, handler: str | None) -> str:
        return cleaned(handler) or case.current.handler or OFFICER

    def extension(self, case: Case, on: date, today: date, days: int | None, to: date | None,
                  good_reason: bool, late_reason: bool) -> tuple[str | None, int]:
        """(why it is refused or None, the working days it adds)."""
        refusal = self.open_refusal(case) or self.date_refusal(case, on, today)
        if refusal:
            return refusal, 0
        stage = case.current
        due = self.respond_by(stage)
        if to is not None:
            if not self.days.is_working_day(to):
                return "--to is not a working day", 0
            days = self.days.between(due, to)
            if days <= 0:
                return "--to is not after the response date", 0
        if stage.extension_days + days > self.policy.extension_cap[stage.number - 1] and not good_reason:
            return "over the cap without --good-reason", 0
        if on > due and not late_reason:
            return "after the response date without --late-reason", 0
        if self.days.add(due, days) < on:
            return "the new response date would already have passed", 0
        return None, days

    def close_refusal(self, case: Case, on: date, today: date, outcome: str, reasons: bool,
                      action_due: date | None) -> str | None:
        refusal = self.open_refusal(case)
        if refusal:
            return refusal
        stage = case.current
        if outcome in DECISIONS:
            if stage.acknowledged_on is None:
                return "a decision needs an acknowledgement"
            refusal = self.date_refusal(case, on, today, after=stage.acknowledged_on)
        else:
            refusal = self.date_refusal(case, on, today)
        if refusal:
            return refusal
        if outcome != "withdrawn" and not reasons:
            return "a decision or refusal needs --reasons"
        if action_due and action_due < case.received:
            return "the action is due before the case was received"
        return None

    def escalate_refusal(self, case: Case, on: date, today: date, handler: str | None) -> str | None:
        if not case.has_clock:
            return f"a {case.type} has no clock"
        first = case.stages[0]
        if case.current.number == 2:
            return "already at stage 2"
        if not first.closed_on:
            return "stage 1 is still open"
        if first.outcome not in DECISIONS:
            return "stage 1 did not end with a decision"
        return self.date_refusal(case, on, today, after=first.closed_on) or (
            "the stage 2 handler handled stage 1" if same_person(cleaned(handler), first.handler) else None
        )

    def action_refusal(self, case: Case, on: date, today: date, due: date) -> str | None:
        if not case.has_clock:
            return f"a {case.type} has no clock"
        return self.date_refusal(case, on, today) or (
            "the action is due before the case was received" if due < case.received else None
        )

    def done_refusal(self, case: Case, number: int, on: date, today: date) -> str | None:
        action = next((a for a in case.actions if a.number == number), None)
        if action is None:
            return f"no action {number}"
        if action.done_on:
            return "already done"
        return self.date_refusal(case, on, today, after=action.added_on)


# -- the steps' random details ------------------------------------------------------------------------

PICK = st.integers(0, 99)  # which case, counted round the cases the step picks from
BACK = st.integers(0, 4)  # days before today, though never before the case's last step
# When a complaint was received: mostly in the last few days, at times weeks ago (logged late).
RECEIVED_BACK = st.one_of(BACK, st.integers(5, 25))
# The details of each step, drawn at random.
STEPS = {
    "acknowledge": {"back": BACK, "handler": st.sampled_from(HANDLERS)},
    "extend": {
        "back": BACK,
        # --days N (mostly a few, or one less, as many or one more than the stage's cap leaves),
        # or --to so many calendar days after the response date or after today (a weekend at
        # times, or not after the response date, or long after it).
        "how": st.one_of(
            st.tuples(st.just("days"), st.one_of(st.integers(1, 4), st.integers(1, 22))),
            st.tuples(st.just("cap"), st.sampled_from((0, 0, -1, 1))),
            st.tuples(st.just("to"), st.integers(-3, 30)),
            st.tuples(st.just("to from today"), st.integers(0, 10)),
        ),
        "good_reason": st.booleans(),
        "late_reason": st.booleans(),
    },
    "update": {"back": BACK},
    "close": {
        "back": BACK,
        "outcome": st.sampled_from(OUTCOMES),
        "reasons": st.sampled_from((True, True, True, False)),
        "action_in": st.one_of(st.none(), st.integers(-10, 15)),  # an action due so many days from today
    },
    "escalate": {"back": BACK, "handler": st.sampled_from(REVIEWERS)},
    "add_action": {"back": BACK, "due_in": st.integers(-10, 15)},
    "complete_action": {"back": BACK, "number": st.integers(1, 3)},
}


# The walk's moves and their details; the weights are the repeats in Walk.moves.
MOVES = {
    "log": {
        "back": RECEIVED_BACK,
        "kind": st.sampled_from(["complaint"] * 8 + ["compliment", "comment"]),
        "service": st.sampled_from(["Waste", "Housing Repairs"]),
    },
    "advance": {"days": st.integers(1, 10)},
    "look back": {"back": st.integers(1, 12)},
    "impossible date": {
        "pick": PICK,
        "when": st.sampled_from(["tomorrow", "before the stage"]),
        "command": st.sampled_from(["acknowledge", "extend", "update", "close", "escalate", "action", "log"]),
    },
    "rebuild as of": {"back": st.integers(1, 15)},
}


def is_open(case: Case) -> bool:
    return case.has_clock and not case.current.closed_on


def has_decision(case: Case) -> bool:
    return case.current.number == 1 and case.current.outcome in DECISIONS


def outstanding(case: Case, number: int) -> int:
    """The number-th outstanding action of the case (round), or `number` when none is."""
    numbers = [action.number for action in case.actions if action.done_on is None]
    return numbers[(number - 1) % len(numbers)] if numbers else number


def lifecycle(case: Case, late: bool) -> list[str]:
    """The steps that usually come next for a case (repeats make one likelier); `late`: its
    response date has passed (an officer would extend it, with a late reason)."""
    if not case.has_clock:
        return []
    later = ["complete_action"] if any(action.done_on is None for action in case.actions) else []
    overdue = ["extend", "extend"] if late else []
    if is_open(case) and not case.current.acknowledged_on:
        return ["acknowledge", "acknowledge", "extend", "update", "close", *overdue]
    if is_open(case):
        return ["close", "extend", "update", "close", "extend", "add_action", *later, *overdue]
    if has_decision(case):
        return ["escalate", "escalate", "escalate", "add_action", *later]
    return later


def item_key(item: dict) -> tuple:
    return (item["reference"], item["what"], item["action"] or 0, item["due"])


# -- comparing outputs ---------------------------------------------------------------------------------


def without_recorded_at(value):
    if isinstance(value, dict):
        return {key: without_recorded_at(item) for key, item in value.items() if key != "recorded_at"}
    if isinstance(value, list):
        return [without_recorded_at(item) for item in value]
    return value


def comparable(outcome: Outcome):
    try:
        stdout = without_recorded_at(json.loads(outcome.stdout)) if outcome.stdout.strip() else outcome.stdout
    except ValueError:
        stdout = outcome.stdout
    return outcome.exit_code, stdout, outcome.stderr


def shown_subset(case_json: dict) -> dict:
    """The keys of `show --json` the model predicts, shaped as Rules.shown."""
    subset = {key: case_json[key] for key in (
        "reference", "type", "stage", "status", "outcome", "received_on", "handler", "acknowledge_by",
        "acknowledged_on", "respond_by", "escalate_by", "extension_days", "next_due", "service",
    )}
    subset["actions"] = [{key: a[key] for key in ("number", "what", "due", "stage", "done_on")} for a in case_json["actions"]]
    subset["events"] = [[event["kind"], event["on"]] for event in case_json["events"]]
    return subset


def overdue_subset(items: list[dict]) -> list[dict]:
    keys = ("reference", "stage", "what", "due", "working_days_overdue", "overdue", "handler", "action", "service")
    return sorted(({key: item[key] for key in keys} for item in items), key=item_key)


# -- the walk ------------------------------------------------------------------------------------------


@dataclass
class Step:
    """A step the database accepted, kept to rebuild the database up to a date."""

    on: date
    case: int  # the model case it acts on (for `log`, the one it makes)
    args: list[str]  # "{ref}" where the case's reference goes


class Walk(RuleBasedStateMachine):
    """One walk: a model, a SQLite file and (when there is a server) a PostgreSQL database."""

    folder: Path  # set by the test
    postgres = None  # tests/pg.py's PostgresServer, or None
    moves = ("usual step",) * 8 + ("any step",) * 2 + ("log", "log", "advance", "advance", "look back", "impossible date")

    def __init__(self) -> None:
        super().__init__()
        self.started = False
        self.cases: list[Case] = []
        self.history: dict[int, list[tuple[date, Case]]] = {}
        self.journal: list[Step] = []
        self.outputs: dict[int, dict] = {}  # the last `--json` of each case, from SQLite
        self.turn = 0

    # set-up and the clock

    @initialize(start=st.sampled_from(STARTS), policy=st.sampled_from(POLICIES), back=RECEIVED_BACK)
    def begin(self, start: date, policy: Policy, back: int) -> None:
        """A new pair of databases, the clock at noon on `start`, and a first complaint."""
        self.start = self.today = start
        self.rules = Rules(policy)
        name = uuid.uuid4().hex[:12]
        config = None
        if policy.toml:
            config = self.folder / f"policy-{name}.toml"
            config.write_text(policy.toml)
        # Copies of a database `init` made once for all the walks.
        path = self.folder / f"walk-{name}.db"
        copy_sqlite(self.folder / TEMPLATE, path)
        self.sqlite = Cli(str(path), config=config and str(config))
        self.pg = self.pg_name = None
        if self.postgres is not None:
            self.pg_name = f"walk_{name}"
            self.postgres.admin(f'CREATE DATABASE "{self.pg_name}" TEMPLATE "{TEMPLATE}"')
            self.pg = Cli(self.postgres.url(self.pg_name), config=config and str(config))
        self.freezer = freeze_time(self.noon(start))
        self.clock = self.freezer.start()
        self.started = True
        self.log(back, "complaint", "Waste")

    @staticmethod
    def noon(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)

    def teardown(self) -> None:
        if not self.started:
            return
        try:
            if sys.exc_info()[0] is None:  # the walk passed: a last look at everything
                self.compare_everything()
        finally:
            self.freezer.stop()
            if self.pg_name:
                self.postgres.admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    @rule(data=st.data())
    def move(self, data) -> None:
        """One move of the walk, drawn from MOVES by weight. (A single rule, so that every walk
        has every kind of move: hypothesis leaves some rules out of each walk it makes.)"""
        what = data.draw(st.sampled_from(self.moves), label="move")
        if what in ("usual step", "any step"):
            self.case_step(data, usual=what == "usual step")
        else:
            getattr(self, what.replace(" ", "_"))(**data.draw(st.fixed_dictionaries(MOVES[what]), label=what))

    def case_step(self, data, usual: bool) -> None:
        """A step on a case: a usual one moves a case along its path (acknowledge; extend, update
        or close; escalate; ...), or when every case has come to its end, logs the next
        complaint; any step on any case is often refused. The simplest walk hypothesis tries is
        all usual steps: complaints one after another, from receipt to a stage 2 decision."""
        pool = [case for case in self.cases if self.lifecycle(case)] if usual else self.cases
        if not pool:
            self.log(0, "complaint", "Waste")
            return
        case = pool[data.draw(PICK, label="case") % len(pool)]
        name = data.draw(st.sampled_from(self.lifecycle(case) if usual else list(STEPS)), label="step")
        arguments = STEPS[name]
        if usual and name == "close" and not case.current.acknowledged_on:
            # Mostly what may end a stage before its acknowledgement; a decision is refused.
            arguments = {**arguments, "outcome": st.sampled_from(("withdrawn", "refused", "withdrawn", "upheld"))}
        if usual and name == "acknowledge" and case.current.number == 2:
            # The reviewer named at escalation (or the officer), another officer, or the stage 1
            # handler again, which is refused.
            arguments = {**arguments, "handler": st.sampled_from((None, "Kim Lee", case.stages[0].handler))}
        details = data.draw(st.fixed_dictionaries(arguments), label=name)
        if usual and name == "complete_action":
            details["number"] = outstanding(case, details["number"])
        getattr(self, name)(case, **details)

    def lifecycle(self, case: Case) -> list[str]:
        return lifecycle(case, late=is_open(case) and self.rules.respond_by(case.current) < self.today)

    def advance(self, days: int) -> None:
        """The days pass."""
        self.today += days * ONE_DAY
        self.clock.move_to(self.noon(self.today))

    # running the command line on both databases

    def run(self, *args: str, both: bool = True) -> Outcome:
        outcome = self.sqlite(*args)
        if self.pg is not None and both:
            other = self.pg(*args)
            assert comparable(other) == comparable(outcome), (
                f"SQLite and PostgreSQL disagree on {list(args)}:\n"
                f"SQLite:     {comparable(outcome)}\nPostgreSQL: {comparable(other)}"
            )
        return outcome

    def step(self, case: Case | None, args: list[str], on: date, refusal: str | None) -> Outcome | None:
        """Run a step; check it is refused or accepted as the model says. Returns the outcome
        when accepted (the caller then moves the model and calls `accepted`)."""
        reference = case.reference if case else None
        # What the model refuses runs on SQLite alone (to save time): were PostgreSQL to take it,
        # its next output or the comparison at the end of the walk would differ.
        outcome = self.run(*(arg.replace("{ref}", reference or "") for arg in args), both=not refusal)
        if refusal:
            lines = outcome.stderr.splitlines()
            assert outcome.exit_code == 1 and len(lines) == 1 and lines[0].startswith("Error: "), (
                f"the model refuses {args} on {case and reference} ({refusal}), but it exited "
                f"{outcome.exit_code}: {outcome.stdout[:300]!r} {outcome.stderr!r}"
            )
            assert outcome.stdout == ""
            if case:
                assert reference in lines[0], lines[0]
                assert self.sqlite.show(reference) == self.outputs[case.index], f"{args} was refused but changed {reference}"
            return None
        assert outcome.exit_code == 0, (
            f"the model allows {args} on {reference} (on {on}, today {self.today}), "
            f"but it was refused: {outcome.stderr.strip()}"
        )
        return outcome

    def accepted(self, case: Case, outcome: Outcome, on: date, args: list[str]) -> None:
        """The model has taken the step: the printed case must be the model's."""
        printed = outcome.json()
        assert shown_subset(printed) == self.rules.shown(case), f"after {args} on {on}"
        self.outputs[case.index] = printed
        self.history[case.index].append((on, copy.deepcopy(case)))
        self.journal.append(Step(on, case.index, args))

    def on_date(self, case: Case, back: int) -> date:
        """Today or a few days back, never before the case's last step."""
        return max(self.today - back * ONE_DAY, case.last_on)

    # the steps

    def log(self, back: int, kind: str, service: str) -> None:
        received = self.today - back * ONE_DAY
        args = ["log", "--type", kind, "--name", "Ann Example", "--summary", "The bins were missed",
                "--service", service, "--received", received.isoformat(), "--json"]
        count = 1 + sum(1 for other in self.cases if other.received.year == received.year)
        case = Case(len(self.cases), f"CMP-{received.year}-{count:05d}", kind, received, service)
        outcome = self.step(None, args, received, None)
        case.stages.append(Stage(1, received))
        case.events.append(("logged", received))
        self.cases.append(case)
        self.history[case.index] = []
        self.accepted(case, outcome, received, args)

    def acknowledge(self, case: Case, back: int, handler: str | None) -> None:
        on = self.on_date(case, back)
        args = ["acknowledge", "{ref}", "--on", on.isoformat(), "--json", *(["--handler", handler] if handler else [])]
        refusal = self.rules.acknowledge_refusal(case, on, self.today, handler)
        outcome = self.step(case, args, on, refusal)
        if outcome:
            stage = case.current
            stage.handler = self.rules.acknowledging_handler(case, handler)
            stage.acknowledged_on = on
            case.events.append(("acknowledged", on))
            self.accepted(case, outcome, on, args)

    def extend(self, case: Case, back: int, how: tuple[str, int], good_reason: bool, late_reason: bool) -> None:
        on = self.on_date(case, back)
        days = to = None
        if how[0] == "days":
            days = how[1]
            amount = ["--days", str(days)]
        elif how[0] == "cap":
            stage = case.current
            left = self.rules.policy.extension_cap[stage.number - 1] - stage.extension_days if case.has_clock else 0
            days = max(1, left + how[1])
            amount = ["--days", str(days)]
        else:
            base = self.rules.respond_by(case.current) if case.has_clock and how[0] == "to" else self.today
            to = base + how[1] * ONE_DAY
            amount = ["--to", to.isoformat()]
        args = ["extend", "{ref}", *amount, "--reason", "Waiting for a surveyor", "--on", on.isoformat(), "--json",
                *(["--good-reason", "A specialist report is needed"] if good_reason else []),
                *(["--late-reason", "The date was missed"] if late_reason else [])]
        refusal, added = self.rules.extension(case, on, self.today, days, to, good_reason, late_reason)
        outcome = self.step(case, args, on, refusal)
        if outcome:
            case.current.extension_days += added
            case.events.append(("extended", on))
            self.accepted(case, outcome, on, args)

    def update(self, case: Case, back: int) -> None:
        on = self.on_date(case, back)
        args = ["update", "{ref}", "--progress", "A surveyor has been booked", "--on", on.isoformat(), "--json"]
        refusal = self.rules.open_refusal(case) or self.rules.date_refusal(case, on, self.today)
        outcome = self.step(case, args, on, refusal)
        if outcome:
            case.events.append(("updated", on))
            self.accepted(case, outcome, on, args)

    def close(self, case: Case, back: int, outcome: str, reasons: bool, action_in: int | None) -> None:
        on = self.on_date(case, back)
        action_due = None if action_in is None else self.today + action_in * ONE_DAY
        args = ["close", "{ref}", "--outcome", outcome, "--on", on.isoformat(), "--json",
                *(["--reasons", "The repair was late"] if reasons else []),
                *(["--exclusion", "duplicate"] if outcome == "refused" else []),
                *(["--action", "Replace the bin", "--action-due", action_due.isoformat()] if action_due else [])]
        refusal = self.rules.close_refusal(case, on, self.today, outcome, reasons, action_due)
        result = self.step(case, args, on, refusal)
        if result:
            case.current.closed_on = on
            case.current.outcome = outcome
            case.events.append(("closed", on))
            if action_due:
                self.add_to_model(case, "Replace the bin", action_due, on)
            self.accepted(case, result, on, args)

    def escalate(self, case: Case, back: int, handler: str | None) -> None:
        on = self.on_date(case, back)
        args = ["escalate", "{ref}", "--on", on.isoformat(), "--json", *(["--handler", handler] if handler else [])]
        refusal = self.rules.escalate_refusal(case, on, self.today, handler)
        outcome = self.step(case, args, on, refusal)
        if outcome:
            case.stages.append(Stage(2, on, handler=cleaned(handler)))
            case.events.append(("escalated", on))
            self.accepted(case, outcome, on, args)

    def add_action(self, case: Case, back: int, due_in: int) -> None:
        on = self.on_date(case, back)
        due = self.today + due_in * ONE_DAY
        args = ["action", "add", "{ref}", "--what", "Pay £50 for the missed visit", "--due", due.isoformat(),
                "--on", on.isoformat(), "--json"]
        refusal = self.rules.action_refusal(case, on, self.today, due)
        outcome = self.step(case, args, on, refusal)
        if outcome:
            self.add_to_model(case, "Pay £50 for the missed visit", due, on)
            self.accepted(case, outcome, on, args)

    def add_to_model(self, case: Case, what: str, due: date, on: date) -> None:
        case.actions.append(Action(len(case.actions) + 1, what, due, case.current.number, on))
        case.events.append(("action-added", on))

    def complete_action(self, case: Case, back: int, number: int) -> None:
        on = self.on_date(case, back)
        args = ["action", "done", "{ref}", str(number), "--on", on.isoformat(), "--json"]
        refusal = self.rules.done_refusal(case, number, on, self.today)
        outcome = self.step(case, args, on, refusal)
        if outcome:
            case.actions[number - 1].done_on = on
            case.events.append(("action-done", on))
            self.accepted(case, outcome, on, args)

    def impossible_date(self, pick: int, when: str, command: str) -> None:
        """A step dated in the future, or before its stage was received: always refused."""
        case = self.cases[pick % len(self.cases)]
        on = self.today + ONE_DAY if when == "tomorrow" else case.current.received - ONE_DAY
        day = on.isoformat()
        args = {
            "acknowledge": ["acknowledge", "{ref}", "--handler", "Kim Lee", "--on", day],
            "extend": ["extend", "{ref}", "--days", "1", "--reason", "R", "--on", day],
            "update": ["update", "{ref}", "--progress", "P", "--on", day],
            "close": ["close", "{ref}", "--outcome", "withdrawn", "--on", day],
            "escalate": ["escalate", "{ref}", "--handler", "Kim Lee", "--on", day],
            "action": ["action", "add", "{ref}", "--what", "W", "--due", iso(case.received), "--on", day],
            "log": ["log", "--name", "N", "--summary", "S", "--received", (self.today + ONE_DAY).isoformat()],
        }[command]
        self.step(None if command == "log" else case, args, on, "a date the step cannot have")

    def look_back(self, back: int) -> None:
        """`overdue --as-of` an earlier day: the cases as they stood then (no --within here:
        see test_as_of_equals_a_database_rebuilt_up_to_that_date)."""
        as_of = self.today - back * ONE_DAY
        listed = self.sqlite.ok("overdue", "--json", "--as-of", as_of.isoformat()).json()
        expected = self.rules.overdue(self.cases_as_of(as_of), as_of, None)
        assert overdue_subset(listed) == expected, f"overdue --as-of {as_of} (today {self.today})"

    def cases_as_of(self, day: date) -> list[Case]:
        """Each case as it stood at the end of `day`: its last snapshot dated on or before it."""
        then = []
        for case in self.cases:
            snapshots = [snapshot for on, snapshot in self.history[case.index] if on <= day]
            if snapshots:
                then.append(snapshots[-1])
        return then

    # after every step

    @invariant()
    def overdue_is_the_models(self) -> None:
        if not self.started:
            return
        for within in (None, 10):
            listed = self.sqlite("overdue", "--json", *(["--within", str(within)] if within is not None else []))
            assert listed.exit_code == 0, listed.stderr
            items = listed.json()
            lateness = [item["working_days_overdue"] for item in items]
            assert lateness == sorted(lateness, reverse=True), "overdue must list the most late first"
            assert overdue_subset(items) == self.rules.overdue(self.cases, self.today, within), (
                f"overdue{'' if within is None else f' --within {within}'} on {self.today}"
            )

    @invariant()
    def one_more_case_is_the_models(self) -> None:
        if not self.cases:
            return
        self.turn += 1
        case = self.cases[self.turn % len(self.cases)]
        shown = self.sqlite.show(case.reference)
        assert shown_subset(shown) == self.rules.shown(case)
        assert shown == self.outputs[case.index], "show --json differs from the step's own --json output"

    def compare_everything(self) -> None:
        """At the end of a walk: every case, and overdue today and as of earlier days, on both
        databases (whose every step was already compared)."""
        middle = self.start + (self.today - self.start) // 2
        for as_of in sorted({self.today, middle, self.start}):
            self.run("overdue", "--json", "--within", "10", "--as-of", as_of.isoformat())
        self.run("overdue", "--json")
        for database in filter(None, (self.sqlite, self.pg)):
            database.ok("verify")  # the stored state of every case is the state its events give
        for case in self.cases:
            shown = self.run("show", case.reference, "--json").json()
            assert shown_subset(shown) == self.rules.shown(case)


class ReplayWalk(Walk):
    """The walk, plus databases rebuilt from only the steps dated up to a past day D, with the
    clock at D: `overdue --as-of D` on the walk's database must list what `overdue` lists on
    the rebuilt one. That is checked at random days during the walk, and at its end as of the
    day before the last complaint was received and as of the walk's middle day.

    The checks after every step are the main walk's business: left out here, a failing walk
    runs quicker, so hypothesis can shrink it further in the same time."""

    moves = (*Walk.moves, "rebuild as of")

    def overdue_is_the_models(self) -> None:  # no longer an invariant
        pass

    def one_more_case_is_the_models(self) -> None:  # no longer an invariant
        pass

    def rebuild_as_of(self, back: int) -> None:
        self.compare_with_rebuilt(self.today - back * ONE_DAY)

    def compare_everything(self) -> None:
        super().compare_everything()
        last_received = max(case.received for case in self.cases)
        for as_of in sorted({last_received - ONE_DAY, self.start + (self.today - self.start) // 2}):
            self.compare_with_rebuilt(as_of)

    def compare_with_rebuilt(self, as_of: date) -> None:
        """Replay the steps dated on or before `as_of` (in the order they were taken, the
        clock at `as_of`) into a new database, and compare the two lists of what is due."""
        path = self.folder / f"rebuilt-{uuid.uuid4().hex[:12]}.db"
        copy_sqlite(self.folder / TEMPLATE, path)
        rebuilt = Cli(str(path), config=self.sqlite.config)
        references: dict[int, str] = {}
        with freeze_time(self.noon(as_of)):
            for step in self.journal:
                if step.on > as_of:
                    continue
                if step.args[0] == "log":
                    references[step.case] = rebuilt.ok(*step.args).json()["reference"]
                else:
                    rebuilt.ok(*(arg.replace("{ref}", references[step.case]) for arg in step.args))
            then = rebuilt.ok("overdue", "--json", "--within", "10").json()
        full = self.sqlite.ok("overdue", "--json", "--as-of", as_of.isoformat(), "--within", "10").json()

        # The two databases number the cases differently: name each item by the walk's case.
        names = {case.reference: f"case {case.index}" for case in self.cases}
        rebuilt_names = {reference: f"case {index}" for index, reference in references.items()}

        def named(items: list[dict], by: dict[str, str]) -> list[dict]:
            return sorted(({**item, "reference": by[item["reference"]]} for item in items), key=item_key)

        expected = [{**item, "reference": names[item["reference"]]}
                    for item in self.rules.overdue(self.cases_as_of(as_of), as_of, 10)]
        assert overdue_subset(named(then, rebuilt_names)) == sorted(expected, key=item_key), (
            f"the database rebuilt up to {as_of} disagrees with the model"
        )
        extra = {item["reference"] for item in full} - set(references.values()) - {
            case.reference for case in self.cases if case.index in references}
        assert named(full, names) == named(then, rebuilt_names), (
            f"overdue --as-of {as_of} --within 10 (today {self.today}) differs from a database rebuilt from "
            f"the steps up to {as_of}; cases it lists that were received later: "
            f"{ {ref: iso(case.received) for case in self.cases for ref in extra if case.reference == ref} }"
        )


# -- the tests -----------------------------------------------------------------------------------------


TEMPLATE = "walk_template"


def copy_sqlite(source: Path, target: Path) -> None:
    old, new = sqlite3.connect(source), sqlite3.connect(target)
    try:
        old.backup(new)
    finally:
        old.close()
        new.close()
    target.chmod(0o600)


def walk(kind: type[Walk], folder: Path, server=None, chosen_settings: settings = WALK) -> None:
    """Run the walks with the seed of this run (named on failure, so the run can be repeated),
    each on copies of databases that `init` prepared once."""
    Cli(str(folder / TEMPLATE)).ok("init")
    if server is not None:
        server.admin(f'CREATE DATABASE "{TEMPLATE}"')
        Cli(server.url(TEMPLATE)).ok("init")
        # A database is copied only while nobody is connected to it.
        server.admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{TEMPLATE}'")
    machine = type(kind.__name__, (kind,), {"folder": folder, "postgres": server})
    chosen = int(os.environ.get("COMPLAINTCTL_WALK_SEED") or (random.getrandbits(32) if LONG_WALK else CI_SEED))
    try:
        run_state_machine_as_test(seed(chosen)(machine), settings=chosen_settings)
    except BaseException as failure:
        failure.add_note(f"walk seed {chosen}: COMPLAINTCTL_WALK_SEED={chosen} repeats this run")
        raise
    finally:
        if server is not None:
            server.admin(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')


@pytest.fixture
def walking(monkeypatch):
    """Unexpected errors raise instead of becoming an `Error:` line (so a crash is never taken
    for a refusal), and Typer builds its click command once instead of once per command."""
    import typer.testing

    monkeypatch.setenv("COMPLAINTCTL_DEBUG", "1")
    built: dict[int, object] = {}
    build = typer.testing._get_command

    def once(app):
        if id(app) not in built:
            built[id(app)] = build(app)
        return built[id(app)]

    monkeypatch.setattr(typer.testing, "_get_command", once)


def test_random_walks_agree_with_the_model_on_sqlite_and_postgresql(walking, request, tmp_path):
    try:
        server = request.getfixturevalue("pg_server")
    except pytest.skip.Exception as why:
        warnings.warn(f"the walks ran on SQLite only: {why}", stacklevel=1)
        server = None
    walk(Walk, tmp_path, server)


def test_as_of_equals_a_database_rebuilt_up_to_that_date(walking, tmp_path):
    walk(ReplayWalk, tmp_path, chosen_settings=REPLAY)
