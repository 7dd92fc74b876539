"""The complaint file as a zip: the timeline (HTML to read and print on A4, CSV to sort), every
letter as its step wrote it, the notes and actions, each deadline's explanation, the policy
versions the case was handled under, and a manifest of SHA-256 digests with the case's place in
the keyed chain, so that a reader can check nothing was changed after it was made."""

from __future__ import annotations

import hashlib
import html
import io
import json
import zipfile
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from complaintctl.domain.vocabulary import DECISIONS
from complaintctl.output import explain as explained
from complaintctl.output import letters
from complaintctl.output.render import case_json, csv_text, history_line

if TYPE_CHECKING:
    from complaintctl.domain.case import Case
    from complaintctl.domain.events import Event
    from complaintctl.domain.officers import Roster
    from complaintctl.domain.pack import PackSource, StepCase

TIMELINE_COLUMNS = [
    "number", "on", "recorded_at", "officer", "kind", "stage", "standing", "summary", "deadline", "due", "met",
]
ACTION_COLUMNS = ["number", "stage", "what", "owner", "added_on", "due", "done_on", "done_in_time"]
MANIFEST = "manifest.json"


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else ("" if value is None else str(value))


def _met(done: date | None, due: date | None) -> str:
    if done is None or due is None:
        return ""
    return "met" if done <= due else "missed"


def _deadline(case: Case, event: Event, stage_number: int) -> tuple[str, date | None, str]:
    """The deadline a step in force answered, its date and whether it was met."""
    if not case.has_clock or stage_number > len(case.stages):
        return "", None, ""
    stage = case.stages[stage_number - 1]
    if event.kind == "acknowledged":
        return "acknowledge", stage.acknowledge_by, _met(event.on, stage.acknowledge_by)
    if event.kind == "closed":
        due = stage.in_time_by or stage.respond_by
        if stage.outcome in DECISIONS:
            return "respond", due, _met(event.on, due)
        return "respond", due, ""
    if event.kind == "extended":
        moved = event.details.get("new_respond_by")
        return "respond (extended)", date.fromisoformat(moved) if moved else None, ""
    if event.kind == "escalated":
        window = case.stages[0].escalate_by
        if window is None:
            return "", None, ""
        return "ask for stage 2", window, _met(event.on, window)
    if event.kind == "action-done":
        action = next((item for item in case.actions if item.number == int(event.details["number"])), None)
        if action is not None:
            return f"action {action.number}", action.due, _met(event.on, action.due)
    return "", None, ""


def timeline_rows(case: Case) -> list[dict[str, Any]]:
    """Every event of the case, voided steps and corrections included, each saying whether it
    stands; a step in force says which deadline it answered and whether it was met."""
    voided_by = {
        number: event.number for event in case.events if event.kind == "voided" for number in event.details["events"]
    }
    rows = []
    stage_number = 1
    for event in case.events:
        standing = "in force"
        if event.number in voided_by:
            standing = f"voided by event {voided_by[event.number]}"
        elif event.kind == "voided":
            standing = "a void"
        elif event.kind == "escalated":
            stage_number = 2
        deadline, due, met = ("", None, "")
        if standing == "in force":
            deadline, due, met = _deadline(case, event, stage_number)
        rows.append(
            {
                "number": event.number,
                "on": event.on.isoformat(),
                "recorded_at": event.recorded_at.isoformat(),
                "officer": event.officer,
                "kind": event.kind,
                "stage": stage_number if case.has_clock else "",
                "standing": standing,
                "summary": history_line(event.kind, event.details),
                "deadline": deadline,
                "due": _iso(due),
                "met": met,
            }
        )
    return rows


def action_rows(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "number": action.number,
            "stage": action.stage,
            "what": action.what,
            "owner": action.owner or "",
            "added_on": _iso(action.added_on),
            "due": _iso(action.due),
            "done_on": _iso(action.done_on),
            "done_in_time": _met(action.done_on, action.due),
        }
        for action in case.actions
    ]


def notes_text(case: Case, rows: list[dict[str, Any]]) -> str:
    standing = {row["number"]: row["standing"] for row in rows}
    parts = []
    for event in case.events:
        if event.kind != "note":
            continue
        state = "" if standing[event.number] == "in force" else f" ({standing[event.number]})"
        parts.append(f"Note, event {event.number}, {event.on.isoformat()}, {event.officer}{state}\n{event.details.get('text', '')}\n")
    return "\n".join(parts) if parts else "No notes.\n"


def letter_files(source: PackSource, builtin: Path) -> dict[str, str]:
    """Each step's letter in text and HTML, as `letter REF KIND --stage N` prints it for the
    latest step of its kind; named by the step's event number so that they sort in order."""
    return step_letter_files(source.letters, source.roster, builtin)


