"""The steps of a case, each recorded as an event: `log`, `acknowledge`, `extend`, `update`,
`close`, `escalate` and `note`."""

from typing import Optional

import typer

from complaintctl.cli.options import (
    alternatives,
    choice,
    completes,
    date_value,
    email_address,
    force_option,
    free_text,
    json_option,
    letter_file_option,
    line_option,
    money,
    on_option,
    reference_argument,
    text_option,
)
from complaintctl.cli.results import (
    StepLetter,
    deadline_words,
    note_late_step,
    print_case,
)
from complaintctl.cli.runtime import app, fail, handled, settings
from complaintctl.domain.dates import parse_date
from complaintctl.domain.vocabulary import CASE_TYPES, CHANNELS, EXCLUSIONS, MOST_EXTENSION_DAYS, OUTCOMES, PREFERRED_CONTACT


@app.command()
@handled
def log(
    name: Optional[str] = line_option("--name", help="The complainant's name."),
    email: Optional[str] = typer.Option(None, "--email", callback=email_address, help="Email address."),
    phone: Optional[str] = line_option("--phone", help="Telephone number."),
    address: Optional[str] = text_option("--address", help="Postal address."),
    preferred_contact: Optional[str] = typer.Option(None, "--preferred-contact", callback=choice(*PREFERRED_CONTACT), help=f"{alternatives(PREFERRED_CONTACT)}."),
    channel: Optional[str] = typer.Option(None, "--channel", callback=choice(*CHANNELS), help=f"How it arrived: {', '.join(CHANNELS)}."),
    representative: Optional[str] = line_option("--representative", help="Someone acting for the complainant."),
    representative_email: Optional[str] = typer.Option(None, "--representative-email", callback=email_address, help="The representative's email address (letters go there)."),
    representative_address: Optional[str] = text_option("--representative-address", help="The representative's postal address (letters go there)."),
    anonymous: bool = typer.Option(False, "--anonymous", help="No name given."),
    service: Optional[str] = line_option("--service", help="Service area, e.g. Housing Repairs."),
    category: Optional[str] = line_option("--category", help="Category for the thematic analysis."),
    summary: Optional[str] = text_option("--summary", help="What it is about."),
    outcomes_sought: Optional[str] = text_option("--outcomes-sought", help="What the complainant wants to happen."),
    received: str = typer.Option("today", "--received", callback=date_value, help="Date received (default today)."),
    issue_date: Optional[str] = typer.Option(None, "--issue-date", callback=date_value, help="When the problem happened or became known."),
    housing: Optional[bool] = typer.Option(
        None, "--housing/--no-housing", show_default=False,
        help="About the organisation as a housing landlord (Housing Ombudsman), or not; default: as the policy's [ombudsman] housing_services lists the --service.",
    ),
    adjustments: Optional[str] = text_option("--adjustments", help="Reasonable adjustments, e.g. large print, interpreter."),
    case_type: str = typer.Option("complaint", "--type", callback=choice(*CASE_TYPES), help=f"{alternatives(CASE_TYPES)}."),
    as_json: bool = json_option(),
) -> None:
    """Record a new complaint (or compliment or comment) and print its reference."""
    from complaintctl.cli import bodies

    bodies.log(
        {
            "type": case_type,
            "name": name,
            "email": email,
            "phone": phone,
            "address": address,
            "preferred_contact": preferred_contact,
            "channel": channel,
            "representative": representative,
            "representative_email": representative_email,
            "representative_address": representative_address,
            "anonymous": anonymous,
            "service": service,
            "category": category,
            "summary": summary,
            "outcomes_sought": outcomes_sought,
            "received_on": received,
            "issue_date": issue_date,
            "housing": housing,
            "adjustments": adjustments,
        },
        as_json,
    )


@app.command()
@handled
def acknowledge(
    reference: str = reference_argument(),
    handler: Optional[str] = line_option("--handler", help="Who handles this stage (default: you)."),
    understanding: Optional[str] = text_option("--understanding", help="Our understanding of the complaint."),
    outcomes_sought: Optional[str] = text_option("--outcomes-sought", help="The outcomes the complainant seeks."),
    on: str = on_option(),
    as_json: bool = json_option(),
    letter: Optional[str] = letter_file_option(),
    force: bool = force_option("the --letter file"),
) -> None:
    """Record that the complaint (or stage 2 request) was acknowledged."""
    from complaintctl import services

    step_letter = StepLetter(letter, force)

    context = step_letter.context()
    case = services.acknowledge(context, reference.strip().upper(), on, handler, understanding, outcomes_sought)
    step_letter.write(case)
    note_late_step(case, context.calendar, "acknowledged")
    print_case(case, as_json, f"{case.reference} stage {case.stage} acknowledged on {on.isoformat()}, handler {case.handler}{deadline_words(case)}")


@app.command()
@handled
def extend(
    reference: str = reference_argument(),
    days: Optional[int] = typer.Option(None, "--days", min=1, max=MOST_EXTENSION_DAYS, help="Extra working days."),
    to: Optional[str] = typer.Option(None, "--to", callback=date_value, help="The new response date."),
    reason: Optional[str] = text_option("--reason", help="Why more time is needed (required)."),
    good_reason: Optional[str] = text_option("--good-reason", help="Why the extension may go beyond the policy's limit."),
    late_reason: Optional[str] = text_option("--late-reason", help="Why the extension is recorded after the response was due."),
    on: str = on_option(),
    as_json: bool = json_option(),
    letter: Optional[str] = letter_file_option(),
    force: bool = force_option("the --letter file"),
) -> None:
    """Extend the response date of the current stage."""
    from complaintctl import services

    step_letter = StepLetter(letter, force)

    case = services.extend(step_letter.context(), reference.strip().upper(), on, reason or "", days, to, good_reason, late_reason)
    step_letter.write(case)
    print_case(case, as_json, f"{case.reference} stage {case.stage} extended: respond by {case.current.respond_by.isoformat()} ({case.current.extension_days} working days of extension)")


