"""`import`: the team's spreadsheet brought in, row by row, through the same steps as the commands.

Each row becomes the events its dates imply (logged, acknowledged, extended, closed, escalated…),
recorded by the services the commands use, so a row whose dates break a rule is refused with the
reason the command would give. Every row is recorded in one transaction, which is committed only
when no row was refused (and not at all for a dry run): a refused row leaves nothing behind.
"""

from __future__ import annotations

import codecs
import csv
import gc
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache, partial
from itertools import islice
from operator import itemgetter
from typing import Any

from complaintctl.domain.dates import parse_date
from complaintctl.domain.money import pence
from complaintctl.domain.text import FREE_TEXT, ONE_LINE, ONE_LINE_LIMIT, REFERENCE, REFERENCE_LIMIT, TextRule, as_kept, problem
from complaintctl.domain.vocabulary import (
    CASE_TYPES,
    DECISIONS,
    EXCLUSIONS,
    MOST_EXTENSION_DAYS,
    OUTCOMES,
    ROW_DIGEST_LENGTH,
    ROW_DIGEST_PREFIX,
)
from complaintctl.errors import ComplaintError, InvalidInput
from complaintctl.services import retention, steps
from complaintctl.services.context import Context
from complaintctl.services.reading import settle_case

# The fields a sheet's columns can fill, each with the headings teams give it, in the order they
# are preferred when a sheet has more than one (an export has both `external_ref` and `reference`).
# Headings are compared in lower case, with spaces, dashes, dots and underscores alike.
HEADINGS: dict[str, tuple[str, ...]] = {
    "external_ref": ("external ref", "external reference", "ref", "reference", "ref no", "reference number",
                     "case ref", "case reference", "our ref", "complaint ref", "id", "case id", "case no", "case number"),
    "type": ("type", "case type", "feedback type", "kind"),
    "name": ("name", "complainant", "complainant name", "customer", "customer name", "full name", "from"),
    "email": ("email", "email address", "e mail"),
    "phone": ("phone", "telephone", "tel", "phone number", "mobile", "tel no", "telephone number", "phone no",
              "contact number", "contact no", "mobile number", "mobile no"),
    "address": ("address", "postal address"),
    "service": ("service", "service area", "department", "directorate", "team"),
    "category": ("category", "subject", "topic", "theme"),
    "summary": ("summary", "details", "description", "complaint", "complaint details", "nature of complaint"),
    "outcomes_sought": ("outcomes sought", "outcome sought", "resolution sought", "what they want"),
    "housing": ("housing", "housing landlord"),
    "channel": ("channel", "how received", "received by", "method"),
    "preferred_contact": ("preferred contact", "contact by", "contact preference"),
    "representative": ("representative", "on behalf of", "advocate", "mp councillor"),
    "representative_email": ("representative email",),
    "representative_address": ("representative address",),
    "issue_date": ("issue date", "date of issue", "date of incident", "incident date"),
    "adjustments": ("adjustments", "reasonable adjustments"),
    "received_on": ("received", "date received", "received on", "received date", "date logged", "logged",
                    "stage1 received on", "stage 1 received", "date", "date recd", "recd", "date in"),
    "acknowledged_on": ("acknowledged", "ack date", "date acknowledged", "acknowledged on", "ack", "acknowledgement date",
                        "stage1 acknowledged on", "stage 1 acknowledged", "ackd", "date ackd", "ack sent", "stage 1 ackd"),
    "handler": ("handler", "officer", "handling officer", "investigating officer", "assigned to", "owner", "case officer",
                "case handler", "responsible officer",
                "stage1 handler", "stage 1 handler"),
    "extended_to": ("extended to", "extension date", "new response date", "revised due date"),
    "closed_on": ("closed", "responded", "response date", "date responded", "closed on", "date closed", "response sent",
                  "stage1 closed on", "stage 1 closed", "stage 1 response date", "reply sent", "reply date",
                  "date of response", "stage 1 reply", "stage 1 reply sent", "stage 1 reply date"),
    "outcome": ("outcome", "decision", "result", "stage1 outcome", "stage 1 outcome"),
    "exclusion": ("exclusion", "exclusion code", "refusal reason", "reason refused", "stage1 exclusion"),
    "reasons": ("reasons", "outcome reasons", "findings", "stage1 reasons", "stage 1 reasons"),
    "extension_days": ("stage1 extension days", "extension days", "days extended"),
    "steps_taken": ("stage1 steps taken", "steps taken", "what we did", "investigation"),
    "learning": ("stage1 learning", "learning", "lessons learned", "lessons learnt"),
    "remedy": ("remedy", "stage1 remedy", "stage 1 remedy", "put right"),
    "apology": ("apology", "apologised", "stage1 apology", "stage 1 apology"),
    "compensation": ("compensation", "compensation paid", "stage1 compensation", "stage 1 compensation", "amount"),
    "stage2_received_on": ("stage 2 requested", "stage 2 received", "stage2 received on", "escalated", "date escalated",
                           "escalation date", "stage 2 request date"),
    "stage2_acknowledged_on": ("stage 2 acknowledged", "stage2 acknowledged on", "stage 2 ack date", "stage 2 ack", "stage 2 ackd"),
    "stage2_handler": ("stage 2 handler", "stage2 handler", "stage 2 officer", "reviewing officer", "reviewer", "stage 2 case officer"),
    "stage2_closed_on": ("stage 2 closed", "stage2 closed on", "stage 2 responded", "stage 2 response date", "stage 2 reply",
                         "stage 2 reply sent", "stage 2 reply date", "stage 2 response sent"),
    "stage2_outcome": ("stage 2 outcome", "stage2 outcome", "stage 2 decision"),
    "stage2_exclusion": ("stage2 exclusion", "stage 2 exclusion"),
    "stage2_reasons": ("stage 2 reasons", "stage2 reasons"),
    "stage2_extension_days": ("stage2 extension days", "stage 2 extension days"),
    "stage2_steps_taken": ("stage2 steps taken", "stage 2 steps taken"),
    "stage2_learning": ("stage2 learning", "stage 2 learning"),
    "stage2_remedy": ("stage 2 remedy", "stage2 remedy"),
    "stage2_apology": ("stage 2 apology", "stage2 apology"),
    "stage2_compensation": ("stage 2 compensation", "stage2 compensation"),
    "stage2_late_reason": ("stage2 late reason", "stage 2 late reason", "late reason", "reason accepted late"),
    # What the complainant remained unhappy about when they asked for stage 2.
    "stage2_request_reasons": ("stage2 request reasons", "stage 2 request reasons", "escalation reasons",
                               "reasons for escalation", "why escalated", "remains unhappy about"),
    # The team's own remarks on a row: an internal note on the case, dated its receipt.
    "notes": ("notes", "note", "internal notes", "officer notes", "comments"),
    # The actions promised, as `export` writes them (ACTION); a cell in other words is kept as a note.
    "actions": ("actions", "outstanding actions", "actions agreed", "stage1 actions", "stage 1 actions"),
    # Those promised at stage 2, numbered on from stage 1's.
    "stage2_actions": ("stage2 actions", "stage 2 actions"),
    # A legal hold in force: the case is held again, from that day, for that reason.
    "hold_since": ("hold since", "held since", "legal hold since", "hold date"),
    "hold_reason": ("hold reason", "legal hold", "legal hold reason", "reason held"),
}
FIELDS = tuple(HEADINGS)
# In the order of FIELDS: a row with two cells that are not dates is refused naming the same one every time.
DATE_FIELDS = tuple(name for name in FIELDS if name.endswith("_on") or name in ("extended_to", "issue_date", "hold_since"))
# A cell that looks like a date, a number or an amount, which a refusal may quote: whatever
# else a cell holds (a name, an email, in the wrong column) is personal and never repeated.
# At most seven digits: a phone number (ten or eleven, a leading zero dropped or not) never is.
SHOWN_CELL = re.compile(r"-?£?-?(?:[0-9]{1,7}|[0-9]{1,3}(?:,[0-9]{3}){1,2})(?:\.[0-9]{1,2})?")
# Dates as sheets write them besides ISO and 01/04/2026 (domain.dates): day first with dots or
# dashes between, or a year of two digits (this century's); the year first with slashes or dots,
# or a month and day of one digit. A cell in either shape that names no day is said to be none.
DAY_FIRST = re.compile(r"([0-9]{1,2})[./-]([0-9]{1,2})[./-]([0-9]{4}|[0-9]{2})")
YEAR_FIRST = re.compile(r"([0-9]{4})[/.-]([0-9]{1,2})[/.-]([0-9]{1,2})")
# What a sheet writes in a cell of actions for none.
NO_ACTIONS = frozenset({"n/a", "na", "none", "nil", "no", "-"})
# The fields whose cells are free text, as the options of the commands that record them are
# (domain.text): lines of text up to 20,000 characters. The sheet's reference is held to a
# command line's reference; every other cell is one line of at most 200 characters.
FREE_TEXT_FIELDS = frozenset({
    "address", "representative_address", "summary", "outcomes_sought", "adjustments", "reasons", "steps_taken", "learning",
    "remedy", "stage2_reasons", "stage2_steps_taken", "stage2_learning", "stage2_remedy", "stage2_late_reason", "notes",
    "actions", "stage2_actions", "hold_reason", "stage2_request_reasons",
})
# What a compliment's or a comment's row may not have: it has no clock, so nothing in the sheet
# can acknowledge, hand on, extend, close or escalate it.
CLOCK_FIELDS = (
    "acknowledged_on", "handler", "extended_to", "closed_on", "outcome", "exclusion", "reasons", "steps_taken", "remedy",
    "learning", "stage2_received_on", "stage2_acknowledged_on", "stage2_handler", "stage2_closed_on", "stage2_outcome",
    "stage2_exclusion", "stage2_reasons", "stage2_steps_taken", "stage2_remedy", "stage2_learning", "stage2_late_reason",
    "stage2_request_reasons", "actions", "stage2_actions",
)
# Outcomes as sheets spell them.
OUTCOME_WORDS = {
    "upheld": "upheld", "partly upheld": "partly-upheld", "partially upheld": "partly-upheld", "part upheld": "partly-upheld",
    "partly-upheld": "partly-upheld", "not upheld": "not-upheld", "not-upheld": "not-upheld", "withdrawn": "withdrawn",
    "refused": "refused", "not accepted": "refused", "rejected": "refused",
}
TYPE_WORDS = {"complaint": "complaint", "compliment": "compliment", "comment": "comment", "praise": "compliment",
              "thanks": "compliment", "feedback": "comment", "suggestion": "comment"}