def step_letter_files(steps: Iterable[StepCase], roster: Roster, builtin: Path) -> dict[str, str]:
    """letter_files for any steps that sent a letter (a subject access export's as a pack's)."""
    files = {}
    for item in steps:
        if item.step.kind in ("action-added", "action-done"):
            kind, stage = "closure", item.case.stage
        else:
            kind, stage = letters.default_kind(item.case)
        for fmt in ("text", "html"):
            content = letters.render(item.case, item.policy, builtin, kind, stage, fmt, roster)
            files[f"letters/{item.step.number:03d}-{kind}-stage{stage}.{letters.SUFFIX[fmt]}"] = str(content)
    return files


_STYLE = """
@page { size: A4; margin: 18mm 15mm; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4; color: #000;
       max-width: 180mm; margin: 1em auto; padding: 0 1em; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { border: 1px solid #777; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #eee; }
td.summary { white-space: pre-wrap; overflow-wrap: anywhere; min-width: 40mm; }
td.date { white-space: nowrap; }
tr.voided td.struck { text-decoration: line-through; color: #444; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 9.5pt; }
.missed { font-weight: bold; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2pt 1em; } dd { margin: 0; }
@media print {
  body { margin: 0; padding: 0; max-width: none; }
  thead { display: table-header-group; }
  tr, dl { page-break-inside: avoid; }
  h2 { page-break-after: avoid; }
}
"""


def _e(value: Any) -> str:
    return html.escape(_iso(value), quote=True)


