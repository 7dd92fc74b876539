"""Keeping personal data no longer than the retention schedule says: `retention` lists (and with
`--apply` redacts) the cases past the policy's period, `hold` keeps a case from it."""

import typer

from complaintctl.cli.options import date_value, json_option, on_option, reference_argument, text_option
from complaintctl.cli.results import print_case
from complaintctl.cli.runtime import app, handled, settings

# A terminal shows the first cases due, in the order they were logged: the first run at a council
# with years of cases finds hundreds of thousands, which --json lists.
SHOWN = 200


@app.command()
@handled
def hold(
    reference: str = reference_argument(),
    reason: str = text_option("--reason", help="Why: the claim, request or investigation the data must be kept for; or why the hold ends."),
    release: bool = typer.Option(False, "--release", help="End the case's legal hold."),
    on: str = on_option(),
    as_json: bool = json_option(),
) -> None:
    """Place a legal hold on a case, so that `retention --apply` never redacts it; --release ends it."""
    from complaintctl.services.retention import place_hold, release_hold

    step = release_hold if release else place_hold
    case = step(settings.context(), reference.strip().upper(), on, reason)
    if release:
        message = f"{case.reference}: legal hold released; its personal data is redacted once past retention"
    else:
        message = f"{case.reference}: held; `retention --apply` leaves its personal data until the hold is released"
    print_case(case, as_json, message)


@app.command()
@handled
def retention(
    as_of: str = typer.Option("today", "--as-of", callback=date_value, help="Count the retention period to this date instead of today."),
    apply: bool = typer.Option(False, "--apply", help="Redact the personal data of the cases listed (not held ones), from the database file itself."),
    as_json: bool = json_option("Print what was found (and redacted) as JSON on stdout."),
) -> None:
    """List the cases whose personal data is past the policy's retention period ([retention] years,
    counted from the last thing done on a settled case); --apply redacts it.

    Redaction keeps every figure the reports count (dates, stages, outcomes, services,
    categories, exclusion codes, compensation) and replaces names, contact details, summaries,
    reasons, notes and other free text with [redacted]; `verify` still proves every event. Held
    cases are listed and never redacted."""
    from complaintctl.output import render
    from complaintctl.services import retention as service

    context = settings.context()
    found = service.apply(context, as_of) if apply else service.review(context, as_of)
    if as_json:
        render.print_json(_as_json(found))
        return
    if not found.due:
        render.say(f"No case has personal data past retention ({found.years} years, nothing done since {found.cutoff.isoformat()}).")
    else:
        render.show_table(
            f"Past retention on {found.as_of.isoformat()}: {found.years} years, nothing done since {found.cutoff.isoformat()}",
            ["Reference", "Type", "Last activity", "Held"],
            [
                [item.reference, item.type, item.last_activity.isoformat(), item.held_since.isoformat() if item.held_since else ""]
                for item in found.due[:SHOWN]
            ],
        )
        if len(found.due) > SHOWN:
            render.say(f"… and {len(found.due) - SHOWN:,} more: `complaintctl retention --json` lists every one.")
    held = f"; {len(found.held)} held, left as they are" if found.held else ""
    if not apply:
        if found.to_redact:
            render.say(f"{len(found.to_redact)} to redact{held}; nothing changed. Redact them with `complaintctl retention --apply`.")
        return
    restrictions = f" and {render.counted(found.restrictions, 'ended restriction')}" if found.restrictions else ""
    render.say(f"Redacted {render.counted(len(found.redacted), 'case')} ({render.counted(found.redacted_events, 'event')}){restrictions}{held}.")
    if not found.reclaimed:
        render.say(
            "Warning: another process kept the database busy, so its files may still hold what was redacted; "
            "run `complaintctl retention --apply` again when no one is using it."
        )


def _as_json(found) -> dict:
    return {
        "as_of": found.as_of.isoformat(),
        "years": found.years,
        "cutoff": found.cutoff.isoformat(),
        "applied": found.applied,
        "cases": [
            {
                "reference": item.reference,
                "type": item.type,
                "last_activity": item.last_activity.isoformat(),
                "held": item.held_since is not None,
                "held_since": item.held_since.isoformat() if item.held_since else None,
                "redacted": item.reference in found.redacted,
            }
            for item in found.due
        ],
        "due": len(found.to_redact),
        "held": len(found.held),
        "redacted": len(found.redacted),
        "redacted_events": found.redacted_events,
        "redacted_restrictions": found.restrictions,
    }
