"""Listing cases: `list`'s rows, read whole or streamed. Apart from reading.py, which folds
cases from their events, so that a listing loads no fold."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from complaintctl.services.context import Context


def list_cases(ctx: Context, **filters: Any) -> list[dict[str, Any]]:
    with ctx.store.reading() as tx:
        return tx.list_cases(**filters)


@contextmanager
def listing(ctx: Context, **filters: Any) -> Iterator[tuple[Sequence[str], Iterable[Sequence[Any]]]]:
    """The column names and rows of `list_cases`, read while the `with` block lasts, as they are
    iterated: a long list streams instead of being held whole."""
    with ctx.store.reading() as tx:
        yield tx.list_case_rows(**filters)


@contextmanager
def listing_json(ctx: Context, **filters: Any) -> Iterator[Iterable[bytes] | None]:
    """The rows of `list_cases` as the JSON text of each one's object, read while the `with`
    block lasts, as they are iterated; None when the database does not write them (then `listing`)."""
    with ctx.store.reading() as tx:
        yield tx.list_case_json(**filters)