YES = frozenset({"yes", "y", "true", "1", "x"})
NO = frozenset({"no", "n", "false", "0", "none"})
# Why a case is held, where the sheet says only that it is (a hold column of yes and no).
HOLD_REASON = "held as recorded in the imported spreadsheet"
# A complaint with nothing in its summary column still needs one to be logged.
NO_SUMMARY = "(no details in the imported spreadsheet)"
# A decision is recorded with its reasons; a sheet that kept none says so.
NO_REASONS = "(reasons not recorded in the imported spreadsheet)"
# Why an extension read from a sheet was given: the sheet says only that it was.
EXTENSION_REASON = "extended as recorded in the imported spreadsheet"
# What `export` and `list --csv` put an apostrophe before (output/render.py FORMULA_STARTS), so
# that a spreadsheet shows the cell rather than running it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# One action as `export` writes it, each on its own line: `1. What was promised (due 2026-05-01,
# owner, done 2026-04-28)`, the owner and the completion only when there are (output: services.export).
ACTION = re.compile(
    r"(\d+)\. (.+?) \(due ([^,)\n]{0,40})(?:, (?!done [^,)\n]{0,40}\)(?:\n\d+\. |\Z))([^\n]{1,400}?))?(?:, done ([^,)\n]{0,40}))?\)"
    r"(?=\n\d+\. |\Z)",
    re.S,
)
# What an actions cell not in that form is kept as: the words of the sheet, as an internal note.
ACTIONS_NOTE = {1: "Actions, as the imported spreadsheet recorded them:\n", 2: "Stage 2 actions, as the imported spreadsheet recorded them:\n"}
# How an Excel workbook's file begins: a zip (.xlsx) or an OLE compound file (.xls).
WORKBOOK_STARTS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
# More than this many bytes is not a complaints spreadsheet (nor could it be imported at once).
LARGEST_SHEET = 200 * 1024 * 1024


def _key(heading: str) -> str:
    # An apostrophe is dropped rather than spaced: "Date rec'd" is "date recd".
    heading = heading.strip().lower().replace("'", "").replace("\u2019", "")
    # "Stage 2 reply" and "Stage2 reply" are one heading.
    key = " ".join(re.sub(r"[\s_\-.:/#]+", " ", heading.replace("stage1", "stage1 ").replace("stage2", "stage2 ")).split())
    return re.sub(r"\bstage ([12])\b", r"stage\1", key)


