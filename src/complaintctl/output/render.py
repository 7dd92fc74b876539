"""How results look: the JSON shapes of the contract, CSV, and rich tables for people."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from itertools import chain, islice
from typing import TYPE_CHECKING, Any

from complaintctl.domain.vocabulary import (
    FINDINGS,
    OMBUDSMAN_NAMES,
    ORDER_KINDS,
    OUTCOME_WORDS,
    ROW_DIGEST_LENGTH,
    ROW_DIGEST_PREFIX,
)

if TYPE_CHECKING:
    from complaintctl.domain.case import Case, Stage


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return day_text(value)
    return value


@lru_cache(maxsize=8192)
def day_text(day: date) -> str:
    """A date as ISO text, remembered: a case has a dozen dates, and an export of a million cases
    falls on a few thousand days (date.isoformat formats afresh each time)."""
    return day.isoformat()


def _day(value: date | None) -> str | None:
    return None if value is None else day_text(value)


def stage_json(stage: "Stage") -> dict[str, Any]:
    return {
        "number": stage.number,
        "received_on": day_text(stage.received_on),
        "handler": stage.handler,
        "acknowledge_by": _day(stage.acknowledge_by),
        "acknowledged_on": _day(stage.acknowledged_on),
        "original_respond_by": _day(stage.original_respond_by),
        "respond_by": _day(stage.respond_by),
        "extension_days": stage.extension_days,
        "update_due": _day(stage.update_due),
        "closed_on": _day(stage.closed_on),
        "outcome": stage.outcome,
        "exclusion": stage.exclusion,
        "reasons": stage.reasons,
        "responded_in_time": stage.responded_in_time,
        "escalate_by": _day(stage.escalate_by),
        "late_reason": stage.late_reason,
        "apology": stage.apology,
        "compensation": f"{stage.compensation_pence / 100:.2f}",
    }


CONTACT_KEYS = (
    "name", "email", "phone", "address", "preferred_contact", "channel", "representative", "representative_email",
    "representative_address", "anonymous",
    "service", "category", "summary", "outcomes_sought", "issue_date", "housing", "adjustments",
)


def case_json(case: "Case") -> dict[str, Any]:
    """The `show --json` object: the keys the contract names first, then the rest, the events last."""
    result = case_fields_json(case)
    voided = case.voided
    # An event's `on` is a date and its `recorded_at` a datetime, always: no _iso to ask.
    result["events"] = [
        {
            "number": event.number,
            "kind": event.kind,
            "on": day_text(event.on),
            "officer": event.officer,
            "recorded_at": event.recorded_at.isoformat(),
            "details": event.details,
            "voided": event.number in voided,
        }
        for event in case.events
    ]
    return result


def sheet_reference(details: Mapping[str, Any]) -> str | None:
    """The reference an imported case had in the team's sheet; None for a case not imported, and
    for a row that had none of its own, which the import knows by a digest no one needs to read."""
    found = details.get("external_ref")
    return found if found and not _ROW_DIGEST.fullmatch(found) else None


# The whole of a row's digest: a sheet's own reference may begin as one does ("row-7").
_ROW_DIGEST = re.compile(f"{ROW_DIGEST_PREFIX}[0-9a-f]{{{ROW_DIGEST_LENGTH}}}")


def case_fields_json(case: "Case") -> dict[str, Any]:
    """The `show --json` object without its `events` (output/export.py writes those itself)."""
    from complaintctl.domain.retention import hold_of, redacted_on  # a case's, loaded with its fold

    stage = case.current
    nxt = case.next_deadline()
    result: dict[str, Any] = {
        "reference": case.reference,
        "external_ref": sheet_reference(case.details),
        "type": case.type,
        "stage": case.stage,
        "status": case.status,
        "outcome": case.outcome,
        "received_on": _iso(case.received_on),
        "handler": case.handler,
        "acknowledge_by": _iso(stage.acknowledge_by),
        "acknowledged_on": _iso(stage.acknowledged_on),
        "respond_by": _iso(stage.respond_by),
        "escalate_by": _iso(case.escalate_by),
        "extension_days": stage.extension_days,
        "ombudsman": case.ombudsman,
        "over_12_months": case.over_12_months,
        "next_due": {"what": nxt[0], "due": _iso(nxt[1])} if nxt else None,
    }
    for key in CONTACT_KEYS:
        result[key] = case.details.get(key)
    hold = hold_of(case.events)
    result["hold"] = None if hold is None else {"since": _iso(hold.since), "officer": hold.officer, "reason": hold.reason}
    result["redacted_on"] = _iso(redacted_on(case.events))
    result["stages"] = [stage_json(item) for item in case.stages]
    result["actions"] = [
        {
            "number": action.number,
            "what": action.what,
            "due": _iso(action.due),
            "owner": action.owner,
            "stage": action.stage,
            "done_on": _iso(action.done_on),
        }
        for action in case.actions
    ]
    return result


# Lists longer than this are for programs: one compact item per line, no indentation.
LONG_LIST = 200


def print_json(value: Any) -> None:
    """Dates become ISO strings. Indented output goes through json's pure-Python encoder; long
    lists take the C encoder."""
    if isinstance(value, list) and len(value) > LONG_LIST:
        print_json_lines(map(json.JSONEncoder(ensure_ascii=False, default=_iso).encode, value))
        return
    sys.stdout.write(json_escaped(json.dumps(value, indent=2, ensure_ascii=False, default=_iso)) + "\n")


def print_json_lines(items: Iterable[str]) -> None:
    """A JSON list of items already encoded, one to a line."""
    sys.stdout.write(json_escaped("[\n" + ",\n".join(items) + "\n]\n"))


# A long list of rows is encoded this many rows at a time.
ROWS_AT_ONCE = 2000
# Between two values encoded together: json writes every control character of a string as an
# escape, so this one never stands in an encoded value.
_APART = "\x00"


def print_json_rows(names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """The rows (tuples in the order of `names`) as print_json prints the list of their dicts,
    the same text, but a long list streamed: each batch of rows has all its values encoded in one
    call of the C encoder, then set in the objects' text, and written out."""
    rows = iter(rows)
    batch = list(islice(rows, LONG_LIST + 1))
    if len(batch) <= LONG_LIST:
        print_json([dict(zip(names, row)) for row in batch])
        return
    values = json.JSONEncoder(ensure_ascii=False, separators=(_APART, ": "), default=_iso)
    keys = json.JSONEncoder(ensure_ascii=False)
    one = "{" + ", ".join(f"{keys.encode(name).replace('%', '%%')}: %s" for name in names) + "}"
    write = sys.stdout.write
    write("[\n")
    between = ""
    while batch:
        encoded = json_escaped(values.encode(list(chain.from_iterable(batch)))[1:-1])
        write(between + ",\n".join([one] * len(batch)) % tuple(encoded.split(_APART)))
        between = ",\n"
        batch = list(islice(rows, ROWS_AT_ONCE))
    write("\n]\n")


