"""The text of an export, a piece at a time: CSV with the same formula guard as `list --csv`,
a JSON list of `show --json` objects, or JSON lines."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from complaintctl.domain.encoding import json_encoder
from complaintctl.output.render import FORMULA_STARTS, case_json

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


def shown(case: Case, restriction: Any) -> dict[str, Any]:
    """The case as `show --json` prints it: with the restriction its complainant is under."""
    found = case_json(case)
    found["restriction"] = restriction.as_dict() if restriction is not None else None
    return found


def _case_encoder() -> Callable[[Any], str]:
    """One encoder for every case of an export, built once (a case's object holds no container
    twice, let alone itself)."""
    return json_encoder(default=json_default)


def json_pieces(cases: Iterable[tuple[Case, Any]]) -> Iterator[str]:
    """A JSON list, one case to a line, a few hundred cases to a piece."""
    encode = _case_encoder()
    lines = (encode(shown(case, restriction)) for case, restriction in cases)
    first = True
    for some in batched(lines, CASES_A_PIECE):
        yield ("[\n" if first else ",\n") + ",\n".join(some)
        first = False
    yield "[]\n" if first else "\n]\n"


def json_line_pieces(cases: Iterable[tuple[Case, Any]]) -> Iterator[str]:
    """JSON lines, one case to a line, a few hundred cases to a piece."""
    encode = _case_encoder()
    lines = (encode(shown(case, restriction)) for case, restriction in cases)
    for some in batched(lines, CASES_A_PIECE):
        yield "\n".join(some) + "\n"


def batched(items: Iterable[str], size: int) -> Iterator[list[str]]:
    """`items` in lists of `size` (the last may be shorter; none is empty)."""
    iterator = iter(items)
    while some := list(islice(iterator, size)):
        yield some
