"""`workdays add` and `workdays between`: the working-day calculator, with the policy's calendar."""

import typer

from complaintctl.cli.options import date_value
from complaintctl.cli.runtime import app, fail, handled, settings

workdays_app = typer.Typer(help="The working-day calculator, with the policy's calendar.", no_args_is_help=True)
app.add_typer(workdays_app, name="workdays")


# A negative count (`workdays add 2026-12-01 -1`) reaches the range check, which says what
# DAYS may be, instead of being taken for an unknown option.
@workdays_app.command("add", context_settings={"ignore_unknown_options": True})
@handled
def workdays_add(
    start: str = typer.Argument(..., callback=date_value, help="Start date (not counted)."),
    days: int = typer.Argument(..., min=0, max=3650, help="Working days to add."),
    as_json: bool = typer.Option(False, "--json", help="JSON on stdout."),
) -> None:
    """The N-th working day after DATE."""
    from complaintctl.output import render

    result = settings.policy().calendar().add(start, days)
    if as_json:
        render.print_json({"start": start, "days": days, "date": result})
    else:
        typer.echo(f"{result.isoformat()} ({result.strftime('%A')})")


@workdays_app.command("between")
@handled
def workdays_between(
    start: str = typer.Argument(..., callback=date_value, help="From (not counted)."),
    end: str = typer.Argument(..., callback=date_value, help="To (counted)."),
    as_json: bool = typer.Option(False, "--json", help="JSON on stdout."),
) -> None:
    """Working days after A up to and including B (negative when B is before A)."""
    from complaintctl.output import render

    if abs((end - start).days) > 36600:
        fail("the dates are more than 100 years apart; check them")
    result = settings.policy().calendar().between(start, end)
    if as_json:
        render.print_json({"start": start, "end": end, "working_days": result})
    else:
        typer.echo(str(result))