_KNOWN = {_key(name): (name, -1) for name in FIELDS}
_KNOWN.update({_key(heading): (name, rank) for name, headings in HEADINGS.items() for rank, heading in enumerate(headings)})
# A stage 1 column says what the stage did; a sheet (an export) may also have the case's latest
# handler or outcome, which after an escalation are stage 2's.
_KNOWN.update({key: (name, -3) for key, (name, _) in _KNOWN.items() if key.startswith("stage1 ")})


@dataclass
class Row:
    line: int
    values: dict[str, str]


@dataclass
class Sheet:
    """A sheet read as far as its heading row: which column fills which field (the preferred
    first), the headings no field uses, and its lines. Its rows are read as they are taken
    (`each_row`): an import records a long sheet's first rows while it reads the rest."""

    columns: dict[str, list[int]]
    unused: list[str]
    path: str
    lines: list[str]
    # The index in `lines` of the first line after the heading row.
    body: int
    # The cells of the heading row: a row with more has lost its place, most often to a comma
    # in a cell not put in quotes.
    headings: int
    # Each field's columns as a refusal names them: their headings, quoted (a field read from
    # whichever of two columns is filled names both).
    titles: dict[str, str]

    @property
    def length(self) -> int:
        """The lines after the heading row: the rows the sheet can hold, at most (a quoted cell
        may run over several lines, and a blank line is no row). An import takes it for the
        number of cases it may create."""
        return len(self.lines) - self.body

    def each_row(self) -> Iterator[Row]:
        """Each row that is not blank, read from the CSV as it is taken; InvalidInput at the
        first row that is not CSV (an import then writes nothing)."""
        chosen = self.columns
        # Each field's preferred column, and the others to look in when that cell is empty (most
        # fields have one column: they are read without looking further).
        single = [(name, indexes[0]) for name, indexes in chosen.items() if len(indexes) == 1]
        several = [(name, indexes[0], indexes[1:]) for name, indexes in chosen.items() if len(indexes) > 1]
        # A short row is read as if its missing cells were empty.
        width = 1 + max(index for indexes in chosen.values() for index in indexes)
        headings = self.headings
        reader = csv.reader(islice(self.lines, self.body, None), strict=True)
        start = self.body + 1
        try:
            for cells in reader:
                line, start = start, self.body + reader.line_num + 1
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) > headings:
                    raise _too_many_cells(self.path, line, len(cells), headings)
                if len(cells) < width:
                    cells = cells + [""] * (width - len(cells))
                values = {name: value for name, first in single if (value := cells[first].strip())}
                for name, first, others in several:
                    value = cells[first].strip() or next((cell for cell in (cells[index].strip() for index in others) if cell), "")
                    if value:
                        values[name] = value
                for name, value in values.items():
                    if value[0] == "'":
                        values[name] = _unguarded(value)
                yield Row(line, values)
        except csv.Error as problem:
            raise _not_csv(self.path, start, problem) from None


@dataclass
class Report:
    rows_read: int = 0
    cases_created: int = 0
    stages: int = 0
    already_imported: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "cases_created": self.cases_created,
            "stages": self.stages,
            "already_imported": self.already_imported,
            "refused": self.refused,
            "dry_run": self.dry_run,
            "written": self.written,
        }


def parse_mapping(given: list[str]) -> dict[str, str]:
    """`--map COLUMN=FIELD` options as heading key → field."""
    mapping: dict[str, str] = {}
    for item in given:
        column, sep, name = item.partition("=")
        name = name.strip().lower().replace("-", "_").replace(" ", "_")
        if not sep or not column.strip():
            raise InvalidInput(f"{item!r} is not COLUMN=FIELD; for example 'Our ref=external_ref'")
        if name not in FIELDS:
            raise InvalidInput(f"{item!r}: {name or '(nothing)'} is not a field; use one of {', '.join(FIELDS)}")
        mapping[_key(column)] = name
    return mapping


