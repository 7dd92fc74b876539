"""How a case's deadlines were counted, as plain text to paste into an email and as JSON."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from complaintctl.domain import explain as counting
from complaintctl.output.render import printable

if TYPE_CHECKING:
    from complaintctl.domain.explain import Deadline, Explanation

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")
NATION_NAMES = {"england-and-wales": "England and Wales", "scotland": "Scotland", "northern-ireland": "Northern Ireland"}

_WHAT = {"acknowledge": "acknowledge by", "respond": "respond by", "escalate": "ask for stage 2 by", "update": "next update by"}
_FROM = {
    counting.ACKNOWLEDGEMENT: "the day it was acknowledged",
    counting.ACKNOWLEDGE_BY: "the last day it could have been acknowledged, as none is recorded",
    counting.STAGE1_RESPONSE: "the day of the stage 1 response",
    counting.ORIGINAL_RESPONSE_DATE: "the original response date",
    counting.FIRST_EXTENSION: "the day of the first extension",
    counting.LAST_UPDATE: "the day of the last update",
}


def short(day: date) -> str:
    """Fri 25 Dec"""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def full(day: date) -> str:
    """Fri 25 Dec 2026"""
    return f"{short(day)} {day.year}"


def _typed(text: str | None) -> str:
    """Typed text on one line, shown as typed."""
    return printable(" ".join((text or "").split()))


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _from_words(deadline: Deadline) -> str:
    if deadline.start_why == counting.RECEIPT:
        return "the day stage 2 was asked for" if deadline.stage == 2 else "the day it was received"
    return _FROM[deadline.start_why]


def _count_words(deadline: Deadline) -> str:
    if deadline.unit == counting.WORKING_DAYS and deadline.working_days == 0:
        return f"the same day ({deadline.policy_key}) as {full(deadline.start)}, {_from_words(deadline)}"
    if deadline.unit == counting.WORKING_DAYS:
        amount = f"{deadline.amount} working {_plural(deadline.amount, 'day', 'days')}"
    elif deadline.unit == counting.CALENDAR_MONTHS:
        amount = f"{deadline.amount} calendar {_plural(deadline.amount, 'month', 'months')}"
    else:
        amount = f"{deadline.amount} {_plural(deadline.amount, 'day', 'days')}"
    words = f"{amount} ({deadline.policy_key}) after {full(deadline.start)}, {_from_words(deadline)}"
    if deadline.start_key:
        words += f" ({deadline.start_key})"
    if deadline.extensions:
        days = deadline.extension_days
        words += f", then {days} working {_plural(days, 'day', 'days')} of extension"
    return words


def _done_words(deadline: Deadline) -> str:
    if deadline.done_on is None:
        return ""
    verdict = "" if deadline.in_time is None else (", in time" if deadline.in_time else ", late")
    done = "asked for" if deadline.what == "escalate" else deadline.done
    return f"; {done} {full(deadline.done_on)}{verdict}"


def skipped_words(deadline: Deadline) -> str:
    """The days not counted, grouped by why: "Sat 26 Dec, Sun 27 Dec (weekend); Fri 25 Dec
    Christmas Day, Mon 28 Dec Boxing Day (substitute day) (bank holidays, England and Wales)"."""
    weekend = [short(s.day) for s in deadline.skipped if s.reason == counting.WEEKEND]
    holidays = [f"{short(s.day)} {s.name}" for s in deadline.skipped if s.reason == counting.BANK_HOLIDAY]
    closures = [short(s.day) for s in deadline.skipped if s.reason == counting.CLOSURE]
    groups = []
    if weekend:
        groups.append(f"{', '.join(weekend)} (weekend)")
    if holidays:
        kind = _plural(len(holidays), "bank holiday", "bank holidays")
        groups.append(f"{', '.join(holidays)} ({kind}, {NATION_NAMES[deadline.nation]})")
    if closures:
        groups.append(f"{', '.join(closures)} ({_plural(len(closures), 'closure day', 'closure days')} of the organisation)")
    return "; ".join(groups)


