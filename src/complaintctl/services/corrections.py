"""Corrections: `amend` a case's details and `void` its latest step, each an event with a reason.

The events are recorded like every other step (the hash chain covers them); the case is then
derived with the correction applied (domain/corrections.py), and its projection rewritten, so
`list`, the reports and `verify` see the corrected case.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from complaintctl.domain.case import Case
from complaintctl.domain.corrections import AMENDABLE_KEYS, latest_step
from complaintctl.errors import InvalidInput, InvalidTransition
from complaintctl.services.context import Context, Step
from complaintctl.services.steps import check_on, clean, record_steps


def _kept(key: str, value: Any) -> Any:
    """A value as the case's details keep it: text stripped ("" removes it), dates as ISO text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return clean(value)
    return value


def _check_details(case: Case, details: dict[str, Any]) -> None:
    """The rules `log` keeps, on the details as they would be after the amendment."""
    if not details.get("anonymous") and not details.get("name"):
        raise InvalidInput("a complaint needs a name (or to be anonymous); give the corrected name with --name")
    preferred = details.get("preferred_contact")
    if preferred in ("email", "phone") and not details.get(preferred):
        raise InvalidInput(f"preferred contact by {preferred} needs an address to use: give --{preferred} as well, or change --preferred-contact")
    if preferred == "letter" and not details.get("address"):
        raise InvalidInput("preferred contact by letter needs a postal address: give --address as well, or change --preferred-contact")
    if case.type == "complaint" and not details.get("summary"):
        raise InvalidInput("a complaint needs a summary; give the corrected one with --summary TEXT")
    issue_date = details.get("issue_date")
    if issue_date and date.fromisoformat(issue_date) > case.received_on:
        raise InvalidInput(f"--issue-date {issue_date} is after the complaint was received ({case.received_on.isoformat()}); check the date")


def _housing_after(ctx: Context, case: Case, after: dict[str, Any], said: bool | None) -> Any:
    """The Ombudsman after an amendment: as `--housing`/`--no-housing` says; else, when the case
    went where its service sent it, where the corrected service sends it; else as it was (an
    officer chose it by hand)."""
    before = case.details.get("housing")
    routed = ctx.policy.routes_to_housing(case.details.get("service")) == bool(before)
    if said is None and not routed:
        return before
    housing = ctx.policy.routes_to_housing(after.get("service"), said)
    return before if housing == bool(before) else housing


def amend(ctx: Context, reference: str, on: date, reason: str, fields: dict[str, Any]) -> Case:
    """Correct the case's details (`fields`: detail key → new value, None for those not given).
    The `amended` event holds each detail that changes, before and after, and the reason."""
    unknown = set(fields) - set(AMENDABLE_KEYS)
    if unknown:
        raise InvalidInput(f"{min(unknown)} cannot be amended")
    wanted = {key: _kept(key, value) for key, value in fields.items() if value is not None}

    def plan(case: Case) -> list[Step]:
        check_on(ctx, case, on, after=case.received_on, what="the correction", since="the case was received")
        if not clean(reason):
            raise InvalidInput("say why the details are corrected with --reason TEXT")
        if not wanted:
            raise InvalidInput("give at least one detail to correct, e.g. --email; see `complaintctl amend --help`")
        after = dict(case.details)
        after.update(wanted)
        after["housing"] = _housing_after(ctx, case, after, wanted.get("housing"))
        if wanted.get("name") and after.get("anonymous"):
            after["anonymous"] = False  # a name given ends the anonymity
        changes = {
            key: {"before": case.details.get(key), "after": after.get(key)}
            for key in (*AMENDABLE_KEYS, "anonymous")
            if after.get(key) != case.details.get(key)
        }
        if not changes:
            raise InvalidInput(f"{case.reference} already has those details; nothing was changed")
        _check_details(case, after)
        return [("amended", on, {"reason": clean(reason), "changes": changes})]

    return record_steps(ctx, reference, plan)


def void(ctx: Context, reference: str, on: date, reason: str) -> Case:
    """Take back the case's latest step that is in force: the `voided` event names its events
    (a close and the actions promised with it are one step) and the reason."""

    def plan(case: Case) -> list[Step]:
        if not clean(reason):
            raise InvalidInput("say why the step is voided with --reason TEXT")
        step = latest_step(case.events_in_force)
        if not step:
            raise InvalidTransition(
                f"{case.reference} has no step left to void but its logging, which cannot be voided; "
                f"for a case logged in error, close it with `complaintctl close {case.reference} --outcome withdrawn` "
                "or `--outcome refused --exclusion duplicate`"
            )
        # A step is taken back on or after the day it was taken.
        taken = step[0].on >= case.received_on
        check_on(
            ctx, case, on, after=max(case.received_on, step[0].on), what="the void",
            since="the step was taken" if taken else "the case was received",
        )
        return [
            (
                "voided",
                on,
                {
                    "reason": clean(reason),
                    "step": step[0].number,
                    "kind": step[0].kind,
                    "step_on": step[0].on.isoformat(),
                    "events": [event.number for event in step],
                },
            )
        ]

    return record_steps(ctx, reference, plan)