def read_sheet(path: str, encoding: str, mapping: dict[str, str]) -> Sheet:
    """A CSV file read as far as its heading row (its rows are read as they are taken:
    `Sheet.each_row`), refused whole (InvalidInput, one line) when it is not a readable CSV
    sheet: too large, a workbook, binary, the wrong encoding (naming the line), no heading row,
    no received date column."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(LARGEST_SHEET + 1)
    except FileNotFoundError:
        raise InvalidInput(f"there is no file {path}; check the name") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path} is a folder; give the CSV file") from None
    if len(data) > LARGEST_SHEET:
        raise InvalidInput(f"{path} is larger than {LARGEST_SHEET // (1024 * 1024)} MB; split it and import each part")
    try:
        # UTF-16 and UTF-32 text holds zero bytes; any other encoding's text none, unlike a workbook's bytes.
        wide = codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    except LookupError:
        raise InvalidInput(f"--encoding {encoding} is not an encoding Python knows; try utf-8 or cp1252") from None
    if data.startswith(WORKBOOK_STARTS):
        raise InvalidInput(f"{path} is a workbook (.xlsx or .xls), not CSV; save the sheet as CSV and import that")
    binary = InvalidInput(f"{path} is not a CSV file (it holds binary data); save the sheet as CSV and import that")
    if b"\x00" in data[:4096] and not wide:
        if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            raise InvalidInput(f"{path} is UTF-32 text; add --encoding utf-32")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise InvalidInput(f"{path} is UTF-16 text; add --encoding utf-16")
        raise binary
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as problem:
        line = data[: problem.start].count(b"\n") + 1
        raise InvalidInput(
            f"line {line} of {path} is not {encoding} text; the sheet was probably saved as Windows-1252: add --encoding cp1252"
        ) from None
    text = text.removeprefix("\ufeff")
    if wide and "\x00" in text[:4096]:
        raise binary
    lines = _lines(text)
    reader = csv.reader(lines, strict=True)
    try:
        headings = next(reader, None)
    except csv.Error as problem:
        raise _not_csv(path, 1, problem) from None
    if headings is None:
        raise InvalidInput(f"{path} is empty; it needs a heading row and a row per case")
    missing = sorted(set(mapping) - {_key(heading) for heading in headings})
    if missing:
        named = f"--map names a column {path} does not have: {', '.join(repr(key) for key in missing)}"
        # A first row with no heading this knows or is told of is most likely a case's cells,
        # which are not repeated.
        if not any(_key(heading) in _KNOWN or _key(heading) in mapping for heading in headings):
            raise InvalidInput(f"{named}; its first row has no heading this knows: check the sheet begins with its heading row")
        raise InvalidInput(f"{named}; its headings are {', '.join(repr(heading.strip()) for heading in headings if heading.strip())}")
    columns: dict[str, list[tuple[int, int]]] = {}
    unused = []
    for index, heading in enumerate(headings):
        key = _key(heading)
        if key in mapping:
            found = (mapping[key], -2)
        elif key in _KNOWN:
            found = _KNOWN[key]
        else:
            if heading.strip():
                unused.append(heading.strip())
            continue
        columns.setdefault(found[0], []).append((found[1], index))
    if "received_on" not in columns:
        raise InvalidInput(
            f"{path} has no column of received dates (a heading such as 'Date received'); "
            "name it with --map 'COLUMN=received_on', or check the file is a CSV with a heading row"
        )
    chosen = {name: [index for _, index in sorted(found)] for name, found in columns.items()}
    titles = {name: " or ".join(f"'{' '.join(headings[index].split())}'" for index in indexes) for name, indexes in chosen.items()}
    return Sheet(chosen, unused, path, lines, reader.line_num, len(headings), titles)


def _not_csv(path: str, line: int, problem: csv.Error) -> InvalidInput:
    """The refusal of a sheet whose row starting on line `line` is not CSV (a quote left open
    runs to the end of the file: the line it was opened on is the one to correct)."""
    return InvalidInput(
        f"{path} is not a CSV file this can read (line {line}: {problem}); correct that line, or save the sheet as CSV again, and import that"
    )


def _too_many_cells(path: str, line: int, cells: int, headings: int) -> InvalidInput:
    """The refusal of a sheet with a row of more cells than headings: every cell after the one
    too many would go into the wrong field."""
    return InvalidInput(
        f"line {line} of {path} has {cells} cells and its heading row only {headings}; put a cell holding a comma in double"
        " quotes, remove commas left at the end of the line, or give the extra column a heading; then import it"
    )


def _unguarded(value: str) -> str:
    """A cell that begins with an apostrophe: for an export's guard against a spreadsheet
    running the cell, the text that follows it; any other, as it is."""
    return value[1:] if value[1:].startswith(FORMULA_STARTS) else value


# A line of a CSV file: it ends at CR, LF or CRLF, or with the file.
_CSV_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _lines(text: str) -> list[str]:
    """The lines of a CSV file, with their ends. `str.splitlines` is quickest, but it also ends
    a line at a Unicode separator (U+2028, U+0085…), which in a sheet can only be inside a cell,
    and would split its row in two: when it made more lines than the file has ends of lines, they
    are split again by the file's own."""
    lines = text.splitlines(keepends=True)
    ends = text.count("\n") + text.count("\r") - text.count("\r\n")
    if len(lines) == ends + (bool(text) and not text.endswith(("\n", "\r"))):
        return lines
    return _CSV_LINE.findall(text)


class _OneTransaction:
    """The store of a Context whose every step joins one transaction already open: `writing()`
    and `reading()` give that transaction (a plain context manager, not a generator's: a sheet's
    steps enter it tens of thousands of times)."""

    def __init__(self, tx: Any) -> None:
        self.tx = tx

    def writing(self) -> _OneTransaction:
        return self

    reading = writing

    def __enter__(self) -> Any:
        return self.tx

    def __exit__(self, *raised: object) -> None:
        return None


class _Batch:
    """The transaction as the steps of an import's batch of rows see it. Each step reads its
    case's events, derives the case and writes its events and rows; for a case the import is
    creating these are all known here, so they are kept in memory (the case as each step leaves
    it derived, for the next step to start from) and made into rows once, when the batch ends
    (`rows`). The roster and each row's reference come from the import's plan (`_Planner`): a batch
    reads nothing from the database, so another process can make it."""

    keeps_cases_derived = True

    def __init__(self, officers: tuple[Any, ...], settle: Callable[[Any], Any]) -> None:
        # What settles a kept case's deadlines, left by the steps that do not read them.
        self.settle = settle
        # A tuple, kept as Roster keeps it: `team.join` knows the roster it joined already.
        self.roster = officers
        # The reference the plan gave the row being recorded.
        self.reference = ""
        self.ids: dict[str, int] = {}
        self.history: dict[int, list[Any]] = {}
        self.derived: dict[int, Any] = {}
        self.order: list[int] = []

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"an import's step asked the database for {name}, which a batch of rows does not read")

    def officers(self) -> tuple[Any, ...]:
        return self.roster

    def next_reference(self, prefix: str, year: int) -> str:
        if not self.reference.startswith(f"{prefix}-{year}-"):
            raise RuntimeError(f"the import planned {self.reference or 'no reference'} for a case of {year}")
        return self.reference

    def insert_case(self, case: Any) -> int:
        # Ids are given when the rows are written; until then a stand-in, never a real id.
        case_id = -1 - len(self.order)
        self.ids[case.reference] = case_id
        self.history[case_id] = []
        self.derived[case_id] = case
        self.order.append(case_id)
        return case_id

    def case_id(self, reference: str) -> int:
        return self.ids[reference]

    def events(self, case_id: int) -> list[Any]:
        return list(self.history[case_id])

    def derived_case(self, case_id: int) -> Any:
        return self.derived.get(case_id)

    def append(self, reference: str, case_id: int, events: list[Any]) -> None:
        self.history[case_id].extend(events)

    def save_case(self, case_id: int, case: Any) -> None:
        self.derived[case_id] = case

    def row_started(self) -> int:
        return len(self.order)

    def forget_since(self, mark: int) -> None:
        """Drop the case of a refused row and the steps it took before the refusal: nothing will
        be committed, but the rows made until then are still those of the rows accepted."""
        for case_id in self.order[mark:]:
            reference = self.derived[case_id].reference
            del self.ids[reference], self.history[case_id], self.derived[case_id]
        del self.order[mark:]

    def rows(self, new_cases: Callable[[list[Any], list[list[Any]]], Any]) -> Any:
        """The rows of the cases kept, in the order they were logged, each settled, as
        `new_cases` (the transaction's `new_cases`, which reads nothing) makes them."""
        return new_cases([self.settle(self.derived[case_id]) for case_id in self.order], [self.history[case_id] for case_id in self.order])


