"""Listing cases: `list`'s rows, read whole or streamed. Apart from reading.py, which folds
cases from their events, so that a listing loads no fold; and given the database alone, as a
listing reads no policy, calendar or officer (cli's `settings.reading_database`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from complaintctl.services.context import Database


def list_cases(database: Database, **filters: Any) -> list[dict[str, Any]]:
    with database.reading() as tx:
        return tx.list_cases(**filters)


@contextmanager
def listing(database: Database, **filters: Any) -> Iterator[tuple[Sequence[str], Iterable[Sequence[Any]]]]:
    """The column names and rows of `list_cases`, read while the `with` block lasts, as they are
    iterated: a long list streams instead of being held whole."""
    with database.reading() as tx:
        yield tx.list_case_rows(**filters)


@contextmanager
def listing_json(database: Database, **filters: Any) -> Iterator[Iterable[bytes] | None]:
    """The rows of `list_cases` as the JSON text of each one's object, read while the `with`
    block lasts, as they are iterated; None when the database does not write them (then `listing`)."""
    with database.reading() as tx:
        yield tx.list_case_json(**filters)