def _table(columns: list[str], rows: list[dict[str, Any]], row_class=lambda row: "") -> str:
    head = "".join(f"<th>{_e(column.replace('_', ' '))}</th>" for column in columns)
    body = []
    for row in rows:
        cells = []
        for column in columns:
            classes = ["struck"] if column not in ("standing", "number") else []
            if column in ("on", "due", "added_on", "done_on", "received_on", "acknowledge_by",
                          "acknowledged_on", "respond_by", "closed_on"):
                classes.append("date")
            if column == "summary" or column == "what":
                classes.append("summary")
            if row.get(column) == "missed" or (column == "deadline" and row.get("met") == "missed"):
                classes.append("missed")
            cells.append(f'<td class="{" ".join(classes)}">{_e(row.get(column))}</td>')
        body.append(f'<tr class="{row_class(row)}">{"".join(cells)}</tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


# The page has the width of A4: the moment recorded to the minute and the deadline in one
# column (the CSV keeps each whole and apart).
HTML_TIMELINE_COLUMNS = ["number", "on", "recorded", "officer", "kind", "stage", "standing", "summary", "deadline"]


def _readable(row: dict[str, Any]) -> dict[str, Any]:
    recorded = datetime.fromisoformat(row["recorded_at"])
    if recorded.tzinfo is not None:
        recorded = recorded.astimezone(UTC)
    deadline = f"{row['deadline']} by {row['due']}" if row["due"] else row["deadline"]
    return {
        **row,
        "recorded": recorded.strftime("%Y-%m-%d %H:%M") + (" UTC" if recorded.tzinfo else ""),
        "deadline": f"{deadline}: {row['met']}" if row["met"] else deadline,
        "met": row["met"],
    }


def timeline_html(source: PackSource, rows: list[dict[str, Any]], letter_names: list[str]) -> str:
    case = source.case
    facts = [
        ("Reference", case.reference),
        ("Type", case.type),
        ("Received", case.received_on),
        ("Status", f"{case.status}, stage {case.stage}" if case.has_clock else case.status),
        ("Ombudsman", "Housing Ombudsman" if case.ombudsman == "housing" else "Local Government and Social Care Ombudsman"),
        ("Service", case.details.get("service") or ""),
        ("Summary", case.details.get("summary") or ""),
    ]
    stages = []
    if case.has_clock:
        for stage in case.stages:
            stages.append(
                {
                    "stage": stage.number,
                    "received_on": stage.received_on,
                    "handler": stage.handler or "",
                    "acknowledge_by": stage.acknowledge_by,
                    "acknowledged_on": stage.acknowledged_on,
                    "respond_by": stage.respond_by,
                    "extension_days": stage.extension_days,
                    "closed_on": stage.closed_on,
                    "outcome": stage.outcome or "",
                    "answered_in_time": "" if stage.responded_in_time is None else ("met" if stage.responded_in_time else "missed"),
                }
            )
    versions = [
        {"version": version.number, "in_force_from": version.recorded_at, "fingerprint": version.policy.fingerprint(),
         "stored_by": version.officer, "what_changed": version.note}
        for version in source.versions
    ]
    made = [
        ("Made", source.made_at.isoformat()),
        ("By", source.officer),
        ("Case chain hash", source.case_hash),
        ("Database chain head", source.chain_head),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # Everything is inline: the file opens the same with no network and loads nothing.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>Complaint file {_e(case.reference)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Complaint file {_e(case.reference)}</h1>",
        "<dl>" + "".join(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in facts) + "</dl>",
    ]
    if stages:
        parts += ["<h2>Stages and deadlines</h2>", _table(list(stages[0]), stages)]
    parts += [
        "<h2>Timeline</h2>",
        (
            "<p>Every event recorded, in order. A voided step is struck through and says which event voided it; "
            "an amendment shows each detail before and after.</p>"
        ),
        _table(HTML_TIMELINE_COLUMNS, [_readable(row) for row in rows], lambda row: "voided" if row["standing"].startswith("voided") else ""),
        "<h2>Actions</h2>",
        _table(ACTION_COLUMNS, action_rows(case)) if case.actions else "<p>No actions.</p>",
        "<h2>Notes</h2>",
    ]
    notes = [row for row in rows if row["kind"] == "note"]
    parts.append(_table(["number", "on", "officer", "standing", "summary"], notes) if notes else "<p>No notes.</p>")
    parts += [
        "<h2>How each deadline was counted</h2>",
        f"<pre>{_e(explained.explanation_text(source.explanation))}</pre>",
        "<h2>Letters</h2>",
        ("<ul>" + "".join(f"<li>{_e(name)}</li>" for name in letter_names) + "</ul>") if letter_names else "<p>No letters.</p>",
        "<h2>Policy versions</h2>",
        _table(list(versions[0]), versions) if versions else "<p>The policy in force now (policy/current.json).</p>",
        "<h2>This file</h2>",
        "<dl>" + "".join(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in made) + "</dl>",
        (
            f"<p>{_e(MANIFEST)} gives the SHA-256 of every file; the case chain hash can be checked against the "
            "council's database with <code>complaintctl verify --anchor</code>.</p>"
        ),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _stored(name: str, made_at: datetime) -> zipfile.ZipInfo:
    moment = made_at.astimezone(UTC) if made_at.tzinfo else made_at
    info = zipfile.ZipInfo(name, date_time=(max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o100600 << 16
    return info


def build(source: PackSource, builtin: Path) -> tuple[bytes, dict[str, Any]]:
    """The zip, and what the `pack-exported` event records of it. `builtin` is the folder of the
    built-in letter templates."""
    case = source.case
    rows = timeline_rows(case)
    written = letter_files(source, builtin)
    files: dict[str, str] = {
        "case.json": json.dumps(case_json(case), indent=2, ensure_ascii=False) + "\n",
        "timeline.csv": csv_text(rows, TIMELINE_COLUMNS),
        "timeline.html": timeline_html(source, rows, sorted(written)),
        "notes.txt": notes_text(case, rows),
        "actions.csv": csv_text(action_rows(case), ACTION_COLUMNS),
        "explanation.txt": explained.explanation_text(source.explanation),
        "explanation.json": json.dumps(explained.explanation_json(source.explanation), indent=2, ensure_ascii=False) + "\n",
        **written,
    }
    # The stored form of each version (Policy.content): its SHA-256 begins with the fingerprint
    # the database keeps for it.
    for version in source.versions:
        files[f"policy/version-{version.number}.json"] = version.policy.content()
    if not source.versions:
        files["policy/current.json"] = source.policy.content()
    # A redacted case's pack will add here what was redacted and when (and say so in the
    # timeline), once retention and redaction exist.
    manifest = {
        "reference": case.reference,
        "made_at": source.made_at.isoformat(),
        "made_by": source.officer,
        "case_chain_hash": source.case_hash,
        "chain_head": source.chain_head,
        "events": len(case.events),
        "policy_versions": [
            {"number": version.number, "in_force_from": version.recorded_at.isoformat(), "fingerprint": version.policy.fingerprint()}
            for version in source.versions
        ],
    }
    data, sealed = sealed_zip(files, manifest, source.made_at)
    details = {**sealed, "case_hash": source.case_hash, "chain_head": source.chain_head}
    return data, details


def sealed_zip(files: dict[str, str], manifest: dict[str, Any], made_at: datetime) -> tuple[bytes, dict[str, Any]]:
    """The files as a zip whose last member, `manifest.json`, is `manifest` with each file's
    SHA-256 and size; and the digests of the zip and its manifest, and the number of files, for
    the event that records the export."""
    encoded = {name: content.encode("utf-8") for name, content in files.items()}
    manifest = {
        **manifest,
        "files": [
            {"name": name, "sha256": hashlib.sha256(encoded[name]).hexdigest(), "bytes": len(encoded[name])}
            for name in sorted(encoded)
        ],
    }
    encoded[MANIFEST] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in [*sorted(name for name in encoded if name != MANIFEST), MANIFEST]:
            archive.writestr(_stored(name, made_at), encoded[name])
    data = buffer.getvalue()
    sealed = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "manifest_sha256": hashlib.sha256(encoded[MANIFEST]).hexdigest(),
        "files": len(encoded),
    }
    return data, sealed
