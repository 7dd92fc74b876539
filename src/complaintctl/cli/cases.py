"""Reading cases: `show` one case with its history, `list` them filtered."""

from typing import Any, Optional

import typer

from complaintctl.cli.options import alternatives, choice, completes, date_value, json_option, line_option, reference_argument
from complaintctl.cli.runtime import app, fail, handled, settings
from complaintctl.domain.vocabulary import CASE_TYPES, LIVE, LIVE_STATUSES, OUTCOME_WORDS, STATUSES, statuses_named


def statuses(param: typer.CallbackParam, value: Optional[str]) -> Optional[list[str]]:
    """`--status`: one status or several separated by commas, `live` for every status not closed."""
    if value is None:
        return None
    try:
        return statuses_named(value)
    except ValueError as unknown:
        word = unknown.args[0]
        raise typer.BadParameter(f"{word!r} is not a status; give {alternatives([*STATUSES, LIVE])}, or several separated by commas", param=param) from None


@app.command()
@handled
def show(
    reference: str = reference_argument(),
    as_json: bool = json_option(),
    explain: bool = typer.Option(False, "--explain", help="End with how each deadline was counted (as `explain`; with --json, the key `explanation`)."),
) -> None:
    """Show a case, its deadlines and its full history."""
    from complaintctl.cli import bodies

    bodies.show(reference, as_json, explain)


def _next_words(row: dict[str, Any]) -> str:
    if row["type"] != "complaint":
        return row["type"]
    if row["status"] == "closed":
        return f"closed: {OUTCOME_WORDS[row['outcome']]}" if row["outcome"] else "closed"
    return row["next_due_what"] or row["status"]


LIST_COLUMNS = ["reference", "type", "stage", "status", "outcome", "received_on", "name", "service", "handler", "next_due", "next_due_what"]


@app.command("list")
@handled
def list_cases(
    status: Optional[str] = typer.Option(
        None,
        "--status",
        callback=statuses,
        autocompletion=completes(*STATUSES, LIVE),
        help=f"{alternatives(STATUSES)}, or several separated by commas; {LIVE} = {','.join(LIVE_STATUSES)}.",
    ),
    search: Optional[str] = line_option("--search", help="Text in the reference, name, email, phone, address, representative or summary (any case)."),
    stage: Optional[int] = typer.Option(None, "--stage", min=1, max=2, help="1 or 2."),
    handler: Optional[str] = line_option("--handler", help="Handled by."),
    service: Optional[str] = line_option("--service", help="Service area."),
    received_from: Optional[str] = typer.Option(None, "--from", "--received-from", callback=date_value, help="Received on or after."),
    received_to: Optional[str] = typer.Option(None, "--to", "--received-to", callback=date_value, help="Received on or before."),
    case_type: Optional[str] = typer.Option(
        None, "--type", callback=choice(*CASE_TYPES), autocompletion=completes(*CASE_TYPES), help=f"{alternatives(CASE_TYPES)}."
    ),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the newest N."),
    as_json: bool = typer.Option(False, "--json", help="JSON list on stdout."),
    as_csv: bool = typer.Option(False, "--csv", help="CSV on stdout."),
) -> None:
    """List cases, newest first, filtered."""
    from complaintctl.output import render
    from complaintctl import services

    filters = {
        "status": status,
        "stage": stage,
        "handler": handler,
        "service": service,
        "received_from": received_from,
        "received_to": received_to,
        "case_type": case_type,
        "limit": limit,
        "search": search,
    }
    if as_json:
        from complaintctl.cli import bodies

        bodies.list_json(filters)
        return
    if received_from and received_to and received_from > received_to:
        fail("--from is after --to; swap them")
    rows = services.list_cases(settings.reading_database(), **filters)
    if as_csv:
        render.print_csv(rows, LIST_COLUMNS)
    elif not rows:
        render.say("No cases match.")
    else:
        render.show_table(
            f"{len(rows)} case" + ("s" if len(rows) != 1 else ""),
            ["Reference", "St", "Name", "Service", "Handler", "Next", "Due"],
            [
                [
                    row["reference"],
                    row["stage"],
                    row["name"],
                    row["service"],
                    row["handler"],
                    _next_words(row),
                    row["next_due"],
                ]
                for row in rows
            ],
            squeeze=("Name", "Service", "Handler"),
        )
