"""Work shared with forked worker processes, its results taken in order.

An export's batches of rows become text, an import's batches of a sheet's rows become the rows
to write: each batch costs several times what reading or writing it costs in the process that
holds the database, so that process hands the batches to workers and takes their results in
the order it handed them, reading or writing the next while they work. Workers are forked:
they start with what this process holds (the policy, the calendar), and never touch
its database connection.
"""

from __future__ import annotations

import io
import os
import pickle
import struct
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socket import socket

# Workers beside this process: more than this would need a quicker reader (or writer) to keep
# them busy, and each worker holds a copy of the code and the calendar.
MOST_WORKERS = 3
# Items a worker is sent beyond the one it works on: its next is there when it finishes.
IN_FLIGHT = 2
# How much less a worker asks of the scheduler than the process it works for (os.nice).
WORKERS_NICENESS = 10

# The message before each answer: the work's bytes follow, or the error that stopped it, pickled.
_DONE, _FAILED = b"+", b"!"


def available() -> int:
    """The workers this process can start: none without fork or on one core, else one more than
    the cores, at most MOST_WORKERS. A worker waits now and then on this process (for its next
    item, or to hand over its answer in turn); with one worker a core, each wait leaves a core
    idle, which the worker beyond them takes up: on two cores an export is some 5 to 10% quicker
    with three workers than with two, and no slower to import."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 0 if cores < 2 else min(cores + 1, MOST_WORKERS)


def in_order(items: Iterable[Any], work: Callable[[Any], bytes], count: int) -> Iterator[bytes]:
    """`work(item)` of each item, in order, made by `count` forked workers, each sent its items in
    turn. A worker has its next item queued while it works, so it never waits on this process
    (nor on the other worker, whose answer comes first); a worker holds at most IN_FLIGHT + 1
    items it has not answered, so memory stays bounded. A worker reads what it is sent as it
    comes (a thread of its own), so neither side ever waits on a full pipe the other is not
    reading. An error in a worker is raised here, when its answer is reached."""
    import gc
    import multiprocessing
    import socket

    forking = multiprocessing.get_context("fork")
    processes = []
    links: list[socket.socket] = []
    # What this process holds now lasts until the work ends: frozen, it is never walked by a
    # worker's collector, so the pages a worker shares with this process stay shared, and its
    # collections are quicker.
    gc.freeze()
    try:
        for _ in range(count):
            here, there = socket.socketpair()
            links.append(here)
            # The worker closes its copies of this process's ends, so that it meets the end of
            # its pipe when this process stops, however it stops.
            process = forking.Process(target=_serve, args=(there, links[:], work), daemon=True)
            process.start()
            there.close()
            processes.append(process)
        gc.unfreeze()
        # The worker of each item sent and not yet answered, oldest first: the workers in turn.
        waiting: deque[socket.socket] = deque()
        for number, item in enumerate(items):
            message = _pickled(item)
            if len(waiting) < count * IN_FLIGHT:
                link = links[number % count]
                _send(link, message)
                waiting.append(link)
                continue
            link = waiting.popleft()
            _send(link, message)
            waiting.append(link)
            yield _answer_from(link)
        while waiting:
            yield _answer_from(waiting.popleft())
        for link in links:
            _put(link, b"")  # the end
        for process in processes:
            process.join()
    finally:
        gc.unfreeze()
        # Closed first: a worker still running meets the end of its pipe and stops of itself.
        for link in links:
            link.close()
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join()


def mapped(work: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
    """`map(work, items)` made by the workers available (`in_order`), each result pickled by its
    worker and read here; in this process alone where no worker can start."""
    count = available()
    if count < 2:
        yield from map(work, items)
        return
    for answer in in_order(items, lambda item: pickle.dumps(work(item), pickle.HIGHEST_PROTOCOL), count):
        yield pickle.loads(answer)


def _pickled(item: Any) -> memoryview:
    """An item for a worker, pickled without the memo a pickler keeps of every value it has
    written (which costs more than the rest of the pickling: an export's rows hold no value
    twice that matters, and nothing that refers to itself); the worker reads it as any pickle."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(item)
    return buffer.getbuffer()


def _send(link: socket, message: memoryview) -> None:
    """An item to a worker; when the worker has stopped, the error it stopped on."""
    try:
        _put(link, message)
    except OSError:
        while True:  # its answers, up to the error (or the end, which is an error too)
            _answer_from(link)


