"""Managed contact: recording a restriction on one person's contact, ending it, and finding the
one a complainant is under.

Restrictions are kept in the `restrictions` table, each with who recorded it and when, and who
ended it, when and why; never in the events: a restriction is about a person, not a step of a
case, and it is ended, never deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from complaintctl.errors import InvalidInput, RuleViolation
from complaintctl.services.context import Context

if TYPE_CHECKING:
    # The rules are loaded where they are used: `show` and `log` look a complainant up here, and
    # most databases hold no restriction to match.
    from complaintctl.domain.restrictions import Restriction


def _cleaned(text: str | None) -> str | None:
    return " ".join((text or "").split()) or None


def restrict(
    ctx: Context,
    name: str | None,
    email: str | None,
    phone: str | None,
    reason: str | None,
    arrangements: str | None,
    decided_by: Sequence[str],
    review_on: date,
    decided_on: date,
) -> Restriction:
    """Record a restriction decided on `decided_on`, to be reviewed by `review_on`. The deciders
    are named as the roster names them once it has officers."""
    name, email, phone = _cleaned(name), _cleaned(email), _cleaned(phone)
    if not (name or email or phone):
        raise InvalidInput("say who the restriction is on: give --name, --email or --phone")
    if not (reason or "").strip():
        raise InvalidInput("give the --reason for the restriction (the behaviour it answers)")
    if not (arrangements or "").strip():
        raise InvalidInput("give the --arrangements, e.g. --arrangements \"one named contact, by email only\"")
    deciders = [_cleaned(typed) for typed in decided_by if _cleaned(typed)]
    if not deciders:
        raise InvalidInput("name who decided with --decided-by NAME (repeat it for each, e.g. service manager, head of service)")
    if decided_on > ctx.today:
        raise InvalidInput(f"--on {decided_on.isoformat()} is in the future; record a decision once it is made")
    if review_on <= decided_on:
        raise InvalidInput(
            f"--review {review_on.isoformat()} is not after the decision on {decided_on.isoformat()}; "
            "give a review date after --on"
        )
    # The roster is read by the steps here, not by `show`, which only looks restrictions up.
    from complaintctl.domain.restrictions import Restriction
    from complaintctl.services.team import join

    with ctx.store.writing() as tx:
        team = join(ctx, tx)
        names = [team.find(typed, "--decided-by").name for typed in deciders] if team else deciders
        restriction = Restriction(
            id=0,
            name=name,
            email=email,
            phone=phone,
            reason=reason.strip(),
            arrangements=arrangements.strip(),
            decided_by=tuple(dict.fromkeys(names)),
            decided_on=decided_on,
            review_on=review_on,
            recorded_at=ctx.now,
            recorded_by=ctx.officer,
        )
        restriction_id = tx.add_restriction(restriction, ctx.today)
    return replace(restriction, id=restriction_id)


def end_restriction(ctx: Context, restriction_id: int, reason: str | None, ended_on: date) -> Restriction:
    """End a restriction in force, with the reason (a review found it no longer needed…)."""
    if not (reason or "").strip():
        raise InvalidInput("give the --reason the restriction ends, e.g. --reason \"reviewed: no longer needed\"")
    if ended_on > ctx.today:
        raise InvalidInput(f"--on {ended_on.isoformat()} is in the future; end the restriction on the day it ends")
    from complaintctl.services.team import join

    with ctx.store.writing() as tx:
        join(ctx, tx)
        found = tx.restriction(restriction_id)
        if not found.active:
            raise RuleViolation(
                f"restriction {restriction_id} already ended on {found.ended_on.isoformat()}; see `complaintctl restrict list`"
            )
        if ended_on < found.decided_on:
            raise InvalidInput(
                f"--on {ended_on.isoformat()} is before the decision on {found.decided_on.isoformat()}; give a later date"
            )
        tx.end_restriction(restriction_id, ended_on, ctx.now, ctx.officer, reason.strip())
    return replace(found, ended_on=ended_on, ended_at=ctx.now, ended_by=ctx.officer, end_reason=reason.strip())


def restrictions(ctx: Context) -> list[Restriction]:
    """Every restriction recorded, ended ones too, oldest first."""
    with ctx.store.reading() as tx:
        return tx.restrictions()


def restriction_on(ctx: Context, name: str | None, email: str | None, phone: str | None) -> Restriction | None:
    """The restriction in force on a person with these details (name, email or phone), if any."""
    if not (name or email or phone):
        return None
    from complaintctl.domain.restrictions import matching

    with ctx.store.reading() as tx:
        return matching(tx.restrictions(active_only=True), name, email, phone)


def restriction_of_case(ctx: Context, details: dict) -> Restriction | None:
    """The restriction in force on a case's complainant, if any; an anonymous one has none."""
    if details.get("anonymous") or not (details.get("name") or details.get("email") or details.get("phone")):
        return None
    with ctx.store.reading() as tx:
        active = tx.restrictions(active_only=True)
    if not active:  # most databases: `show` and `log` then never load the restrictions' rules
        return None
    from complaintctl.domain.restrictions import restriction_in

    return restriction_in(active, details)
