"""`report annual`: the annual complaints performance and service improvement report."""

import sys
from typing import Optional

import typer

from complaintctl.cli.options import (
    alternatives,
    choice,
    completes,
    date_value,
    force_option,
)
from complaintctl.cli.runtime import app, fail, handled, settings
from complaintctl.domain.vocabulary import REPORT_FORMATS
from complaintctl.errors import EXIT_USAGE

report_app = typer.Typer(help="Reports: the annual complaints performance and service improvement report, and the self-assessment against the Code.", no_args_is_help=True)
app.add_typer(report_app, name="report")


def _year_value(param: typer.CallbackParam, value: Optional[str]) -> Optional[int]:
    if value is None:
        return None
    from complaintctl.reports.annual import parse_year

    try:
        return parse_year(value)
    except ValueError as problem:
        raise typer.BadParameter(str(problem), param=param) from None


def _one_format(as_json: bool, fmt: str) -> None:
    if as_json and fmt not in ("text", "json"):
        raise typer.BadParameter(
            f"--json asks for JSON but --format asks for {fmt}; give one of them", param_hint="'--json' / '--format'"
        )


def _deliver(report: dict, render, fmt: str, out: Optional[str], force: bool, what: str) -> None:
    """The report rendered in `fmt` (JSON with DEL and C1 escaped), written to `out` or printed."""
    from complaintctl.output.render import json_escaped, say
    from complaintctl.storage.locations import templates_folder

    text = render(report, fmt, templates_folder() / "reports")
    if fmt == "json":
        text = json_escaped(text)
    if out:
        from complaintctl.output.files import write_private

        write_private(out, text, force=force)
        say(f"Wrote the {report['year']} {what} to {out}")
    else:
        _print(text)


@report_app.command("annual")
@handled
def annual(
    year: Optional[str] = typer.Option(None, "--year", callback=_year_value, help="The year starting 1 April, e.g. 2025 for 2025/26."),
    fmt: str = typer.Option(
        "text", "--format", callback=choice(*REPORT_FORMATS), autocompletion=completes(*REPORT_FORMATS), help=f"{alternatives(REPORT_FORMATS)}."
    ),
    as_json: bool = typer.Option(False, "--json", help="Same as --format json."),
    as_of: Optional[str] = typer.Option(None, "--as-of", callback=date_value, help="The date the report is made (default today): orders and actions past their due date are counted as of it."),
    housing: bool = typer.Option(False, "--housing", help="Only the Housing Ombudsman cases: the landlord's report of a council that is also a landlord."),
    out: Optional[str] = typer.Option(None, "--out", help="Write the report to this file instead of stdout (0600, never over a file without --force)."),
    force: bool = force_option("the --out file"),
) -> None:
    """The annual complaints report for 1 April YYYY to 31 March YYYY+1 (CH01, CH02 per stage)."""
    from complaintctl.reports import annual as annual_report
    from complaintctl.reports.annual_render import render

    _one_format(as_json, fmt)
    if year is None:
        fail("say which year with --year YYYY (the year it starts on 1 April), e.g. --year 2025 for 2025/26", EXIT_USAGE)
    # The report only reads the projection tables: an up-to-date SQLite file is read through
    # sqlite3 alone, anything else through the full store (see storage.reader).
    context = settings.reading_context()
    report = annual_report.annual_report(context, year, as_of, housing=housing)
    _deliver(report, render, "json" if as_json else fmt, out, force, "annual report")


@report_app.command("self-assessment")
@handled
def self_assessment(
    year: str = typer.Option(..., "--year", callback=_year_value, help="The year starting 1 April, e.g. 2025 for 2025/26."),
    fmt: str = typer.Option("text", "--format", callback=choice(*REPORT_FORMATS), help=f"{alternatives(REPORT_FORMATS)}."),
    as_json: bool = typer.Option(False, "--json", help="Same as --format json."),
    out: Optional[str] = typer.Option(None, "--out", help="Write the report to this file instead of stdout (0600, never over a file without --force)."),
    force: bool = force_option("the --out file"),
) -> None:
    """The year's self-assessment figures against the Code.

    The measurable commitments of the Housing Ombudsman's Complaint Handling Code with the figures
    for 1 April YYYY to 31 March YYYY+1, each line naming the Code section it evidences.
    """
    from complaintctl.reports.self_assessment import self_assessment as assessed
    from complaintctl.reports.self_assessment_render import render

    _one_format(as_json, fmt)
    report = assessed(settings.reading_context(), year)
    _deliver(report, render, "json" if as_json else fmt, out, force, "self-assessment")


def _print(text: str) -> None:
    """A report on stdout. On a terminal, text recorded before control characters were refused
    (a reason, a service area) is shown as `printable` shows it, never acted on; JSON is already
    escaped, and a file or a pipe gets the report exactly."""
    if sys.stdout.isatty():
        from complaintctl.output.render import printable

        text = printable(text, multiline=True)
    typer.echo(text, nl=False)
