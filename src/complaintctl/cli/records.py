"""Commands for the records the annual report needs: `ombudsman`, `survey` and `learning`."""

from typing import Optional

import typer

from complaintctl.cli.options import (
    alternatives,
    choice,
    date_value,
    free_text,
    json_option,
    line_option,
    money,
    on_option,
    reference_argument,
    text_option,
)
from complaintctl.cli.results import case_object
from complaintctl.cli.runtime import app, handled, settings
from complaintctl.domain.vocabulary import FINDINGS, OMBUDSMEN, ORDER_KINDS

ombudsman_app = typer.Typer(
    help="Ombudsman referrals, determinations (a finding per complaint element) and orders with compliance dates.",
    no_args_is_help=True,
)
app.add_typer(ombudsman_app, name="ombudsman")

YES_NO = choice("yes", "no", "y", "n")


def _answer(value: Optional[str]) -> Optional[bool]:
    return None if value is None else value.startswith("y")


def _out(case, as_json: bool, message: str) -> None:
    """The case JSON with its report records beside it, or a message for the officer."""
    from complaintctl.output import render

    if as_json:
        render.print_json({**case_object(case), "records": render.records_json(case)})
    else:
        render.say(message)


def _reference(value: str) -> str:
    return value.strip().upper()


def _referral(case):
    """The case's Ombudsman referral, or None before one is recorded."""
    from complaintctl.domain.records import records_of

    return records_of(case).referral


RECORDS_JSON_HELP = "Print the case, with its report records, as JSON on stdout."


@ombudsman_app.command("refer")
@handled
def ombudsman_refer(
    reference: str = reference_argument(),
    their_reference: Optional[str] = line_option("--their-reference", help="The Ombudsman's own case reference."),
    ombudsman: Optional[str] = typer.Option(None, "--ombudsman", callback=choice(*OMBUDSMEN), help=f"{alternatives(OMBUDSMEN)} (default: the case's Ombudsman)."),
    on: str = on_option(),
    as_json: bool = json_option(RECORDS_JSON_HELP),
) -> None:
    """Record that the complainant referred the complaint to the Ombudsman (--on: the referral date)."""
    from complaintctl import services

    case = services.refer(settings.context(), _reference(reference), on, their_reference, ombudsman)
    _out(case, as_json, f"{case.reference} referred to the Ombudsman on {on.isoformat()}")


@ombudsman_app.command("determine")
@handled
def ombudsman_determine(
    reference: str = reference_argument(),
    findings: list[str] = line_option(
        "--finding",
        default=[],
        help="ELEMENT=FINDING for each complaint element (repeat), e.g. 'Repairs=maladministration'. Findings: "
        f"{', '.join(FINDINGS)}.",
    ),
    on: str = on_option(),
    as_json: bool = json_option(RECORDS_JSON_HELP),
) -> None:
    """Record the Ombudsman's determination: a finding for each element of the complaint."""
    from complaintctl import services

    case = services.determine(settings.context(), _reference(reference), on, findings)
    count = len(_referral(case).findings)
    _out(case, as_json, f"{case.reference} determination of {on.isoformat()} recorded with {count} finding" + ("s" if count != 1 else ""))


@ombudsman_app.command("order")
@handled
def ombudsman_order(
    reference: str = reference_argument(),
    kind: str = line_option("--kind", default=..., help=f"{alternatives(ORDER_KINDS)}."),
    due: str = typer.Option(..., "--due", callback=date_value, help="The compliance date the Ombudsman set."),
    amount: Optional[str] = typer.Option(None, "--amount", callback=money, help="For compensation: the sum ordered, in pounds."),
    what: Optional[str] = text_option("--what", help="What the order requires."),
    on: Optional[str] = typer.Option(None, "--on", callback=date_value, help="When the order was made (default: the determination date)."),
    as_json: bool = json_option(RECORDS_JSON_HELP),
) -> None:
    """Record one order of the Ombudsman's determination, with its compliance date."""
    from complaintctl import services

    case = services.add_order(settings.context(), _reference(reference), kind, due, what, amount, on)
    order = _referral(case).orders[-1]
    _out(case, as_json, f"{case.reference} Ombudsman order {order.number} ({order.kind}) recorded, to comply by {order.due.isoformat()}")


