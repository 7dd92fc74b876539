"""The use cases that only read: a case, a filtered list, the outstanding actions."""

from __future__ import annotations

from typing import Any

from complaintctl.domain.case import Case
from complaintctl.services.context import Context
from complaintctl.services.steps import derive_case


def get_case(ctx: Context, reference: str) -> Case:
    with ctx.store.reading() as tx:
        events = tx.events(tx.case_id(reference))
    return derive_case(ctx, reference, events)


def list_cases(ctx: Context, **filters: Any) -> list[dict[str, Any]]:
    with ctx.store.reading() as tx:
        return tx.list_cases(**filters)


def list_actions(ctx: Context, overdue_only: bool = False) -> list[dict[str, Any]]:
    with ctx.store.reading() as tx:
        if overdue_only:
            # The same row shape as the full list, so `--overdue --json` keeps the contract.
            return [row for row in tx.all_actions(outstanding_only=True) if row["due"] < ctx.today]
        return tx.all_actions()


