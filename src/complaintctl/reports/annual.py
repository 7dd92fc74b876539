"""The annual complaints performance and service improvement report (HO Code section 8).

Every figure is aggregated in the database over the projection tables, a handful of grouped
queries per report, so the cost follows the number of months, stages and service areas rather
than the number of cases: the stages received and closed are counted from the month tables the
writes keep (storage migration 015), but for `--housing`, from the stages themselves. The result
is a plain dict in the shape of `report annual --json`.

Definitions (SPEC section 7), for the year 1 April YYYY to 31 March YYYY+1:
- received: complaints accepted at a stage with that stage's receipt date in the year (refused
  complaints, compliments and comments are counted apart; a withdrawn one was received);
- responded: stages closed in the year with a decision (upheld, partly upheld, not upheld);
  in time: on or before the response date including permitted extensions;
- CH01 = received / homes x 1,000; CH02 = responded in time / responded x 100;
- outcomes (refusals included), remedies and compensation: stages closed in the year;
- not accepted: refusals of complaints received in the year, by exclusion;
- by service area and category: complaints received at stage 1 in the year;
- escalation rate = stage 2 complaints received in the year / stage 1 complaints responded to
  in the year x 100 (how many stage 1 responses were followed by a stage 2 request);
- CH01 of each year uses that year's homes figure (`[organisation] homes`, one number or a table
  by year);
- Ombudsman: determinations made in the year, their findings and orders, and the same for the
  previous year beside them; surveys and learning recorded in the year, each piece of learning
  with the progress of the actions recorded with its case at its stage (the data links an action
  to a case and a stage, not to one piece of learning);
- `--housing` (the view "housing"): every figure of the Housing Ombudsman cases only, so that a
  council that is also a landlord reports its landlord complaints against its homes;
- where the policy handles anonymous complaints informally (`[intake] anonymous`), their stages
  are left out of all the complaint figures and counted apart (`anonymous_informal`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from complaintctl.domain.vocabulary import DECISIONS, FINDINGS, ORDER_KINDS, OUTCOMES, SURVEY_QUESTIONS
from complaintctl.errors import InvalidInput

if TYPE_CHECKING:
    from complaintctl.services.context import Context, Reading

NOT_RECORDED = "Not recorded"
LEARNING_LISTED = 500


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def period(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)


def parse_year(text: str) -> int:
    """`2024` or `2024/25` to the year the period starts in; ValueError when malformed."""
    cleaned = text.strip()
    first, slash, second = cleaned.partition("/")
    if not first.isdigit() or len(first) != 4 or (slash and (not second.isdigit() or len(second) not in (2, 4))):
        raise ValueError(f"{text!r} is not a year; write the year the report starts in, e.g. 2025 or 2025/26")
    year = int(first)
    if slash and int(second) % 100 != (year + 1) % 100:
        raise ValueError(f"{text!r} is not a reporting year; the second year must follow the first, e.g. 2025/26")
    return year


def check_year(year: int, today: date) -> None:
    start, _ = period(year)
    if year < 1990:
        raise InvalidInput(f"--year {year} is too early; complaints records start long after that")
    if start > today:
        raise InvalidInput(
            f"--year {year_label(year)} starts on {start.isoformat()}, after today; choose a year that has begun"
        )


def fiscal_year(month: str) -> int:
    """'2025-02' belongs to the year that starts in April 2024."""
    calendar_year, number = int(month[:4]), int(month[5:7])
    return calendar_year if number >= 4 else calendar_year - 1


def months_of(year: int) -> list[str]:
    return [f"{year + (m > 12)}-{(m - 1) % 12 + 1:02d}" for m in range(4, 16)]


def _pct(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 2) if whole else None


def _money(pence: int) -> float:
    return round(pence / 100, 2)


# -- the figures -----------------------------------------------------------------------------------
#
# Each figure is one query of the read transaction (the SQL is storage/statements.py), grouped
# in the database; here its rows are folded into the report. Dates come back as `date` from
# either database; the stages received and closed by the month (its first day) or by the day.

STAGES = (1, 2)


def _month(day: date) -> str:
    """'2025-06' of a day (or of the first day of a month)."""
    return day.isoformat()[:7]


def _received(tx: "Reading", previous_start: date, end: date, housing: bool) -> dict[tuple[int, str], list[int]]:
    """Accepted complaints per stage and month of receipt over two years: [received, withdrawn]."""
    rows = tx.received_by_date(previous_start, end, housing)
    months: dict[tuple[int, str], list[int]] = {}
    for number, day, received, withdrawn in rows:
        figures = months.setdefault((number, _month(day)), [0, 0])
        figures[0] += received
        figures[1] += int(withdrawn or 0)
    return months


CLOSED_FIGURES = (*OUTCOMES, "decided_in_time", "apologies", "compensated", "compensation_pence")


def _closed(tx: "Reading", previous_start: date, end: date, housing: bool) -> dict[tuple[int, str], dict[str, int]]:
    """Stages closed per stage and month over two years: how many of each outcome, decisions in
    time, and remedies."""
    rows = tx.closed_by_date(previous_start, end, housing)
    months: dict[tuple[int, str], dict[str, int]] = {}
    for number, day, outcome, in_time, apology, count, compensated, pence in rows:
        figures = months.setdefault((number, _month(day)), dict.fromkeys(CLOSED_FIGURES, 0))
        if outcome in OUTCOMES:
            figures[outcome] += count
        if in_time and outcome in DECISIONS:
            figures["decided_in_time"] += count
        if apology:
            figures["apologies"] += count
        figures["compensated"] += int(compensated or 0)
        figures["compensation_pence"] += int(pence or 0)
    return months


def _take_out_anonymous(
    tx: "Reading",
    year: int,
    previous_start: date,
    end: date,
    received: dict[tuple[int, str], list[int]],
    closed: dict[tuple[int, str], dict[str, int]],
    themes: list[tuple[Any, ...]],
    refusals: list[tuple[Any, ...]],
    housing: bool,
) -> tuple[int, list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """For a policy that handles anonymous complaints informally (seed 001): take their stages out
    of the figures read above, counted as those queries count them, and give how many were
    received at stage 1 in the year, with the themes and refusals left."""
    start, _ = period(year)
    informal = 0
    theme_counts = {(number, service, category): count for number, service, category, count in themes}
    refusal_counts = dict(refusals)
    for number, received_on, closed_on, outcome, exclusion, in_time, apology, pence, service, category in tx.anonymous_stages(
        previous_start, end, housing
    ):
        this_year = start <= received_on <= end
        if number == 1 and this_year:
            informal += 1
        if previous_start <= received_on <= end and outcome != "refused":
            figures = received[(number, _month(received_on))]
            figures[0] -= 1
            figures[1] -= outcome == "withdrawn"
            if this_year:
                theme_counts[(number, service, category)] -= 1
        if this_year and outcome == "refused":
            refusal_counts[exclusion] -= 1
        if closed_on is not None and previous_start <= closed_on <= end:
            closing = closed[(number, _month(closed_on))]
            closing[outcome] -= 1
            closing["decided_in_time"] -= bool(outcome in DECISIONS and in_time)
            closing["apologies"] -= bool(apology)
            closing["compensated"] -= (pence or 0) > 0
            closing["compensation_pence"] -= pence or 0
    kept_themes = [(*key, count) for key, count in theme_counts.items() if count]
    kept_refusals = [(code, count) for code, count in refusal_counts.items() if count]
    return informal, kept_themes, kept_refusals


def _other_feedback(tx: "Reading", start: date, end: date, housing: bool) -> dict[str, int]:
    found = dict(tx.feedback(start, end, housing))
    return {"compliments": found.get("compliment", 0), "comments": found.get("comment", 0)}


ACTION_PROGRESS = ("done", "outstanding", "overdue")


def _learning(tx: "Reading", start: date, end: date, as_of: date, housing: bool) -> dict[str, Any]:
    """The learning recorded in the year, each piece with the progress of the actions of its case
    at its stage as of `as_of` (outstanding: not done; overdue: outstanding past its due date),
    and the progress of all those actions, each counted once."""
    progress = {
        (reference, stage): dict(zip(ACTION_PROGRESS, (int(count or 0) for count in counts)))
        for reference, stage, *counts in tx.learning_actions(start, end, as_of, housing)
    }
    items = [
        {
            "reference": reference,
            "service": service or NOT_RECORDED,
            "stage": stage,
            "recorded_on": recorded_on.isoformat(),
            "text": text,
            "actions": progress.get((reference, stage), dict.fromkeys(ACTION_PROGRESS, 0)),
        }
        for reference, service, stage, recorded_on, text in tx.learning_listed(start, end, LEARNING_LISTED, housing)
    ]
    totals = {key: sum(counts[key] for counts in progress.values()) for key in ACTION_PROGRESS}
    return {"recorded": tx.learning_count(start, end, housing), "items": items, "actions": totals}


def _ombudsman(tx: "Reading", start: date, end: date, as_of: date, housing: bool) -> dict[str, Any]:
    referrals, determinations = tx.ombudsman_counts(start, end, housing)
    findings = {code: 0 for code in FINDINGS}
    by_element: dict[str, dict[str, int]] = {}
    for element, finding, count in tx.ombudsman_findings(start, end, housing):
        findings[finding] = findings.get(finding, 0) + count
        by_element.setdefault(element, {code: 0 for code in FINDINGS})[finding] = count

    orders = {code: 0 for code in ORDER_KINDS}
    complied = complied_by_due = outstanding = overdue = 0
    ordered_pence = 0
    longest: int | None = None
    # Orders come a few at a time with each determination: a year's worth is small.
    for kind, amount_pence, made_on, due, complied_on in tx.ombudsman_orders(start, end, housing):
        orders[kind] += 1
        ordered_pence += amount_pence
        if complied_on is None:
            outstanding += 1
            overdue += due < as_of
            continue
        complied += 1
        complied_by_due += complied_on <= due
        days = (complied_on - made_on).days
        longest = days if longest is None else max(longest, days)
    total_orders = sum(orders.values())
    return {
        "referrals": referrals or 0,
        "determinations": determinations or 0,
        "findings": findings,
        "findings_total": sum(findings.values()),
        "findings_by_element": [
            {"element": element, **counts, "total": sum(counts.values())} for element, counts in sorted(by_element.items())
        ],
        "orders": orders,
        "orders_total": total_orders,
        "orders_complied": complied,
        "orders_complied_by_due": complied_by_due,
        "orders_outstanding": outstanding,
        "orders_overdue": overdue,
        "orders_complied_pct": _pct(complied, total_orders),
        "longest_days_to_comply": longest,
        "compensation_ordered": _money(ordered_pence),
    }


def _survey(tx: "Reading", start: date, end: date, housing: bool) -> dict[str, Any]:
    row = tx.survey_answers(start, end, housing)
    questions = {}
    for index, (key, words) in enumerate(SURVEY_QUESTIONS.items()):
        yes, answered = int(row[1 + 2 * index] or 0), int(row[2 + 2 * index] or 0)
        questions[key] = {"question": words, "yes": yes, "answered": answered, "pct": _pct(yes, answered)}
    return {"responses": int(row[0] or 0), "questions": questions}


# -- the report ------------------------------------------------------------------------------------


def _stage_figures(received: int, withdrawn: int, responded: int, in_time: int, homes: int | None) -> dict[str, Any]:
    return {
        "received": received,
        "withdrawn": withdrawn,
        "responded": responded,
        "responded_in_time": in_time,
        "in_time_pct": _pct(in_time, responded),
        "per_1000_homes": round(received * 1000 / homes, 2) if homes else None,
    }


def _fold_volumes(
    year: int,
    received: dict[tuple[int, str], list[int]],
    closed: dict[tuple[int, str], dict[str, int]],
    homes: dict[int, int | None],
):
    """Per-year stage totals (CH01 of each year by its own homes figure), the months of the
    chosen year, and its quarters."""
    totals: dict[int, dict[int, list[int]]] = {key: {1: [0, 0, 0, 0], 2: [0, 0, 0, 0]} for key in (year, year - 1)}
    monthly = {month: {"month": month, "stage1": 0, "stage2": 0} for month in months_of(year)}
    quarters = [{"quarter": f"Q{n}", "stage1_responded": 0, "stage1_in_time": 0, "stage2_responded": 0, "stage2_in_time": 0} for n in range(1, 5)]
    for (number, month), (count, withdrawn) in received.items():
        figures = totals[fiscal_year(month)][number]
        figures[0] += count
        figures[1] += withdrawn
        if month in monthly:
            monthly[month][f"stage{number}"] += count
    for (number, month), closing in closed.items():
        responded = sum(closing[outcome] for outcome in DECISIONS)
        in_time = closing["decided_in_time"]
        figures = totals[fiscal_year(month)][number]
        figures[2] += responded
        figures[3] += in_time
        if month in monthly:
            quarter = quarters[months_of(year).index(month) // 3]
            quarter[f"stage{number}_responded"] += responded
            quarter[f"stage{number}_in_time"] += in_time
    for quarter in quarters:
        for number in STAGES:
            quarter[f"stage{number}_pct"] = _pct(quarter[f"stage{number}_in_time"], quarter[f"stage{number}_responded"])
    by_year = {
        key: {f"stage{number}": _stage_figures(*figures[number], homes[key]) for number in STAGES}
        for key, figures in totals.items()
    }
    return by_year, list(monthly.values()), quarters


def homes_of(ctx: "Context", year: int) -> dict[int, int | None]:
    """The homes figure of the year and of the one before (None where there is none). A table by
    year without the report's own year is refused: its CH01 would be wrong or missing."""
    homes = {key: ctx.policy.homes_in(key) or None for key in (year, year - 1)}
    if ctx.policy.homes_in(year) is None:
        raise InvalidInput(
            f"[organisation] homes has no figure for {year_label(year)}; "
            f"add {year} = N (the homes on 1 April {year}) to the homes table of the policy file"
        )
    return homes


