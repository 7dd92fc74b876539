"""The rows a case projects into the query tables, and the keyed hash that chains its events and
the policy versions.

The `cases`, `stages` and `actions` rows and the report-record rows are derived from a case's
events and rewritten whenever the case changes, so they can be derived again at any time. Plain
dicts by column name, for the statements of statements.py; no SQL here, and no SQLAlchemy: the
light reader builds its events with `event_from_row`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from json import encoder as json_encoders
from typing import TYPE_CHECKING, Any

from complaintctl.domain.encoding import json_encoder
from complaintctl.domain.events import CORRECTION_KINDS, Event
from complaintctl.domain.vocabulary import SURVEY_QUESTIONS
from complaintctl.storage.statements import RECORD_TABLES

if TYPE_CHECKING:
    from complaintctl.domain.policy import PolicyVersion
    # The case's fold, its corrections and its records are loaded by what writes a case, not by
    # the reads that load this module for `event_from_row` (overdue, list).
    from complaintctl.domain.case import Case


def event_hash(reference: str, event: Event, prev_hash: str, key: bytes | None, moment: str | None = None) -> str:
    """The hash that chains an event to what was recorded before it (an event or a policy
    version): an HMAC-SHA256 under the database's chain key (storage/chainkey.py) of the event's
    content and the previous hash. `key` None gives the plain SHA-256 of the same text, as events
    recorded before keys have.

    The text hashed is that of `_chained_text` for the dict of these eight fields (its keys in
    order, as sort_keys puts them), spelled out field by field (`_hashed_text`): an import hashes
    tens of thousands of events, and the dict, its sorting and its small values cost more than
    the details themselves. tests/test_chain.py holds the two spellings to the same text.
    `moment`: `event.recorded_at` as ISO text, when the caller has it (the events of one
    command share theirs)."""
    moment = event.recorded_at.isoformat() if moment is None else moment
    fields = (event.number, event.kind, event.on.isoformat(), event.officer, moment, "")
    return _digest(_hashed_text(reference, fields, prev_hash, _chained_text(event.details)).encode(), key)


# An event as the chain and the `events` row need it: (number, kind, business date, officer,
# recorded_at, marked details), every field text but its number, its details encoded once for
# both (`chained_event`). Made without the database, by whatever makes the event: an import's
# workers make tens of thousands and send them on pickled, and a plain tuple is pickled and
# read back some three times quicker than a NamedTuple, each of whose instances goes through
# calls to Python code both ways.
ReadyEvent = tuple[int, str, str, str, str, str]


def ready_event(event: Event, moment: str) -> ReadyEvent:
    """The event made ready to be chained and stored (`moment`: its `recorded_at` as ISO text,
    which the events of one command share)."""
    return (event.number, event.kind, event.on.isoformat(), event.officer, moment, _marked_text(event.details))


def chained_event(reference: str, event: ReadyEvent, prev_hash: str, key: bytes | None) -> tuple[str, str]:
    """An event's details as stored (`details_text`) and its hash (`event_hash`), from one
    encoding of its details rather than one for each: they are encoded with separators that no
    JSON text holds otherwise (the encoder writes every control character in a string as an
    escape), which are then spelled as the stored text spells them (", " and ": "), and in the
    UTF-8 of the hashed text as the hash's (where no other byte is either)."""
    marked = event[5]
    hashed = _hashed_text(reference, event, prev_hash, marked).encode().translate(_UNMARKED)
    return marked.replace(_ITEM_MARK, ", ").replace(_KEY_MARK, ": "), _digest(hashed, key)


def _hashed_text(reference: str, event: ReadyEvent, prev_hash: str, details: str) -> str:
    """The text an event's hash covers, with its details as given (`_chained_text`, or marked)."""
    number, kind, on, officer, recorded_at, _ = event
    return "".join(
        (
            '{"details":', details,
            ',"kind":', _json_string(kind),
            ',"number":', str(number),
            ',"officer":', _json_string(officer),
            ',"on":"', on,
            '","prev_hash":', _json_string(prev_hash),
            ',"recorded_at":"', recorded_at,
            '","reference":', _json_string(reference),
            "}",
        )
    )


# The columns of a `policy_versions` row that its hash covers, as they are stored.
POLICY_VERSION_CONTENT = ("number", "fingerprint", "content", "recorded_at", "officer", "note")


def policy_version_row(version: PolicyVersion) -> dict[str, Any]:
    """A policy version as its `policy_versions` row stores it, without its hashes."""
    return {
        "number": version.number,
        "fingerprint": version.policy.fingerprint(),
        "content": version.policy.content(),
        "recorded_at": version.recorded_at.isoformat(),
        "officer": version.officer,
        "note": version.note,
    }