# Rows recorded as one batch, kept in memory until written: enough for few, long statements,
# few enough that a sheet of any size is imported in bounded memory, and that the first batch a
# worker records is soon there to be written.
ROWS_A_BATCH = 500
# The batches' worth of lines at the end of a sheet whose rows go in smaller batches.
ENDING_BATCHES = 2


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused, and set going again after (reference counting
    still frees whatever is dropped). A sheet's rows, and each batch's cases and events, are
    tens of thousands of small objects kept until the import ends or the batch is written: the
    collector's passes over them find nothing to free, and cost an import several per cent of
    its time."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class _Refused(Exception):
    """Ends the transaction without writing: a row was refused, or it is a dry run."""


# A row to record as the plan gives it: its line, its values, its key and its case's reference.
PlannedRow = tuple[int, dict[str, str], str, "str | None"]


class _Planner:
    """What an import decides before it records a row, in the order of the sheet, as the rows are
    read: the rows to record, in batches, each with its key (`row_admitted`: a row imported
    before, or a second row with the same reference, is not recorded) and the reference its case
    is given (None when it has no received date to give one by). Each row logged takes the next
    number of its year, as the rows would one after another; a row refused takes one too, which
    matters not, as nothing is then written."""

    def __init__(self, prefix: str, known: set[str], counters: dict[int, int], report: Report) -> None:
        self.prefix = prefix
        self.known = known
        self.report = report
        # The last number given out in each year before, and once every row is logged.
        self.counters = counters
        self.counted = dict(counters)
        self.seen: dict[str, int] = {}

    def batches(self, rows: Iterable[Row], last_line: int) -> Iterator[list[PlannedRow]]:
        """The rows to record, ROWS_A_BATCH at a time, as plain values (a batch is sent to a
        worker pickled, which a dataclass would make slower). Within ENDING_BATCHES batches' worth
        of lines of the sheet's `last_line`, a batch is a fifth of that: the workers then finish
        their last batches nearly together, rather than one recording a whole batch while the
        cores wait."""
        batch: list[PlannedRow] = []
        whole, last = ROWS_A_BATCH, max(1, ROWS_A_BATCH // 5)
        ending = last_line - ENDING_BATCHES * whole
        for row in rows:
            self.report.rows_read += 1
            key = row_admitted(row, self.known, self.seen, self.report)
            if key is None:
                continue
            batch.append((row.line, row.values, key, self._reference(row)))
            if len(batch) >= (whole if row.line < ending else last):
                yield batch
                batch = []
        if batch:
            yield batch

    def _reference(self, row: Row) -> str | None:
        received = row.values.get("received_on")
        try:
            year = _sheet_date(received).year if received else None
        except ValueError:
            year = None
        if year is None:
            return None
        self.counted[year] = number = self.counted.get(year, 0) + 1
        return f"{self.prefix}-{year}-{number:05d}"


@dataclass
class BatchRecorded:
    """What recording one batch of a sheet's rows gave: the report's counts and refusals for its
    rows, the rows to write (None when there is nothing to write: a refusal, or a dry run), and
    the line of its last row."""

    cases_created: int
    stages: int
    refused: list[dict[str, Any]]
    rows: Any
    last_line: int


def import_sheet(
    ctx: Context,
    sheet: Sheet,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    mapped: Callable[[Callable[[list[PlannedRow]], BatchRecorded], Iterator[list[PlannedRow]]], Iterable[BatchRecorded]] = map,
) -> Report:
    """Record every row of `sheet`; commit only when no row is refused and it is not a dry run.

    The rows are read and recorded a batch at a time (ROWS_A_BATCH), each batch's cases made into
    rows without the database and then written, in order. `mapped(record, batches)` gives each
    batch's record in the order of the batches, like `map` (the default, in this process); the
    command gives one that records them in other processes while this one reads and writes.
    `progress` is told the line of the sheet reached."""
    report = Report(dry_run=dry_run)
    prefix = ctx.policy.reference_prefix
    try:
        with ctx.store.writing() as tx, tx.inserting_many(sheet.length):
            planner = _Planner(prefix, tx.external_refs(), tx.reference_counters(prefix), report)
            record = partial(_record_batch, ctx, tuple(tx.officers()), tx.new_cases, dry_run, sheet.titles)
            for recorded in mapped(record, planner.batches(sheet.each_row(), len(sheet.lines))):
                report.cases_created += recorded.cases_created
                report.stages += recorded.stages
                report.refused += recorded.refused
                if recorded.rows is not None and not report.refused:
                    tx.insert_new_cases(recorded.rows)
                if progress is not None:
                    progress(recorded.last_line)
            report.refused.sort(key=itemgetter("line"))
            if report.refused or dry_run:
                raise _Refused
            for year, last in planner.counted.items():
                if last != planner.counters.get(year):
                    tx.set_reference_counter(prefix, year, last)
    except _Refused:
        return report
    report.written = True
    return report


def _record_batch(
    ctx: Context,
    officers: tuple[Any, ...],
    new_cases: Callable[..., Any],
    dry_run: bool,
    titles: dict[str, str],
    planned: list[PlannedRow],
) -> BatchRecorded:
    """Record a batch of planned rows through the steps, in memory (`_Batch`): reads and writes
    nothing in the database, so another process can record it."""
    batch = _Batch(officers, partial(settle_case, ctx))
    batched = replace(ctx, store=_OneTransaction(batch))
    part = Report()
    for line, values, key, reference in planned:
        batch.reference = reference or ""
        mark = batch.row_started()
        if not import_row(batched, Row(line, values), key, part, titles):
            batch.forget_since(mark)
    made = None if part.refused or dry_run else batch.rows(new_cases)
    return BatchRecorded(part.cases_created, part.stages, part.refused, made, planned[-1][0])


def row_key(row: Row) -> str:
    """A row's reference, or for a row without one a digest of what it says, so that the same
    row imported again is known."""
    given = row.values.get("external_ref")
    if given:
        return given
    content = "\x1f".join(f"{name}={row.values[name]}" for name in sorted(row.values))
    return ROW_DIGEST_PREFIX + hashlib.sha256(content.encode()).hexdigest()[:ROW_DIGEST_LENGTH]


def row_admitted(row: Row, known: set[str], seen: dict[str, int], report: Report) -> str | None:
    """The row's key (`row_key`) when it is to be recorded; None, counted in `report`, for a
    row with the same reference as one before it (refused) or one imported before (skipped).
    `seen` holds the key and line of each row admitted before."""
    key = row_key(row)
    if key in seen:
        what = "reference" if row.values.get("external_ref") else "row"
        report.refused.append({"line": row.line, "reason": f"the same {what} as line {seen[key]}"})
        return None
    seen[key] = row.line
    if key in known:
        report.already_imported += 1
        return None
    return key


def import_row(ctx: Context, row: Row, key: str, report: Report, titles: dict[str, str] | None = None) -> bool:
    """Record a row's case (admitted, with its key: `row_admitted`) through the steps of `ctx`,
    each in a transaction of its store (`import_sheet` gives them one, kept in memory); False
    when it is refused, with the reason naming the sheet's columns by their `titles`."""
    refused = _refused_text(row.values)
    if refused is not None:
        report.refused.append({"line": row.line, "reason": _in_sheet_words(refused, titles or {})})
        return False
    for name in ("actions", "stage2_actions"):
        if row.values.get(name, "").lower() in NO_ACTIONS:
            row.values.pop(name, None)
    # The step being taken, which a refusal names (none while the row's cells are read).
    done = [""]
    try:
        dates = _dates(row)
        fields = _fields(row, dates, key)
        done.append("received")
        case = steps.log_case(ctx, fields)
        if row.values.get("notes"):
            done.append("note")
            steps.add_note(ctx, case.reference, dates["received_on"], row.values["notes"])
        held = row.values.get("hold_reason")
        if held and held.lower() in NO:
            held = None
        if held or dates.get("hold_since"):
            done.append("hold")
            _hold(ctx, case.reference, dates.get("hold_since") or dates["received_on"], HOLD_REASON if held and held.lower() in YES else held)
        if case.has_clock:
            stages = _stage_steps(ctx, case.reference, dates, row.values, done)
        else:
            done.append("")
            _refuse_clock_cells(case.type, row.values)
            stages = 1
    except ComplaintError as refusal:
        step = f"{done[-1]}: " if done[-1] else ""
        reason = step + _without_reference(str(refusal), done[-1])
        report.refused.append({"line": row.line, "reason": _in_sheet_words(reason, titles or {})})
        return False
    report.cases_created += 1
    report.stages += stages
    return True


def _refused_text(values: dict[str, str]) -> str | None:
    """What is wrong with the first cell of a row that the option of its field would refuse
    (domain.text), naming its field; None when every cell is text its field may hold, and then
    with free text's CRLF line endings kept as line feeds, as the commands keep them."""
    # Every character a field refuses is one `str.isprintable` is false for (a control, a format
    # character, a line or paragraph separator, a surrogate): a cell of printable text need only
    # be measured, and a row of printable text has only its longer cells looked at.
    if "".join(values.values()).isprintable():
        suspects = [name for name, value in values.items() if len(value) > ONE_LINE_LIMIT]
    else:
        suspects = [name for name, value in values.items() if len(value) > ONE_LINE_LIMIT or not value.isprintable()]
    if len(values.get("external_ref", "")) > REFERENCE_LIMIT and "external_ref" not in suspects:
        # In its column's place: the first cell refused is the one named.
        order = list(values)
        suspects = sorted([*suspects, "external_ref"], key=order.index)
    for name in suspects:
        rule = _rule(name)
        found = problem(values[name], rule)
        if found is not None:
            return f"the {_column_of(name)} cell {found}"
        if rule.multiline and "\r" in values[name]:
            values[name] = as_kept(values[name], rule)
    return None


def _rule(name: str) -> TextRule:
    if name in FREE_TEXT_FIELDS:
        return FREE_TEXT
    return REFERENCE if name == "external_ref" else ONE_LINE


def _stage_steps(ctx: Context, reference: str, dates: dict[str, date], values: dict[str, str], done: list[str]) -> int:
    """Record the steps a complaint's row implies after its receipt, naming each in `done` as it
    is taken (a refusal says which); the number of stages it has."""
    if dates.get("acknowledged_on"):
        done.append("acknowledged")
        steps.acknowledge(ctx, reference, dates["acknowledged_on"], handler=values.get("handler"))
    elif values.get("handler"):
        done.append("handler")
        steps.assign(ctx, reference, dates["received_on"], values["handler"])
    done.append("extended")
    _extend(ctx, reference, dates.get("acknowledged_on") or dates["received_on"], values.get("extension_days"), dates.get("extended_to"))
    if dates.get("closed_on") or values.get("outcome"):
        done.append("closed")
        _close(ctx, reference, dates.get("closed_on"), values, "")
    stage1_actions = 0
    if values.get("actions"):
        done.append("actions")
        stage1_actions = _actions(ctx, reference, 1, dates, values["actions"], 0)
    if not dates.get("stage2_received_on"):
        stage2 = ("stage2_acknowledged_on", "stage2_closed_on", "stage2_outcome", "stage2_actions")
        if any(dates.get(name) or values.get(name) for name in stage2):
            done.append("stage 2")
            raise InvalidInput("it has stage 2 dates, an outcome or actions but no stage 2 request date")
        return 1
    done.append("stage 2 requested")
    # A policy may ask what the complainant remains unhappy about; a sheet that kept none says so.
    asked = values.get("stage2_request_reasons") or (NO_REASONS if ctx.policy.stage2_reasons == "required-lgsco" else None)
    steps.escalate(
        ctx, reference, dates["stage2_received_on"], handler=values.get("stage2_handler"),
        late_reason=values.get("stage2_late_reason"), reasons=asked,
    )
    if dates.get("stage2_acknowledged_on"):
        done.append("stage 2 acknowledged")
        steps.acknowledge(ctx, reference, dates["stage2_acknowledged_on"], handler=values.get("stage2_handler"))
    done.append("stage 2 extended")
    _extend(ctx, reference, dates.get("stage2_acknowledged_on") or dates["stage2_received_on"], values.get("stage2_extension_days"), None, "stage2_")
    if dates.get("stage2_closed_on") or values.get("stage2_outcome"):
        done.append("stage 2 closed")
        _close(ctx, reference, dates.get("stage2_closed_on"), values, "stage2_")
    if values.get("stage2_actions"):
        done.append("stage 2 actions")
        _actions(ctx, reference, 2, dates, values["stage2_actions"], stage1_actions)
    return 2


def _hold(ctx: Context, reference: str, since: date, reason: str | None) -> None:
    """A legal hold the sheet records, placed again as `hold` places it, dated as the sheet says:
    recorded before the case's other steps, so that no later stage's dates come before it."""
    if not reason:
        raise InvalidInput("it has a hold since date but no hold reason")
    retention.place_hold(ctx, reference, since, reason)


def _actions(ctx: Context, reference: str, stage: int, dates: dict[str, date], cell: str, before: int) -> int:
    """The actions a row's cell for `stage` lists, as `export` writes them (ACTION), numbered on
    from the `before` the case has, each added and, where it says so, done; how many there were.
    They are recorded after the stage's steps (stage 1's before any escalation), as promised on
    the stage's close (or its receipt), or on the day one was done if that was earlier: the sheet
    does not say when each was promised. A cell in other words is kept whole as an internal note,
    dated the same."""
    prefix = "stage2_" if stage == 2 else ""
    received = dates[f"{prefix}received_on"]
    promised = dates.get(f"{prefix}closed_on") or received
    found = []
    at = 0
    # Only a cell that starts as export writes one is read as actions (a long cell of other words
    # is not searched through for them).
    if cell.startswith(f"{before + 1}. ") and " (due " in cell:
        while at < len(cell):
            action = ACTION.match(cell, at)
            if action is None or int(action[1]) != before + len(found) + 1:
                break
            found.append(action)
            at = action.end() + 1
    if not found or at < len(cell):
        steps.add_note(ctx, reference, promised, ACTIONS_NOTE[stage] + cell)
        return 0
    actions = []
    for number, what, due, owner, done_on in (action.groups() for action in found):
        if owner is not None and (wrong := problem(owner, ONE_LINE)) is not None:
            raise InvalidInput(f"action {number}'s owner {wrong}")
        completed = _action_date(number, "done", done_on) if done_on is not None else None
        due_on = _action_date(number, "due", due)
        # Named here as the sheet's reader knows them: the action's number, and which of its dates.
        if due_on < dates["received_on"]:
            raise InvalidInput(f"action {number}'s due date is before the case was received; check the date")
        if completed is not None and completed < received:
            if stage == 1:
                raise InvalidInput(f"action {number}'s done date is before the case was received; check the date")
            raise InvalidInput(f"action {number} was done before stage 2 was requested; list it in the {_column_of('actions')} column")
        actions.append(
            steps.PromisedAction(min(promised, completed or promised), what, due_on, owner, completed)
        )
    steps.add_actions(ctx, reference, actions)
    return len(actions)


def _action_date(number: str, what: str, text: str) -> date:
    try:
        return _sheet_date(text)
    except ValueError:
        raise InvalidInput(f"action {number}'s {what} date {_not_a_date(text)}") from None


def _refuse_clock_cells(kind: str, values: dict[str, str]) -> None:
    """A compliment or comment is settled when logged; a row that records steps for it, as the
    commands would refuse them, is refused rather than imported without them."""
    found = [name for name in CLOCK_FIELDS if values.get(name)]
    # What `export` writes for every case, a compliment too: no extension, no apology, nothing paid.
    for stage in ("", "stage2_"):
        if values.get(stage + "extension_days", "0") != "0":
            found.append(f"{stage}extension_days")
        if values.get(stage + "apology", "no").lower() not in NO:
            found.append(f"{stage}apology")
        if _paid(values.get(stage + "compensation", "0")):
            found.append(f"{stage}compensation")
    if found:
        raise InvalidInput(
            f"a {kind} has no clock, so it is not acknowledged, extended or closed; clear its cells in "
            f"{', '.join(map(_column_of, found))}, or give its type as complaint"
        )


def _paid(written: str) -> bool:
    """Whether a compensation cell says something was paid (anything but an amount of nothing)."""
    try:
        return pence(written) != 0
    except ValueError:
        return True


def _without_reference(message: str, step: str = "") -> str:
    """A refusal as the sheet's reader needs it: the case reference it was given is not kept,
    and the options a command line would be corrected with are the sheet's columns (stage 2's
    where `step`, the step refused, is one of stage 2's)."""
    message = re.sub(r"^[A-Z]+-\d{4}-\d+: ", "", message).replace("--on ", "")
    # The command a refusal suggests names a case that was never kept: the sheet's row is what to correct.
    message = re.sub(r";? *(run|use) `complaintctl [^`]*`.*$", "; correct the row's dates", message)
    if step == "stage 2 requested":
        columns = STAGE2_REQUEST_COLUMNS
    else:
        columns = STAGE2_COLUMNS if step.startswith("stage 2") else OPTION_COLUMNS
    message = re.sub(r"with --([a-z][a-z-]*)(?: [A-Z]+)?", lambda option: f"in its {_column(option[1], columns)} column", message)
    # An option's value in capitals (`--representative NAME`) is the column's cell: the column says it.
    return re.sub(r"(?<![^\s(])--([a-z][a-z-]*)(?: [A-Z]+\b)?", lambda option: _column(option[1], columns), message)


def _column_of(field: str) -> str:
    """A field's column in a refusal: a mark that `_in_sheet_words` makes the sheet's heading
    for it (the refusal is worded deep in the steps, the headings known to the import)."""
    return f"\x1d{field}\x1d"


def _in_sheet_words(reason: str, titles: dict[str, str]) -> str:
    """A refusal with each column it names (`_column_of`) named by its heading in the sheet, in
    quotes, or by the field's own words where the sheet has no such column."""
    return re.sub("\x1d([a-z0-9_]+)\x1d", lambda field: titles.get(field[1]) or _field_words(field[1]), reason)


def _field_words(field: str) -> str:
    return field.replace("stage2_", "stage 2 ").removesuffix("_on").replace("_", " ")


# The fields whose columns stand for the options of the commands: those whose names differ, at
# stage 1, at stage 2, and when stage 2 is requested.
OPTION_COLUMNS = {
    "received": "received_on", "to": "extended_to", "days": "extension_days", "late-reason": "stage2_late_reason",
    "steps": "steps_taken",
}
STAGE2_COLUMNS = {
    **OPTION_COLUMNS, "handler": "stage2_handler", "reasons": "stage2_reasons", "steps": "stage2_steps_taken",
    "remedy": "stage2_remedy", "learning": "stage2_learning", "compensation": "stage2_compensation",
    "exclusion": "stage2_exclusion", "outcome": "stage2_outcome",
}
STAGE2_REQUEST_COLUMNS = {**STAGE2_COLUMNS, "reasons": "stage2_request_reasons"}


def _column(option: str, columns: dict[str, str]) -> str:
    return _column_of(columns.get(option, option.replace("-", "_")))


@lru_cache(maxsize=8192)
def _sheet_date(text: str) -> date:
    """A date cell read (a sheet repeats the same few hundred days); ValueError when it is none."""
    if re.match(r"^\S+ \d{1,2}:\d{2}", text):
        text = text.split(" ")[0]
    if found := YEAR_FIRST.fullmatch(text):
        year, month, day = found.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d}"
    elif found := DAY_FIRST.fullmatch(text):
        day, month, year = found.groups()
        text = f"{day}/{month}/{2000 + int(year) if len(year) == 2 else year}"
    return parse_date(text, date.max)