def print_json_objects(objects: Iterable[bytes]) -> None:
    """A list of objects whose JSON text the database wrote (UTF-8, each as
    `json.dumps(obj, ensure_ascii=False)` writes it), printed as print_json prints the list of
    them, the same bytes: a short list read back and indented, a long one streamed as it is read,
    one object a line."""
    objects = iter(objects)
    batch = list(islice(objects, LONG_LIST + 1))
    if len(batch) <= LONG_LIST:
        print_json([json.loads(text) for text in batch])
        return
    write = _utf8_writer()
    write(b"[\n")
    between = b""
    while batch:
        write(between + json_escaped_utf8(b",\n".join(batch)))
        between = b",\n"
        batch = list(islice(objects, ROWS_AT_ONCE))
    write(b"\n]\n")
    sys.stdout.flush()


def _utf8_writer() -> Callable[[bytes], Any]:
    """Writes UTF-8 text to stdout: straight to its bytes when stdout writes UTF-8 and leaves
    line ends as they are (what its text layer would write), else decoded, through it."""
    import codecs

    stdout = sys.stdout
    buffer = getattr(stdout, "buffer", None)
    if buffer is not None and os.linesep == "\n" and codecs.lookup(stdout.encoding or "ascii").name == "utf-8":
        stdout.flush()
        return buffer.write
    return lambda data: stdout.write(data.decode("utf-8"))


