"""Files written for people: letters and reports carry personal data, so they are written for
their owner's eyes only, never through a symbolic link, and never over a file by surprise."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from complaintctl.errors import InvalidInput


def write_private(path: str | Path, content: str | bytes, force: bool = False) -> None:
    """Write `content` (text as UTF-8) to `path`, readable and writable by its owner only (0600).

    A symbolic link at `path` is refused, even with `force`; an existing file is refused unless
    `force`. The content goes to a temporary file in the same folder first, is flushed to disk and
    then takes the name in one step, so a reader never sees half a letter and a failure leaves
    the old file (or no file) and no temporary file behind.
    """
    write_private_checked(path, force)
    _write(Path(path), [content], force)


def write_private_chunks(path: str | Path, chunks: Iterable[str | bytes], force: bool = False) -> None:
    """As `write_private`, with the content given a piece at a time (an export of a million
    cases): each piece is written as it comes, so the whole is never held in memory. Refused
    before anything is read when `path` cannot be written; a failure part-way (a refused read,
    a full disk) leaves no file behind."""
    write_private_checked(path, force)
    _write(Path(path), chunks, force)


def write_private_checked(path: str | Path, force: bool = False) -> None:
    """Refuse, as `write_private` would, a `path` that cannot be written."""
    target = Path(path)
    if target.is_symlink():
        raise InvalidInput(
            f"cannot write {target}: it is a symbolic link, and files are never written through one; "
            "choose another file"
        )
    if target.is_dir():
        raise InvalidInput(
            f"cannot write {target}: it is a folder; choose a file name, and check the folder exists and is writable"
        )
    if not target.parent.is_dir():
        raise InvalidInput(
            f"cannot write {target}: the folder {target.parent} does not exist; create it or choose another file"
        )
    if target.exists() and not force:
        raise _exists(target)


def _write(target: Path, chunks: Iterable[str | bytes], force: bool) -> None:
    try:
        descriptor, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    except OSError as problem:
        raise _cannot(target, problem) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            handle.flush()
            os.fsync(handle.fileno())
        if force:
            # rename replaces a name, never what a link at that name points to
            os.replace(partial, target)
        else:
            _publish(partial, target)
        _sync_folder(target.parent)
    except FileExistsError:
        raise _exists(target) from None
    except OSError as problem:
        raise _cannot(target, problem) from None
    finally:
        Path(partial).unlink(missing_ok=True)


def _exists(target: Path) -> InvalidInput:
    return InvalidInput(f"{target} already exists; choose another file or add --force")


def _cannot(target: Path, problem: OSError) -> InvalidInput:
    return InvalidInput(f"cannot write {target} ({problem.strerror}); check the folder exists and is writable")


def _publish(partial: str, target: Path) -> None:
    """Give the finished file its name, failing rather than replacing a file (or link) of that name."""
    try:
        os.link(partial, target)
        return
    except FileExistsError:
        raise
    except OSError:
        pass  # a file system without hard links: claim the name, then move the file onto it
    descriptor = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600)
    os.close(descriptor)
    os.replace(partial, target)


def _sync_folder(folder: Path) -> None:
    """So that the new name survives a power cut; not every platform can open a folder."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
