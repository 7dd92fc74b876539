"""The figures behind the annual self-assessment against the Complaint Handling Code.

The Housing Ombudsman's Complaint Handling Code (2024) asks every landlord to assess itself
against the Code each year and publish the assessment beside its annual complaints report
(section 8). Most of the Code is policy; these are its measurable commitments, each with the
year's figures and the Code section it evidences. The section numbers are the Code's own (the
Local Government and Social Care Ombudsman's joint code numbers them the same way).

For the year 1 April YYYY to 31 March YYYY+1, as the annual report counts it:
- acknowledged in time (6.2, 6.11): accepted complaints received at the stage in the year whose
  acknowledgement fell due (acknowledged, or its date passed while the stage was open),
  acknowledged on or before the date;
- answered in time (6.3, 6.14): the annual report's CH02, stages closed in the year with a
  decision, on or before the response date including permitted extensions;
- extended (6.4, 6.15): accepted complaints received in the year with an extension; beyond the
  cap: extensions totalling more than the Code's cap (10 working days at stage 1, 20 at
  stage 2), listed with their recorded reasons;
- a different handler at stage 2 (6.13): accepted stage 2 complaints received in the year whose
  handler is not the officer who handled stage 1 (compared as officers, through the roster);
- escalation requests (6.10, 2.2) refused, or accepted outside the policy's window;
- remedies (section 7) from the stages closed in the year; complaints refused by exclusion
  (section 2); Ombudsman determinations in the year (8.1) and their orders, complied with by
  their compliance date.

Every share is counted in the database (storage/statements.py, SELF_ASSESSMENT_*); only the
list of extensions beyond the cap reads events, of those few cases.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from complaintctl.domain.corrections import in_force, voided_numbers
from complaintctl.domain.officers import Roster
from complaintctl.domain.vocabulary import FINDINGS
from complaintctl.errors import InvalidInput
from complaintctl.reports.annual import check_year, period, year_label

if TYPE_CHECKING:
    from complaintctl.domain.events import Event
    from complaintctl.domain.policy import Policy
    from complaintctl.services.context import Context, Reading

CODE = "the Housing Ombudsman's Complaint Handling Code (2024)"
# The Code's caps on extensions, in working days: 6.4 (stage 1) and 6.15 (stage 2).
CODE_CAPS = (10, 20)
# How many stages extended beyond the cap are listed with their reasons.
BEYOND_CAP_LISTED = 200

# The Code section each figure evidences.
SECTIONS = {
    "stage1.acknowledged_in_time": "6.2",
    "stage1.answered_in_time": "6.3",
    "stage1.extended": "6.4",
    "stage2.acknowledged_in_time": "6.11",
    "stage2.answered_in_time": "6.14",
    "stage2.extended": "6.15",
    "stage2.different_handler": "6.13",
    "escalations": "6.10, 2.2",
    "remedies": "7",
    "exclusions": "2.1–2.4",
    "ombudsman.findings": "8.1",
}
# The Code's timescales in working days, per stage: acknowledge (6.2, 6.11), respond (6.3, 6.14)
# and the extension cap (6.4, 6.15).
CODE_TIMESCALES = {
    1: {"acknowledge_days": 5, "respond_days": 10, "extension_max_days": CODE_CAPS[0]},
    2: {"acknowledge_days": 5, "respond_days": 20, "extension_max_days": CODE_CAPS[1]},
}
# Findings that say something went wrong.
ADVERSE_FINDINGS = ("severe-maladministration", "maladministration", "service-failure")


def pct(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 2) if whole else None


def looser_than_the_code(policy: Policy) -> list[str]:
    """The policy's timescales that allow more time than the Code: the figures "in time" are
    measured against the policy's dates, so the report says where those are later than the Code's."""
    found = []
    for number, code in CODE_TIMESCALES.items():
        rules = policy.stage(number)
        for key, days in code.items():
            if getattr(rules, key) > days:
                found.append(f"[stage{number}] {key} = {getattr(rules, key)} (the Code: {days})")
    return found


def different_officer(roster: Roster, first: str | None, second: str | None) -> bool:
    """Whether stage 2's handler is someone other than stage 1's: compared as officers once the
    roster knows them (a login and a full name are one person), else as the text recorded."""
    return roster.identity(first) != roster.identity(second)


def _stage_figures(number: int, row: tuple[Any, ...] | None, responded: int, in_time: int) -> dict[str, Any]:
    received, due, acknowledged_in_time, never, extended, extension_days, beyond_cap, overdue = (
        int(value or 0) for value in (row[1:] if row else (0,) * 8)
    )
    return {
        "received": received,
        "acknowledgements_due": due,
        "acknowledged_in_time": acknowledged_in_time,
        "acknowledged_late": due - acknowledged_in_time - never,
        "not_acknowledged": never,
        "acknowledged_in_time_pct": pct(acknowledged_in_time, due),
        "responded": responded,
        "answered_in_time": in_time,
        "answered_in_time_pct": pct(in_time, responded),
        "open_past_response_date": overdue,
        "extended": extended,
        "extended_pct": pct(extended, received),
        "extension_average_days": round(extension_days / extended, 2) if extended else None,
        "extension_cap_days": CODE_CAPS[number - 1],
        "beyond_cap": beyond_cap,
        "beyond_cap_listed": [],
    }


def _extensions(events: list[Event], number: int) -> list[dict[str, Any]]:
    """The extensions in force of one stage of a case, with their recorded reasons."""
    return [
        {
            "on": event.on.isoformat(),
            "days": int(event.details["days"]),
            "reason": event.details.get("reason"),
            "good_reason": event.details.get("good_reason") or None,
            "late_reason": event.details.get("late_reason") or None,
        }
        for event in in_force(events, voided_numbers(events))
        if event.kind == "extended" and int(event.details.get("stage", 1)) == number
    ]


def _beyond_cap(tx: Reading, start: date, end: date) -> list[dict[str, Any]]:
    """The first stages extended beyond the Code's cap, with the extensions of each."""
    rows = tx.self_assessment_beyond_cap(start, end, CODE_CAPS, BEYOND_CAP_LISTED)
    histories = tx.histories(list(dict.fromkeys(case_id for case_id, *_ in rows))) if rows else {}
    return [
        {
            "reference": reference,
            "stage": number,
            "extension_days": days,
            "extensions": _extensions(histories[case_id], number),
        }
        for case_id, reference, number, days in rows
    ]