def _dates(row: Row) -> dict[str, date]:
    found = {}
    for name in DATE_FIELDS:
        text = row.values.get(name)
        if not text:
            continue
        try:
            found[name] = _sheet_date(text)
        except ValueError:
            raise InvalidInput(f"the {_column_of(name)} cell {_not_a_date(text)}") from None
    if "received_on" not in found:
        raise InvalidInput("it has no received date")
    return found


def _not_a_date(text: str) -> str:
    """Why a cell is not a date, quoting it only where it looks like one (SHOWN_CELL)."""
    if DAY_FIRST.fullmatch(text) or YEAR_FIRST.fullmatch(text):
        return f"{text!r} is no day of the calendar; check the day and the month (01/04/2026 is 1 April)"
    shown = f"{text!r} " if SHOWN_CELL.fullmatch(text) else ""
    return f"{shown}is not a date; use 2026-04-01 or 01/04/2026"


def _fields(row: Row, dates: dict[str, date], key: str) -> dict[str, Any]:
    values = row.values
    kind = TYPE_WORDS.get(values.get("type", "complaint").strip().lower())
    if kind not in CASE_TYPES:
        raise InvalidInput(f"the {_column_of('type')} cell is not a type of case; use one of {', '.join(CASE_TYPES)}")
    name = values.get("name")
    fields: dict[str, Any] = {
        "type": kind,
        "received_on": dates["received_on"],
        "name": name,
        "anonymous": not name,
        "email": values.get("email"),
        "phone": values.get("phone"),
        "address": values.get("address"),
        "service": values.get("service"),
        "category": values.get("category"),
        "summary": values.get("summary") or (NO_SUMMARY if kind == "complaint" else None),
        "outcomes_sought": values.get("outcomes_sought"),
        "channel": _word(values.get("channel")),
        "preferred_contact": _word(values.get("preferred_contact")),
        "representative": values.get("representative"),
        "representative_email": values.get("representative_email"),
        "representative_address": values.get("representative_address"),
        "issue_date": dates.get("issue_date"),
        "adjustments": values.get("adjustments"),
        "external_ref": key,
    }
    if values.get("housing"):
        fields["housing"] = values["housing"].strip().lower() in YES
    return {name: value for name, value in fields.items() if value is not None or name in ("name", "issue_date")}


