"""Data in and out: `export` every case with every field, `import` the team's spreadsheet."""

import sys

import typer

from complaintctl.cli.options import alternatives, choice, date_value, force_option
from complaintctl.cli.runtime import app, fail, handled, settings

EXPORT_FORMATS = ("csv", "json", "jsonl")


@app.command()
@handled
def export(
    fmt: str = typer.Option("csv", "--format", callback=choice(*EXPORT_FORMATS), help=f"{alternatives(EXPORT_FORMATS)}: CSV one row per case; JSON a list of `show --json` objects; JSON lines one a line."),
    out: str | None = typer.Option(None, "--out", help="Write to FILE instead of stdout (0600, never over a file without --force)."),
    received_from: str | None = typer.Option(None, "--from", callback=date_value, help="Only cases received on or after DATE."),
    received_to: str | None = typer.Option(None, "--to", callback=date_value, help="Only cases received on or before DATE."),
    force: bool = force_option("the --out file"),
) -> None:
    """Export every case with every field: contact details, each stage's dates, handler, outcome, reasons, remedies, compensation, actions."""
    from complaintctl.cli import export_workers
    from complaintctl.output import export as pieces
    from complaintctl.output import files

    if received_from and received_to and received_from > received_to:
        fail("--from is after --to; swap them")
    if out:
        files.write_private_checked(out, force)
    context = settings.reading_context()
    if fmt == "csv":
        text = export_workers.csv_texts(context, received_from, received_to)
    else:
        texts = export_workers.case_texts(context, fmt, received_from, received_to)
        text = pieces.json_list_pieces(texts) if fmt == "json" else texts
    if out:
        files.write_private_chunks(out, text, force=force)
        sys.stderr.write(f"Exported to {out}\n")
        return
    for piece in text:
        if isinstance(piece, bytes):  # a worker's text, already UTF-8
            sys.stdout.flush()
            sys.stdout.buffer.write(piece)
        else:
            sys.stdout.write(piece)


def _column_mapping(param: typer.CallbackParam, value: list[str] | None) -> list[str] | None:
    """`--map` values refused as the usage errors they are (exit 2) when one is not COLUMN=FIELD."""
    if value:
        from complaintctl.errors import InvalidInput
        from complaintctl.services.importing import parse_mapping

        try:
            parse_mapping(value)
        except InvalidInput as problem:
            raise typer.BadParameter(str(problem), param=param) from None
    return value


@app.command("import")
@handled
def import_sheet(
    path: str = typer.Argument(..., metavar="FILE.csv", help="The spreadsheet, saved as CSV."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row and report, writing nothing."),
    mapping: list[str] | None = typer.Option(None, "--map", metavar="COLUMN=FIELD", callback=_column_mapping, help="Read a column the headings do not name, e.g. --map 'Our ref=external_ref'. Repeatable."),
    encoding: str = typer.Option("utf-8", "--encoding", help="The file's encoding; a sheet saved by Excel on Windows is often cp1252."),
    as_json: bool = typer.Option(False, "--json", help="The report as JSON on stdout."),
) -> None:
    """Bring in the team's spreadsheet: each row becomes a case with the steps its dates imply; all or nothing."""
    from complaintctl.output import render
    from complaintctl.services import importing

    with importing.collector_paused():
        sheet = importing.read_sheet(path, encoding, importing.parse_mapping(mapping or []))
        context = settings.context()
        # More lines than a batch holds rows: the batches are recorded by workers while this process reads and writes.
        several = sheet.length > importing.ROWS_A_BATCH
        with _progress(len(sheet.lines)) as advance:
            report = importing.import_sheet(context, sheet, dry_run=dry_run, progress=advance, mapped=_in_workers if several else map)
    _say_report(report, sheet, dry_run)
    if as_json:
        render.print_json({**report.as_json(), "columns_not_used": sheet.unused})
    if report.refused:
        fail(f"{len(report.refused)} of {report.rows_read} rows refused (listed above); nothing was imported: correct them and import again")


def _in_workers(work, items):
    from complaintctl.cli import workers

    return workers.mapped(work, items)


def _say_report(report, sheet, dry_run: bool) -> None:
    from complaintctl.output.render import printable

    lines = [f"Rows read: {report.rows_read}"]
    lines += [f"  line {item['line']}: refused: {printable(item['reason'])}" for item in report.refused]
    if report.written:
        created = "Cases created"
    elif dry_run:
        created = "Cases that would be created (nothing written)"
    else:
        refused = len(report.refused)
        created = f"Cases that would be created (nothing was written: {refused} row{'' if refused == 1 else 's'} refused)"
    lines.append(f"{created}: {report.cases_created}")
    lines.append(f"Stages: {report.stages}")
    if report.already_imported:
        # Such a row is known by its reference and not read again: a step recorded in the sheet
        # since (a response date filled in) is not recorded by importing it again.
        lines.append(
            f"Already imported: {report.already_imported} (not read again: record what has happened since with the commands, "
            "e.g. `complaintctl close`)"
        )
    lines.append(f"Refused rows: {len(report.refused)}")
    if sheet.unused:
        lines.append(f"Columns not used: {printable(', '.join(sheet.unused))}")
    sys.stderr.write("\n".join(lines) + "\n")


def _progress(total: int):
    """A progress bar on a terminal for a long sheet; nothing otherwise."""
    from contextlib import contextmanager, nullcontext

    if total < 500 or not sys.stderr.isatty():
        return nullcontext(None)

    @contextmanager
    def bar():
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("Importing", total=total)
            yield lambda done: progress.update(task, completed=done)

    return bar()
