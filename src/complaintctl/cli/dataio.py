"""Data in and out: `export` every case with every field, `import` the team's spreadsheet."""

import sys
from typing import Optional

import typer

from complaintctl.cli.options import alternatives, choice, date_value, force_option
from complaintctl.cli.runtime import app, fail, handled, settings

EXPORT_FORMATS = ("csv", "json", "jsonl")


@app.command()
@handled
def export(
    fmt: str = typer.Option("csv", "--format", callback=choice(*EXPORT_FORMATS), help=f"{alternatives(EXPORT_FORMATS)}: CSV one row per case; JSON a list of `show --json` objects; JSON lines one a line."),
    out: Optional[str] = typer.Option(None, "--out", help="Write to FILE instead of stdout (0600, never over a file without --force)."),
    received_from: Optional[str] = typer.Option(None, "--from", callback=date_value, help="Only cases received on or after DATE."),
    received_to: Optional[str] = typer.Option(None, "--to", callback=date_value, help="Only cases received on or before DATE."),
    force: bool = force_option("the --out file"),
) -> None:
    """Export every case with every field: contact details, each stage's dates, handler, outcome, reasons, remedies, compensation, actions."""
    from complaintctl.output import export as pieces
    from complaintctl.output import files
    from complaintctl.services import export as exported

    if received_from and received_to and received_from > received_to:
        fail("--from is after --to; swap them")
    if out:
        files.write_private_checked(out, force)
    context = settings.reading_context()
    if fmt == "csv":
        text = pieces.csv_pieces(exported.flat_rows(context, received_from, received_to), exported.COLUMNS, exported.TYPED)
    else:
        cases = exported.cases(context, received_from, received_to)
        text = pieces.json_pieces(cases) if fmt == "json" else pieces.json_line_pieces(cases)
    if out:
        files.write_private_chunks(out, text, force=force)
        sys.stderr.write(f"Exported to {out}\n")
        return
    write = sys.stdout.write
    for piece in text:
        write(piece)
