"""What every use case is given: the database, the policy, its calendar, the officer and the
date; and the read and write protocols that the full store and the light SQLite reader and
writer satisfy."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from complaintctl.domain.calendar import Calendar
    from complaintctl.domain.case import Case
    from complaintctl.domain.events import Event
    from complaintctl.domain.officers import Officer, Roster
    from complaintctl.domain.policy import Policy, PolicyHistory, PolicyVersion
    from complaintctl.domain.restrictions import Restriction

# A step to record: (kind, business date, details).
Step = tuple[str, date, dict[str, Any]]


class Reading(Protocol):
    """The queries of one read transaction (storage/queries.py, on either database)."""

    def meta(self, key: str) -> str | None: ...

    def policy_versions(self) -> list["PolicyVersion"]:
        """Every version of the policy the database stored, oldest first (none before the first
        command of this release has run)."""
        ...

    def officers(self) -> list["Officer"]:
        """The team roster, retired officers too, in the order they were added."""
        ...

    def open_cases_handled_by(self, officer: "Officer") -> list[str]:
        """References of the cases not closed that `officer` handles (by name or login)."""
        ...

    def restrictions(self, active_only: bool = False) -> list["Restriction"]:
        """Every restriction recorded (or those not ended), oldest first."""
        ...

    def restriction(self, restriction_id: int) -> "Restriction":
        """One restriction by its id; NotFound when there is none."""
        ...

    def restriction_reviews_due_by(self, cutoff: date, as_of: date) -> list[dict[str, Any]]:
        """Reviews due by `cutoff` of the restrictions in force on `as_of`."""
        ...

    def case_id(self, reference: str) -> int: ...

    def references_starting(self, start: str, limit: int) -> list[str]: ...

    def events(self, case_id: int) -> list["Event"]: ...

    def case_chain_hash(self, case_id: int) -> str:
        """The keyed chain hash of the case's latest event."""
        ...

    def histories(self, case_ids: Sequence[int]) -> dict[int, list["Event"]]:
        """The events of many cases, by case id, each case's in order."""
        ...

    def cases_changed_after(self, as_of: date, kinds: Sequence[str]) -> dict[int, str]:
        """Cases (id → reference) received by `as_of` with a step of one of `kinds` dated after it."""
        ...

    def list_cases(self, **filters: Any) -> list[dict[str, Any]]: ...

    def list_case_rows(self, **filters: Any) -> tuple[Sequence[str], Iterable[Sequence[Any]]]:
        """The column names and rows of `list_cases`, read as they are iterated, each value as the
        database gives it (a date as ISO text on SQLite)."""
        ...

    def list_case_json(self, **filters: Any) -> Iterable[bytes] | None:
        """The rows of `list_case_rows`, each as the UTF-8 JSON text of its object; None where the
        database cannot write them (then `list_case_rows`)."""
        ...

    def open_look_alikes(
        self, reference: str, received_from: date, received_to: date, service: str | None, name: str | None, email: str | None
    ) -> list[str]:
        """Complaints other than `reference` still open, received between the dates, about the
        same service, from someone of the same name or email."""
        ...

    def every_history(
        self, batch: int, received_from: date | None = None, received_to: date | None = None
    ) -> Iterator[tuple[str, list["Event"], list[tuple[str, str]]]]:
        """Every case received in the dates given that has events, in id order, as its reference,
        its events and each one's `recorded_at` and details as stored (text), streamed from one
        statement."""
        ...

    def history_batches(
        self, rows: int, received_from: date | None = None, received_to: date | None = None
    ) -> Iterator[list[Sequence[Any]]]:
        """The rows of `every_history` as stored, about `rows` at a time, each list whole cases,
        for storage.queries.histories_from_rows to make histories of in another process."""
        ...

    def kept_batches(
        self, cases: int, received_from: date | None = None, received_to: date | None = None
    ) -> Iterator[Any]:
        """What a flat export reads of the cases received in the dates given, as stored, `cases`
        cases at a time in id order, for storage.queries.cases_as_kept to read in another
        process."""
        ...

    def external_refs(self) -> set[str]: ...

    def reference_counters(self, prefix: str) -> dict[int, int]:
        """The last reference number given out in each year, for the references of `prefix`."""
        ...

    def deadlines_due_by(self, cutoff: date) -> list[dict[str, Any]]: ...

    def actions_due_by(self, cutoff: date) -> list[dict[str, Any]]: ...

    def orders_due_by(self, cutoff: date, as_of: date) -> list[dict[str, Any]]:
        """Ombudsman orders due by `cutoff`, made by `as_of` and not complied with by then."""
        ...

    def all_actions(self, outstanding_only: bool = False) -> list[dict[str, Any]]: ...

    # The figures of the annual report between two dates, inclusive. Rows are tuples, dates are
    # `date`; the columns are those of the statement of the same name in storage/statements.py.
    # `housing`: of the Housing Ombudsman cases only (`report annual --housing`). The stages
    # received and closed come by the month (the date of its first day), or for `housing` by the
    # day: either way the report folds them into months.

    def received_by_date(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        """Accepted complaints per stage and month (or day) received: (stage, date, received, withdrawn)."""
        ...

    def themes(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        """Accepted complaints received per stage, service and category: (stage, service, category, count)."""
        ...

    def closed_by_date(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        """Stages closed per stage, month (or day), outcome, in time and apology: (stage, date,
        outcome, in time 1 or 0, apology 1 or 0, stages, stages compensated, compensation in pence)."""
        ...

    def refusals(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        """Complaints received and refused: (exclusion, count)."""
        ...

    def feedback(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        """Compliments and comments received: (type, count)."""
        ...

    def anonymous_stages(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        """The stages of anonymous complaints received or closed: (stage, received_on, closed_on,
        outcome, exclusion, in_time, apology, compensation_pence, service, category)."""
        ...

    def learning_count(self, start: date, end: date, housing: bool = False) -> int: ...

    def learning_listed(self, start: date, end: date, limit: int, housing: bool = False) -> list[tuple[Any, ...]]:
        """The first `limit` pieces of learning: (reference, service, stage, recorded_on, text)."""
        ...

    def learning_actions(self, start: date, end: date, as_of: date, housing: bool = False) -> list[tuple[Any, ...]]:
        """The actions of each case and stage that left learning: (reference, stage, done by
        `as_of`, not done by then, of those past their due date)."""
        ...

    def ombudsman_counts(self, start: date, end: date, housing: bool = False) -> tuple[Any, ...]:
        """(referrals, determinations)."""
        ...

    def ombudsman_findings(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        """Findings determined: (element, finding, count)."""
        ...

    def ombudsman_orders(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        """Orders made: (kind, amount_pence, made_on, due, complied_on)."""
        ...

    def survey_answers(self, start: date, end: date, housing: bool = False) -> tuple[Any, ...]:
        """(surveys answered, then for each of SURVEY_QUESTIONS its yeses and its answers)."""
        ...


    # The figures of the self-assessment against the Complaint Handling Code; `caps` are the
    # extension caps of stage 1 and stage 2 in working days.

    def self_assessment_received(self, start: date, end: date, today: date, caps: tuple[int, int]) -> list[tuple[Any, ...]]:
        """Accepted complaints received per stage: (stage, received, acknowledgements due,
        acknowledged in time, never acknowledged, extended, extension days, beyond the cap,
        open past the response date)."""
        ...

    def self_assessment_closed(self, start: date, end: date) -> list[tuple[Any, ...]]:
        """Stages closed per stage: (stage, decisions, decided in time, upheld or partly upheld,
        apologies, compensated, compensation in pence)."""
        ...

    def self_assessment_escalations(self, start: date, end: date) -> tuple[Any, ...]:
        """(stage 2 requests received, refused, accepted late)."""
        ...

    def self_assessment_handlers(self, start: date, end: date) -> list[tuple[Any, ...]]:
        """Accepted stage 2 complaints received: (stage 1 handler, stage 2 handler, count)."""
        ...

    def self_assessment_refused(self, start: date, end: date) -> list[tuple[Any, ...]]:
        """Requests refused: (stage, exclusion, count)."""
        ...

    def self_assessment_beyond_cap(self, start: date, end: date, caps: tuple[int, int], limit: int) -> list[tuple[Any, ...]]:
        """The first `limit` stages extended beyond the cap: (case id, reference, stage, extension days)."""
        ...


class Writing(Reading, Protocol):
    """The statements of one write transaction, which holds the write lock throughout."""

    # True for a transaction that keeps the cases it writes derived in memory until it writes
    # them (an import's batch, `derived_case`): a step may leave such a case's deadlines to be
    # settled when they are read (services/reading.py settle_case).
    keeps_cases_derived: bool

    def set_meta(self, key: str, value: str) -> None: ...

    def add_policy_version(self, version: "PolicyVersion") -> None: ...

    def add_officer(self, officer: "Officer") -> int:
        """Put an officer on the roster; returns their id."""
        ...

    def retire_officer(self, officer_id: int, retired_at: datetime, retired_by: str) -> None: ...

    def add_restriction(self, restriction: "Restriction", recorded_on: date) -> int:
        """Record a restriction; returns its id."""
        ...

    def end_restriction(self, restriction_id: int, ended_on: date, ended_at: datetime, ended_by: str, reason: str) -> int: ...

    def next_reference(self, prefix: str, year: int) -> str: ...

    def append(self, reference: str, case_id: int, events: list["Event"]) -> None: ...

    def insert_case(self, case: "Case") -> int: ...

    def save_case(self, case_id: int, case: "Case") -> None: ...

    def derived_case(self, case_id: int) -> "Case | None":
        """The case as its events stand when the transaction keeps it derived; else None."""
        ...

    def set_reference_counter(self, prefix: str, year: int, last_number: int) -> None: ...

    def new_cases(self, cases: Sequence["Case"], histories: Sequence[list["Event"]]) -> Any:
        """The rows of new cases and their histories, made without the database (another
        process may make them), for `insert_new_cases`."""
        ...

    def insert_new_cases(self, made: Any) -> None: ...

    def cases_to_rederive(self, since: datetime | None) -> dict[int, str]:
        """Cases (id → reference) to derive again under a policy version in force from `since`:
        the open ones and any with a step recorded since; every case when `since` is None."""
        ...


class Database(Protocol):
    """A complaints database: the full store (SQLite or PostgreSQL), or the light SQLite reader
    (which refuses to write) or writer."""

    location: str
    is_sqlite: bool

    def reading(self) -> AbstractContextManager[Reading]: ...

    def writing(self) -> AbstractContextManager[Writing]: ...

    def dispose(self) -> None: ...


@dataclass
class Context:
    """`policy` and `calendar` are those in force now; `history` holds every version of the
    database's policy (set by services.sync_policy), so that a step taken under an earlier
    version keeps its deadlines. Without a history, cases are derived under `policy` alone.

    `roster` is the team roster as the write transaction of a step read it (services.team.join);
    from then on `officer` is the roster's name for whoever is recording."""

    store: Database
    policy: "Policy"
    calendar: "Calendar"
    officer: str
    today: date
    now: datetime
    history: "PolicyHistory | None" = None
    roster: "Roster | None" = None
    # Called with the case as a step leaves it, inside the step's transaction and before it is
    # committed: raising refuses the step, so nothing is recorded (a letter that cannot be written).
    before_commit: "Callable[[Case], None] | None" = None
