"""A subject access export as a zip: `person.json` (the details that matched and why each case
was found), for each case its `show --json` object and a readable page with its details, history
and every letter as sent, `review.txt` listing the internal notes (and the cases where the person
is a representative) to check for third parties' data before sending, an `index.html` linking
the pages, and a manifest of SHA-256 digests."""

from __future__ import annotations

import html
import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from complaintctl.domain.sar import ROLES
from complaintctl.output import pack
from complaintctl.output.render import CONTACT_KEYS, case_json

if TYPE_CHECKING:
    from complaintctl.domain.sar import SarCase, SarSource

REVIEW = "review.txt"

# Self-contained and printable: every style inline, nothing loaded.
_HEAD = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
    "<title>{title}</title>\n<style>\n"
    "@page { size: A4; margin: 18mm 15mm; }\n"
    "body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4; max-width: 180mm; margin: 1em auto; padding: 0 1em; }\n"
    "h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.5em; } h3 { font-size: 11pt; }\n"
    "table { border-collapse: collapse; width: 100%; font-size: 9pt; }\n"
    "th, td { border: 1px solid #777; padding: 2pt 4pt; text-align: left; vertical-align: top; }\n"
    "th { background: #eee; } td { overflow-wrap: anywhere; white-space: pre-wrap; }\n"
    "tr.voided td { text-decoration: line-through; color: #444; }\n"
    "pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 9.5pt; border: 1px solid #ccc; padding: 4pt; }\n"
    "dl { display: grid; grid-template-columns: max-content auto; gap: 2pt 1em; } dd { margin: 0; overflow-wrap: anywhere; }\n"
    "@media print { body { margin: 0; padding: 0; max-width: none; } thead { display: table-header-group; }"
    " tr, pre { page-break-inside: avoid; } h2, h3 { page-break-after: avoid; } }\n"
    "</style></head><body>\n"
)
_TIMELINE = ["number", "on", "officer", "kind", "standing", "summary"]


