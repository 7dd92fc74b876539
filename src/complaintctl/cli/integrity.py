"""`verify` and `backup`: the database checked, and copied while others keep working."""

import re
from typing import Optional

import typer

from complaintctl.cli.runtime import app, fail, handled, settings

CHAIN_HASH = re.compile(r"[0-9a-f]{64}")


@app.command()
@handled
def verify(
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON on stdout."),
    anchor: Optional[str] = typer.Option(
        None, "--anchor", metavar="HEX", help="Also require that an event or policy version of the chain has this hash (a chain head recorded earlier), with all its history unchanged."
    ),
    head: bool = typer.Option(False, "--head", help="Only print the chain head as recorded, without checking: a value to keep elsewhere for --anchor."),
) -> None:
    """Check the database: storage, that no recorded event or policy version was altered or removed, and that every case matches its events."""
    if head:
        _print_head(as_json)
        return
    wanted = None
    if anchor is not None:
        wanted = anchor.strip().lower()
        if not CHAIN_HASH.fullmatch(wanted):
            fail("--anchor must be a chain head as verify prints it: 64 hexadecimal digits")
    from complaintctl.storage import integrity
    from complaintctl.output import render

    findings = integrity.verify(settings.context(), wanted)
    if as_json:
        render.print_json(findings.as_json())
    elif findings.ok:
        typer.echo(findings.summary())
    if not findings.ok:
        fail(findings.summary())


def _print_head(as_json: bool) -> None:
    context = settings.reading_context()
    try:
        with context.store.reading() as tx:
            recorded = tx.meta("chain_head") or ""
    finally:
        context.store.dispose()
    if as_json:
        from complaintctl.output import render

        render.print_json({"chain_head": recorded})
    else:
        typer.echo(recorded)


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
    typer.echo(f"Backed up to {destination}: {findings.events} events in {findings.cases} cases, verified; chain head {findings.chain_head or '(no events yet)'}")
