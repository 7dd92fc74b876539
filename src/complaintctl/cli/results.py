"""What a command that changes a case prints: the case as JSON or one line for the officer, the
next deadline in words, and the step's letter when `--letter FILE` asked for it."""

from typing import Optional

from complaintctl.cli.runtime import settings


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