def deadline_lines(deadline: Deadline, show_version: bool = False) -> list[str]:
    """One line for the deadline, then indented: the days not counted, the extensions, and
    what else the date depends on."""
    if deadline.unit == counting.PROMISED:
        head = (f"Stage {deadline.stage} {_WHAT[deadline.what]} {full(deadline.due)}: the date promised with the "
                f"update of {full(deadline.start)} ({deadline.policy_key}), earlier than the policy's cadence")
    else:
        head = f"Stage {deadline.stage} {_WHAT[deadline.what]} {full(deadline.due)}: {_count_words(deadline)}"
    head += _done_words(deadline)
    if show_version and deadline.policy_version is not None:
        head += f" (policy version {deadline.policy_version})"
    lines = [head]
    if deadline.skipped:
        lines.append(f"  not counted: {skipped_words(deadline)}")
    elif deadline.unit == counting.WORKING_DAYS and deadline.working_days:
        lines.append("  not counted: none, every day was a working day")
    if deadline.extensions:
        lines.append(f"  before extensions: {full(deadline.counted_due)}")
    for extension in deadline.extensions:
        line = f"  extended {full(extension.on)} by {extension.days} working {_plural(extension.days, 'day', 'days')}: {_typed(extension.reason)}"
        if extension.good_reason:
            line += f"; beyond the policy's limit because: {_typed(extension.good_reason)}"
        if extension.late_reason:
            line += f"; recorded after the response was due because: {_typed(extension.late_reason)}"
        lines.append(line)
    if deadline.in_time_by is not None:
        lines.append(f"  a response counts as in time only by {full(deadline.in_time_by)}: a later extension was recorded after the response was due")
    if deadline.unit == counting.CALENDAR_MONTHS:
        if deadline.clamped_from is not None:
            month = _MONTH_NAMES[deadline.due.month - 1]
            lines.append(f"  {month} {deadline.due.year} has no day {deadline.clamped_from}: the month's last day, {full(deadline.due)}")
        lines.append("  a calendar month counts every day: weekends and bank holidays are not left out")
    elif deadline.unit == counting.CALENDAR_DAYS:
        lines.append("  counted in calendar days: weekends and bank holidays are not left out")
    return lines


def explanation_text(explanation: Explanation) -> str:
    """The explanation for a person. Once the policy has changed, each deadline names the
    version it was counted under."""
    if not explanation.deadlines:
        return f"{explanation.reference}: a {explanation.type} has no deadlines.\n"
    heading = (
        f"{explanation.reference}: how each deadline was counted. A working day is Monday to Friday, "
        "not a bank holiday or one of the organisation's closure days; the day a count starts from is not counted."
    )
    lines = [heading]
    for deadline in explanation.deadlines:
        lines += deadline_lines(deadline, show_version=(explanation.latest_version or 0) > 1)
    return "\n".join(lines) + "\n"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def deadline_json(deadline: Deadline) -> dict[str, Any]:
    """`days` is what the policy key sets; `working_days` every working day counted from `from`
    to `due`, extensions included (null for a window in calendar time)."""
    return {
        "what": deadline.what,
        "stage": deadline.stage,
        "due": _iso(deadline.due),
        "from": _iso(deadline.start),
        "from_why": deadline.start_why,
        "from_key": deadline.start_key,
        "unit": deadline.unit,
        "days": deadline.amount,
        "working_days": deadline.working_days,
        "policy": deadline.policy_key,
        "policy_version": deadline.policy_version,
        "nation": deadline.nation,
        "skipped": [
            {"date": _iso(skipped.day), "why": skipped.name, "reason": skipped.reason}
            for skipped in deadline.skipped
        ],
        "extensions": [
            {
                "on": _iso(extension.on),
                "days": extension.days,
                "reason": extension.reason,
                "good_reason": extension.good_reason,
                "late_reason": extension.late_reason,
            }
            for extension in deadline.extensions
        ],
        "due_before_extensions": _iso(deadline.counted_due),
        "in_time_by": _iso(deadline.in_time_by),
        "clamped": None if deadline.clamped_from is None else {"day": deadline.clamped_from, "to": _iso(deadline.due)},
        "done_on": _iso(deadline.done_on),
        "in_time": deadline.in_time,
    }


def explanation_json(explanation: Explanation) -> dict[str, Any]:
    return {
        "reference": explanation.reference,
        "type": explanation.type,
        "policy_version": explanation.latest_version,
        "deadlines": [deadline_json(deadline) for deadline in explanation.deadlines],
    }
