"""`explain`: how each deadline of a case was counted, for a person or a script."""

from typing import Optional

import typer

from complaintctl.cli.options import json_option, reference_argument
from complaintctl.cli.runtime import app, handled, settings


@app.command()
@handled
def explain(
    reference: str = reference_argument(),
    stage: Optional[int] = typer.Option(None, "--stage", min=1, max=2, help="Only the deadlines of this stage."),
    as_json: bool = json_option("JSON on stdout: {reference, type, policy_version, deadlines}."),
) -> None:
    """How each deadline of a case was counted: from which date and why, the working days and the
    policy key that sets them, every day not counted and why, and the extensions."""
    import sys

    from complaintctl.output import explain as explained
    from complaintctl.output import render
    from complaintctl.services.reading import explain_case

    explanation = explain_case(settings.reading_context(), reference.strip().upper(), stage)
    if as_json:
        render.print_json(explained.explanation_json(explanation))
    else:
        sys.stdout.write(explained.explanation_text(explanation))
