"""`export` on more than one core.

Deriving and encoding a case as JSON, or making its row for a spreadsheet, costs several times
what reading its rows does, so this process only reads: every case's rows in one read
transaction (one snapshot, as a single-process export sees), a few hundred whole cases at a
time, each batch handed to a worker process that makes its text and sends it back. The texts
are written in the order the batches were read, so the file is the one a single process writes.
Each worker holds one batch and its text at a time, and this process one batch being read and
one text being written: memory stays the same whatever the number of cases.

Workers are forked (cli/workers.py: they start with the policy, calendar and restrictions this
process holds, and never touch its database connection); where there is no fork, one core, or
no more than a batch of cases, this process does it all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import chain
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from complaintctl.services.context import Context

# Rows (events) a worker derives and encodes at a time, whole cases: some 250 cases, a
# megabyte or two of rows and of text.
ROWS_A_BATCH = 1000
# Cases a worker makes the spreadsheet rows of at a time: a few hundred kilobytes of text.
CASES_A_BATCH = 500


def case_texts(ctx: Context, fmt: str, received_from: date | None, received_to: date | None) -> Iterator[str | bytes]:
    """The cases received in the dates given as the export's text, a batch at a time in id order:
    for "json" the items of the list (output.export.json_items), for "jsonl" the lines. A batch
    made by a worker comes as its UTF-8 bytes, which this process writes as they are."""
    from complaintctl.services import export as exported

    with exported.history_batches(ctx, ROWS_A_BATCH, received_from, received_to) as (restrictions, batches):
        yield from _made(batches, _batch_encoder(ctx, restrictions, fmt))


def csv_texts(ctx: Context, received_from: date | None, received_to: date | None) -> Iterator[str | bytes]:
    """The CSV export of the cases received in the dates given: its header, then their rows a
    batch at a time in id order, as text or, made by a worker, as UTF-8 bytes."""
    from complaintctl.output import export as pieces
    from complaintctl.services import export as exported

    yield pieces.csv_header(exported.COLUMNS)
    with exported.kept_batches(ctx, CASES_A_BATCH, received_from, received_to) as batches:
        yield from _made(batches, _csv_writer())


def _made(batches: Iterator[Any], make: Callable[[Any], str]) -> Iterator[str | bytes]:
    """`make` of each batch, in order: by workers when there are two batches or more and two
    workers can start, else here."""
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    workers = _workers_available() if second is not None else 0
    if workers < 2:
        yield make(first)
        if second is not None:
            yield make(second)
            yield from map(make, batches)
        return
    yield from _in_workers(chain((first, second), batches), make, workers)


def _csv_writer() -> Callable[[Any], str]:
    """The CSV lines of a batch of storage.queries.kept_batches (services.export.flat_row)."""
    from complaintctl.output import export as pieces
    from complaintctl.services import export as exported
    from complaintctl.storage.queries import cases_as_kept

    guarded = pieces.guarded_positions(exported.COLUMNS, exported.TYPED)
    flat_row = exported.flat_row

    def text(kept: Any) -> str:
        return pieces.csv_text([flat_row(*case) for case in cases_as_kept(kept)], guarded)

    return text


def _batch_encoder(ctx: Context, restrictions: list[Any], fmt: str) -> Callable[[list[Sequence[Any]]], str]:
    """The text of a batch of rows (services.export.history_batches): its cases derived and
    encoded as `show --json` gives them."""
    from complaintctl.output import export as pieces
    from complaintctl.services import export as exported
    from complaintctl.storage.queries import histories_from_rows

    encode = pieces.case_encoder()
    join = pieces.json_items if fmt == "json" else pieces.json_lines
    case_text = pieces.case_text

    def text(rows: list[Sequence[Any]]) -> str:
        cases = exported.derived(ctx, restrictions, histories_from_rows(rows))
        return join([case_text(case, restriction, stored, encode) for case, restriction, stored in cases])

    return text


def _workers_available() -> int:
    from complaintctl.cli import workers

    return workers.available()


def _in_workers(batches: Iterable[Any], make: Callable[[Any], str], count: int) -> Iterator[bytes]:
    """The text of each batch as UTF-8, in order, made by `count` forked workers (cli/workers.py)."""
    from complaintctl.cli import workers

    return workers.in_order(batches, lambda batch: make(batch).encode("utf-8"), count)