# DEL and the C1 controls, which json writes as they are (it escapes only C0): a terminal may act
# on them (U+009B is a one-character CSI), and escaped they read back as the same text.
_JSON_RAW_CONTROL = re.compile("[\x7f-\x9f]")


def json_escaped(encoded: str) -> str:
    """JSON text with DEL and the C1 controls written as \\u escapes: the same JSON, safe to print."""
    if encoded.isascii() and "\x7f" not in encoded:
        return encoded
    return _JSON_RAW_CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", encoded)


# The same characters in UTF-8: a C1 control is 0xC2 (a lead byte only) and one of 0x80-0x9F.
_JSON_RAW_CONTROL_UTF8 = re.compile(b"\x7f|\xc2[\x80-\x9f]")


def json_escaped_utf8(encoded: bytes) -> bytes:
    """json_escaped for JSON text in UTF-8."""
    if encoded.isascii() and b"\x7f" not in encoded:
        return encoded
    return _JSON_RAW_CONTROL_UTF8.sub(lambda match: b"\\u%04x" % ord(match.group().decode()), encoded)


# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A CSV cell: dates as ISO text; text a spreadsheet would run as a formula (a complainant's
    name typed as `=HYPERLINK(…)`) starts with an apostrophe, so it is shown and never run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return _iso(value)