def _handlers(roster: Roster, pairs: list[tuple[Any, ...]]) -> dict[str, Any]:
    compared = different = unassigned = 0
    for first, second, count in pairs:
        if not first or not second:
            unassigned += count
            continue
        compared += count
        different += count if different_officer(roster, first, second) else 0
    return {
        "handlers_compared": compared,
        "different_handler": different,
        "same_handler": compared - different,
        "different_handler_pct": pct(different, compared),
        "handler_not_recorded": unassigned,
    }


CLOSED_FIGURES = ("decisions", "decided_in_time", "upheld", "apologies", "compensated", "compensation_pence")


def _closed(tx: Reading, start: date, end: date) -> dict[int, dict[str, int]]:
    """The stages closed in the year, per stage: decisions, decisions in time, remedies."""
    totals = {number: dict.fromkeys(CLOSED_FIGURES, 0) for number in (1, 2)}
    for number, *values in tx.self_assessment_closed(start, end):
        totals[number] = {key: int(value or 0) for key, value in zip(CLOSED_FIGURES, values)}
    return totals


def _ombudsman(tx: Reading, start: date, end: date, as_of: date) -> dict[str, Any]:
    _referrals, determinations = tx.ombudsman_counts(start, end)
    findings = {code: 0 for code in FINDINGS}
    for _element, finding, count in tx.ombudsman_findings(start, end):
        findings[finding] = findings.get(finding, 0) + count
    orders = complied_by_due = complied_late = outstanding = overdue = 0
    for _kind, _amount, _made_on, due, complied_on in tx.ombudsman_orders(start, end):
        orders += 1
        if complied_on is None:
            outstanding += 1
            overdue += due < as_of
        elif complied_on <= due:
            complied_by_due += 1
        else:
            complied_late += 1
    # An order not yet due and not yet complied with has not been kept or missed.
    fallen_due = complied_by_due + complied_late + overdue
    return {
        "determinations": determinations or 0,
        "findings": findings,
        "adverse_findings": sum(findings[code] for code in ADVERSE_FINDINGS),
        "orders": orders,
        "orders_complied_by_due": complied_by_due,
        "orders_complied_late": complied_late,
        "orders_outstanding": outstanding,
        "orders_overdue": overdue,
        "orders_on_time_pct": pct(complied_by_due, fallen_due),
    }


