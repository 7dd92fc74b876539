"""The read queries of a transaction, written once for the light reader and writer and the
full store.

`Queries` runs the statements of statements.py through one method its subclasses give, `run`:
reader.Reader (and writer.Writer) with `sqlite3`, store.Transaction with SQLAlchemy (SQLite or
PostgreSQL); writes.Writes adds the writes. Whatever runs them, the answers are the same Python
values: a `date` for every date column (SQLite keeps them as ISO text, bound and read back
here), and the rows as dicts or tuples as each method says.

Imports neither SQLAlchemy nor SQLModel: the light reader and writer load this module.
"""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from itertools import groupby, islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from complaintctl.domain.events import Event, stored_event
from complaintctl.domain.references import closest, slips
from complaintctl.errors import NotFound
from complaintctl.storage import statements
from complaintctl.storage.projection import SEARCH_SEPARATOR, event_from_row

if TYPE_CHECKING:
    # Loaded where an officer or a restriction is read: `overdue`, `show` and `list` read neither.
    from complaintctl.domain.officers import Officer
    from complaintctl.domain.policy import PolicyVersion
    from complaintctl.domain.restrictions import Restriction


class Worded(NamedTuple):
    """An event as a flat export reads it: what domain.corrections needs of it."""

    kind: str
    number: int
    details: dict[str, Any]
    on: Any  # its business date as the database keeps it: ISO text in SQLite, `date` in PostgreSQL


# Many cases' events are read a few hundred cases to a statement.
CASES_A_STATEMENT = 500


def like_pattern(text: str) -> str:
    """A LIKE pattern (escape character `\\`) that finds `text` anywhere, its % and _ as themselves."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _ascii_lowered(values: Sequence[str]) -> list[str]:
    """Each value as lower() may give it from the ways a detail is usually held (as typed, in
    capitals, in title case): SQLite's lower(), and PostgreSQL's under the C locale, fold the
    ASCII letters alone, so "ZOË" lowered is "zoË" and would not equal "zoë"."""
    ascii_lower = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
    found = (form.translate(ascii_lower) for value in values for form in (value, value.upper(), value.title()))
    return list(dict.fromkeys(found))


def _unspaced(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys("".join(value.split()) for value in values))


def iso_dates(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as SQLite keeps them: each date as ISO text."""
    return {name: value.isoformat() if isinstance(value, date) else value for name, value in params.items()}


def dated(names: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
    """Rows read from SQLite, with the ISO text of each date column (DATE_COLUMNS) made a `date`."""
    positions = [index for index, name in enumerate(names) if name in statements.DATE_COLUMNS]
    if not positions:
        yield from map(tuple, rows)
        return
    fromisoformat = date.fromisoformat
    for row in rows:
        values = list(row)
        for index in positions:
            if values[index] is not None:
                values[index] = fromisoformat(values[index])
        yield tuple(values)


_scan_json = json.scanner.make_scanner(json.JSONDecoder())


def details_from_text(text: str) -> Any:
    """An event's details from the JSON text stored, as `json.loads` reads it. The text is
    JSON as the writer encoded it, so the C scanner is called straight, without the checks
    `json.loads` makes around it (an export reads millions); other text goes to `json.loads`."""
    try:
        value, end = _scan_json(text, 0)
    except StopIteration:
        return json.loads(text)
    return value if end == len(text) else json.loads(text)


def export_details_reader() -> Callable[[str], Any]:
    """`details_from_text` for the millions of events an export reads: orjson's parser, more than
    twice as quick as the json module's, and that module for any text orjson refuses (NaN, or a
    lone surrogate, which only the json module reads; no command writes either). On every text
    both read they give the same values but for an integer beyond 64 bits, which orjson reads as
    a float: no command writes one (an event's numbers are counts, days and pence, each bounded)."""
    import orjson

    quick, refused = orjson.loads, orjson.JSONDecodeError

    def details(text: str) -> Any:
        try:
            return quick(text)
        except refused:
            return details_from_text(text)

    return details


def histories_from_rows(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[str, list[Event], list[tuple[str, str]]]]:
    """The histories of `Queries.history_batches` rows, as `Queries.every_history` gives them: each
    case's reference (on its first row), its events, and each event's `recorded_at` and details as
    the text stored."""
    fromisodate, fromisotime, loads = date.fromisoformat, datetime.fromisoformat, export_details_reader()
    for _, case_rows in groupby(rows, key=itemgetter(0)):
        events, texts = [], []
        reference = None
        for _, named, _, number, kind, on, officer, recorded_at, details in case_rows:
            if reference is None:
                reference = named
            events.append(
                stored_event(kind, fromisodate(on) if isinstance(on, str) else on, officer, fromisotime(recorded_at), loads(details), number)
            )
            texts.append((recorded_at, details))
        yield reference, events, texts


class KeptCases(NamedTuple):
    """Some cases as `Queries.kept_batches` reads them, every value as stored: the case rows
    (CASE_EXPORT_COLUMNS) in id order, and, in case order, the rows of the stages (STAGE_COLUMNS),
    actions (ACTION_COLUMNS) and worded events ((case_id, number, kind, details as JSON text)) of
    the ids from the first case to the last, which may hold rows of cases left out between them
    (received outside the dates given)."""

    cases: list[tuple[Any, ...]]
    stages: list[tuple[Any, ...]]
    actions: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]


