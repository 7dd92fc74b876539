"""The annual complaints performance and service improvement report (HO Code section 8).

Every figure is aggregated in the database over the projection tables, a handful of grouped
queries per report, so the cost follows the number of months, stages and service areas rather
than the number of cases. The result is a plain dict in the shape of `report annual --json`.

Definitions (SPEC section 7), for the year 1 April YYYY to 31 March YYYY+1:
- received: complaints accepted at a stage with that stage's receipt date in the year (refused
  complaints, compliments and comments are counted apart; a withdrawn one was received);
- responded: stages closed in the year with a decision (upheld, partly upheld, not upheld);
  in time: on or before the response date including permitted extensions;
- CH01 = received / homes x 1,000; CH02 = responded in time / responded x 100;
- outcomes (refusals included), remedies and compensation: stages closed in the year;
- not accepted: refusals of complaints received in the year, by exclusion;
- by service area and category: complaints received at stage 1 in the year;
- Ombudsman: determinations made in the year, their findings and orders; surveys and learning
  recorded in the year.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from complaintctl.errors import InvalidInput
from complaintctl.model import DECISIONS, OUTCOMES
from complaintctl.records import FINDINGS, ORDER_KINDS, SURVEY_QUESTIONS

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from complaintctl.services import Context

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


# -- the queries -----------------------------------------------------------------------------------


def _month(conn: "Connection", column):
    from sqlalchemy import func

    if conn.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.substr(column, 1, 7)


def _count_true(column):
    from sqlalchemy import case, func

    return func.sum(case((column, 1), else_=0))


STAGES = (1, 2)


def _received(conn: "Connection", previous_start: date, start: date, end: date) -> list[Any]:
    """Accepted complaints per stage and month of receipt over two years, with how many were
    withdrawn; the chosen year's rows are split by service area and category as well."""
    from sqlalchemy import case, func, or_, select

    from complaintctl.store import cases_table, stages_table

    s, c = stages_table.c, cases_table.c
    month = _month(conn, s.received_on).label("month")
    in_year = s.received_on >= start
    service = case((in_year, c.service)).label("service")
    category = case((in_year, c.category)).label("category")
    query = (
        select(
            s.number,
            month,
            service,
            category,
            func.count().label("received"),
            func.sum(case((s.outcome == "withdrawn", 1), else_=0)).label("withdrawn"),
        )
        .select_from(stages_table.join(cases_table, c.id == s.case_id))
        .where(
            s.number.in_(STAGES),
            s.received_on.between(previous_start, end),
            c.type == "complaint",
            or_(s.outcome.is_(None), s.outcome != "refused"),
        )
        .group_by(s.number, month, service, category)
    )
    return list(conn.execute(query))


def _closed(conn: "Connection", previous_start: date, end: date) -> list[Any]:
    """Stages closed per stage, month and outcome over two years: decisions in time, remedies."""
    from sqlalchemy import case, func, select

    from complaintctl.store import stages_table

    s = stages_table.c
    month = _month(conn, s.closed_on).label("month")
    query = (
        select(
            s.number,
            month,
            s.outcome,
            func.count().label("closed"),
            _count_true(s.in_time).label("in_time"),
            _count_true(s.apology).label("apologies"),
            func.sum(case((s.compensation_pence > 0, 1), else_=0)).label("compensated"),
            func.coalesce(func.sum(s.compensation_pence), 0).label("compensation_pence"),
        )
        .where(s.number.in_(STAGES), s.closed_on.between(previous_start, end))
        .group_by(s.number, month, s.outcome)
    )
    return list(conn.execute(query))


def _not_accepted(conn: "Connection", start: date, end: date) -> list[Any]:
    from sqlalchemy import func, select

    from complaintctl.store import stages_table

    s = stages_table.c
    query = (
        select(s.exclusion, func.count().label("count"))
        .where(s.number.in_(STAGES), s.received_on.between(start, end), s.outcome == "refused")
        .group_by(s.exclusion)
    )
    return list(conn.execute(query))


def _other_feedback(conn: "Connection", start: date, end: date) -> dict[str, int]:
    from sqlalchemy import func, select

    from complaintctl.store import cases_table

    c = cases_table.c
    query = (
        select(c.type, func.count())
        .where(c.received_on.between(start, end), c.type.in_(("compliment", "comment")))
        .group_by(c.type)
    )
    found = dict(conn.execute(query).all())
    return {"compliments": found.get("compliment", 0), "comments": found.get("comment", 0)}