@ombudsman_app.command("comply")
@handled
def ombudsman_comply(
    reference: str = reference_argument(),
    number: int = typer.Argument(..., min=1, help="The order's number (see `ombudsman show`)."),
    on: str = on_option(),
    as_json: bool = json_option(RECORDS_JSON_HELP),
) -> None:
    """Record that an Ombudsman order was complied with."""
    from complaintctl import services

    case = services.comply(settings.context(), _reference(reference), number, on)
    order = next(item for item in _referral(case).orders if item.number == number)
    timing = "in time" if order.complied_in_time() else f"late (due {order.due.isoformat()})"
    _out(case, as_json, f"{case.reference} Ombudsman order {number} complied with on {on.isoformat()}, {timing}")


@ombudsman_app.command("show")
@handled
def ombudsman_show(
    reference: str = reference_argument(),
    as_json: bool = json_option(RECORDS_JSON_HELP),
) -> None:
    """Show the case's Ombudsman referral, findings and orders."""
    from complaintctl import services
    from complaintctl.output import render

    case = services.get_case(settings.context(), _reference(reference))
    if as_json:
        _out(case, True, "")
        return
    referral = _referral(case)
    if referral is None:
        render.say(f"{case.reference} has not been referred to the Ombudsman.")
        return
    name = "Housing Ombudsman" if referral.ombudsman == "housing" else "LGSCO"
    typer.echo(render.printable(f"{case.reference}: referred to the {name} on {referral.referred_on.isoformat()}"
               + (f" (their reference {referral.their_reference})" if referral.their_reference else "")))
    if referral.determined_on is None:
        typer.echo("Not yet determined.")
        return
    typer.echo(f"Determined on {referral.determined_on.isoformat()}")
    render.show_table("Findings", ["#", "Element", "Finding"], [[f.number, f.element, FINDINGS[f.finding]] for f in referral.findings], squeeze=("Element",))
    if referral.orders:
        render.show_table(
            "Orders",
            ["#", "Order", "What", "Amount", "Due", "Complied"],
            [
                [
                    o.number,
                    ORDER_KINDS[o.kind],
                    o.what,
                    f"£{o.amount_pence / 100:,.2f}" if o.amount_pence else "",
                    o.due,
                    o.complied_on or "outstanding",
                ]
                for o in referral.orders
            ],
            squeeze=("What",),
        )


@app.command()
@handled
def survey(
    reference: str = reference_argument(),
    satisfied: Optional[str] = typer.Option(None, "--satisfied", callback=YES_NO, help="Satisfied with the way the complaint was dealt with? yes or no."),
    easy: Optional[str] = typer.Option(None, "--easy", callback=YES_NO, help="Was it easy to make the complaint? yes or no."),
    time_taken: Optional[str] = typer.Option(None, "--time", callback=YES_NO, help="Satisfied with the time it took? yes or no."),
    informed: Optional[str] = typer.Option(None, "--informed", callback=YES_NO, help="Kept informed of progress? yes or no."),
    addressed: Optional[str] = typer.Option(None, "--addressed", callback=YES_NO, help="Was the complaint fully addressed? yes or no."),
    on: str = on_option(),
    as_json: bool = json_option(RECORDS_JSON_HELP),
) -> None:
    """Record the complainant's satisfaction survey answers (after the complaint is closed)."""
    from complaintctl import services

    answers = {
        "satisfied_with_handling": _answer(satisfied),
        "easy_to_complain": _answer(easy),
        "satisfied_with_time": _answer(time_taken),
        "kept_informed": _answer(informed),
        "fully_addressed": _answer(addressed),
    }
    case = services.record_survey(settings.context(), _reference(reference), on, answers)
    _out(case, as_json, f"{case.reference} survey answers recorded on {on.isoformat()}")


@app.command()
@handled
def learning(
    reference: str = reference_argument(),
    text: str = typer.Argument(..., callback=free_text, help="What was learned or changed in the service because of this complaint."),
    on: str = on_option(),
    as_json: bool = json_option(RECORDS_JSON_HELP),
) -> None:
    """Record learning or a service improvement from a closed complaint (for the annual report)."""
    from complaintctl import services

    case = services.record_learning(settings.context(), _reference(reference), on, text)
    _out(case, as_json, f"{case.reference} learning recorded on {on.isoformat()}")
