"""What every use case is given: the database, the policy, its calendar, the officer and the
date; and the read and write protocols that both the full store and the light reader satisfy."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from complaintctl.domain.calendar import Calendar
    from complaintctl.domain.case import Case
    from complaintctl.domain.events import Event
    from complaintctl.domain.policy import Policy

# A step to record: (kind, business date, details).
Step = tuple[str, date, dict[str, Any]]


class Reading(Protocol):
    """The queries of one read transaction (storage/queries.py, on either database)."""

    def meta(self, key: str) -> str | None: ...

    def case_id(self, reference: str) -> int: ...

    def references_starting(self, start: str, limit: int) -> list[str]: ...

    def events(self, case_id: int) -> list["Event"]: ...

    def histories(self, case_ids: Sequence[int]) -> dict[int, list["Event"]]:
        """The events of many cases, by case id, each case's in order."""
        ...

    def cases_changed_after(self, as_of: date, kinds: Sequence[str]) -> dict[int, str]:
        """Cases (id → reference) received by `as_of` with a step of one of `kinds` dated after it."""
        ...

    def list_cases(self, **filters: Any) -> list[dict[str, Any]]: ...

    def deadlines_due_by(self, cutoff: date) -> list[dict[str, Any]]: ...

    def actions_due_by(self, cutoff: date) -> list[dict[str, Any]]: ...

    def all_actions(self, outstanding_only: bool = False) -> list[dict[str, Any]]: ...


class Writing(Reading, Protocol):
    """The statements of one write transaction, which holds the write lock throughout."""

    def set_meta(self, key: str, value: str) -> None: ...

    def next_reference(self, prefix: str, year: int) -> str: ...

    def append(self, reference: str, case_id: int, events: list["Event"]) -> None: ...

    def insert_case(self, case: "Case") -> int: ...

    def save_case(self, case_id: int, case: "Case") -> None: ...

    def references_to_rederive(self, today: date) -> list[str]: ...


class Database(Protocol):
    """A complaints database: the full store (SQLite or PostgreSQL) or the light SQLite reader."""

    location: str
    is_sqlite: bool

    def reading(self) -> AbstractContextManager[Reading]: ...

    def writing(self) -> AbstractContextManager[Writing]: ...

    def dispose(self) -> None: ...


@dataclass
class Context:
    store: Database
    policy: "Policy"
    calendar: "Calendar"
    officer: str
    today: date
    now: datetime