@app.command()
@handled
def update(
    reference: str = reference_argument(),
    progress: Optional[str] = text_option("--progress", help="The progress reported to the complainant."),
    next_update: Optional[str] = typer.Option(None, "--next", callback=date_value, help="When the next update or the response will come."),
    on: str = on_option(),
    as_json: bool = json_option(),
    letter: Optional[str] = letter_file_option(),
    force: bool = force_option("the --letter file"),
) -> None:
    """Record a progress update sent to the complainant."""
    from complaintctl import services

    step_letter = StepLetter(letter, force)

    case = services.record_update(step_letter.context(), reference.strip().upper(), on, progress or "", next_update)
    step_letter.write(case)
    print_case(case, as_json, f"{case.reference} update recorded on {on.isoformat()}{deadline_words(case)}")


@app.command()
@handled
def close(
    reference: str = reference_argument(),
    outcome: str = typer.Option(..., "--outcome", callback=choice(*OUTCOMES), autocompletion=completes(*OUTCOMES), help=f"{alternatives(OUTCOMES)}."),
    reasons: Optional[str] = text_option("--reasons", help="The reasons for the decision, or the explanation of a refusal."),
    exclusion: Optional[str] = line_option("--exclusion", help="With --outcome refused: the exclusion code.", autocompletion=completes(*EXCLUSIONS)),
    steps_taken: Optional[str] = text_option("--steps", help="The steps taken to investigate."),
    remedy: Optional[str] = text_option("--remedy", help="What will be done to put things right, and when."),
    apology: bool = typer.Option(False, "--apology", help="An apology was given."),
    compensation: Optional[str] = typer.Option(None, "--compensation", callback=money, help="Compensation offered, in pounds."),
    learning: Optional[str] = text_option("--learning", help="Learning or service improvement from the complaint."),
    actions: list[str] = text_option("--action", default=[], help="An outstanding action promised (repeat; pair each with --action-due)."),
    action_due: list[str] = typer.Option([], "--action-due", help="The due date of each --action, in order."),
    on: str = on_option(),
    as_json: bool = json_option(),
    letter: Optional[str] = letter_file_option(),
    force: bool = force_option("the --letter file"),
) -> None:
    """Issue the stage's outcome."""
    from complaintctl import services

    step_letter = StepLetter(letter, force)

    if len(actions) != len(action_due):
        fail(f"{reference.strip().upper()}: give one --action-due DATE for each --action TEXT")
    due_dates = []
    for value in action_due:
        try:
            due_dates.append(parse_date(value, settings.today))
        except ValueError as problem:
            raise typer.BadParameter(str(problem), param_hint="'--action-due'") from None
    chosen_exclusion = exclusion.strip().lower() if exclusion else None
    context = step_letter.context()
    case = services.close(
        context,
        reference.strip().upper(),
        on,
        outcome,
        reasons=reasons,
        exclusion=chosen_exclusion,
        steps_taken=steps_taken,
        learning=learning,
        remedy=services.Remedy(
            apology=apology,
            compensation_pence=compensation or 0,
            remedy=remedy,
            actions=[(what, due, None) for what, due in zip(actions, due_dates)],
        ),
    )
    if compensation and case.details.get("anonymous"):
        from complaintctl.output.render import say

        say(f"Warning: {case.reference} is anonymous: the compensation recorded has no one to be paid to; check how it will reach the complainant.")
    step_letter.write(case)
    note_late_step(case, context.calendar, "responded")
    message = f"{case.reference} stage {case.current.number} closed on {on.isoformat()}: {outcome}"
    if case.escalate_by:
        message += f"; stage 2 may be requested until {case.escalate_by.isoformat()}"
    print_case(case, as_json, message)


@app.command()
@handled
def escalate(
    reference: str = reference_argument(),
    handler: Optional[str] = line_option("--handler", help="Who reviews at stage 2 (not the stage 1 handler)."),
    late_reason: Optional[str] = text_option("--late-reason", help="Why a request outside the window is accepted."),
    outcomes_sought: Optional[str] = text_option("--outcomes-sought", help="What the complainant now wants."),
    reasons: Optional[str] = text_option("--reasons", help="What the complainant remains unhappy about (required for an LGSCO case only where the policy's [stage2] reasons says so)."),
    on: str = on_option(),
    as_json: bool = json_option(),
    letter: Optional[str] = letter_file_option(),
    force: bool = force_option("the --letter file"),
) -> None:
    """Open stage 2 from a closed stage 1 at the complainant's request."""
    from complaintctl import services

    step_letter = StepLetter(letter, force)

    case = services.escalate(step_letter.context(), reference.strip().upper(), on, handler, late_reason, outcomes_sought, reasons)
    step_letter.write(case)
    print_case(case, as_json, f"{case.reference} escalated to stage 2 on {on.isoformat()}{deadline_words(case)}")


@app.command()
@handled
def note(
    reference: str = reference_argument(),
    text: str = typer.Argument(..., callback=free_text, help="The note (internal: never shown in letters)."),
    on: str = on_option(),
    as_json: bool = json_option(),
) -> None:
    """Add an internal note to a case."""
    from complaintctl import services

    case = services.add_note(settings.context(), reference.strip().upper(), on, text)
    print_case(case, as_json, f"{case.reference} note added")