def self_assessment(ctx: Context, year: int) -> dict[str, Any]:
    """The self-assessment's figures for the year starting 1 April `year`, as of today: a plain
    dict in the shape of `report self-assessment --json`. A year with nothing recorded in it is
    refused."""
    today = ctx.today
    check_year(year, today)
    start, end = period(year)
    with ctx.store.reading() as tx:
        received = {row[0]: row for row in tx.self_assessment_received(start, end, today, CODE_CAPS)}
        closed = _closed(tx, start, end)
        requested, refused_requests, late_requests = (int(value or 0) for value in tx.self_assessment_escalations(start, end))
        handlers = _handlers(Roster(tx.officers()), tx.self_assessment_handlers(start, end))
        refusals = tx.self_assessment_refused(start, end)
        beyond_cap = _beyond_cap(tx, start, end) if any(row[7] for row in received.values()) else []
        ombudsman = _ombudsman(tx, start, end, today)

    stages = {}
    for number in (1, 2):
        closing = closed[number]
        stages[number] = _stage_figures(number, received.get(number), closing["decisions"], closing["decided_in_time"])
    for item in beyond_cap:
        stages[item["stage"]]["beyond_cap_listed"].append(item)
    stages[2].update(handlers)

    exclusions: dict[int, dict[str, int]] = {1: {}, 2: {}}
    for number, code, count in refusals:
        exclusions[number][code or "not-recorded"] = exclusions[number].get(code or "not-recorded", 0) + count

    def ranked(counts: dict[str, int]) -> dict[str, int]:
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    nothing = not any(
        (
            stages[1]["received"], stages[2]["received"], stages[1]["responded"], stages[2]["responded"],
            requested, refusals, ombudsman["determinations"], ombudsman["orders"],
        )
    )
    if nothing:
        raise InvalidInput(
            f"nothing was recorded for {year_label(year)} ({start.isoformat()} to {end.isoformat()}): no complaint "
            "received, answered or refused and no Ombudsman determination; choose a year with complaints"
        )

    compensation_pence = closed[1]["compensation_pence"] + closed[2]["compensation_pence"]
    return {
        "year": year_label(year),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": today.isoformat(),
        "complete": today > end,
        "organisation": ctx.policy.organisation["name"],
        "code": CODE,
        "sections": SECTIONS,
        "policy_looser_than_code": looser_than_the_code(ctx.policy),
        "stage1": stages[1],
        "stage2": stages[2],
        "escalations": {
            "requested": requested,
            "refused": refused_requests,
            "refused_by_exclusion": ranked(exclusions[2]),
            "accepted_late": late_requests,
        },
        "remedies": {
            "decisions": closed[1]["decisions"] + closed[2]["decisions"],
            "upheld": closed[1]["upheld"] + closed[2]["upheld"],
            "apologies": closed[1]["apologies"] + closed[2]["apologies"],
            "compensation_cases": closed[1]["compensated"] + closed[2]["compensated"],
            "compensation_total": round(compensation_pence / 100, 2),
        },
        "exclusions": ranked(exclusions[1]),
        "exclusions_total": sum(exclusions[1].values()),
        "ombudsman": ombudsman,
    }