def policy_version_hash(row: Mapping[str, Any], prev_hash: str, key: bytes | None) -> str:
    """The hash that chains a stored policy version into the same chain as the events, after
    whatever was recorded last (`prev_hash`): keyed as `event_hash` is, over the row's stored
    values (POLICY_VERSION_CONTENT). Its fields never match an event's, so neither can stand in
    for the other."""
    content = {name: row[name] for name in POLICY_VERSION_CONTENT}
    content["prev_hash"] = prev_hash
    return _chained(content, key)


# What a hash covers, as `json.dumps(content, sort_keys=True, ensure_ascii=False,
# separators=(",", ":"))` spells it; one encoder for every event (an import hashes many).
_chained_text = json_encoder(",", ":", sort_keys=True)


# An event's details as stored: `json.dumps(details, sort_keys=True, ensure_ascii=False)`, one
# encoder for every event.
details_text = json_encoder(sort_keys=True)

# The details encoded once for both (`chained_event`): separators of two control characters,
# which the encoder never leaves bare in a string.
_ITEM_MARK, _KEY_MARK = "\x1e", "\x1f"
_marked_text = json_encoder(_ITEM_MARK, _KEY_MARK, sort_keys=True)
_UNMARKED = bytes.maketrans(b"\x1e\x1f", b",:")


# A string as `_chained_text` spells it (the JSON encoder's own, ensure_ascii off).
_json_string = json_encoders.encode_basestring


def _chained(content: dict[str, Any], key: bytes | None) -> str:
    return _digest(_chained_text(content).encode(), key)


def _digest(encoded: bytes, key: bytes | None) -> str:
    if key is None:
        import hashlib  # here, not above: the reads load this module and never hash

        return hashlib.sha256(encoded).hexdigest()
    return _hmac_sha256(key)(encoded)


@lru_cache(maxsize=4)
def _hmac_sha256(key: bytes) -> Callable[[bytes], str]:
    """HMAC-SHA256 under `key` as hex, the same digest as `hmac.new(key, data, "sha256")`, with
    the key's two padded blocks (RFC 2104) hashed once for every event rather than once each:
    each event then costs two hashes continued, half of what the one-shot `hmac.digest` costs
    (an import chains tens of thousands). tests/test_chain.py holds it to the hmac module's."""
    import hashlib

    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    inner_start = hashlib.sha256(bytes(byte ^ 0x36 for byte in block))
    outer_start = hashlib.sha256(bytes(byte ^ 0x5C for byte in block))

    def digest(data: bytes) -> str:
        inner = inner_start.copy()
        inner.update(data)
        outer = outer_start.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    return digest


def case_values(case: Case) -> dict[str, Any]:
    stage = case.current
    nxt = case.next_deadline()
    return {
        "type": case.type,
        "stage": case.stage,
        "status": case.status,
        "outcome": case.outcome,
        "received_on": case.received_on,
        "name": case.name or None,
        "service": case.details.get("service"),
        "category": case.details.get("category"),
        "housing": bool(case.details.get("housing")),
        "ombudsman": case.ombudsman,
        "handler": case.handler,
        "acknowledge_by": stage.acknowledge_by,
        "acknowledged_on": stage.acknowledged_on,
        "respond_by": stage.respond_by,
        "escalate_by": case.escalate_by,
        "extension_days": stage.extension_days,
        "next_due": nxt[1] if nxt else None,
        "next_due_what": nxt[0] if nxt else None,
        "over_12_months": case.over_12_months,
        # The next progress update due (policy cadence or the date an update promised), kept
        # beside next_due so that overdue lists a missed update with a missed response.
        "update_due": stage.update_due if case.has_clock and not stage.is_closed else None,
        "external_ref": case.details.get("external_ref"),
        "search_text": search_text((case.reference, case.name, case.details.get("external_ref")), case.events),
    }


# The details `list --search` looks in besides the case row's reference, name and external_ref:
# the contact details and the summary, as `logged` gave them and as each `amended` event in
# force changed them (a case is found by its corrected details and by those it was logged with).
SEARCHED_DETAILS = (
    "email", "phone", "address", "representative", "representative_email", "representative_address", "summary",
)
# Between two values of the search text: a search holding it finds nothing (queries.list_cases),
# so a search never spans two values. Removed from the values themselves.
SEARCH_SEPARATOR = "\x1f"


