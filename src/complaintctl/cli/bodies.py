"""What `show`, `log`, `list --json` and `letter` do once their command line is read.

Shared by their Typer commands (cli/cases.py, cli/steps.py, cli/letters.py) and the lane (cli/lane.py), which
reads the commonest command lines without Typer; so this module, like `process_settings` and
`refusals`, never imports it. The values come checked and converted as the options' callbacks
leave them.
"""

import sys

from complaintctl.cli.process_settings import settings


def show(reference: str, as_json: bool, explain: bool) -> None:
    """Show a case, its deadlines and its full history."""
    from complaintctl.output import render
    from complaintctl import services

    context = settings.reading_context()
    case = services.get_case(context, reference.strip().upper())
    explanation = None
    if explain:
        from complaintctl.services.reading import explanation_of

        explanation = explanation_of(context, case)
    from complaintctl.services.restrictions import restriction_of_case

    restriction = restriction_of_case(context, case.details)
    if as_json:
        shown = render.case_json(case)
        shown["restriction"] = restriction.as_dict() if restriction is not None else None
        if explanation is not None:
            from complaintctl.output.explain import explanation_json

            shown["explanation"] = explanation_json(explanation)["deadlines"]
        render.print_json(shown)
    else:
        managed_contact = None
        if restriction is not None:
            managed_contact = (
                f"restriction {restriction.id}, review by {restriction.review_on.isoformat()}: {restriction.arrangements}"
            )
        render.show_case(case, managed_contact)
        if explanation is not None:
            from complaintctl.output.explain import explanation_text

            sys.stdout.write("\n" + explanation_text(explanation))


def log(fields: dict, as_json: bool) -> None:
    """Record a new complaint (or compliment or comment) and print its reference."""
    from complaintctl.cli.results import case_object, deadline_words, note_overdue_on_receipt
    from complaintctl.domain.vocabulary import OMBUDSMAN_NAMES
    from complaintctl.output import render
    from complaintctl import services

    context = settings.context()
    case = services.log_case(context, fields)
    if case.details.get("anonymous") and context.policy.anonymous_informal:
        render.say(
            f"{case.reference}: anonymous, so handled informally ([intake] anonymous): answered like any "
            "complaint, and counted apart from the complaint figures of the annual report."
        )
    if case.over_12_months:
        render.say(
            f"Warning: {case.reference}: the issue was known more than 12 months before receipt; "
            "the over-12-months exclusion may apply (discretion can override)."
        )
    look_alikes = services.open_look_alikes(context, case)
    if look_alikes:
        render.say(
            f"Warning: {case.reference} looks like {', '.join(look_alikes)}, still open: the same name or email and service, "
            f"received within {services.LOOK_ALIKE_WORKING_DAYS} working days; check it is not the same complaint twice."
        )
    restriction = _warn_if_restricted(context, case)
    note_overdue_on_receipt(case, context.calendar, settings.today)
    if as_json:
        render.print_json(case_object(case, restriction))
    else:
        sys.stdout.write(f"{case.reference}\n")
        # The Ombudsman is chosen by `[ombudsman] housing_services`, so the officer is told which.
        routed = f"; {OMBUDSMAN_NAMES[case.ombudsman]}" if case.type == "complaint" else ""
        render.say(f"Logged {case.type} {case.reference}, received {case.received_on.isoformat()}{deadline_words(case)}{routed}")


def _warn_if_restricted(context, case):
    """A restriction never stops a complaint being made; the officer is told of the arrangements."""
    from complaintctl.output import render
    from complaintctl.services.restrictions import restriction_of_case

    restriction = restriction_of_case(context, case.details)
    if restriction is not None:
        render.say(
            f"Warning: {case.reference}: the complainant is under restriction {restriction.id} (managed contact, "
            f"review by {restriction.review_on.isoformat()}): {restriction.arrangements}; "
            f"see `complaintctl restrict list`"
        )
    return restriction


def list_json(filters: dict) -> None:
    """The cases `list` chooses, as a JSON list on stdout."""
    from complaintctl.cli.refusals import fail
    from complaintctl.output import render
    from complaintctl import services

    if filters["received_from"] and filters["received_to"] and filters["received_from"] > filters["received_to"]:
        fail("--from is after --to; swap them")
    database = settings.reading_database()
    # SQLite writes each case's JSON itself; on PostgreSQL json encodes the rows.
    with services.listing_json(database, **filters) as objects:
        if objects is not None:
            render.print_json_objects(objects)
            return
    with services.listing(database, **filters) as (names, listed):
        render.print_json_rows(names, listed)


def letter(reference: str, kind: str | None, stage: int | None, fmt: str | None, out: str | None, force: bool) -> None:
    """Write the letter for a step of a case (`fmt`: as --format or the --out file's suffix
    chose it, None to follow the complainant's preferred contact)."""
    from complaintctl.output import letters
    from complaintctl.storage.locations import cache_folder, templates_folder
    from complaintctl import services

    context = settings.reading_context()
    case = services.get_case(context, reference.strip().upper())
    # Printed again, a letter says what it said then: the policy version of its step.
    chosen_kind, chosen_stage = kind, stage
    if kind is None and case.has_clock:
        chosen_kind, latest_stage = letters.default_kind(case)
        chosen_stage = stage or latest_stage
    case, policy = services.letter_case(context, case, chosen_kind, chosen_stage or case.stage)
    restriction = None
    if chosen_kind == "restriction":
        from complaintctl.services.restrictions import restriction_of_case

        restriction = restriction_of_case(context, case.details)
    content = letters.render(
        case, policy, templates_folder() / "letters", chosen_kind, chosen_stage,
        fmt or _unchosen_format(case, out), services.roster(context), cache_folder(), restriction,
    )  # fmt: skip
    if out:
        from complaintctl.output import render

        letters.write(out, content, force=force)
        render.say(f"Wrote the {chosen_kind or letters.default_kind(case)[0]} letter for {case.reference} to {out}")
    elif isinstance(content, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    elif sys.stdout.isatty():
        from complaintctl.output import render

        # Text typed before control characters were refused must not act on the terminal.
        sys.stdout.write(render.printable(content, multiline=True))
        sys.stdout.flush()
    else:
        import re

        # As the command wrote it through click's echo, which strips ANSI escapes from text that
        # goes anywhere but a terminal.
        sys.stdout.write(re.sub(r"\033\[[;?0-9]*[a-zA-Z]", "", content))
        sys.stdout.flush()


def _unchosen_format(case, out: str | None) -> str:
    """The format when neither --format nor --out's suffix says: the complainant's preferred
    contact for a file or a pipe (what will be sent), text for an officer reading a terminal."""
    from complaintctl.output import letters

    return "text" if out is None and sys.stdout.isatty() else letters.preferred_format(case)
