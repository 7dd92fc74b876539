"""Corrections, each an event with a reason: `amend` a case's details, `void` its latest step.

`amend` takes one option for each detail of domain.corrections.AMENDABLE, made here from that
table, so a detail added there is an option here with nothing else to change.
"""

import inspect
from typing import Any, Optional

import typer

from complaintctl.cli.options import (
    alternatives,
    choice,
    date_value,
    email_address,
    json_option,
    line_option,
    on_option,
    reference_argument,
    text_option,
)
from complaintctl.cli.results import deadline_words, print_case
from complaintctl.cli.runtime import app, handled, settings
from complaintctl.domain.corrections import AMENDABLE, Amendable


def _or_removed(check):
    """A callback that also takes "" (a detail removed) as it is."""

    def callback(param: typer.CallbackParam, value: Optional[str]) -> Optional[str]:
        if value is not None and not value.strip():
            return ""
        return check(param, value)

    return callback


def _option(field: Amendable) -> Any:
    if field.kind == "line":
        return line_option(field.option, help=field.help)
    if field.kind == "text":
        return text_option(field.option, help=field.help)
    if field.kind == "email":
        return typer.Option(None, field.option, callback=_or_removed(email_address), help=field.help)
    if field.kind == "choice":
        return typer.Option(
            None, field.option, callback=_or_removed(choice(*field.choices)), help=f"{field.help} {alternatives(field.choices)}."
        )
    if field.kind == "date":
        return typer.Option(None, field.option, callback=date_value, help=field.help)
    if field.kind == "flag":
        return typer.Option(None, f"{field.option}/--no-{field.option[2:]}", help=field.help, show_default=False)
    raise ValueError(f"no option for a detail of kind {field.kind!r}")


def _amend(reference: str, reason: Optional[str], on: Any, as_json: bool, **fields: Any) -> None:
    """Correct a case's details, with the reason; the history keeps them before and after."""
    from complaintctl import services

    case = services.amend(settings.context(), reference.strip().upper(), on, reason or "", fields)
    changed = list(case.events[-1].details["changes"])
    words = ", ".join(key.replace("_", " ") for key in changed)
    print_case(case, as_json, f"{case.reference} amended: {words}")


_amend.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [
        inspect.Parameter("reference", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=reference_argument(), annotation=str),
        inspect.Parameter(
            "reason",
            inspect.Parameter.KEYWORD_ONLY,
            default=text_option("--reason", help="Why the details are corrected (required)."),
            annotation=Optional[str],
        ),
        *(
            inspect.Parameter(
                field.key,
                inspect.Parameter.KEYWORD_ONLY,
                default=_option(field),
                annotation=Optional[bool] if field.kind == "flag" else Optional[str],
            )
            for field in AMENDABLE
        ),
        inspect.Parameter("on", inspect.Parameter.KEYWORD_ONLY, default=on_option(), annotation=str),
        inspect.Parameter("as_json", inspect.Parameter.KEYWORD_ONLY, default=json_option(), annotation=bool),
    ]
)
_amend.__annotations__ = {parameter.name: parameter.annotation for parameter in _amend.__signature__.parameters.values()}
app.command("amend")(handled(_amend))


@app.command()
@handled
def void(
    reference: str = reference_argument(),
    reason: Optional[str] = text_option("--reason", help="Why the step is taken back (required)."),
    on: str = on_option(),
    as_json: bool = json_option(),
) -> None:
    """Take back the case's latest step (a close on the wrong case, an acknowledgement in error):
    the case is as if it had not happened, and its history shows it voided."""
    from complaintctl import services

    case = services.void(settings.context(), reference.strip().upper(), on, reason or "")
    voided = case.events[-1].details
    print_case(
        case,
        as_json,
        f"{case.reference}: step {voided['step']} ({voided['kind']} on {voided['step_on']}) voided; "
        f"stage {case.stage}, {case.status}{deadline_words(case)}",
    )