def search_text(identifiers: Iterable[str | None], events: Iterable[Event]) -> str:
    """The `search_text` column of a case, in lower case: its identifiers (reference, name as
    the case row has it, external_ref), then the SEARCHED_DETAILS of its `logged` event and of
    the changes of its `amended` events in force, each once, in order."""
    events = list(events)
    values: list[Any] = list(identifiers)
    in_use = events[:1]
    # Without an amendment or a void (most cases, every one an import logs), the details searched
    # are the `logged` event's, the first: the corrections are read only when there are some.
    for event in events:
        if event.kind in CORRECTION_KINDS:
            from complaintctl.domain.corrections import in_force, voided_numbers

            in_use = in_force(events, voided_numbers(events))
            break
    for event in in_use:
        if event.kind == "logged":
            values.extend(map(event.details.get, SEARCHED_DETAILS))
        elif event.kind == "amended":
            changes = event.details["changes"]
            values.extend(changes[key]["after"] for key in SEARCHED_DETAILS if key in changes)
    return joined_search_text(values)


def joined_search_text(values: Iterable[Any]) -> str:
    """The `search_text` of these values, in their order: each once, in lower case, blanks left
    out, joined by a separator no value holds (so no search matches across two values)."""
    # A loop rather than generators: an import joins one for every case it logs.
    kept: dict[str, None] = {}
    for value in values:
        if value:
            text = str(value).replace(SEARCH_SEPARATOR, "").lower()
            if text:
                kept[text] = None
    return SEARCH_SEPARATOR.join(kept)


def stage_rows(case_id: int | None, case: Case) -> list[dict[str, Any]]:
    """The `stages` rows of a case's projection."""
    service, category = case.details.get("service"), case.details.get("category")
    return [
        {
            "case_id": case_id,
            "number": stage.number,
            "received_on": stage.received_on,
            "handler": stage.handler,
            "acknowledge_by": stage.acknowledge_by,
            "acknowledged_on": stage.acknowledged_on,
            "respond_by": stage.respond_by,
            "extension_days": stage.extension_days,
            "closed_on": stage.closed_on,
            "outcome": stage.outcome,
            "exclusion": stage.exclusion,
            "in_time": stage.responded_in_time,
            "apology": stage.apology,
            "compensation_pence": stage.compensation_pence,
            # The case's own, so the annual report counts stages without visiting the cases.
            "case_type": case.type,
            "service": service,
            "category": category,
            "escalated_late": bool(stage.late_reason),
        }
        for stage in case.stages
    ]


def action_rows(case_id: int | None, case: Case) -> list[dict[str, Any]]:
    """The `actions` rows of a case's projection."""
    return [
        {
            "case_id": case_id,
            "number": action.number,
            "stage": action.stage,
            "what": action.what,
            "due": action.due,
            "owner": action.owner,
            "done_on": action.done_on,
        }
        for action in case.actions
    ]


def event_from_row(row: Mapping[str, Any]) -> Event:
    """The event of an `events` row read by a statement (its date as a `date` or as ISO text)."""
    on = row["business_date"]
    return Event(
        kind=row["kind"],
        on=on if isinstance(on, date) else date.fromisoformat(on),
        officer=row["officer"],
        recorded_at=datetime.fromisoformat(row["recorded_at"]),
        details=json.loads(row["details"]),
        number=row["number"],
    )


def record_rows(case_id: int | None, case: Case) -> dict[str, list[dict[str, Any]]]:
    """The rows of each record table (by name, in the order of RECORD_TABLES) for the case, in
    order, without their `id`."""
    from complaintctl.domain.records import has_records, records_of

    found: dict[str, list[dict[str, Any]]] = {table: [] for table in RECORD_TABLES}
    if not has_records(case):
        return found
    records = records_of(case)
    referral = records.referral
    if referral:
        found["ombudsman_cases"].append(
            {
                "case_id": case_id,
                "ombudsman": referral.ombudsman,
                "referred_on": referral.referred_on,
                "their_reference": referral.their_reference,
                "determined_on": referral.determined_on,
            }
        )
        found["ombudsman_findings"] = [
            {
                "case_id": case_id,
                "number": item.number,
                "element": item.element,
                "finding": item.finding,
                "determined_on": referral.determined_on,
            }
            for item in referral.findings
        ]
        found["ombudsman_orders"] = [
            {
                "case_id": case_id,
                "number": order.number,
                "kind": order.kind,
                "what": order.what,
                "amount_pence": order.amount_pence,
                "made_on": order.made_on,
                "due": order.due,
                "complied_on": order.complied_on,
            }
            for order in referral.orders
        ]
    found["surveys"] = [
        {
            "case_id": case_id,
            "stage": survey.stage,
            "answered_on": survey.answered_on,
            **{question: survey.answers.get(question) for question in SURVEY_QUESTIONS},
        }
        for survey in records.surveys
    ]
    found["learning"] = [
        {"case_id": case_id, "number": item.number, "stage": item.stage, "recorded_on": item.recorded_on, "text": item.text}
        for item in records.learning
    ]
    return found