def _e(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        value = value.isoformat()
    return html.escape("" if value is None else str(value), quote=True)


def _page(title: str, body: list[str]) -> str:
    return _HEAD.replace("{title}", _e(title)) + "\n".join(body) + "\n</body></html>\n"


def _table(columns: list[str], rows: list[dict[str, Any]]) -> str:
    head = "".join(f"<th>{_e(column.replace('_', ' '))}</th>" for column in columns)
    body = "".join(
        f'<tr class="{"voided" if str(row.get("standing", "")).startswith("voided") else ""}">'
        + "".join(f"<td>{_e(row.get(column))}</td>" for column in columns)
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _why(item: SarCase) -> list[str]:
    return [
        f"{ROLES[match.key][0]} as {match.role}" + ("" if match.current else " (as logged, since amended)")
        for match in item.matched
    ]


def folder(item: SarCase) -> str:
    return f"cases/{item.case.reference}"


def case_page(item: SarCase, letter_files: dict[str, str]) -> str:
    """The case as a person reads it: details, stages, history, and each letter as sent."""
    case = item.case
    details = [(key.replace("_", " ").capitalize(), case.details.get(key)) for key in CONTACT_KEYS if case.details.get(key) not in (None, "", False)]
    facts = [("Reference", case.reference), ("Type", case.type), ("Received", case.received_on), ("Status", case.status), *details]
    body = [
        f"<h1>Case {_e(case.reference)}</h1>",
        f"<p>Found because of: {_e('; '.join(_why(item)))}.</p>",
        "<h2>Details held</h2>",
        "<dl>" + "".join(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in facts) + "</dl>",
    ]
    if case.has_clock:
        stages = [
            {"stage": stage.number, "received_on": stage.received_on, "handler": stage.handler or "",
             "acknowledged_on": stage.acknowledged_on, "respond_by": stage.respond_by, "closed_on": stage.closed_on,
             "outcome": stage.outcome or ""}
            for stage in case.stages
        ]
        body += ["<h2>Stages</h2>", _table(list(stages[0]), stages)]
    body += [
        "<h2>History</h2>",
        "<p>Every event recorded, in order, internal notes included; a voided step is struck through.</p>",
        _table(_TIMELINE, pack.timeline_rows(case)),
        "<h2>Actions</h2>",
        _table(pack.ACTION_COLUMNS, pack.action_rows(case)) if case.actions else "<p>No actions.</p>",
        "<h2>Letters</h2>",
    ]
    texts = sorted(name for name in letter_files if name.endswith(".txt"))
    if not texts:
        body.append("<p>No letters.</p>")
    for name in texts:
        page = name[: -len(".txt")] + ".html"
        short = name.split("/", 2)[2]
        body += [
            f'<h3>{_e(short)} (<a href="{_e(page.split("/", 2)[2])}">as sent, HTML</a>)</h3>',
            f"<pre>{_e(letter_files[name])}</pre>",
        ]
    return _page(f"Case {case.reference}", body)


def review_text(source: SarSource) -> str:
    """What the officer checks before sending: each internal note, and each case where the person
    is a representative (the complainant is someone else)."""
    lines = [
        "Notes to review for third parties' names before sending.",
        "Redact other people's personal data from these notes (in the case's JSON and HTML page) before the export is sent.",
        "",
    ]
    notes = [(item.case.reference, event) for item in source.cases for event in item.case.events if event.kind == "note"]
    for reference, event in notes:
        text = " ".join(str(event.details.get("text", "")).split())
        lines.append(f"{reference}  {event.on.isoformat()}  event {event.number}: {text}")
    if not notes:
        lines.append("No notes.")
    represented = [item.case.reference for item in source.cases if all(match.role == "representative" for match in item.matched)]
    if represented:
        lines += ["", "Cases where the person is the representative: the complainant's details there are a third party's.", *represented]
    return "\n".join(lines) + "\n"


def person_json(source: SarSource, files: dict[str, list[str]]) -> dict[str, Any]:
    held: dict[str, list[str]] = {"names": [], "emails": [], "phones": []}
    for item in source.cases:
        for match in item.matched:
            what = f"{ROLES[match.key][0]}s"
            if match.value not in held[what]:
                held[what].append(match.value)
    return {
        "made_at": source.made_at.isoformat(),
        "made_by": source.officer,
        "matched": held,
        "cases": [
            {
                "reference": item.case.reference,
                "matched": [{"detail": match.key, "as": match.role, "value": match.value, "current": match.current} for match in item.matched],
                "why": _why(item),
                "files": files[item.case.reference],
            }
            for item in source.cases
        ],
    }


def index_page(source: SarSource) -> str:
    rows = "".join(
        f'<li><a href="{_e(folder(item))}/case.html">{_e(item.case.reference)}</a>: {_e(item.case.type)}, received '
        f"{_e(item.case.received_on)}, {_e(item.case.status)} ({_e('; '.join(_why(item)))})</li>"
        for item in source.cases
    )
    return _page(
        "Subject access export",
        [
            "<h1>Subject access export</h1>",
            f"<p>Made {_e(source.made_at.isoformat())} by {_e(source.officer)}: {len(source.cases)} cases.</p>",
            f"<ul>{rows}</ul>",
            (
                "<p>Each case folder also holds the case as JSON (case.json) and its letters. "
                f"{_e(pack.MANIFEST)} gives the SHA-256 of every file.</p>"
            ),
        ],
    )


def build(source: SarSource, builtin: Path) -> tuple[bytes, dict[str, Any]]:
    """The zip, and what each case's `sar-exported` event records of it (no personal details:
    they are in the case already). `builtin` is the folder of the built-in letter templates."""
    files: dict[str, str] = {}
    listed: dict[str, list[str]] = {}
    for item in source.cases:
        base = folder(item)
        letters = {f"{base}/{name}": text for name, text in pack.step_letter_files(item.letters, source.roster, builtin).items()}
        shown = case_json(item.case)
        shown["restriction"] = item.restriction.as_dict() if item.restriction is not None else None
        own = {
            f"{base}/case.json": json.dumps(shown, indent=2, ensure_ascii=False, default=str) + "\n",
            f"{base}/case.html": case_page(item, letters),
            **letters,
        }
        files.update(own)
        listed[item.case.reference] = sorted(own)
    files["person.json"] = json.dumps(person_json(source, listed), indent=2, ensure_ascii=False) + "\n"
    files[REVIEW] = review_text(source)
    files["index.html"] = index_page(source)
    manifest = {
        "made_at": source.made_at.isoformat(),
        "made_by": source.officer,
        "cases": [item.case.reference for item in source.cases],
    }
    data, sealed = pack.sealed_zip(files, manifest, source.made_at)
    return data, {**sealed, "cases": len(source.cases)}