def _word(text: str | None) -> str | None:
    return "-".join(text.lower().split()) if text else None


def _remedy(values: dict[str, str], prefix: str) -> steps.Remedy:
    written = values.get(prefix + "compensation", "").strip()
    try:
        amount = pence(written) if written else 0
    except ValueError as problem:
        # The amount's words (domain.money) quote the cell, which is repeated only where it is a number.
        said = str(problem) if SHOWN_CELL.fullmatch(written) else str(problem).replace(f"{written!r} ", "", 1)
        raise InvalidInput(f"the {_column_of(prefix + 'compensation')} cell {said}") from None
    return steps.Remedy(
        apology=values.get(prefix + "apology", "").strip().lower() in YES, compensation_pence=amount, remedy=values.get(prefix + "remedy")
    )


def _extend(ctx: Context, reference: str, on: date, days: str | None, to: date | None, prefix: str = "") -> None:
    """An extension the sheet records, by its days or the date it extended to, as given when
    the stage was acknowledged (or received): the sheet says it was agreed, not when, nor why
    it went beyond the policy's limit if it did."""
    if days and days.strip() not in ("0", ""):
        # A number of working days has at most three digits: a longer one is not repeated (it may be a phone number).
        if not re.fullmatch(r"[0-9]{1,3}", days.strip()):
            shown = f" {days!r}" if SHOWN_CELL.fullmatch(days) and len(days) <= 4 else ""
            raise InvalidInput(
                f"the {_column_of(prefix + 'extension_days')} cell{shown} is not a number of working days (a whole"
                f" number up to {MOST_EXTENSION_DAYS})"
            )
        count = int(days)
        steps.extend(ctx, reference, on, EXTENSION_REASON, days=count, good_reason=EXTENSION_REASON)
    elif to is not None:
        steps.extend(ctx, reference, on, EXTENSION_REASON, to=to, good_reason=EXTENSION_REASON)