def _answer_from(link: socket) -> bytes:
    """A worker's next answer: the bytes its work gave, or the error that stopped it, raised here."""
    status = _taken(link)
    answer = _taken(link) if status is not None else None
    if answer is None:
        raise RuntimeError("a worker process stopped before it finished its work")
    if status == _FAILED:
        raise pickle.loads(answer)
    return answer


# A message between this process and a worker is its length, then its bytes, sent and read here
# rather than by multiprocessing's Connection: that reads a message of a megabyte with a new
# buffer the size of what remains for each of the many pieces the socket gives it, then copies
# the pieces together, which cost the reader some 400 us a batch of an export (and the writer,
# kept waiting, more) against some 70 us read in one call into one buffer of the message's
# size: a few percent of an export's CPU.
_LENGTH = struct.Struct("!Q")


def _put(link: socket, message: bytes | memoryview) -> None:
    """A message to the other end of `link`."""
    link.sendall(_LENGTH.pack(len(message)))
    if len(message):  # the end is its length alone, after which the worker may have gone
        link.sendall(message)


def _taken(link: socket) -> bytes | None:
    """The next message from the other end of `link`; None when that end has closed it."""
    head = _received(link, _LENGTH.size)
    return None if head is None else _received(link, _LENGTH.unpack(head)[0])


def _received(link: socket, size: int) -> bytes | None:
    """The next `size` bytes from `link`, read at once into a buffer of that size (the system
    gives them all in one call, unless a signal comes first); None when the other end closed
    it first."""
    from socket import MSG_WAITALL

    if not size:
        return b""
    received = link.recv(size, MSG_WAITALL)
    while len(received) < size:
        more = link.recv(size - len(received), MSG_WAITALL)
        if not more:
            return None
        received += more
    return received


def _serve(link: socket, theirs: list[socket], work: Callable[[Any], bytes]) -> None:
    """A worker: the answer to each item it is sent, until it is sent the end or the process that
    sends them has gone. Its items are read as they come, and its answers sent as they can be,
    each by a thread of its own, while it works: the process it works for takes the answers in
    the order it handed out the items, so an answer may wait there for another worker's, and the
    worker works on meanwhile rather than wait with it."""
    import queue
    import signal
    import threading

    # An interrupt stops the process that reads, which closes the pipes: that is what stops a worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Ended at once when it is terminated, whatever the process it was forked from made of SIGTERM:
    # a handler of Python's runs in the main thread only, which may be waiting for its next item
    # while another thread takes the signal, and the worker would never end.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # The process that reads or writes sets the pace of the whole: when the cores are busy, it
    # comes first, and the workers take what is left (they are ahead of it as it is).
    os.nice(WORKERS_NICENESS)
    for other in theirs:
        other.close()
    arrived: queue.SimpleQueue = queue.SimpleQueue()
    # Answers to send, each a status and its bytes; None when there are no more.
    answered: queue.SimpleQueue = queue.SimpleQueue()

    def receive() -> None:
        while True:
            try:
                message = _taken(link)
            except OSError:
                message = None
            item = pickle.loads(message) if message else None  # an empty message is the end
            arrived.put(item)
            if item is None:
                return

    def send() -> None:
        while (answer := answered.get()) is not None:
            try:
                _put(link, answer[0])
                _put(link, answer[1])
            except OSError:  # the process that reads has gone
                return

    threading.Thread(target=receive, daemon=True).start()
    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        _answer(arrived, answered, work)
        sender.join()
    finally:
        # Ended here, without the flushing of standard streams a process's end does: a worker
        # writes nothing to them, and a lock on one may have been held by another thread of the
        # process it was forked from (a progress bar drawing), never to be released here.
        os._exit(0)


def _answer(arrived: Any, answered: Any, work: Callable[[Any], bytes]) -> None:
    """Each item as it arrives answered (to `answered`), until None comes or an error stops the
    worker; then None, the end of the answers. A worker holds at most IN_FLIGHT + 1 items it has
    not answered (`in_order`), so as many answers at most wait to be sent."""
    try:
        while (item := arrived.get()) is not None:
            try:
                answered.put((_DONE, work(item)))
            except Exception as error:  # noqa: BLE001 - raised again in the process that reads
                try:
                    failed = pickle.dumps(error)
                except Exception:  # noqa: BLE001 - an error that cannot be pickled
                    failed = pickle.dumps(RuntimeError(f"{type(error).__name__}: {error}"))
                answered.put((_FAILED, failed))
                return
    finally:
        answered.put(None)
