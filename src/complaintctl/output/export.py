"""The text of an export, a piece at a time: CSV with the same formula guard as `list --csv`,
a JSON list of `show --json` objects, or JSON lines."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from json.encoder import encode_basestring as quoted
from typing import TYPE_CHECKING, Any

from complaintctl.domain.encoding import json_encoder
from complaintctl.output.render import FORMULA_STARTS, case_fields_json, day_text

if TYPE_CHECKING:
    from complaintctl.domain.case import Case

# Rows written to the text of one piece: large enough to be quick, small enough to stay small.
ROWS_A_PIECE = 1000
# Cases encoded to one piece of JSON (a case is a few kilobytes).
CASES_A_PIECE = 200


def csv_pieces(rows: Iterable[list[Any]], columns: Sequence[str], typed: Iterable[str]) -> Iterator[str]:
    """The header, then the rows (values in the order of `columns`) a thousand at a time. A cell
    of the `typed` columns that a spreadsheet would run as a formula starts with an apostrophe,
    as `list --csv` writes it; the other columns hold dates, numbers and words of the vocabulary."""
    guarded = [index for index, column in enumerate(columns) if column in typed]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        for index in guarded:
            value = row[index]
            if value and value.startswith(FORMULA_STARTS):
                row[index] = "'" + value
        writer.writerow(row)
        count += 1
        if count == ROWS_A_PIECE:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            count = 0
    yield buffer.getvalue()


def json_default(value: Any) -> Any:
    """Dates (the only values JSON has no word for in a case) as ISO text."""
    return value.isoformat()


def case_encoder() -> Callable[[Any], str]:
    """One encoder for every case of an export, built once (a case's object holds no container
    twice, let alone itself)."""
    return json_encoder(default=json_default)


def case_text(case: Case, restriction: Any, details: Sequence[str], encode: Callable[[Any], str]) -> str:
    """The case as `show --json` prints it (output.render.case_json), with the restriction its
    complainant is under, as JSON text with the spacing `json` gives. Each event's details are
    written as the database keeps them: JSON with its keys sorted and this spacing (every
    writer has stored them so since the first release), which is what encoding them again
    would write, without the cost (tests/test_export_derived.py holds export to `show --json`)."""
    voided = case.voided
    events = ", ".join(
        f'{{"number": {event.number}, "kind": {quoted(event.kind)}, "on": "{day_text(event.on)}", '
        f'"officer": {quoted(event.officer)}, "recorded_at": "{event.recorded_at.isoformat()}", '
        f'"details": {text}, "voided": {"true" if event.number in voided else "false"}}}'
        for event, text in zip(case.events, details, strict=True)
    )
    fields = encode(case_fields_json(case))
    found = encode(restriction.as_dict()) if restriction is not None else "null"
    return f'{fields[:-1]}, "events": [{events}], "restriction": {found}}}'


def json_pieces(cases: Iterable[tuple[Case, Any, Sequence[str]]]) -> Iterable[str]:
    """A JSON list, one case to a line, a few hundred cases to a piece."""
    encode = case_encoder()
    lines = (case_text(case, restriction, details, encode) for case, restriction, details in cases)
    return json_list_pieces(json_items(some) for some in batched(lines, CASES_A_PIECE))


def json_items(lines: Sequence[str]) -> str:
    """Cases' JSON texts as items of a JSON list (one to a line), for `json_list_pieces`."""
    return ",\n".join(lines)


def json_list_pieces(items: Iterable[str]) -> Iterator[str]:
    """A JSON list of `json_items` texts, in order (none empty), one case to a line."""
    first = True
    for text in items:
        yield "[\n" if first else ",\n"
        yield text
        first = False
    yield "[]\n" if first else "\n]\n"


def json_line_pieces(cases: Iterable[tuple[Case, Any, Sequence[str]]]) -> Iterator[str]:
    """JSON lines, one case to a line, a few hundred cases to a piece."""
    encode = case_encoder()
    lines = (case_text(case, restriction, details, encode) for case, restriction, details in cases)
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
