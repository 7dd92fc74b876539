"""The text of an export, a piece at a time: CSV with the same formula guard as `list --csv`,
a JSON list of `show --json` objects, or JSON lines."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from json.encoder import encode_basestring as quoted
from typing import TYPE_CHECKING, Any

from complaintctl.domain.encoding import json_encoder
from complaintctl.domain.retention import hold_of, redacted_on
from complaintctl.output.render import CONTACT_KEYS, FORMULA_STARTS, day_text, sheet_reference

if TYPE_CHECKING:
    from complaintctl.domain.case import Case, Stage

# Cases encoded to one piece of JSON (a case is a few kilobytes).
CASES_A_PIECE = 200


def csv_header(columns: Sequence[str]) -> str:
    """The header line of a CSV export."""
    return csv_text([list(columns)], ())


def guarded_positions(columns: Sequence[str], typed: Iterable[str]) -> tuple[int, ...]:
    """The positions of the `typed` columns: the cells people typed, which `csv_text` guards."""
    typed = frozenset(typed)
    return tuple(index for index, column in enumerate(columns) if column in typed)


def csv_text(rows: Iterable[list[Any]], guarded: Sequence[int]) -> str:
    """Rows (values in the order of the header's columns) as CSV lines. A cell at a `guarded`
    position (guarded_positions) that a spreadsheet would run as a formula starts with an
    apostrophe, as `list --csv` writes it; the other columns hold dates, numbers and words of
    the vocabulary."""
    buffer = io.StringIO()
    write = csv.writer(buffer, lineterminator="\n").writerow
    for row in rows:
        for index in guarded:
            value = row[index]
            if value and value.startswith(FORMULA_STARTS):
                row[index] = "'" + value
        write(row)
    return buffer.getvalue()


def json_default(value: Any) -> Any:
    """Dates (the only values JSON has no word for in a case) as ISO text."""
    return value.isoformat()


def case_encoder() -> Callable[[Any], str]:
    """One encoder for every case of an export, built once (a case's object holds no container
    twice, let alone itself)."""
    return json_encoder(default=json_default)


def case_text(case: Case, restriction: Any, stored: Sequence[tuple[str, str]], encode: Callable[[Any], str]) -> str:
    """The case as `show --json` prints it (output.render.case_json), with the restriction its
    complainant is under, as JSON text with the spacing `json` gives. Each event's details are
    written as the database keeps them (`stored`, with its `recorded_at`): JSON with its keys
    sorted and this spacing (every writer has stored them so since the first release), which is
    what encoding them again would write, without the cost (tests/test_export_derived.py holds
    export to `show --json`). Its `recorded_at` too, where the text stored is what `isoformat`
    gives of the time read from it (storage.writes stores `isoformat()`), which costs a
    fraction of calling it."""
    voided = case.voided
    canonical = _ISO_MOMENT
    days = _QUOTED_DAYS
    words = _QUOTED_WORDS
    events = ", ".join([
        f'{{"number": {event.number}, "kind": {words[event.kind]}, "on": {days[event.on]}, '
        f'"officer": {words[event.officer]}, '
        f'"recorded_at": "{moment if canonical(moment) else event.recorded_at.isoformat()}", '
        f'"details": {text}, "voided": {"true" if event.number in voided else "false"}}}'
        for event, (moment, text) in zip(case.events, stored, strict=True)
    ])
    fields = case_fields_text(case, encode)
    found = encode(restriction.as_dict()) if restriction is not None else "null"
    return f'{fields[:-1]}, "events": [{events}], "restriction": {found}}}'


# The text `datetime.isoformat()` gives, matched whole: seconds, microseconds when there are any
# (".000000" is never written), and an offset of whole minutes when there is one ("-00:00" is
# written "+00:00"). Digits are ASCII, hours below 24 and minutes and seconds below 60, so a
# text that matches is one `datetime.fromisoformat` reads, and gives back from isoformat, as it
# is; any other text (a space for the "T", "Z" for UTC, milliseconds) is written from the time.
_ISO_MOMENT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.(?!000000)[0-9]{6})?"
    r"(?:\+(?:[01][0-9]|2[0-3]):[0-5][0-9]|-(?!00:00)(?:[01][0-9]|2[0-3]):[0-5][0-9])?"
).fullmatch


class _Remembered(dict):
    """Values' JSON texts, each written once and then looked up: an export writes the same few
    thousand days and the same few dozen kinds and officers millions of times, and a lookup costs
    a fraction of a call. Only values of `kind` are kept (whatever else is asked for is written
    each time), and never more than MOST_REMEMBERED of them."""

    def __init__(self, kind: type, write: Callable[[Any], str], known: dict[Any, str]) -> None:
        super().__init__(known)
        self.kind = kind
        self.write = write
        self.known = known

    def __missing__(self, value: Any) -> str:
        text = self.write(value)
        if type(value) is self.kind:
            if len(self) >= MOST_REMEMBERED:
                self.clear()
                self.update(self.known)
            self[value] = text
        return text


MOST_REMEMBERED = 100_000


def _day_json(value: Any) -> str:
    if type(value) is date:
        return f'"{day_text(value)}"'
    return _json_day(value, case_encoder())


# A date's JSON text as case_fields_json gives it (ISO text) and `encode` writes it; None is null.
_QUOTED_DAYS = _Remembered(date, _day_json, {None: "null"})
# An event's kind or officer as JSON text.
_QUOTED_WORDS = _Remembered(str, quoted, {})
# A stage's compensation, in pence, as stage_json writes it in pounds (most stages give none,
# and the others a few amounts, each formatted once).
_QUOTED_POUNDS = _Remembered(int, lambda pence: f'"{pence / 100:.2f}"', {})


def case_fields_text(case: Case, encode: Callable[[Any], str]) -> str:
    """`encode(case_fields_json(case))`, written straight from the case: the same keys in the
    same order and the same text for each value, without making the object and walking it again
    (an export's largest cost, a million times). tests/test_export_derived.py holds the two to
    the same text; a key added to case_fields_json is added here."""
    value = _json_value
    days = _QUOTED_DAYS
    stage = case.current
    nxt = case.next_deadline()
    hold = hold_of(case.events)
    get = case.details.get
    contact = "".join([
        prefix + ("null" if item is None else quoted(item) if type(item) is str else value(item, encode))
        for prefix, item in zip(_CONTACT_PREFIXES, map(get, CONTACT_KEYS))
    ])
    stages = ", ".join([_stage_text(item, encode) for item in case.stages])
    actions = ", ".join([
        f'{{"number": {value(action.number, encode)}, "what": {value(action.what, encode)}, "due": {days[action.due]}, '
        f'"owner": {value(action.owner, encode)}, "stage": {value(action.stage, encode)}, "done_on": {days[action.done_on]}}}'
        for action in case.actions
    ])
    due = f'{{"what": {value(nxt[0], encode)}, "due": {days[nxt[1]]}}}' if nxt else "null"
    held = (
        "null" if hold is None
        else f'{{"since": {days[hold.since]}, "officer": {value(hold.officer, encode)}, "reason": {value(hold.reason, encode)}}}'
    )
    # The case's stage, outcome and handler are its current stage's; a stage's number and
    # extension days are ints and the case's over_12_months a bool, as domain.case derives them.
    return (
        f'{{"reference": {value(case.reference, encode)}, "external_ref": {value(sheet_reference(case.details), encode)}, '
        f'"type": {value(case.type, encode)}, "stage": {stage.number}, '
        f'"status": {value(case.status, encode)}, "outcome": {value(stage.outcome, encode)}, "received_on": {days[case.received_on]}, '
        f'"handler": {value(stage.handler, encode)}, "acknowledge_by": {days[stage.acknowledge_by]}, '
        f'"acknowledged_on": {days[stage.acknowledged_on]}, "respond_by": {days[stage.respond_by]}, '
        f'"escalate_by": {days[case.escalate_by]}, "extension_days": {stage.extension_days}, '
        f'"ombudsman": {value(case.ombudsman, encode)}, "over_12_months": {"true" if case.over_12_months else "false"}, "next_due": {due}'
        f'{contact}, "hold": {held}, "redacted_on": {days[redacted_on(case.events)]}, "stages": [{stages}], "actions": [{actions}]}}'
    )


# The text before each value case_fields_json takes from the case's details (CONTACT_KEYS).
_CONTACT_PREFIXES = tuple(f', "{key}": ' for key in CONTACT_KEYS)


def _stage_text(stage: Stage, encode: Callable[[Any], str]) -> str:
    """`encode(stage_json(stage))`, as case_fields_text writes a case (a stage's number and
    extension days ints, its apology a bool, as domain.case derives them)."""
    value = _json_value
    days = _QUOTED_DAYS
    return (
        f'{{"number": {stage.number}, "received_on": {days[stage.received_on]}, "handler": {value(stage.handler, encode)}, '
        f'"acknowledge_by": {days[stage.acknowledge_by]}, "acknowledged_on": {days[stage.acknowledged_on]}, '
        f'"original_respond_by": {days[stage.original_respond_by]}, "respond_by": {days[stage.respond_by]}, '
        f'"extension_days": {stage.extension_days}, "update_due": {days[stage.update_due]}, '
        f'"closed_on": {days[stage.closed_on]}, "outcome": {value(stage.outcome, encode)}, "exclusion": {value(stage.exclusion, encode)}, '
        f'"reasons": {value(stage.reasons, encode)}, "responded_in_time": {value(stage.responded_in_time, encode)}, '
        f'"escalate_by": {days[stage.escalate_by]}, "late_reason": {value(stage.late_reason, encode)}, '
        f'"apology": {"true" if stage.apology else "false"}, "compensation": {_QUOTED_POUNDS[stage.compensation_pence]}}}'
    )


def _json_value(value: Any, encode: Callable[[Any], str]) -> str:
    """A value as `encode` writes it: the common kinds without a call into the encoder."""
    kind = type(value)
    if kind is str:
        return quoted(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    return encode(value)


def _json_day(value: Any, encode: Callable[[Any], str]) -> str:
    """A date as case_fields_json gives it (render._iso) and `encode` writes it."""
    if type(value) is date:
        return f'"{day_text(value)}"'
    if value is None:
        return "null"
    return encode(value.isoformat() if isinstance(value, date) else value)


def json_pieces(cases: Iterable[tuple[Case, Any, Sequence[tuple[str, str]]]]) -> Iterable[str]:
    """A JSON list, one case to a line, a few hundred cases to a piece."""
    encode = case_encoder()
    lines = (case_text(case, restriction, stored, encode) for case, restriction, stored in cases)
    return json_list_pieces(json_items(some) for some in batched(lines, CASES_A_PIECE))


def json_items(lines: Sequence[str]) -> str:
    """Cases' JSON texts as items of a JSON list (one to a line), for `json_list_pieces`."""
    return ",\n".join(lines)


def json_list_pieces(items: Iterable[str | bytes]) -> Iterator[str | bytes]:
    """A JSON list of `json_items` texts (or their UTF-8 bytes), in order (none empty), one case
    to a line."""
    first = True
    for text in items:
        yield "[\n" if first else ",\n"
        yield text
        first = False
    yield "[]\n" if first else "\n]\n"


def json_line_pieces(cases: Iterable[tuple[Case, Any, Sequence[tuple[str, str]]]]) -> Iterator[str]:
    """JSON lines, one case to a line, a few hundred cases to a piece."""
    encode = case_encoder()
    lines = (case_text(case, restriction, stored, encode) for case, restriction, stored in cases)
    for some in batched(lines, CASES_A_PIECE):
        yield json_lines(some)


def json_lines(lines: Sequence[str]) -> str:
    """Cases' JSON texts as JSON lines."""
    return "\n".join(lines) + "\n"


def batched(items: Iterable[str], size: int) -> Iterator[list[str]]:
    """`items` in lists of `size` (the last may be shorter; none is empty)."""
    iterator = iter(items)
    while some := list(islice(iterator, size)):
        yield some
