"""The overdue report: every deadline an open case is waiting for, promised actions and
Ombudsman orders past their date.

The database chooses the items: an indexed range scan on each open case's earliest deadline
(`cases.next_due`, which carries its other deadlines beside it: a case is due by the cutoff
exactly when its earliest deadline is), on the due date of actions not yet done
(`actions (done_on, due)`) and on orders not complied with (`ombudsman_orders (complied_on,
due)`), so the cost follows the number of items due, never the number of cases. This module
counts the working days and puts the items in order of lateness. A past as-of date replays only
the cases with steps recorded after it; an order counts from the date it was made.

An item is overdue when its due date is before the as-of date ("within N working days" means
on or before the date). `working_days_overdue` counts the working days after the due date up to
and including the as-of date: due Monday, as of Wednesday, 2; it is negative for an item not yet
due, and 0 for one due that day (or due on a Friday and looked at over the weekend).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from json.encoder import encode_basestring as quoted
from typing import TYPE_CHECKING, Any, NamedTuple

from complaintctl.domain.events import CASE_KINDS, CORRECTION_KINDS
from complaintctl.domain.vocabulary import ORDER_KINDS

if TYPE_CHECKING:
    from complaintctl.domain.calendar import Calendar
    from complaintctl.services.context import Context, Reading

# Within a case, the order in which its items are listed when equally late.
WHAT_ORDER = {"acknowledge": 0, "respond": 1, "update": 2, "action": 3, "order": 4, "restriction-review": 5}

COLUMNS = (
    "reference", "stage", "what", "due", "working_days_overdue", "overdue",
    "handler", "action", "description", "owner", "service", "order",
)


class Item(NamedTuple):
    """One thing due: a case's next deadline, or an outstanding action.

    `what` is acknowledge, respond, update, action, order or restriction-review; for an action, `action` is its
    number on the case, `description` what was promised and `owner` who is doing it; for an
    Ombudsman order, `order` is its number on the case and `description` what was ordered. A named tuple,
    fields in the order of COLUMNS: a nightly list at a large council runs to thousands.
    """

    reference: str
    stage: int
    what: str
    due: date
    working_days_overdue: int
    overdue: bool
    handler: str | None
    action: int | None = None
    description: str | None = None
    owner: str | None = None
    service: str | None = None
    order: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(zip(COLUMNS, self))


@dataclass(frozen=True)
class Report:
    """The items due on or before `horizon`, most late first, measured as of `as_of`."""

    as_of: date
    within: int | None
    horizon: date
    items: list[Item]

    @property
    def overdue(self) -> list[Item]:
        return [item for item in self.items if item.overdue]

    @property
    def due_soon(self) -> list[Item]:
        return [item for item in self.items if not item.overdue]


def horizon(calendar: "Calendar", as_of: date, within: int | None) -> date:
    """The last due date to include: the day before as-of alone, or N working days ahead."""
    if within is None:
        return as_of - timedelta(days=1)
    return calendar.add(as_of, within)


class WorkingDayCounter:
    """`Calendar.between(due, as_of)` for many due dates: one pass over the span, then lookups.

    Long-forgotten items can be years late; counting day by day for each would repeat the
    same walk thousands of times.
    """

    def __init__(self, calendar: "Calendar", as_of: date, dues: list[date]) -> None:
        self.as_of = as_of
        self.start = min([as_of, *dues])
        end = max([as_of, *dues])
        # running[i]: working days after `start` up to and including start + i.
        running = [0]
        day = self.start
        for _ in range((end - self.start).days):
            day += timedelta(days=1)
            running.append(running[-1] + (1 if calendar.is_working_day(day) else 0))
        self.running = running

    def overdue_by(self, due: date) -> int:
        return self.running[(self.as_of - self.start).days] - self.running[(due - self.start).days]


def case_deadlines(row: dict[str, Any], last: date) -> list[tuple[str, date]]:
    """Each deadline of an open case's row that falls by `last`: acknowledge (until it is
    acknowledged), respond, and the next progress update."""
    found = []
    if row["acknowledged_on"] is None and row["acknowledge_by"] is not None and row["acknowledge_by"] <= last:
        found.append(("acknowledge", row["acknowledge_by"]))
    if row["respond_by"] is not None and row["respond_by"] <= last:
        found.append(("respond", row["respond_by"]))
    if row["update_due"] is not None and row["update_due"] <= last:
        found.append(("update", row["update_due"]))
    return found


def order_words(row: dict[str, Any]) -> str:
    """What an Ombudsman order asks, in words: `Compensation £250.00`, `Repairs: fix the roof`."""
    text = ORDER_KINDS.get(row["kind"], row["kind"])
    if row.get("amount_pence"):
        pounds, pence = divmod(row["amount_pence"], 100)
        text += f" £{pounds:,}.{pence:02d}"
    return text + (f": {row['what']}" if row.get("what") else "")


def build(
    deadlines: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    calendar: "Calendar",
    as_of: date,
    within: int | None,
    orders: list[dict[str, Any]] = (),
    reviews: list[dict[str, Any]] = (),
) -> Report:
    """Shape the rows the store returned into a report. Pure: rows and dates in, report out."""
    last = horizon(calendar, as_of, within)
    due_deadlines = [
        (row, what, due)
        for row in deadlines
        if row["next_due"] is not None and row["next_due"] <= last
        for what, due in case_deadlines(row, last)
    ]
    actions = [row for row in actions if row["due"] <= last]
    orders = [row for row in orders if row["due"] <= last]
    reviews = [row for row in reviews if row["review_on"] <= last]
    dues = {due for _, _, due in due_deadlines} | {row["due"] for row in actions} | {row["due"] for row in orders}
    dues |= {row["review_on"] for row in reviews}
    counter = WorkingDayCounter(calendar, as_of, list(dues))
    # Thousands of items fall on a few dozen dates: count each date once.
    late = {due: counter.overdue_by(due) for due in dues}
    items = [
        Item(row["reference"], row["stage"], what, due, late[due], due < as_of, row["handler"], service=row.get("service"))
        for row, what, due in due_deadlines
    ]
    items += [
        Item(
            row["reference"], row["stage"], "order", row["due"], late[row["due"]], row["due"] < as_of,
            row.get("handler"), description=order_words(row), service=row.get("service"), order=row["number"],
        )
        for row in orders
    ]
    items += [
        Item(
            row["reference"], row["stage"], "action", row["due"], late[row["due"]], row["due"] < as_of,
            row.get("handler"), row["number"], row["what"], row.get("owner"), row.get("service"),
        )
        for row in actions
    ]
    items += [
        Item(
            f"restriction {row['id']}", 0, "restriction-review", row["review_on"], late[row["review_on"]],
            row["review_on"] < as_of, None, description=row["arrangements"],
        )
        for row in reviews
    ]
    items.sort(
        key=lambda item: (
            -item.working_days_overdue, item.due, item.reference, WHAT_ORDER.get(item.what, len(WHAT_ORDER)),
            item.action or item.order or 0,
        )
    )
    return Report(as_of=as_of, within=within, horizon=last, items=items)


def _text(value: str | None) -> str:
    return "null" if value is None else quoted(value)


def json_line(item: Item) -> str:
    """`json.dumps(item.as_dict(), ensure_ascii=False)`, written out for this one shape with
    json's own string escaping: the general encoder takes several times as long, which shows
    in a nightly list of thousands of items."""
    return (
        f'{{"reference": {quoted(item.reference)}, "stage": {item.stage}, "what": {quoted(item.what)}, '
        f'"due": "{item.due.isoformat()}", "working_days_overdue": {item.working_days_overdue}, '
        f'"overdue": {"true" if item.overdue else "false"}, "handler": {_text(item.handler)}, '
        f'"action": {"null" if item.action is None else item.action}, "description": {_text(item.description)}, '
        f'"owner": {_text(item.owner)}, "service": {_text(item.service)}, '
        f'"order": {"null" if item.order is None else item.order}}}'
    )


def report(ctx: "Context", as_of: date, within: int | None = None) -> Report:
    """Every open case's deadlines, every outstanding action, every Ombudsman order not
    complied with and the review of every restriction in force, due by the horizon.

    For a past as-of date, cases with steps recorded after it are taken as they stood then
    (see `as_it_was`); a database with nothing recorded after the as-of date (today, or any
    later date) is read straight from its indexed deadlines.
    """
    last = horizon(ctx.calendar, as_of, within)
    with ctx.store.reading() as tx:
        deadlines = tx.deadlines_due_by(last)
        actions = tx.actions_due_by(last)
        # Orders made by the as-of date and not complied with by then: their dates say so.
        orders = [row for row in tx.orders_due_by(last, as_of) if row["received_on"] <= as_of]
        # Restrictions recorded by the as-of date and not ended by then.
        reviews = tx.restriction_reviews_due_by(last, as_of)
        if as_of < ctx.today:
            # A case received after the as-of date did not exist yet.
            deadlines = [row for row in deadlines if row["received_on"] <= as_of]
            actions = [row for row in actions if row["received_on"] <= as_of]
            # Cases received by then with a step of their lifecycle (which moves deadlines and
            # actions; notes and report records do not) dated after it.
            changed = tx.cases_changed_after(as_of, CASE_KINDS)
            if changed:
                references = set(changed.values())
                deadlines = [row for row in deadlines if row["reference"] not in references]
                actions = [row for row in actions if row["reference"] not in references]
                then_deadlines, then_actions = as_it_was(ctx, tx, changed, as_of, last)
                deadlines += then_deadlines
                actions += then_actions
    return build(deadlines, actions, ctx.calendar, as_of, within, orders, reviews)


def as_it_was(
    ctx: "Context", tx: "Reading", changed: dict[int, str], as_of: date, last: date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Deadline and action rows, shaped as the store returns them, for cases as they stood on
    `as_of`: their history replayed up to that date. A case received later did not exist yet."""
    from complaintctl.domain.case import derive

    deadlines: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    histories = tx.histories(sorted(changed))
    for case_id, reference in sorted(changed.items()):
        events = histories[case_id]
        if not events or events[0].on > as_of:
            continue
        # A correction stands for the whole history: a step voided later was a mistake then too.
        kept = [events[0], *(event for event in events[1:] if event.on <= as_of or event.kind in CORRECTION_KINDS)]
        case = derive(reference, kept, ctx.policy, ctx.calendar, ctx.history)
        service = case.details.get("service")
        upcoming = case.next_deadline()
        if upcoming and upcoming[1] <= last:
            stage = case.current
            deadlines.append(
                {
                    "reference": reference,
                    "stage": case.stage,
                    "status": case.status,
                    "handler": case.handler,
                    "service": service,
                    "next_due": upcoming[1],
                    "next_due_what": upcoming[0],
                    "acknowledge_by": stage.acknowledge_by,
                    "acknowledged_on": stage.acknowledged_on,
                    "respond_by": stage.respond_by,
                    "update_due": stage.update_due,
                }
            )
        for action in case.outstanding_actions:
            if action.due <= last:
                actions.append(
                    {
                        "reference": reference,
                        "stage": action.stage,
                        "number": action.number,
                        "what": action.what,
                        "due": action.due,
                        "owner": action.owner,
                        "handler": case.handler,
                        "service": service,
                    }
                )
    return deadlines, actions