def escalation_rate(stage2_received: int, stage1_responded: int) -> float | None:
    """Stage 2 complaints received per 100 stage 1 responses in the same year."""
    return _pct(stage2_received, stage1_responded)


def annual_report(ctx: "Context", year: int, as_of: date | None = None, housing: bool = False) -> dict[str, Any]:
    as_of = as_of or ctx.today
    check_year(year, ctx.today)
    start, end = period(year)
    if as_of < start:
        raise InvalidInput(
            f"--as-of {as_of.isoformat()} is before the {year_label(year)} year starts on {start.isoformat()}; "
            "choose a date in or after the year"
        )
    previous_start, previous_end = period(year - 1)
    homes = homes_of(ctx, year)
    with ctx.store.reading() as tx:
        received = _received(tx, previous_start, end, housing)
        themes = tx.themes(start, end, housing)
        closed = _closed(tx, previous_start, end, housing)
        refusals = tx.refusals(start, end, housing)
        feedback = _other_feedback(tx, start, end, housing)
        learning = _learning(tx, start, end, as_of, housing)
        ombudsman = _ombudsman(tx, start, end, as_of, housing)
        ombudsman_previous = _ombudsman(tx, previous_start, previous_end, as_of, housing)
        survey = _survey(tx, start, end, housing)
        anonymous_informal = None
        if ctx.policy.anonymous_informal:
            anonymous_informal, themes, refusals = _take_out_anonymous(
                tx, year, previous_start, end, received, closed, themes, refusals, housing
            )

    by_year, monthly, quarters = _fold_volumes(year, received, closed, homes)
    previous = by_year[year - 1]
    has_previous = any(previous[key]["received"] or previous[key]["responded"] for key in previous)
    rates = {
        key: escalation_rate(figures["stage2"]["received"], figures["stage1"]["responded"]) for key, figures in by_year.items()
    }

    outcomes = {outcome: 0 for outcome in OUTCOMES}
    outcomes_by_stage = {str(number): {outcome: 0 for outcome in OUTCOMES} for number in STAGES}
    apologies = compensated = compensation_pence = 0
    for (number, month), closing in closed.items():
        if fiscal_year(month) != year:
            continue
        for outcome in OUTCOMES:
            outcomes[outcome] += closing[outcome]
            outcomes_by_stage[str(number)][outcome] += closing[outcome]
        apologies += closing["apologies"]
        compensated += closing["compensated"]
        compensation_pence += closing["compensation_pence"]

    not_accepted = {code: count for code, count in sorted(refusals, key=lambda item: (-item[1], item[0] or ""))}
    by_service: dict[str, int] = {}
    by_category: dict[str, int] = {}
    by_service_stage2: dict[str, int] = {}
    thematic: dict[tuple[str, str], int] = {}
    for number, service, category, count in themes:
        service = service or NOT_RECORDED
        category = category or NOT_RECORDED
        if number == 2:
            by_service_stage2[service] = by_service_stage2.get(service, 0) + count
            continue
        by_service[service] = by_service.get(service, 0) + count
        by_category[category] = by_category.get(category, 0) + count
        thematic[(service, category)] = thematic.get((service, category), 0) + count

    def ranked(counts: dict[str, int]) -> dict[str, int]:
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    organisation = ctx.policy.organisation
    return {
        "year": year_label(year),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": as_of.isoformat(),
        # The figures count everything recorded in the year, whatever --as-of says (it only
        # dates the Ombudsman orders), so the year is complete once it is over.
        "complete": ctx.today > end,
        "organisation": organisation["name"],
        # "all" complaints, or "housing": those of the Housing Ombudsman cases only (--housing).
        "view": "housing" if housing else "all",
        "homes": homes[year],
        "stage1": by_year[year]["stage1"],
        "stage2": by_year[year]["stage2"],
        # Stage 2 complaints received per 100 stage 1 responses, both in the year.
        "escalation_rate_pct": rates[year],
        "previous": (
            {"year": year_label(year - 1), **previous, "homes": homes[year - 1], "escalation_rate_pct": rates[year - 1]}
            if has_previous
            else None
        ),
        "not_accepted": not_accepted,
        "not_accepted_total": sum(not_accepted.values()),
        # Anonymous complaints received at stage 1, where the policy handles them informally
        # ([intake] anonymous): kept out of every complaint figure above. None otherwise.
        "anonymous_informal": anonymous_informal,
        "compliments": feedback["compliments"],
        "comments": feedback["comments"],
        "outcomes": outcomes,
        "outcomes_by_stage": outcomes_by_stage,
        "by_service": ranked(by_service),
        "by_service_stage2": ranked(by_service_stage2),
        "by_category": ranked(by_category),
        "thematic": [
            {"service": service, "category": category, "complaints": count}
            for (service, category), count in sorted(thematic.items(), key=lambda item: (-item[1], item[0]))
        ],
        "remedies": {
            "apologies": apologies,
            "compensation_cases": compensated,
            "compensation_total": _money(compensation_pence),
        },
        "compensation_total": _money(compensation_pence),
        "learning": learning,
        "ombudsman": ombudsman,
        # Determinations and orders made in the previous year, beside this year's (as seed 003).
        "ombudsman_previous": {"year": year_label(year - 1), **ombudsman_previous},
        "survey": survey,
        "monthly": monthly,
        "quarterly": quarters,
    }

