"""What a command that changes a case prints: the case as JSON or one line for the officer, the
next deadline in words, and the step's letter when `--letter FILE` asked for it."""

from typing import Optional

from complaintctl.cli.runtime import settings


def print_case(case, as_json: bool, message: str) -> None:
    """The case as JSON on stdout, or `message` for the officer."""
    from complaintctl.output import render

    if as_json:
        render.print_json(render.case_json(case))
    else:
        render.say(message)


def deadline_words(case) -> str:
    """`; next: respond by 2026-12-04`, or nothing when no deadline is pending."""
    nxt = case.next_deadline()
    return f"; next: {nxt[0]} by {nxt[1].isoformat()}" if nxt else ""


def write_letter(case, path: Optional[str], force: bool = False) -> None:
    """Write the letter of the case's latest step to `path`, when one was given, under the policy
    in force now: the step was recorded under it."""
    if path:
        from complaintctl.output import render
        from complaintctl.output.letters import write_step_letter
        from complaintctl.storage.locations import cache_folder, templates_folder

        kind = write_step_letter(
            case, settings.policy(), templates_folder() / "letters", path, force=force, roster=settings.roster(), cache=cache_folder()
        )
        render.say(f"Wrote the {kind} letter for {case.reference} to {path}")