def _learning(conn: "Connection", start: date, end: date) -> tuple[int, list[dict[str, Any]]]:
    from sqlalchemy import func, select

    from complaintctl.records_store import learning
    from complaintctl.store import cases_table

    l, c = learning.c, cases_table.c
    total = conn.execute(select(func.count()).where(l.recorded_on.between(start, end))).scalar() or 0
    query = (
        select(c.reference, c.service, l.stage, l.recorded_on, l.text)
        .select_from(learning.join(cases_table, c.id == l.case_id))
        .where(l.recorded_on.between(start, end))
        .order_by(l.recorded_on, c.reference, l.number)
        .limit(LEARNING_LISTED)
    )
    items = [
        {
            "reference": row.reference,
            "service": row.service or NOT_RECORDED,
            "stage": row.stage,
            "recorded_on": row.recorded_on.isoformat(),
            "text": row.text,
        }
        for row in conn.execute(query)
    ]
    return total, items


def _ombudsman(conn: "Connection", start: date, end: date, as_of: date) -> dict[str, Any]:
    from sqlalchemy import func, select

    from complaintctl.records_store import ombudsman_cases, ombudsman_findings, ombudsman_orders

    oc, of, oo = ombudsman_cases.c, ombudsman_findings.c, ombudsman_orders.c
    referrals = conn.execute(select(func.count()).where(oc.referred_on.between(start, end))).scalar() or 0
    determinations = conn.execute(select(func.count()).where(oc.determined_on.between(start, end))).scalar() or 0
    findings = {code: 0 for code in FINDINGS}
    by_element: dict[str, dict[str, int]] = {}
    rows = conn.execute(
        select(of.element, of.finding, func.count())
        .where(of.determined_on.between(start, end))
        .group_by(of.element, of.finding)
    )
    for element, finding, count in rows:
        findings[finding] = findings.get(finding, 0) + count
        by_element.setdefault(element, {code: 0 for code in FINDINGS})[finding] = count

    orders = {code: 0 for code in ORDER_KINDS}
    complied = complied_by_due = outstanding = overdue = 0
    ordered_pence = 0
    longest: int | None = None
    # Orders come a few at a time with each determination: a year's worth is small.
    for row in conn.execute(select(oo.kind, oo.amount_pence, oo.made_on, oo.due, oo.complied_on).where(oo.made_on.between(start, end))):
        orders[row.kind] += 1
        ordered_pence += row.amount_pence
        if row.complied_on is None:
            outstanding += 1
            overdue += row.due < as_of
            continue
        complied += 1
        complied_by_due += row.complied_on <= row.due
        days = (row.complied_on - row.made_on).days
        longest = days if longest is None else max(longest, days)
    total_orders = sum(orders.values())
    return {
        "referrals": referrals,
        "determinations": determinations,
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


def _survey(conn: "Connection", start: date, end: date) -> dict[str, Any]:
    from sqlalchemy import func, select

    from complaintctl.records_store import surveys

    t = surveys.c
    columns = [func.count()]
    for key in SURVEY_QUESTIONS:
        columns += [_count_true(t[key]), func.count(t[key])]
    row = conn.execute(select(*columns).where(t.answered_on.between(start, end))).one()
    questions = {}
    for index, (key, words) in enumerate(SURVEY_QUESTIONS.items()):
        yes, answered = int(row[1 + 2 * index] or 0), int(row[2 + 2 * index] or 0)
        questions[key] = {"question": words, "yes": yes, "answered": answered, "pct": _pct(yes, answered)}
    return {"responses": int(row[0] or 0), "questions": questions}


# -- the report ------------------------------------------------------------------------------------


def _stage_figures(received: int, withdrawn: int, responded: int, in_time: int, homes: int) -> dict[str, Any]:
    return {
        "received": received,
        "withdrawn": withdrawn,
        "responded": responded,
        "responded_in_time": in_time,
        "in_time_pct": _pct(in_time, responded),
        "per_1000_homes": round(received * 1000 / homes, 2) if homes else None,
    }


def _fold_volumes(year: int, received_rows, closed_rows, homes: int):
    """Per-year stage totals, the months of the chosen year, and its quarters."""
    totals: dict[int, dict[int, list[int]]] = {key: {1: [0, 0, 0, 0], 2: [0, 0, 0, 0]} for key in (year, year - 1)}
    monthly = {month: {"month": month, "stage1": 0, "stage2": 0} for month in months_of(year)}
    quarters = [{"quarter": f"Q{n}", "stage1_responded": 0, "stage1_in_time": 0, "stage2_responded": 0, "stage2_in_time": 0} for n in range(1, 5)]
    for row in received_rows:
        figures = totals[fiscal_year(row.month)][row.number]
        figures[0] += row.received
        figures[1] += int(row.withdrawn or 0)
        if row.month in monthly:
            monthly[row.month][f"stage{row.number}"] += row.received
    for row in closed_rows:
        if row.outcome not in DECISIONS:
            continue
        in_time = int(row.in_time or 0)
        figures = totals[fiscal_year(row.month)][row.number]
        figures[2] += row.closed
        figures[3] += in_time
        if row.month in monthly:
            quarter = quarters[months_of(year).index(row.month) // 3]
            quarter[f"stage{row.number}_responded"] += row.closed
            quarter[f"stage{row.number}_in_time"] += in_time
    for quarter in quarters:
        for number in STAGES:
            quarter[f"stage{number}_pct"] = _pct(quarter[f"stage{number}_in_time"], quarter[f"stage{number}_responded"])
    by_year = {
        key: {f"stage{number}": _stage_figures(*figures[number], homes) for number in STAGES} for key, figures in totals.items()
    }
    return by_year, list(monthly.values()), quarters


def annual_report(ctx: "Context", year: int, as_of: date | None = None) -> dict[str, Any]:
    as_of = as_of or ctx.today
    check_year(year, ctx.today)
    start, end = period(year)
    previous_start, _ = period(year - 1)
    homes = ctx.policy.homes
    with ctx.store.reading() as tx:
        conn = tx.conn
        received_rows = _received(conn, previous_start, start, end)
        closed_rows = _closed(conn, previous_start, end)
        refusals = _not_accepted(conn, start, end)
        feedback = _other_feedback(conn, start, end)
        learning_total, learning_items = _learning(conn, start, end)
        ombudsman = _ombudsman(conn, start, end, as_of)
        survey = _survey(conn, start, end)

    by_year, monthly, quarters = _fold_volumes(year, received_rows, closed_rows, homes)
    previous = by_year[year - 1]
    has_previous = any(previous[key]["received"] or previous[key]["responded"] for key in previous)

    outcomes = {outcome: 0 for outcome in OUTCOMES}
    outcomes_by_stage = {str(number): {outcome: 0 for outcome in OUTCOMES} for number in STAGES}
    apologies = compensated = compensation_pence = 0
    for row in closed_rows:
        if fiscal_year(row.month) != year:
            continue
        if row.outcome in outcomes:
            outcomes[row.outcome] += row.closed
            outcomes_by_stage[str(row.number)][row.outcome] += row.closed
        apologies += int(row.apologies or 0)
        compensated += int(row.compensated or 0)
        compensation_pence += int(row.compensation_pence or 0)

    not_accepted = {code: count for code, count in sorted(refusals, key=lambda item: (-item[1], item[0] or ""))}
    by_service: dict[str, int] = {}
    by_category: dict[str, int] = {}
    by_service_stage2: dict[str, int] = {}
    thematic: dict[tuple[str, str], int] = {}
    for row in received_rows:
        if fiscal_year(row.month) != year:
            continue
        service = row.service or NOT_RECORDED
        category = row.category or NOT_RECORDED
        if row.number == 2:
            by_service_stage2[service] = by_service_stage2.get(service, 0) + row.received
            continue
        by_service[service] = by_service.get(service, 0) + row.received
        by_category[category] = by_category.get(category, 0) + row.received
        thematic[(service, category)] = thematic.get((service, category), 0) + row.received

    def ranked(counts: dict[str, int]) -> dict[str, int]:
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    organisation = ctx.policy.organisation
    return {
        "year": year_label(year),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": as_of.isoformat(),
        "complete": as_of > end,
        "organisation": organisation["name"],
        "homes": homes or None,
        "stage1": by_year[year]["stage1"],
        "stage2": by_year[year]["stage2"],
        "previous": {"year": year_label(year - 1), **previous} if has_previous else None,
        "not_accepted": not_accepted,
        "not_accepted_total": sum(not_accepted.values()),
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
        "learning": {"recorded": learning_total, "items": learning_items},
        "ombudsman": ombudsman,
        "survey": survey,
        "monthly": monthly,
        "quarterly": quarters,
    }

