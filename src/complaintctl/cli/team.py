"""The team: `officer add`, `officer list` and `officer retire` keep the roster; `assign` gives a
case's current stage to another officer."""

from typing import Optional

import typer

from complaintctl.cli.options import (
    alternatives,
    email_address,
    json_option,
    line_option,
    on_option,
    one_line,
    reference_argument,
    text_option,
)
from complaintctl.cli.results import print_case
from complaintctl.cli.runtime import app, handled, settings
from complaintctl.domain.vocabulary import OFFICER_ROLES

officer_app = typer.Typer(help="The team roster: the officers who handle cases and record steps.", no_args_is_help=True)
app.add_typer(officer_app, name="officer")


def _roles(param: typer.CallbackParam, values: Optional[list[str]]) -> list[str]:
    chosen = []
    for value in values or []:
        cleaned = value.strip().lower()
        if cleaned not in OFFICER_ROLES:
            raise typer.BadParameter(f"{value!r} is not one of: {', '.join(OFFICER_ROLES)}", param=param)
        chosen.append(cleaned)
    return chosen


def _officer_json(officer) -> dict:
    return {
        "id": officer.id,
        "name": officer.name,
        "login": officer.login,
        "email": officer.email,
        "roles": list(officer.roles),
        "active": officer.active,
        "added_at": officer.added_at.isoformat(),
        "added_by": officer.added_by,
        "retired_at": officer.retired_at.isoformat() if officer.retired_at else None,
        "retired_by": officer.retired_by,
        "roles_changed_at": officer.roles_changed_at.isoformat() if officer.roles_changed_at else None,
        "roles_changed_by": officer.roles_changed_by,
    }


@officer_app.command("add")
@handled
def officer_add(
    name: str = typer.Argument(..., callback=one_line, help="The officer's full name, as letters show it."),
    login: Optional[str] = line_option("--login", help="The login they record under (COMPLAINTCTL_OFFICER defaults to it)."),
    email: Optional[str] = typer.Option(None, "--email", callback=email_address, help="Their work email address."),
    roles: list[str] = typer.Option([], "--role", callback=_roles, help=f"{alternatives(OFFICER_ROLES)} (repeat for several; default handler)."),
    as_json: bool = json_option("Print the officer as JSON on stdout."),
) -> None:
    """Add an officer to the team roster."""
    from complaintctl.output import render
    from complaintctl import services

    added = services.add_officer(settings.context(), name, login, email, roles)
    officer = added.officer
    if as_json:
        render.print_json(_officer_json(officer))
    else:
        render.say(f"Added {officer.labelled()} to the team roster ({', '.join(officer.roles)})")
    if not added.recorder_on_roster:
        render.say(
            "Note: from now on every step is recorded by an officer on the roster; you are not on it, so add "
            "yourself next, or record with --officer NAME (or COMPLAINTCTL_OFFICER)"
        )


@officer_app.command("list")
@handled
def officer_list(as_json: bool = json_option("Print the roster as a JSON list on stdout.")) -> None:
    """List the team roster, retired officers too."""
    from complaintctl.output import render

    officers = settings.roster().officers
    if as_json:
        render.print_json([_officer_json(officer) for officer in officers])
    elif not officers:
        render.say("The team roster is empty: handlers are free text. Add officers with `complaintctl officer add NAME`.")
    else:
        render.show_table(
            f"{len(officers)} officer" + ("s" if len(officers) != 1 else ""),
            ["Name", "Login", "Email", "Roles", "Added", "Roles set", "Left"],
            [
                [
                    officer.name,
                    officer.login,
                    officer.email,
                    ", ".join(officer.roles),
                    officer.added_at.date().isoformat(),
                    officer.roles_changed_at.date().isoformat() if officer.roles_changed_at else "",
                    officer.retired_at.date().isoformat() if officer.retired_at else "",
                ]
                for officer in officers
            ],
            squeeze=("Name", "Email", "Roles"),
        )


@officer_app.command("roles")
@handled
def officer_roles(
    name: str = typer.Argument(..., callback=one_line, help="The officer: login, full name or its start."),
    roles: list[str] = typer.Option([], "--role", callback=_roles, help=f"{alternatives(OFFICER_ROLES)} (repeat for several; at least one)."),
    as_json: bool = json_option("Print the officer as JSON on stdout."),
) -> None:
    """Replace a current officer's roles, e.g. to make them a reviewer for stage 2.

    The roles given replace the ones they hold; who changed them and when is kept and shown by
    `officer list`."""
    from complaintctl.output import render
    from complaintctl import services

    officer = services.change_roles(settings.context(), name, roles)
    if as_json:
        render.print_json(_officer_json(officer))
    else:
        render.say(f"{officer.name} now holds the roles: {', '.join(officer.roles)}")


@officer_app.command("retire")
@handled
def officer_retire(
    name: str = typer.Argument(..., callback=one_line, help="The officer: login, full name or its start."),
    as_json: bool = json_option("Print the officer as JSON on stdout."),
) -> None:
    """Retire an officer (kept in history).

    A retired officer stays on the roster and in every case they handled, but is given no new
    case or step; the open cases they still handle are listed, for `assign`."""
    from complaintctl.output import render
    from complaintctl import services

    retired = services.retire_officer(settings.context(), name)
    if as_json:
        render.print_json({**_officer_json(retired.officer), "open_cases": retired.open_cases})
        return
    render.say(f"Retired {retired.officer.name} from the team roster")
    if retired.open_cases:
        count = len(retired.open_cases)
        shown = ", ".join(retired.open_cases[:10]) + (" …" if count > 10 else "")
        cases, each = ("1 open case", "it") if count == 1 else (f"{count} open cases", "each")
        render.say(
            f"They still handle {cases}: {shown}; give {each} to another officer "
            "with `complaintctl assign REF --handler NAME`"
        )


@app.command()
@handled
def assign(
    reference: str = reference_argument(),
    handler: str = line_option("--handler", default=..., help="The officer who takes over the current stage."),
    reason: Optional[str] = text_option("--reason", help="Why the case changes hands."),
    on: str = on_option(),
    as_json: bool = json_option(),
) -> None:
    """Give the current stage of a case to another officer, before or after acknowledgement."""
    from complaintctl import services

    case = services.assign(settings.context(), reference.strip().upper(), on, handler, reason)
    print_case(case, as_json, f"{case.reference} stage {case.stage} handled by {case.handler} from {on.isoformat()}")
