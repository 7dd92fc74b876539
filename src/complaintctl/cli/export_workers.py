"""`export --format json|jsonl` on more than one core.

Deriving and encoding a case costs several times what reading its rows does, so this process
only reads: every case's rows in one read transaction (one snapshot, as a single-process export
sees), a few hundred whole cases at a time, each batch handed to a worker process that derives
and encodes it and sends back its text. The texts are written in the order the batches were
read, so the file is the one a single process writes. Each worker holds one batch and its text
at a time, and this process one batch being read and one text being written: memory stays the
same whatever the number of cases.

Workers are forked (they start with the policy, calendar and restrictions this process holds,
and never touch its database connection); where there is no fork, one core, or no more than a
batch of cases, this process does it all.
"""

from __future__ import annotations

import io
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import chain
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from complaintctl.services.context import Context

# Rows (events) a worker derives and encodes at a time, whole cases: some 250 cases, a
# megabyte or two of rows and of text.
ROWS_A_BATCH = 1000
# Workers beside this process, which reads and writes: more cores than this would need a quicker
# reader to feed them, and each worker holds a copy of the code and the calendar.
MOST_WORKERS = 2
# Batches a worker is sent beyond the one it works on: its next is there when it finishes.
IN_FLIGHT = 2


def case_texts(ctx: Context, fmt: str, received_from: date | None, received_to: date | None) -> Iterator[str | bytes]:
    """The cases received in the dates given as the export's text, a batch at a time in id order:
    for "json" the items of the list (output.export.json_items), for "jsonl" the lines. A batch
    made by a worker comes as its UTF-8 bytes, which this process writes as they are."""
    from complaintctl.services import export as exported

    with exported.history_batches(ctx, ROWS_A_BATCH, received_from, received_to) as (restrictions, batches):
        encode = _batch_encoder(ctx, restrictions, fmt)
        first = next(batches, None)
        if first is None:
            return
        second = next(batches, None)
        workers = _workers_available() if second is not None else 0
        if workers < 2:
            yield encode(first)
            if second is not None:
                yield encode(second)
                yield from map(encode, batches)
            return
        yield from _in_workers(chain((first, second), batches), encode, workers)


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
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cores, MOST_WORKERS)


def _in_workers(batches: Iterable[list[Sequence[Any]]], encode: Callable[[list[Sequence[Any]]], str], count: int) -> Iterator[bytes]:
    """The text of each batch, in order, made by `count` forked workers, each sent its batches in
    turn. A worker has its next batch queued while it works, so it never waits on this process
    (nor on the other worker, whose answer comes first); a worker holds at most IN_FLIGHT + 1
    batches it has not answered, so memory stays bounded. A worker reads what it is sent as it comes (a thread of its
    own), so neither side ever waits on a full pipe the other is not reading."""
    import gc
    import multiprocessing

    forking = multiprocessing.get_context("fork")
    processes = []
    links: list[Connection] = []
    # What this process holds now lasts until the export ends: frozen, it is never walked by a
    # worker's collector, so the pages a worker shares with this process stay shared, and its
    # collections are quicker.
    gc.freeze()
    try:
        for _ in range(count):
            here, there = forking.Pipe()
            links.append(here)
            # The worker closes its copies of this process's ends, so that it meets the end of
            # its pipe when this process stops, however it stops.
            process = forking.Process(target=_serve, args=(there, links[:], encode), daemon=True)
            process.start()
            there.close()
            processes.append(process)
        gc.unfreeze()
        # The worker of each batch sent and not yet answered, oldest first: the workers in turn.
        waiting: deque[Connection] = deque()
        for number, rows in enumerate(batches):
            message = _pickled(rows)
            if len(waiting) < count * IN_FLIGHT:
                link = links[number % count]
                _send(link, message)
                waiting.append(link)
                continue
            link = waiting.popleft()
            _send(link, message)
            waiting.append(link)
            yield _text(_answer_from(link))
        while waiting:
            yield _text(_answer_from(waiting.popleft()))
        for link in links:
            link.send(None)
        for process in processes:
            process.join()
    finally:
        gc.unfreeze()
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join()
        for link in links:
            link.close()


def _pickled(rows: list[Sequence[Any]]) -> memoryview:
    """Rows for a worker, pickled without the memo a pickler keeps of every value it has written
    (which costs more than the rest of the pickling: rows hold no value twice that matters, and
    nothing that refers to itself); the worker's `recv` reads them as any pickle."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(rows)
    return buffer.getbuffer()


def _send(link: Connection, message: memoryview) -> None:
    """A batch to a worker; when the worker has stopped, the error it stopped on."""
    try:
        link.send_bytes(message)
    except OSError:
        while True:  # its answers, up to the error (or the end, which is an error too)
            _text(_answer_from(link))


def _answer_from(link: Connection) -> bytes:
    """A worker's answer, as sent."""
    try:
        return link.recv_bytes()
    except EOFError:
        raise RuntimeError("an export worker stopped before it finished its cases") from None


def _text(answer: bytes) -> bytes:
    """A worker's answer read: its batch's text (UTF-8, as written to the file), or the error
    that stopped it, raised here. An error comes pickled, and a pickle begins with a byte that
    never begins UTF-8 text."""
    if answer[:1] != _PICKLED:
        return answer
    raise pickle.loads(answer)


# The first byte of a pickle (its protocol's opcode), which UTF-8 keeps for the middle of a character.
_PICKLED = b"\x80"


def _serve(link: Connection, theirs: list[Connection], encode: Callable[[list[Sequence[Any]]], str]) -> None:
    """A worker: the text of each batch it is sent, until it is sent None or the process that
    sends them has gone. Its batches are read as they come, by a thread, while it works."""
    import queue
    import signal
    import threading

    # An interrupt stops the process that reads, which closes the pipes: that is what stops a worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for other in theirs:
        other.close()
    arrived: queue.SimpleQueue = queue.SimpleQueue()

    def receive() -> None:
        while True:
            try:
                rows = link.recv()
            except (EOFError, OSError):
                rows = None
            arrived.put(rows)
            if rows is None:
                return

    threading.Thread(target=receive, daemon=True).start()
    while (rows := arrived.get()) is not None:
        try:
            text = encode(rows)
        except Exception as error:  # noqa: BLE001 - raised again in the process that reads
            try:
                link.send(error)
            except Exception:  # noqa: BLE001 - an error that cannot be pickled
                link.send(RuntimeError(f"{type(error).__name__}: {error}"))
            return
        try:
            link.send_bytes(text.encode("utf-8"))
        except OSError:  # the process that reads has gone
            return
