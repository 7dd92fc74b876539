"""Cases, stages and actions, and the rules of the two-stage process that derive them. Pure; no I/O.

Events are the record. A case's state and deadlines are derived from its events, the policy
and the working-day calendar by `derive`; nothing else decides them. Given the history of a
database's policy, a step that was taken keeps the deadlines of the policy in force when it was
recorded; what is still open follows the policy in force now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from complaintctl.domain.calendar import add_months
from complaintctl.domain.corrections import amended, in_force, voided_numbers
from complaintctl.domain.events import CORRECTION_KINDS, Event
from complaintctl.domain.vocabulary import ANONYMOUS_NAME, DECISIONS

if TYPE_CHECKING:
    from complaintctl.domain.calendar import Calendar
    from complaintctl.domain.policy import Policy, PolicyHistory


@dataclass
class Action:
    """Something promised to the complainant, tracked until done (often after closure)."""

    number: int
    what: str
    due: date
    owner: str | None
    stage: int
    added_on: date
    done_on: date | None = None

    @property
    def outstanding(self) -> bool:
        return self.done_on is None


@dataclass
class Stage:
    """One stage of a complaint, with its deadlines derived from the policy."""

    number: int
    received_on: date
    acknowledge_by: date | None
    handler: str | None = None
    # Everyone who has handled the stage, in order: stage 2 needs someone who is none of stage 1's.
    handlers: list[str] = field(default_factory=list)
    acknowledged_on: date | None = None
    understanding: str | None = None
    outcomes_sought: str | None = None
    original_respond_by: date | None = None
    respond_by: date | None = None
    # The response date that counts for "answered in time": an extension recorded after the
    # response was already due moves respond_by but cannot make a late response timely.
    in_time_by: date | None = None
    extension_days: int = 0
    extensions: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    update_due: date | None = None
    closed_on: date | None = None
    outcome: str | None = None
    exclusion: str | None = None
    reasons: str | None = None
    steps_taken: str | None = None
    remedy: str | None = None
    apology: bool = False
    compensation_pence: int = 0
    learning: str | None = None
    escalate_by: date | None = None
    late_reason: str | None = None  # an escalation request accepted outside the window
    # What the complainant remains unhappy about, as they gave it with the stage 2 request.
    escalation_reasons: str | None = None

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def responded(self) -> bool:
        """A decision was issued (refusals and withdrawals are not responses)."""
        return self.outcome in DECISIONS

    @property
    def responded_in_time(self) -> bool | None:
        if not self.responded or self.respond_by is None or self.closed_on is None:
            return None
        return self.closed_on <= (self.in_time_by or self.respond_by)


@dataclass
class Case:
    """A complaint, compliment or comment, as derived from its events."""

    reference: str
    type: str
    received_on: date
    details: dict[str, Any]
    ombudsman: str
    over_12_months: bool
    stages: list[Stage] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    # The whole history, voided steps and corrections included, as `show` lists it.
    events: list[Event] = field(default_factory=list)
    # The numbers of the events a `voided` event took back.
    voided: frozenset[int] = frozenset()
    # True when `derive_further(settle=False)` left the end of the fold (`settle_further`) undone.
    unsettled: bool = field(default=False, compare=False, repr=False)

    @property
    def events_in_force(self) -> list[Event]:
        """The history the case stands on: without the voided steps and the voids."""
        return in_force(self.events, self.voided)

    @property
    def has_clock(self) -> bool:
        return self.type == "complaint"

    @property
    def current(self) -> Stage:
        return self.stages[-1]

    @property
    def stage(self) -> int:
        return self.current.number

    @property
    def status(self) -> str:
        if not self.has_clock or self.current.is_closed:
            return "closed"
        return "acknowledged" if self.current.acknowledged_on else "open"

    @property
    def outcome(self) -> str | None:
        return self.current.outcome

    @property
    def handler(self) -> str | None:
        return self.current.handler

    @property
    def name(self) -> str:
        return self.details.get("name") or (ANONYMOUS_NAME if self.details.get("anonymous") else "")

    @property
    def escalate_by(self) -> date | None:
        return self.current.escalate_by if self.stage == 1 else None

    @property
    def outstanding_actions(self) -> list[Action]:
        return [action for action in self.actions if action.outstanding]

    def deadlines(self) -> list[tuple[str, date]]:
        """Everything the open case is waiting for (acknowledge, respond, update), earliest first."""
        if not self.has_clock or self.current.is_closed:
            return []
        stage = self.current
        pending: list[tuple[date, int, str]] = []
        if stage.acknowledged_on is None and stage.acknowledge_by is not None:
            pending.append((stage.acknowledge_by, 0, "acknowledge"))
        if stage.respond_by is not None:
            pending.append((stage.respond_by, 1, "respond"))
        if stage.update_due is not None:
            pending.append((stage.update_due, 2, "update"))
        return [(what, due) for due, _, what in sorted(pending)]

    def next_deadline(self) -> tuple[str, date] | None:
        """The earliest thing the case is waiting for: acknowledge, respond or update."""
        pending = self.deadlines()
        return pending[0] if pending else None


def add_window(window, closed_on: date, calendar: Calendar) -> date | None:
    if window.unit == "none":
        return None
    if window.unit == "months":
        return add_months(closed_on, window.amount)
    if window.unit == "working_days":
        return calendar.add(closed_on, window.amount)
    return closed_on + timedelta(days=window.amount)


def is_over_12_months(issue_date: date | None, received_on: date) -> bool:
    return issue_date is not None and issue_date < add_months(received_on, -12)


def _new_stage(number: int, received_on: date, policy: Policy, calendar: Calendar) -> Stage:
    rules = policy.stage(number)
    return Stage(
        number=number,
        received_on=received_on,
        acknowledge_by=calendar.add(received_on, rules.acknowledge_days),
    )


def _settle_acknowledge_by(stage: Stage, policy: Policy, calendar: Calendar) -> None:
    stage.acknowledge_by = calendar.add(stage.received_on, policy.stage(stage.number).acknowledge_days)


def _settle_deadlines(stage: Stage, policy: Policy, calendar: Calendar) -> None:
    """Work out respond_by and the next update from what the stage has recorded so far."""
    rules = policy.stage(stage.number)
    if rules.respond_from == "receipt":
        start = stage.received_on
    else:
        # Until it is acknowledged, the latest permitted acknowledgement stands in for it.
        start = stage.acknowledged_on or stage.acknowledge_by
    stage.original_respond_by = calendar.add(start, rules.respond_days)
    stage.respond_by = calendar.add(stage.original_respond_by, stage.extension_days)
    timely_days = 0
    for extension in stage.extensions:
        if extension.get("late_reason"):
            break
        timely_days += int(extension["days"])
    stage.in_time_by = calendar.add(stage.original_respond_by, timely_days)

    stage.update_due = None
    if stage.is_closed:
        return
    every = policy.update_every_days
    if every:
        clock_starts = stage.original_respond_by
        if stage.extensions:
            clock_starts = min(clock_starts, stage.extensions[0]["on"])
        last_contact = max([clock_starts, *(update["on"] for update in stage.updates)])
        stage.update_due = calendar.add(last_contact, every)
    # The latest update's promise to write again by a date (`update --next`), when sooner.
    promised = stage.updates[-1].get("next_update") if stage.updates else None
    if promised:
        promised_by = date.fromisoformat(promised)
        stage.update_due = min(stage.update_due, promised_by) if stage.update_due else promised_by


_CORRECTIONS = frozenset(CORRECTION_KINDS)
_kind_of = attrgetter("kind")


class _Rules:
    """The policy and calendar a step is judged by: the version in force when it was recorded,
    or, without a history, the one policy given."""

    def __init__(self, policy: Policy, calendar: Calendar, history: PolicyHistory | None) -> None:
        self.policy = policy
        self.calendar = calendar
        self.history = history
        # The rules of every step when there is no history, or a history of one version (most
        # databases): settled once, not asked of the history at each step.
        self.always: tuple[Policy, Calendar] | None = None
        if history is None:
            self.always = (policy, calendar)
        elif len(history.versions) == 1:
            self.always = (history.versions[0].policy, history.versions[0].calendar)

    def at(self, event: Event) -> tuple[Policy, Calendar]:
        if self.always is not None:
            return self.always
        version = self.history.at(event.recorded_at)
        return version.policy, version.calendar


def derive(
    reference: str,
    events: list[Event],
    policy: Policy,
    calendar: Calendar,
    history: PolicyHistory | None = None,
    settle: bool = True,
) -> Case:
    """Fold a case's events into its state. The first event is always `logged`.

    `policy` and `calendar` are the rules in force now. With a `history` (a database's policy
    versions), the past stays as it was: each step's deadline is settled under the version in
    force when the step was recorded (a stage's acknowledgement date when it was acknowledged;
    its response date, in-time verdict and escalation window when it closed), and only what is
    still open (an open stage's deadlines, the next update) follows the policy in force now.
    Without a history, everything is derived under `policy`.

    Corrections come first: the steps a `voided` event took back are left out of the fold, and
    the details are those logged with every amendment applied (domain/corrections.py).

    With `settle` False, the end of the fold is left for `settle_further` (see `derive_further`).
    """
    rules = _Rules(policy, calendar, history)
    logged = events[0]
    if logged.kind != "logged":
        raise ValueError(f"{reference}: the first event must be 'logged', not {logged.kind!r}")
    if _CORRECTIONS.isdisjoint(map(_kind_of, events)):
        # Most histories hold no correction (and every case is derived, an export a million
        # times): every event is a step, and the details are those logged.
        voided = frozenset()
        steps = events
        details = dict(logged.details)
    else:
        voided = voided_numbers(events)
        steps = in_force(events, voided)
        details = amended(logged.details, steps)
    received_on = date.fromisoformat(details["received_on"])
    issue_date = date.fromisoformat(details["issue_date"]) if details.get("issue_date") else None
    housing = bool(details.get("housing"))
    case = Case(
        reference=reference,
        type=details["type"],
        received_on=received_on,
        details=details,
        ombudsman="housing" if housing else policy.default_ombudsman,
        over_12_months=is_over_12_months(issue_date, received_on),
        events=list(events),
        voided=voided,
    )
    # A compliment or comment is settled when it is logged; a complaint when its last stage closes.
    settled_by = logged
    if case.has_clock:
        case.stages.append(_new_stage(1, received_on, policy, calendar))
    else:
        case.stages.append(Stage(number=1, received_on=received_on, acknowledge_by=None))

    for event in steps[1:]:
        _apply(case, event, rules)
        if event.kind == "closed":
            settled_by = event
    if settle:
        _settle(case, settled_by, rules)
    else:
        case.unsettled = True
    return case


def derive_further(
    case: Case,
    new_events: list[Event],
    policy: Policy,
    calendar: Calendar,
    history: PolicyHistory | None = None,
    settle: bool = True,
) -> Case:
    """The case `derive` gives for the history of `case` (as `derive` gave it, under the same
    rules) with `new_events` after it: only the new events are folded, onto `case` itself, which
    is changed and returned. A batch of steps on one case (an import) so derives it once rather
    than once a step. A correction among the new events changes what the whole history means:
    then the case is derived again from its first event.

    With `settle` False, the end of the fold (an open stage's deadlines, the case's Ombudsman)
    is left for `settle_further` (`case.unsettled` says so): no step depends on what an earlier
    step settled, so settling once, before anything reads them, gives what settling after every
    step gives, and an import's steps that read neither (an acknowledgement, a close) skip it."""
    events = [*case.events, *new_events]
    if any(event.kind in CORRECTION_KINDS for event in new_events):
        return derive(case.reference, events, policy, calendar, history)
    rules = _Rules(policy, calendar, history)
    case.events = events
    for event in new_events:
        _apply(case, event, rules)
    case.unsettled = True
    if settle:
        settle_further(case, policy, calendar, history)
    return case


def settle_further(case: Case, policy: Policy, calendar: Calendar, history: PolicyHistory | None = None) -> Case:
    """`case` with the end of the fold that `derive_further(settle=False)` left undone done, under
    the same rules; a case with nothing left undone, as it is."""
    if case.unsettled:
        events = case.events
        voided = case.voided
        settled_by = next((event for event in reversed(events) if event.kind == "closed" and event.number not in voided), events[0])
        _settle(case, settled_by, _Rules(policy, calendar, history))
        case.unsettled = False
    return case


def _settle(case: Case, settled_by: Event, rules: _Rules) -> None:
    """What the fold leaves to the end: an open stage's deadlines under the policy in force now;
    the Ombudsman of a settled case as the policy in force when it was settled named it (by
    `settled_by`, its latest close, or its logging for a case without a clock)."""
    housing = bool(case.details.get("housing"))
    if case.has_clock and not case.current.is_closed:
        stage = case.current
        if stage.acknowledged_on is None:
            _settle_acknowledge_by(stage, rules.policy, rules.calendar)
        _settle_deadlines(stage, rules.policy, rules.calendar)
        case.ombudsman = "housing" if housing else rules.policy.default_ombudsman
    elif not housing:
        case.ombudsman = rules.at(settled_by)[0].default_ombudsman


def _hand_to(stage: Stage, handler: str | None) -> None:
    stage.handler = handler
    if handler and handler not in stage.handlers:
        stage.handlers.append(handler)


def _apply(case: Case, event: Event, rules: _Rules) -> None:
    stage = case.current
    data = event.details
    kind = event.kind
    if kind == "acknowledged":
        stage.acknowledged_on = event.on
        _hand_to(stage, data.get("handler") or stage.handler)
        stage.understanding = data.get("understanding")
        stage.outcomes_sought = data.get("outcomes_sought")
        _settle_acknowledge_by(stage, *rules.at(event))
    elif kind in ("handler-changed", "assigned"):
        _hand_to(stage, data["handler"])
    elif kind == "extended":
        stage.extension_days += int(data["days"])
        stage.extensions.append({**data, "on": event.on})
    elif kind == "updated":
        stage.updates.append({**data, "on": event.on})
    elif kind == "closed":
        policy, calendar = rules.at(event)
        if stage.acknowledged_on is None:
            _settle_acknowledge_by(stage, policy, calendar)
        # Closed first: a closed stage's deadlines are settled without the next update, which
        # no closed stage waits for.
        stage.closed_on = event.on
        _settle_deadlines(stage, policy, calendar)
        stage.outcome = data["outcome"]
        stage.exclusion = data.get("exclusion")
        stage.reasons = data.get("reasons")
        stage.steps_taken = data.get("steps_taken")
        stage.remedy = data.get("remedy")
        stage.apology = bool(data.get("apology"))
        stage.compensation_pence = int(data.get("compensation_pence") or 0)
        stage.learning = data.get("learning")
        if stage.number == 1 and stage.outcome in DECISIONS:
            stage.escalate_by = add_window(policy.escalation_window, event.on, calendar)
        stage.update_due = None
    elif kind == "escalated":
        # Stage 2 is open: its deadlines follow the policy in force until it is settled.
        new_stage = _new_stage(2, event.on, rules.policy, rules.calendar)
        _hand_to(new_stage, data.get("handler"))
        new_stage.late_reason = data.get("late_reason")
        new_stage.escalation_reasons = data.get("reasons")
        new_stage.outcomes_sought = data.get("outcomes_sought")
        case.stages.append(new_stage)
    elif kind == "action-added":
        case.actions.append(
            Action(
                number=int(data["number"]),
                what=data["what"],
                due=date.fromisoformat(data["due"]),
                owner=data.get("owner"),
                stage=stage.number,
                added_on=event.on,
            )
        )
    elif kind == "action-done":
        for action in case.actions:
            if action.number == int(data["number"]):
                action.done_on = event.on
    # Notes, amendments (already in the details) and the records kept for reports do not change
    # the case's state.