def cases_as_kept(kept: KeptCases) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[Worded]]]:
    """Each case of a `Queries.kept_batches` batch as a flat export takes it: the case row, its
    stages and its actions as dicts by column, and its worded events with their details read."""
    names, stage_names, action_names = statements.CASE_EXPORT_COLUMNS, statements.STAGE_COLUMNS, statements.ACTION_COLUMNS
    by_case = itemgetter(0)
    stages, actions, events = (_Groups(rows, by_case) for rows in (kept.stages, kept.actions, kept.events))
    loads = export_details_reader()
    for row in kept.cases:
        case_id = row[0]
        yield (
            dict(zip(names, row)),
            [dict(zip(stage_names, stage)) for stage in stages.take(case_id)],
            [dict(zip(action_names, action)) for action in actions.take(case_id)],
            [Worded(kind, number, loads(details), on) for _, number, kind, details, on in events.take(case_id)],
        )


def _within(received: Any, start: Any, end: Any) -> bool:
    """Whether a receipt (as the database keeps it) falls from `start` to `end`, either None."""
    return (start is None or received >= start) and (end is None or received <= end)


def _received_between(rows: list[Sequence[Any]], start: Any, end: Any) -> list[Sequence[Any]]:
    """The rows (HISTORIES_BY_CASE, whole cases) of the cases received from `start` to `end`
    (either may be None), whole: a case's receipt is on its first row."""
    kept = []
    case_id = keep = None
    for row in rows:
        if row[0] != case_id:
            case_id, received = row[0], row[2]
            keep = received is not None and _within(received, start, end)
        if keep:
            kept.append(row)
    return kept


def restriction_from_row(row: Mapping[str, Any]) -> Restriction:
    from complaintctl.domain.restrictions import Restriction

    return Restriction(
        id=row["id"],
        name=row["name"],
        email=row["email"],
        phone=row["phone"],
        reason=row["reason"],
        arrangements=row["arrangements"],
        decided_by=tuple(json.loads(row["decided_by"])),
        decided_on=row["decided_on"],
        review_on=row["review_on"],
        recorded_at=datetime.fromisoformat(row["recorded_at"]),
        recorded_by=row["recorded_by"],
        ended_on=row["ended_on"],
        ended_at=datetime.fromisoformat(row["ended_at"]) if row["ended_at"] else None,
        ended_by=row["ended_by"],
        end_reason=row["end_reason"],
    )