def _close(ctx: Context, reference: str, on: date | None, values: dict[str, str], prefix: str) -> None:
    outcome, exclusion, reasons = values.get(prefix + "outcome"), values.get(prefix + "exclusion"), values.get(prefix + "reasons")
    remedy = _remedy(values, prefix)
    if on is None:
        raise InvalidInput("it has an outcome but no date it was closed")
    if not outcome:
        raise InvalidInput("it has a closed date but no outcome")
    chosen = OUTCOME_WORDS.get(" ".join(outcome.lower().split()))
    if chosen not in OUTCOMES:
        raise InvalidInput(f"the {_column_of(prefix + 'outcome')} cell is not an outcome; use one of {', '.join(OUTCOMES)}")
    code = None
    if chosen == "refused":
        # A sheet without an exclusion column often puts the code (or its words) in the reasons.
        code = _word(exclusion or reasons) or "other"
        if code not in EXCLUSIONS:
            code = "other"
            reasons = reasons or exclusion
    if chosen in DECISIONS and not values.get(prefix + "acknowledged_on"):
        raise InvalidInput(
            f"it has a decision but no date it was acknowledged; give one in its {_column_of(prefix + 'acknowledged_on')}"
            " column (a decision follows an acknowledgement)"
        )
    if chosen in DECISIONS and not reasons:
        reasons = NO_REASONS
    steps.close(
        ctx, reference, on, chosen, reasons=reasons, exclusion=code, steps_taken=values.get(prefix + "steps_taken"),
        learning=values.get(prefix + "learning"), remedy=remedy if chosen in DECISIONS else None,
    )
