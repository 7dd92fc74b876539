"""What a command that changes a case prints: the case as JSON or one line for the officer, the
next deadline in words, and the step's letter when `--letter FILE` asked for it."""

from typing import Optional

from complaintctl.cli.process_settings import settings


# `case_object` reads the restriction itself unless the command already did.
UNREAD = object()


def case_object(case, restriction=UNREAD) -> dict:
    """The `show --json` object of a case: the case, and the restriction its complainant is under
    (or null), read through the Context the command opened."""
    from complaintctl.output import render

    shown = render.case_json(case)
    if restriction is UNREAD:
        from complaintctl.services.restrictions import restriction_of_case

        restriction = restriction_of_case(settings.opened_context(), case.details)
    shown["restriction"] = restriction.as_dict() if restriction is not None else None
    return shown


def print_case(case, as_json: bool, message: str) -> None:
    """The case as JSON on stdout, or `message` for the officer."""
    from complaintctl.output import render

    if as_json:
        render.print_json(case_object(case))
    else:
        render.say(message)


def deadline_words(case) -> str:
    """`; next: respond by 2026-12-04`, or nothing when no deadline is pending."""
    nxt = case.next_deadline()
    return f"; next: {nxt[0]} by {nxt[1].isoformat()}" if nxt else ""


class StepLetter:
    """`--letter FILE` of an event command. The letter is rendered from the case as the step
    leaves it, inside the step's transaction, under the policy the step is recorded under: a
    letter that cannot be written (an `.eml` for a case with no email address, a template error)
    refuses the step, and nothing is recorded. Once the step is recorded, the file is written."""

    def __init__(self, path: Optional[str], force: bool = False) -> None:
        self.path = path
        self.force = force
        self.kind = ""
        self.content: "str | bytes" = ""

    def context(self):
        """The command's Context, set to render the letter before the step is committed."""
        context = settings.context()
        if self.path:
            context.before_commit = lambda case: self.render(case, context)
        return context

    def render(self, case, context) -> None:
        """Under the policy the step is recorded under, naming officers as the roster the step's
        transaction read."""
        from complaintctl import services
        from complaintctl.output.letters import render_step_letter
        from complaintctl.storage.locations import cache_folder, templates_folder

        self.kind, self.content = render_step_letter(
            case, context.policy, templates_folder() / "letters", self.path, services.roster(context), cache_folder()
        )

    def write(self, case) -> None:
        if self.path:
            from complaintctl.output import render
            from complaintctl.output.letters import write_step_letter

            write_step_letter(case, self.path, self.kind, self.content, force=self.force)
            render.say(f"Wrote the {self.kind} letter for {case.reference} to {self.path}")


def working_days_words(count: int) -> str:
    return f"{count} working day{'' if count == 1 else 's'}"


def note_late_step(case, calendar, step: str) -> None:
    """`Note: REF stage 1 acknowledged 3 working days late (due 2026-11-17)` on stderr when the step
    just recorded (`acknowledged` or `responded`) came after its due date; nothing otherwise.

    Late is counted as `overdue` counts: working days after the due date up to and including the
    step's date. A step on the weekend after a Friday deadline is late by no working day, and says so.
    """
    from complaintctl.output import render

    stage = case.current
    if step == "acknowledged":
        due, done = stage.acknowledge_by, stage.acknowledged_on
        late = due is not None and done is not None and done > due
    else:
        # The date that counts for "in time": an extension recorded after it cannot excuse the delay.
        due, done = stage.in_time_by or stage.respond_by, stage.closed_on
        late = stage.responded_in_time is False
    if not late:
        return
    count = calendar.between(due, done)
    how_late = f"{working_days_words(count)} late" if count > 0 else "late, though on no working day past it"
    render.say(f"Note: {case.reference} stage {stage.number} {step} {how_late} (due {due.isoformat()})")


def note_overdue_on_receipt(case, calendar, today) -> None:
    """A complaint logged after its acknowledgement was already due: the officer is told at once,
    rather than first by the next `overdue` list."""
    from complaintctl.output import render

    stage = case.current
    if not case.has_clock or stage.acknowledged_on or stage.acknowledge_by is None or stage.acknowledge_by >= today:
        return
    count = calendar.between(stage.acknowledge_by, today)
    render.say(
        f"Note: {case.reference}: the acknowledgement is already overdue by {working_days_words(count)} "
        f"(due {stage.acknowledge_by.isoformat()}); acknowledge it today"
    )


def exported_to(out: str, force: bool, build, export):
    """Run `export`, a service that records on its cases what it hands out, with a writer of
    `out`: the zip `build(source)` gives (its bytes, and what the events record of it) is written
    inside the service's transaction, so that a file that cannot be written records nothing, and
    is removed again when the transaction does not commit after it. The service's result, and
    what was recorded of the file."""
    from pathlib import Path

    from complaintctl.output.files import write_private

    written = []

    def write(source):
        data, details = build(source)
        write_private(out, data, force=force)
        written.append(details)
        return details

    try:
        result = export(write)
    except BaseException:
        # No file without the events that record it.
        if written:
            Path(out).unlink(missing_ok=True)
        raise
    return result, written[0]