class Queries:
    """Every read of one transaction, each one statement of statements.py."""

    # SQLite keeps dates as ISO text; PostgreSQL has dates.
    dates_as_text = True
    # Where the two differ, the statement for the database at hand.
    is_sqlite = True

    def run(self, sql: str, params: Mapping[str, Any]) -> tuple[Sequence[str], Iterable[Sequence[Any]]]:
        """The column names and the rows of one statement, as the database driver gives them."""
        raise NotImplementedError

    def stream(self, sql: str, batch: int, dates: bool = True) -> Iterator[dict[str, Any]]:
        """The rows of a statement as dicts, read `batch` at a time as they are iterated; with
        `dates` False, SQLite's date columns stay ISO text."""
        raise NotImplementedError

    def stream_tuples(self, sql: str, batch: int) -> Iterable[Sequence[Any]]:
        """The rows of a statement as tuples, read `batch` at a time as they are iterated, every
        value as the database keeps it (SQLite's dates as ISO text): the quickest way through a
        whole table."""
        raise NotImplementedError

    # -- running a statement -----------------------------------------------------------------------

    def bound(self, params: Mapping[str, Any]) -> Mapping[str, Any]:
        """Parameters as the database keeps them."""
        return iso_dates(params) if self.dates_as_text else params

    def cursor(self, sql: str, params: Mapping[str, Any]) -> tuple[Sequence[str], Iterator[tuple[Any, ...]]]:
        """The column names and the rows of a statement, dates as `date`, read as they are iterated."""
        names, rows = self.run(sql, self.bound(params))
        return names, dated(names, rows) if self.dates_as_text else map(tuple, rows)

    def tuples(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """The rows of a statement as tuples, in the order of its columns."""
        return list(self.cursor(sql, params)[1])

    def dicts(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        """The rows of a statement as dicts by column name."""
        names, rows = self.cursor(sql, params)
        return [dict(zip(names, row)) for row in rows]

    def value(self, sql: str, **params: Any) -> Any:
        """The first column of the first row; None when there is no row."""
        rows = self.tuples(sql, **params)
        return rows[0][0] if rows else None

    # -- meta, references and events ---------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        return self.value(statements.META, key=key)

    def policy_versions(self) -> list[PolicyVersion]:
        """Every version of the policy the database stored, oldest first."""
        # Here rather than above: a listing reads no policy, and the policy's module is among
        # the costlier to load.
        from complaintctl.domain.policy import PolicyVersion, from_content

        return [
            PolicyVersion(
                number=row["number"],
                recorded_at=datetime.fromisoformat(row["recorded_at"]),
                policy=from_content(row["content"], f"the policy stored in the database (version {row['number']})"),
                officer=row["officer"],
                note=row["note"],
            )
            for row in self.dicts(statements.POLICY_VERSIONS)
        ]

    def officers(self) -> list[Officer]:
        """The team roster, retired officers too, in the order they were added."""
        from complaintctl.domain.officers import Officer

        return [
            Officer(
                id=row["id"],
                name=row["name"],
                login=row["login"],
                email=row["email"],
                roles=tuple(role for role in row["roles"].split(",") if role),
                added_at=datetime.fromisoformat(row["added_at"]),
                added_by=row["added_by"],
                retired_at=datetime.fromisoformat(row["retired_at"]) if row["retired_at"] else None,
                retired_by=row["retired_by"],
                roles_changed_at=datetime.fromisoformat(row["roles_changed_at"]) if row["roles_changed_at"] else None,
                roles_changed_by=row["roles_changed_by"],
            )
            for row in self.dicts(statements.OFFICERS)
        ]

    def open_cases_handled_by(self, officer: Officer) -> list[str]:
        """The references of the cases not closed whose handler is `officer`, by name or login."""
        name = " ".join(officer.name.split()).lower()
        login = (officer.login or officer.name).lower()
        return [reference for (reference,) in self.tuples(statements.OPEN_CASES_HANDLED_BY, name=name, login=login)]

    def restrictions(self, active_only: bool = False) -> list[Restriction]:
        """Every restriction recorded (or those not ended), oldest first."""
        sql = statements.ACTIVE_RESTRICTIONS if active_only else statements.RESTRICTIONS
        return [restriction_from_row(row) for row in self.dicts(sql)]

    def restriction(self, restriction_id: int) -> Restriction:
        rows = self.dicts(statements.RESTRICTION, restriction_id=restriction_id)
        if not rows:
            raise NotFound(f"no restriction with id {restriction_id}; see `complaintctl restrict list`")
        return restriction_from_row(rows[0])

    def restriction_reviews_due_by(self, cutoff: date, as_of: date) -> list[dict[str, Any]]:
        """Reviews due by `cutoff` of the restrictions in force on `as_of` (id, review_on, arrangements)."""
        return self.dicts(statements.RESTRICTION_REVIEWS_DUE_BY, cutoff=cutoff, standing_on=as_of)

    def case_id(self, reference: str) -> int:
        found = self.value(statements.CASE_ID, reference=reference)
        if found is None:
            raise NotFound(self.unknown_reference(reference))
        return found

    def unknown_reference(self, reference: str) -> str:
        """Why `reference` names no case, with the nearest references that do (references only:
        nothing else of a case is said to whoever mistyped one)."""
        if not reference:
            return "no case with reference (none given); check it with `complaintctl list`"
        imported_as = [found for (found,) in self.tuples(statements.CASES_OF_EXTERNAL_REF, external_ref=reference)]
        if imported_as:
            return f"no case with reference {reference}; it is the imported sheet's reference of {' and '.join(imported_as)}: use that"
        nearest = closest(reference, self.references_among(slips(reference)))
        if not nearest:
            return f"no case with reference {reference}; check it with `complaintctl list`"
        shown = nearest[0] if len(nearest) == 1 else f"{', '.join(nearest[:-1])} or {nearest[-1]}"
        return f"no case with reference {reference}; did you mean {shown}?"

    def references_among(self, references: Sequence[str]) -> list[str]:
        """Those of `references` that are cases', in order, through the reference index."""
        found: list[str] = []
        for start in range(0, len(references), CASES_A_STATEMENT):
            sql, params = statements.expand(statements.REFERENCES_AMONG, "references", references[start : start + CASES_A_STATEMENT])
            found += [reference for (reference,) in self.tuples(sql, **params)]
        return sorted(found)

    def case_chain_hash(self, case_id: int) -> str:
        """The chain hash of the case's latest event ("" for a case without events)."""
        return self.value(statements.CASE_CHAIN_HASH, case_id=case_id) or ""

    def references_starting(self, start: str, limit: int) -> list[str]:
        """Case references beginning with `start`, in order, through the reference index."""
        rows = self.tuples(statements.REFERENCES_STARTING, beginning=start, before=start + "\uffff", limit=limit)
        return [reference for (reference,) in rows]

    def events(self, case_id: int) -> list[Event]:
        return [event_from_row(row) for row in self.dicts(statements.EVENTS, case_id=case_id)]

    def histories(self, case_ids: Sequence[int]) -> dict[int, list[Event]]:
        """The events of many cases, each case's in order; a case without events has none."""
        found: dict[int, list[Event]] = {case_id: [] for case_id in case_ids}
        for start in range(0, len(case_ids), CASES_A_STATEMENT):
            sql, params = statements.expand(statements.EVENTS_OF_CASES, "case_ids", case_ids[start : start + CASES_A_STATEMENT])
            for row in self.dicts(sql, **params):
                found[row["case_id"]].append(event_from_row(row))
        return found

    def retention_due(self, cutoff: date) -> list[dict[str, Any]]:
        """Settled cases with nothing done on them after `cutoff` and not redacted since their
        last activity (statements.RETENTION_DUE): id, reference, type, last_activity, and the
        latest hold or release (hold_kind, held_on), in id order."""
        rows = self.dicts(statements.RETENTION_DUE, cutoff=cutoff)
        for row in rows:  # dates under names of no table's column: SQLite gives them as text
            for name in ("last_activity", "held_on"):
                if isinstance(row[name], str):
                    row[name] = date.fromisoformat(row[name])
        return rows

    def cases_changed_after(self, as_of: date, kinds: Sequence[str]) -> dict[int, str]:
        """Cases (id → reference) received by `as_of` with a step of one of `kinds` dated after it."""
        if not kinds:
            return {}
        sql, params = statements.expand(statements.CASES_CHANGED_AFTER, "kinds", kinds)
        return dict(self.tuples(sql, as_of=as_of, **params))

    def kept_batches(
        self, cases: int, received_from: date | None = None, received_to: date | None = None
    ) -> Iterator[KeptCases]:
        """What a flat export reads of the cases received in the dates given (all when none), in
        id order, `cases` cases at a time (KeptCases): a million cases cost time, not memory.
        Plain values, read a statement at a time, never a row at a time in Python, so that
        another process can make the flat rows of a batch (`cases_as_kept`) while the next is
        read."""
        start, end = self._as_stored(received_from), self._as_stored(received_to)
        received = statements.CASE_EXPORT_COLUMNS.index("received_on")
        after = 0
        while rows := self._plain(statements.CASES_AS_EXPORTED, after=after, count=cases):
            after = rows[-1][0]
            if start is not None or end is not None:
                rows = [row for row in rows if _within(row[received], start, end)]
                if not rows:
                    continue
            span = {"first": rows[0][0], "last": rows[-1][0]}
            yield KeptCases(
                rows,
                self._plain(statements.STAGES_OF_CASES, **span),
                self._plain(statements.ACTIONS_OF_CASES, **span),
                self._plain(statements.EVENTS_WITH_WORDS, **span),
            )

    def _as_stored(self, day: date | None) -> Any:
        """A date to compare as the database keeps dates: ISO text in SQLite, `date` in PostgreSQL."""
        return day.isoformat() if day and self.dates_as_text else day

    def _plain(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """The rows of a statement as tuples of the values as stored (SQLite's dates as ISO text)."""
        return list(map(tuple, self.run(sql, params)[1]))

    def every_history(
        self, batch: int, received_from: date | None = None, received_to: date | None = None
    ) -> Iterator[tuple[str, list[Event], list[tuple[str, str]]]]:
        """Every case received in the dates given (all when none) that has events, in id order:
        its reference, its events, and each event's `recorded_at` and details (JSON) as the text
        stored (an export writes them as they are), read in one statement `batch` rows at a time.
        A case outside the dates costs its rows, never the making of its events."""
        for rows in self.history_batches(batch, received_from, received_to):
            yield from histories_from_rows(rows)

    def history_batches(
        self, rows: int, received_from: date | None = None, received_to: date | None = None
    ) -> Iterator[list[Sequence[Any]]]:
        """The rows `every_history` reads (one statement), as they are stored, some `rows` at a
        time, each list whole cases received in the dates given, in id order (a case longer
        than `rows` comes whole, alone). Plain values, so that another process can make the
        histories of a list (`histories_from_rows`) while the next is read; taken from the
        statement a list at a time, never a row at a time in Python."""
        start, end = self._as_stored(received_from), self._as_stored(received_to)
        # Plain tuples whatever runs the statement (SQLAlchemy's rows carry their result's metadata).
        stream = map(tuple, self.stream_tuples(statements.HISTORIES_BY_CASE, rows))
        # The rows of the last case read, which the next rows may go on with.
        unfinished: list[Sequence[Any]] = []
        while True:
            some = unfinished + list(islice(stream, rows))
            if len(some) == len(unfinished):
                unfinished = []
            else:
                last = some[-1][0]
                cut = len(some) - 1
                while cut and some[cut - 1][0] == last:
                    cut -= 1
                if not cut:  # one case, not yet whole
                    unfinished = some
                    continue
                unfinished = some[cut:]
                del some[cut:]
            if start is not None or end is not None:
                some = _received_between(some, start, end)
            if some:
                yield some
            elif not unfinished:
                return

    def reference_counters(self, prefix: str) -> dict[int, int]:
        """The last reference number given out in each year, for the references of `prefix`."""
        return dict(self.tuples(statements.COUNTERS, prefix=prefix))

    def external_refs(self) -> set[str]:
        """The spreadsheet references of the cases imported so far."""
        return {reference for (reference,) in self.tuples(statements.EXTERNAL_REFS)}

    # -- list, deadlines and actions ------------------------------------------------------------------

    def list_cases(self, **filters: Any) -> list[dict[str, Any]]:
        """Cases newest first (by receipt, then the latest logged), the `limit` newest; a filter not
        given (or empty) does not filter (the filters are `_listing`'s). `status` is one status or
        several; `search` is text found, whatever its case, in the reference, name, contact
        details or summary."""
        listing = self._listing(**filters)
        if not listing:
            return []
        sql, params = listing
        return self.dicts(sql, **params)

    def list_case_rows(self, **filters: Any) -> tuple[Sequence[str], Iterable[Sequence[Any]]]:
        """The rows of `list_cases` (same filters) as tuples in the order of the column names,
        read as they are iterated, each value as the database gives it: on SQLite a date is its
        ISO text, as `list --json` prints it."""
        listing = self._listing(**filters)
        if not listing:
            return [], []
        sql, params = listing
        return self.run(sql, self.bound(params))

    def list_case_json(self, **filters: Any) -> Iterable[bytes] | None:
        """The rows of `list_case_rows` as the UTF-8 JSON text of each row's object, as
        `json.dumps(dict(row), ensure_ascii=False)` writes it, built by SQLite as it steps
        through them; None on PostgreSQL (use `list_case_rows`)."""
        if not self.is_sqlite:
            return None
        listing = self._listing(select=statements.SQLITE_LIST_CASES_JSON, **filters)
        if not listing:
            return []
        sql, params = listing
        _, rows = self.run(sql, self.bound(params))
        return (text for (text,) in rows)

    def _listing(
        self,
        select: str = statements.LIST_CASES,
        status: str | Sequence[str] | None = None,
        stage: int | None = None,
        handler: str | None = None,
        service: str | None = None,
        received_from: date | None = None,
        received_to: date | None = None,
        case_type: str | None = None,
        limit: int | None = None,
        search: str | None = None,
    ) -> tuple[str, dict[str, Any]] | None:
        """The statement of `list_cases` and its parameters; None when nothing can match."""
        given = {
            "statuses": [status] if isinstance(status, str) else list(status or ()),
            "stage": stage,
            "handler": handler.lower() if handler else None,
            "service": service.lower() if service else None,
            "received_from": received_from,
            "received_to": received_to,
            "case_type": case_type,
        }
        params = {name: value for name, value in given.items() if value}
        if limit:
            params["limit"] = limit
        searched = search.strip().lower() if search else ""
        if SEARCH_SEPARATOR in searched:
            return None  # it is in no value, only between two
        if searched:
            params["search"] = like_pattern(searched)
        statuses = params.pop("statuses", None)
        sql = statements.list_cases(
            [name for name in given if name in params or (name == "statuses" and statuses)],
            limited=bool(limit),
            search=statements.LIST_SEARCH if searched else None,
            not_closed=bool(statuses) and "closed" not in statuses,
            select=select,
        )
        if statuses:
            sql, expanded = statements.expand(sql, "statuses", statuses)
            params.update(expanded)
        return sql, params

    def open_look_alikes(
        self, reference: str, received_from: date, received_to: date, service: str | None, name: str | None, email: str | None
    ) -> list[str]:
        """The references of the complaints other than `reference` still open, received between
        the dates, about the same service (or both about none), from someone of the same name or
        email (whatever its case)."""
        if not name and not email:
            return []
        sql = statements.SQLITE_OPEN_LOOK_ALIKES if self.is_sqlite else statements.POSTGRES_OPEN_LOOK_ALIKES
        rows = self.tuples(
            sql,
            other_than=reference,
            received_from=received_from,
            received_to=received_to,
            same_service=(service or "").strip().lower(),
            same_name=name.strip().lower() if name else None,
            same_email=email.strip().lower() if email else None,
        )
        return [found for (found,) in rows]

    def person_cases(self, names: Sequence[str], emails: Sequence[str], phones: Sequence[str]) -> list[tuple[int, str]]:
        """The cases (id, reference) about a person with any of these details, oldest first:
        names and emails in lower case, phones as digits. Names and emails are compared lowered and
        without whitespace (statements.person_cases), a wider set the caller narrows."""
        given = {"names": names, "emails": emails, "phones": phones}
        given = {kind: _unspaced(_ascii_lowered(values)) if kind != "phones" else values for kind, values in given.items()}
        kinds = [kind for kind, values in given.items() if values]
        if not kinds:
            return []
        sql = (statements.sqlite_person_cases if self.is_sqlite else statements.postgres_person_cases)(kinds)
        params: dict[str, Any] = {}
        for kind in kinds:
            sql, expanded = statements.expand(sql, kind, list(given[kind]))
            params.update(expanded)
        return [(case_id, reference) for case_id, reference in self.tuples(sql, **params)]

    def deadlines_due_by(self, cutoff: date) -> list[dict[str, Any]]:
        return self.dicts(statements.DEADLINES_DUE_BY, cutoff=cutoff)

    def orders_due_by(self, cutoff: date, as_of: date) -> list[dict[str, Any]]:
        return self.dicts(statements.ORDERS_DUE_BY, cutoff=cutoff, standing_on=as_of)

    def actions_due_by(self, cutoff: date) -> list[dict[str, Any]]:
        return self.dicts(statements.ACTIONS_DUE_BY, cutoff=cutoff)

    def all_actions(self, outstanding_only: bool = False) -> list[dict[str, Any]]:
        return self.dicts(statements.actions(outstanding_only))

    # -- the annual report: rows as tuples, columns as statements.py lists them ------------------------
    #
    # `housing`: of the Housing Ombudsman cases only (statements.HOUSING_ONLY).

    def _annual(self, name: str, housing: bool, **params: Any) -> list[tuple[Any, ...]]:
        sql = statements.HOUSING_ONLY[name] if housing else getattr(statements, name)
        return self.tuples(sql, **params)

    def received_by_date(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        return self._annual("ANNUAL_RECEIVED", housing, start=start, end=end)

    def themes(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        return self._annual("ANNUAL_THEMES", housing, start=start, end=end)

    def closed_by_date(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        return self._annual("ANNUAL_CLOSED", housing, start=start, end=end)

    def refusals(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        return self._annual("ANNUAL_REFUSED", housing, start=start, end=end)

    def feedback(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        return self._annual("ANNUAL_FEEDBACK", housing, start=start, end=end)

    def anonymous_stages(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        return self._annual("ANNUAL_ANONYMOUS", housing, start=start, end=end)

    def learning_count(self, start: date, end: date, housing: bool = False) -> int:
        return self._annual("LEARNING_COUNT", housing, start=start, end=end)[0][0] or 0

    def learning_listed(self, start: date, end: date, limit: int, housing: bool = False) -> list[tuple[Any, ...]]:
        return self._annual("LEARNING_LISTED", housing, start=start, end=end, limit=limit)

    def learning_actions(self, start: date, end: date, as_of: date, housing: bool = False) -> list[tuple[Any, ...]]:
        sql = statements.HOUSING_LEARNING_ACTIONS if housing else statements.LEARNING_ACTIONS
        return self.tuples(sql, start=start, end=end, as_of=as_of)

    def ombudsman_counts(self, start: date, end: date, housing: bool = False) -> tuple[Any, ...]:
        return self._annual("OMBUDSMAN_COUNTS", housing, start=start, end=end)[0]

    def ombudsman_findings(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        return self._annual("OMBUDSMAN_FINDINGS", housing, start=start, end=end)

    def ombudsman_orders(self, start: date, end: date, housing: bool = False) -> list[tuple[Any, ...]]:
        return self._annual("OMBUDSMAN_ORDERS", housing, start=start, end=end)

    def survey_answers(self, start: date, end: date, housing: bool = False) -> tuple[Any, ...]:
        return self._annual("SURVEY_ANSWERS", housing, start=start, end=end)[0]

    # -- the self-assessment: rows as tuples, columns as statements.py lists them ----------------------

    def self_assessment_received(self, start: date, end: date, today: date, caps: tuple[int, int]) -> list[tuple[Any, ...]]:
        return self.tuples(
            statements.SELF_ASSESSMENT_RECEIVED, start=start, end=end, today=today, stage1_cap=caps[0], stage2_cap=caps[1]
        )

    def self_assessment_closed(self, start: date, end: date) -> list[tuple[Any, ...]]:
        return self.tuples(statements.SELF_ASSESSMENT_CLOSED, start=start, end=end)

    def self_assessment_escalations(self, start: date, end: date) -> tuple[Any, ...]:
        return self.tuples(statements.SELF_ASSESSMENT_ESCALATIONS, start=start, end=end)[0]

    def self_assessment_handlers(self, start: date, end: date) -> list[tuple[Any, ...]]:
        return self.tuples(statements.SELF_ASSESSMENT_HANDLERS, start=start, end=end)

    def self_assessment_refused(self, start: date, end: date) -> list[tuple[Any, ...]]:
        return self.tuples(statements.SELF_ASSESSMENT_REFUSED, start=start, end=end)

    def self_assessment_beyond_cap(self, start: date, end: date, caps: tuple[int, int], limit: int) -> list[tuple[Any, ...]]:
        return self.tuples(
            statements.SELF_ASSESSMENT_BEYOND_CAP, start=start, end=end, stage1_cap=caps[0], stage2_cap=caps[1], limit=limit
        )


class _Groups:
    """The rows of a statement sorted by their case id (`case_of` a row), taken one case at a time
    in increasing order."""

    def __init__(self, rows: Iterable[Any], case_of: Callable[[Any], int]) -> None:
        self.groups = groupby(rows, key=case_of)
        self.pending: tuple[int, list[Any]] | None = None
        self.advance()

    def advance(self) -> None:
        item = next(self.groups, None)
        self.pending = (item[0], list(item[1])) if item else None

    def take(self, case_id: int) -> list[Any]:
        while self.pending and self.pending[0] < case_id:
            self.advance()
        if self.pending and self.pending[0] == case_id:
            rows = self.pending[1]
            self.advance()
            return rows
        return []
