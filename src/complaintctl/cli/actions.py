"""`action add`, `action done` and `action list`: the actions promised to complainants, tracked
after closure."""

from typing import Optional

import typer

from complaintctl.cli.options import date_value, json_option, line_option, on_option, reference_argument, text_option
from complaintctl.cli.results import print_case
from complaintctl.cli.runtime import app, fail, handled, settings

action_app = typer.Typer(help="Outstanding actions promised to complainants, tracked after closure.", no_args_is_help=True)
app.add_typer(action_app, name="action")


@action_app.command("add")
@handled
def action_add(
    reference: str = reference_argument(),
    what: Optional[str] = text_option("--what", help="What was promised."),
    due: Optional[str] = typer.Option(None, "--due", callback=date_value, help="When it is due."),
    owner: Optional[str] = line_option("--owner", help="Who will do it."),
    on: str = on_option(),
    as_json: bool = json_option(),
) -> None:
    """Add an outstanding action to a case."""
    from complaintctl import services

    if due is None:
        fail(f"{reference.strip().upper()}: say when the action is due with --due DATE")
    case = services.add_action(settings.context(), reference.strip().upper(), on, what or "", due, owner)
    action = case.actions[-1]
    print_case(case, as_json, f"{case.reference} action {action.number} added, due {action.due.isoformat()}")


@action_app.command("done")
@handled
def action_done(
    reference: str = reference_argument(),
    number: int = typer.Argument(..., min=1, help="The action's number."),
    on: str = on_option(),
    as_json: bool = json_option(),
) -> None:
    """Mark an action done."""
    from complaintctl import services

    case = services.complete_action(settings.context(), reference.strip().upper(), number, on)
    print_case(case, as_json, f"{case.reference} action {number} done on {on.isoformat()}")


@action_app.command("list")
@handled
def action_list(
    overdue: bool = typer.Option(False, "--overdue", help="Only actions past their due date."),
    as_json: bool = typer.Option(False, "--json", help="JSON list on stdout."),
) -> None:
    """List actions (all, or only the overdue ones)."""
    from complaintctl.output import render
    from complaintctl import services

    rows = services.list_actions(settings.reading_context(), overdue_only=overdue)
    if as_json:
        render.print_json(rows)
    elif not rows:
        render.say("No actions." if not overdue else "No overdue actions.")
    else:
        render.show_table(
            "Actions",
            ["Reference", "#", "What", "Due", "Owner", "Done"],
            [[r["reference"], r["number"], r["what"], r["due"], r.get("owner"), r.get("done_on")] for r in rows],
            squeeze=("What", "Owner"),
        )
