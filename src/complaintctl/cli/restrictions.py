"""Managed contact: `restrict` records a restriction on one person's contact (SPEC §12),
`restrict list` lists them and `restrict end` ends one with its reason."""

from typing import Optional

import typer

from complaintctl.cli.options import (
    date_value,
    email_address,
    json_option,
    line_option,
    on_option,
    one_line,
    text_option,
)
from complaintctl.cli.runtime import app, handled, settings

restrict_app = typer.Typer(
    help="Managed contact: restrict how one person may contact the team, after unreasonable or persistent behaviour.",
    invoke_without_command=True,
)
app.add_typer(restrict_app, name="restrict")


def _say_restriction(restriction, as_json: bool, message: str) -> None:
    from complaintctl.output import render

    if as_json:
        render.print_json(restriction.as_dict())
    else:
        render.say(message)


@restrict_app.callback()
@handled
def restrict(
    context: typer.Context,
    name: Optional[str] = line_option("--name", help="The person's name, as their complaints give it."),
    email: Optional[str] = typer.Option(None, "--email", callback=email_address, help="Their email address."),
    phone: Optional[str] = line_option("--phone", help="Their telephone number."),
    reason: Optional[str] = text_option("--reason", help="Why: the behaviour the restriction answers."),
    arrangements: Optional[str] = text_option("--arrangements", help="How they may contact the team meanwhile, e.g. one named contact, by email only."),
    decided_by: list[str] = typer.Option(
        [], "--decided-by", metavar="NAME", callback=one_line,
        help="Who decided (repeat for each: e.g. service manager, head of service, legal).",
    ),
    review: Optional[str] = typer.Option(None, "--review", callback=date_value, help="The date it is reviewed by; it lasts until then."),
    on: str = on_option(),
    as_json: bool = json_option("Print the restriction as JSON on stdout."),
) -> None:
    """Record a restriction on one person's contact: who decided, why, the arrangements and the review date.

    A restriction never stops a complaint being made: `log` records a complaint from the person
    as any other and warns with the arrangements. See also `restrict list` and `restrict end`."""
    if context.invoked_subcommand is not None:
        return
    if not any((name, email, phone, reason, arrangements, decided_by, review)):
        typer.echo(context.get_help())
        raise typer.Exit(0)
    if review is None:
        raise typer.BadParameter("give the date the restriction is reviewed by", param_hint="'--review'")
    from complaintctl.services.restrictions import restrict as record

    restriction = record(settings.context(), name, email, phone, reason, arrangements, decided_by, review, on)
    _say_restriction(
        restriction, as_json,
        f"Recorded restriction {restriction.id}, decided {restriction.decided_on.isoformat()}, "
        f"to be reviewed by {restriction.review_on.isoformat()}; write to the person with "
        f"`complaintctl letter REF restriction`",
    )


@restrict_app.command("list")
@handled
def restrict_list(as_json: bool = json_option("Print the restrictions as a JSON list on stdout.")) -> None:
    """List the restrictions, ended ones too."""
    from complaintctl.output import render
    from complaintctl.services.restrictions import restrictions

    found = restrictions(settings.reading_context())
    if as_json:
        render.print_json([restriction.as_dict() for restriction in found])
    elif not found:
        render.say("No restrictions recorded.")
    else:
        render.show_table(
            f"{len(found)} restriction" + ("s" if len(found) != 1 else ""),
            ["Id", "Name", "Email", "Phone", "Arrangements", "Decided", "Review", "Ended"],
            [
                [
                    str(item.id),
                    item.name or "",
                    item.email or "",
                    item.phone or "",
                    item.arrangements,
                    item.decided_on.isoformat(),
                    item.review_on.isoformat(),
                    item.ended_on.isoformat() if item.ended_on else "",
                ]
                for item in found
            ],
            squeeze=("Name", "Email", "Arrangements"),
        )


@restrict_app.command("end")
@handled
def restrict_end(
    restriction_id: int = typer.Argument(..., metavar="ID", min=1, max=2**62, help="The restriction's id (see `restrict list`)."),
    reason: Optional[str] = text_option("--reason", help="Why it ends, e.g. reviewed: no longer needed."),
    on: str = on_option(),
    as_json: bool = json_option("Print the restriction as JSON on stdout."),
) -> None:
    """End a restriction (kept, with who ended it, when and why)."""
    from complaintctl.services.restrictions import end_restriction

    ended = end_restriction(settings.context(), restriction_id, reason, on)
    _say_restriction(ended, as_json, f"Ended restriction {ended.id} from {ended.ended_on.isoformat()}")
