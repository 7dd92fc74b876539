"""The `overdue` command: what is late and what is due soon, for people, scripts and cron."""

import os
import sys
from typing import TYPE_CHECKING, Optional

import typer

from complaintctl.cli.options import date_value
from complaintctl.cli.runtime import app, handled, settings
from complaintctl.errors import EXIT_OVERDUE

if TYPE_CHECKING:
    from complaintctl.reports.overdue import Item, Report

HEADINGS = ("Reference", "St", "Handler", "Due", "Due on", "Late")
GAP = "  "


def headline(report: "Report") -> str:
    """One line: how many items are overdue and due soon, and as of when."""
    from complaintctl.domain.dates import in_words
    from complaintctl.output.render import counted

    when = f"{report.as_of.strftime('%a')} {in_words(report.as_of)}"
    overdue = len(report.overdue)
    parts = [f"{overdue} overdue" if overdue else "nothing overdue"]
    if report.within is not None:
        ahead = "today" if report.within == 0 else f"within {counted(report.within, 'working day')}"
        parts.append(f"{len(report.due_soon)} due {ahead}")
    return f"As of {when}: {', '.join(parts)}"


def late_words(item: "Item") -> str:
    if item.overdue:
        return str(item.working_days_overdue)
    if item.working_days_overdue == 0:
        return "today"
    return f"in {-item.working_days_overdue}"


def due_words(item: "Item") -> str:
    if item.what == "action":
        text = f"action {item.action}: {item.description}"
        text += f" ({item.owner})" if item.owner else ""
        return " ".join(text.split())
    if item.what == "order":
        return " ".join(f"order {item.order}: {item.description}".split())
    return item.what


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def table_lines(report: "Report", width: int) -> list[str]:
    """One line per item, at most `width` wide: handler and what is due are shortened to fit.

    Hand-made rather than a rich Table: a nightly list can run to thousands of lines, and this
    prints them in milliseconds. Each column is built whole (the typed ones made printable in
    one pass over the column, not one a cell), then the lines are formatted in one go.
    """
    from complaintctl.output.render import printable

    items = report.items
    if not items:
        return [" ".join(HEADINGS)]

    def typed(texts) -> list[str]:
        # Each text is one line (runs of whitespace are made single spaces before), so the
        # column joined by newlines and made printable splits back into its cells.
        return printable("\n".join(texts), multiline=True).split("\n")

    columns = [
        [item.reference for item in items],
        [str(item.stage) for item in items],
        typed(" ".join((item.handler or "-").split()) for item in items),
        typed(map(due_words, items)),
        [item.due.isoformat() for item in items],
        [late_words(item) for item in items],
    ]
    widths = [max(len(heading), *map(len, column)) for heading, column in zip(HEADINGS, columns)]
    fixed = widths[0] + widths[1] + widths[4] + widths[5] + len(GAP) * (len(HEADINGS) - 1)
    room = max(width - fixed, 20)
    handler_width = min(widths[2], max(len(HEADINGS[2]), room * 2 // 5))
    widths[3] = min(widths[3], room - handler_width)
    widths[2] = min(widths[2], room - widths[3])
    for index in (2, 3):
        size = widths[index]
        columns[index] = [text if len(text) <= size else _fit(text, size) for text in columns[index]]

    template = GAP.join(
        f"{{:>{size}}}" if index == len(HEADINGS) - 1 else f"{{:<{size}}}" for index, size in enumerate(widths)
    )
    return [template.format(*HEADINGS).rstrip(), *(template.format(*cells).rstrip() for cells in zip(*columns))]


def _width(stream) -> int:
    if stream.isatty():
        import shutil

        return shutil.get_terminal_size((80, 24)).columns
    return 80


@app.command()
@handled
def overdue(
    as_of: str = typer.Option("today", "--as-of", callback=date_value, help="Report as on this date instead of today: a past date shows the cases as they stood then."),
    within: Optional[int] = typer.Option(None, "--within", min=0, max=260, help="Also list items due within N working days."),
    check: bool = typer.Option(False, "--check", help=f"Exit {EXIT_OVERDUE} when anything is overdue (for cron and scripts)."),
    as_json: bool = typer.Option(False, "--json", help="JSON list on stdout."),
    as_csv: bool = typer.Option(False, "--csv", help="CSV on stdout."),
) -> None:
    """Every deadline of each open case, outstanding actions and Ombudsman orders past their date, most late first.

    Late is counted in working days after the due date up to and including the as-of date
    (due Monday, as of Wednesday: 2).
    """
    from complaintctl.reports import overdue as overdue_report
    from complaintctl.output import render

    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv", param_hint="'--json' / '--csv'")
    # Today's list needs no history, so it takes the light read-only path; a past date replays
    # the cases that changed since, through the full store.
    context = settings.reading_context() if as_of >= settings.today else settings.context()
    report = overdue_report.report(context, as_of, within)
    try:
        if as_json:
            if len(report.items) > render.LONG_LIST:
                render.print_json_lines(map(overdue_report.json_line, report.items))
            else:
                render.print_json([item.as_dict() for item in report.items])
        elif as_csv:
            rows = [{**item.as_dict(), "overdue": "true" if item.overdue else "false"} for item in report.items]
            render.print_csv(rows, list(overdue_report.COLUMNS))
        else:
            _print_human(report)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): not a failure of the report.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if check and report.overdue:
        raise typer.Exit(EXIT_OVERDUE)


def _print_human(report: "Report") -> None:
    styled = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    if not report.items:
        typer.echo(headline(report) + ".")
        return
    lines = table_lines(report, _width(sys.stdout))
    if styled:
        lines[0] = typer.style(lines[0], bold=True)
        lines[1:] = [typer.style(text, fg="red") if item.overdue else text for item, text in zip(report.items, lines[1:])]
    title = typer.style(headline(report), bold=True) if styled else headline(report)
    footer = "Late: working days past the due date, counting the as-of date."
    sys.stdout.write("\n".join([title, "", *lines, "", footer]) + "\n")