def csv_text(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """The rows as CSV, every cell guarded as `_cell` says."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(row.get(key)) for key in columns})
    return buffer.getvalue()


def print_csv(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """CSV on stdout: the stored text exactly for a file or a program; on a terminal, with every
    control character shown as `printable` shows it."""
    text = csv_text(rows, columns)
    sys.stdout.write(printable(text, multiline=True) if sys.stdout.isatty() else text)


# -- people ----------------------------------------------------------------------------------------

# C0 controls, DEL and C1 controls: a terminal may act on any of them (ESC starts colour, cursor
# and clipboard sequences; U+009B is a one-character CSI), so typed text never prints them raw.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LAYOUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return "^" + chr(code + 0x40)  # ESC shows as ^[, as `cat -v` shows it
    if code == 0x7F:
        return "^?"
    return "\ufffd"


def printable(text: Any, multiline: bool = False) -> str:
    """`text` as it is safe to print on a terminal: every control character a terminal could act
    on is replaced by a visible stand-in (C0 in caret form, `^[` for ESC; DEL as `^?`; C1 as
    U+FFFD). Newline and tab are kept only when `multiline`. For people only: JSON and CSV keep
    the stored text exactly (JSON escaped, CSV as it is unless it goes to a terminal)."""
    pattern = _CONTROL_BUT_LAYOUT if multiline else _CONTROL
    return pattern.sub(_visible, "" if text is None else str(_iso(text)))


def plain_text(value: Any):
    """A value as Rich text that is shown as typed: never read as markup (`[link=…]`, `[/x]`),
    never an emoji code, and with no control character reaching the terminal. Every value the
    tables and messages below print goes through here."""
    from rich.text import Text

    return Text(printable(value, multiline=True))


def console(stderr: bool = False):
    from rich.console import Console

    plain = bool(os.environ.get("NO_COLOR"))
    console = Console(
        stderr=stderr, no_color=plain, highlight=False, soft_wrap=False, emoji=False, markup=False
    )
    console.on_broken_pipe = _reader_left  # rich would exit 1; the command's handler decides
    return console


def _reader_left() -> None:
    raise BrokenPipeError


def table(
    title: str | None, columns: list[str], rows: list[list[Any]], squeeze: tuple[str, ...] = (), struck: frozenset[int] = frozenset()
):
    """A table that reads at 80 columns: only the `squeeze` columns wrap, at spaces (a word too
    long for its column is shortened with …, never split); the rest stay whole. The rows at the
    positions in `struck` are struck through on a terminal."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table

    out = console()
    plain = not out.is_terminal or bool(os.environ.get("NO_COLOR"))
    grid = Table(
        title=None if title is None else plain_text(title),
        box=None if plain else box.SIMPLE_HEAVY,
        show_header=any(columns),  # a two-column fact sheet has no headings
        show_edge=False,
        header_style="" if plain else "bold",
        title_style="" if plain else "bold",
        title_justify="left",
        pad_edge=False,
    )
    cells = [[plain_text(cell) for cell in row] for row in rows]
    for index, column in enumerate(columns):
        if column in squeeze or not squeeze:
            grid.add_column(plain_text(column), overflow="ellipsis", min_width=6)
        else:
            widest = max([cell_len(column), *(cell_len(row[index].plain) for row in cells)])
            grid.add_column(plain_text(column), no_wrap=True, min_width=widest)
    for position, row in enumerate(cells):
        grid.add_row(*row, style="strike" if position in struck and out.is_terminal else None)
    return grid


def show_table(title: str | None, columns: list[str], rows: list[list[Any]], squeeze: tuple[str, ...] = ()) -> None:
    print_table(console(), table(title, columns, rows, squeeze))


def print_table(out, grid) -> None:
    """Print a table. Piped, its lines go without the spaces that pad each cell to its column's
    width, so none ends in spaces."""
    if out.is_terminal:
        out.print(grid)
        return
    with out.capture() as captured:
        out.print(grid)
    out.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def counted(number: int, what: str) -> str:
    """`1 case`, `2 cases`, `1,170 cases`."""
    return f"{number:,} {what}{'' if number == 1 else 's'}"


def say(message: str) -> None:
    """A message for the person at the terminal: stderr, so stdout stays clean for scripts."""
    sys.stderr.write(printable(message, multiline=True) + "\n")


def _closed_text(stage: "Stage") -> str:
    """A stage's close as `show` lists it: the day and the outcome, and "late" when the response
    came after the day it was due."""
    if not stage.closed_on:
        return ""
    late = ", late" if stage.responded_in_time is False else ""
    return f"{stage.closed_on} {OUTCOME_WORDS[stage.outcome]}{late}"


def show_case(case: "Case", managed_contact: str | None = None) -> None:
    """The case as a person reads it, on stdout; `managed_contact` is the restriction in force
    on its complainant, in words, shown among the facts.

    Written as plain lines (output.columns) rather than rich tables: `show` runs once for one
    case, and building rich's tables took longer than reading the case."""
    from complaintctl.domain.retention import hold_of, redacted_on
    from complaintctl.output.columns import Table, write

    def cells(row: list[Any]) -> list[str]:
        return [printable(value, multiline=True) for value in row]

    details = case.details
    hold, redacted = hold_of(case.events), redacted_on(case.events)
    who = case.name or "(no name)"
    if details.get("representative"):
        who += f" (via {details['representative']})"
    facts = [
        ["Reference", case.reference],
        ["Sheet ref", sheet_reference(details)],
        ["Type", case.type],
        ["From", who],
        ["Contact", ", ".join(str(details[k]) for k in ("email", "phone") if details.get(k)) or None],
        ["Address", details.get("address")],
        ["Prefers", details.get("preferred_contact")],
        ["Representative", ", ".join(str(details[k]) for k in ("representative", "representative_email", "representative_address") if details.get(k)) or None],
        ["Service", " / ".join(str(details[k]) for k in ("service", "category") if details.get(k)) or None],
        ["Received", f"{case.received_on.isoformat()} ({details.get('channel') or 'channel not recorded'})"],
        ["Issue date", details.get("issue_date")],
        ["Ombudsman", OMBUDSMAN_NAMES[case.ombudsman]],
        ["Status", f"stage {case.stage}, {case.status}" + (f", {OUTCOME_WORDS[case.outcome]}" if case.outcome else "")],
        ["Summary", details.get("summary")],
        ["Adjustments", details.get("adjustments")],
        ["Managed contact", managed_contact],
        ["Legal hold", f"since {hold.since.isoformat()}: {hold.reason}" if hold else None],
        ["Redacted", f"personal data redacted past retention on {redacted.isoformat()}" if redacted else None],
    ]
    if case.over_12_months:
        facts.append(["Warning", "issue known more than 12 months before receipt: over-12-months exclusion may apply"])
    shown: list[Table | str] = [Table(None, ["", ""], [cells(row) for row in facts if row[1]])]
    if case.has_clock:
        stage_rows = [
            cells(
                [
                    stage.number,
                    stage.received_on,
                    stage.handler,
                    stage.acknowledged_on or f"by {stage.acknowledge_by}",
                    stage.respond_by,
                    stage.extension_days or "",
                    _closed_text(stage),
                ]
            )
            for stage in case.stages
        ]
        headings = ["Stage", "Received", "Handler", "Acknowledged", "Respond by", "Ext", "Closed"]
        shown.append(Table("Stages", headings, stage_rows, squeeze=("Handler", "Closed")))
        nxt = case.next_deadline()
        if nxt:
            shown.append(printable(f"Next: {nxt[0]} by {nxt[1].isoformat()}"))
        if case.escalate_by:
            shown.append(printable(f"Stage 2 may be requested until {case.escalate_by.isoformat()}"))
    if case.actions:
        actions = [cells([a.number, a.what, a.due, a.owner, a.done_on]) for a in case.actions]
        shown.append(Table("Actions", ["#", "What", "Due", "Owner", "Done"], actions, squeeze=("What", "Owner")))
    history = [
        cells([e.number, e.on, f"{e.kind} (voided)" if e.number in case.voided else e.kind, e.officer, _event_summary(e.kind, e.details)])
        for e in case.events
    ]
    voided = frozenset(position for position, e in enumerate(case.events) if e.number in case.voided)
    shown.append(Table("History", ["#", "On", "What", "Officer", "Details"], history, squeeze=("Officer", "Details"), struck=voided))
    write(shown)


def _event_summary(kind: str, details: dict[str, Any]) -> str:
    if kind == "logged":
        return details.get("summary") or details.get("type", "")
    if kind == "acknowledged":
        return f"handler {details.get('handler')}"
    if kind == "assigned":
        text = f"stage {details.get('stage')} to {details.get('handler')}"
        return text + (f": {details['reason']}" if details.get("reason") else "")
    if kind == "extended":
        text = f"+{details['days']} working days to {details.get('new_respond_by')}: {details.get('reason')}"
        return text + (" (late)" if details.get("late") else "")
    if kind == "updated":
        return details.get("progress") or ""
    if kind == "closed":
        text = details.get("outcome", "")
        if details.get("exclusion"):
            text += f" ({details['exclusion']})"
        return text
    if kind == "escalated":
        text = "stage 2 requested"
        text += f" late: {details['late_reason']}" if details.get("late_reason") else ""
        return text + (f"; still unhappy about: {details['reasons']}" if details.get("reasons") else "")
    if kind == "note":
        return details.get("text", "")
    if kind == "action-added":
        return f"action {details['number']}: {details['what']} by {details['due']}"
    if kind == "action-done":
        return f"action {details['number']} done"
    if kind == "amended":
        changed = "; ".join(
            f"{key.replace('_', ' ')}: {_shown(change['before'])} → {_shown(change['after'])}"
            for key, change in details["changes"].items()
        )
        return f"{changed} ({details['reason']})"
    if kind == "voided":
        return f"step {details['step']} ({details['kind']}) voided: {details['reason']}"
    if kind == "pack-exported":
        return f"complaint file exported ({details['files']} files, SHA-256 {details['sha256'][:16]}…)"
    if kind == "sar-exported":
        return f"subject access export ({details['cases']} cases, {details['files']} files, SHA-256 {details['sha256'][:16]}…)"
    if kind == "held":
        return f"legal hold: {details.get('reason')}"
    if kind == "hold-released":
        return f"legal hold released: {details.get('reason')}"
    if kind == "redacted":
        count = len(details.get("events", []))
        return f"personal data redacted past retention ({details.get('years')} years; {count} event{'' if count == 1 else 's'})"
    if kind.startswith("ombudsman-") or kind in ("survey", "learning"):
        return event_summary(kind, details)
    return ", ".join(f"{key}={value}" for key, value in details.items() if value not in (None, "", False))


def history_line(kind: str, details: dict[str, Any]) -> str:
    """One line for any event of a case's history, as `show` lists it."""
    return _event_summary(kind, details)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# -- JSON ------------------------------------------------------------------------------------------


def records_json(case: Case) -> dict[str, Any]:
    from complaintctl.domain.records import records_of  # here: the commands that print nothing of the records never load it

    records = records_of(case)
    referral = records.referral
    return {
        "ombudsman_referral": None
        if referral is None
        else {
            "ombudsman": referral.ombudsman,
            "referred_on": _iso(referral.referred_on),
            "their_reference": referral.their_reference,
            "determined_on": _iso(referral.determined_on),
            "findings": [{"number": f.number, "element": f.element, "finding": f.finding} for f in referral.findings],
            "orders": [
                {
                    "number": order.number,
                    "kind": order.kind,
                    "what": order.what,
                    "amount": round(order.amount_pence / 100, 2),
                    "made_on": _iso(order.made_on),
                    "due": _iso(order.due),
                    "complied_on": _iso(order.complied_on),
                    "complied_in_time": order.complied_in_time(),
                }
                for order in referral.orders
            ],
        },
        "surveys": [
            {"stage": survey.stage, "answered_on": _iso(survey.answered_on), "answers": survey.answers}
            for survey in records.surveys
        ],
        "learning": [
            {"number": item.number, "stage": item.stage, "recorded_on": _iso(item.recorded_on), "text": item.text}
            for item in records.learning
        ],
    }


def event_summary(kind: str, details: dict[str, Any]) -> str:
    """One line for a record event in a case's history."""
    if kind == "ombudsman-referred":
        text = "referred to the " + ("Housing Ombudsman" if details.get("ombudsman") == "housing" else "LGSCO")
        return text + (f" ({details['their_reference']})" if details.get("their_reference") else "")
    if kind == "ombudsman-determined":
        return "determination: " + "; ".join(
            f"{item['element']}: {FINDINGS.get(item['finding'], item['finding']).lower()}" for item in details["findings"]
        )
    if kind == "ombudsman-order":
        amount = f" £{details['amount_pence'] / 100:,.2f}" if details.get("amount_pence") else ""
        what = f": {details['what']}" if details.get("what") else ""
        return f"order {details['number']}, {ORDER_KINDS.get(details['kind'], details['kind']).lower()}{amount}{what}, by {details['due']}"
    if kind == "ombudsman-complied":
        return f"order {details['number']} complied with"
    if kind == "survey":
        answered = {key: value for key, value in details["answers"].items() if value is not None}
        return f"survey after stage {details['stage']}: {sum(answered.values())} of {len(answered)} answers yes"
    if kind == "learning":
        return details["text"]
    return ""
