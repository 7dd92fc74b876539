"""`verify` and `backup`: the database checked, and copied while others keep working."""

import typer

from complaintctl.cli.runtime import app, fail, handled, settings


@app.command()
@handled
def verify(as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON on stdout.")) -> None:
    """Check the database: storage, that no recorded event was altered or removed, and that every case matches its events."""
    from complaintctl.storage import integrity
    from complaintctl.output import render

    findings = integrity.verify(settings.context())
    if as_json:
        render.print_json(findings.as_json())
    elif findings.ok:
        typer.echo(findings.summary())
    if not findings.ok:
        fail(findings.summary())


@app.command()
@handled
def backup(
    destination: str = typer.Argument(..., help="The new file to write (never overwritten)."),
) -> None:
    """A consistent copy of the database while others keep working, verified before it is reported done."""
    from complaintctl.storage import integrity

    findings = integrity.backup(settings.context(), destination)
    if not findings.ok:
        fail(f"copied to {destination}, but the copy does not verify: {findings.summary()}; run `complaintctl verify`")
    typer.echo(f"Backed up to {destination}: {findings.events} events in {findings.cases} cases, verified")
