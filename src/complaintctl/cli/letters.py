"""`letter`: the letter for a step of a case, printed or written to a file (cli/bodies.py writes it)."""

from typing import Optional

import typer

from complaintctl.cli.options import alternatives, choice, completes, force_option, reference_argument
from complaintctl.cli.runtime import app, handled
from complaintctl.domain.vocabulary import LETTER_FORMATS, LETTER_KINDS


@app.command()
@handled
def letter(
    reference: str = reference_argument(),
    kind: Optional[str] = typer.Argument(
        None,
        callback=choice(*LETTER_KINDS),
        autocompletion=completes(*LETTER_KINDS),
        help=f"{alternatives(LETTER_KINDS)}; default: the letter of the latest step.",
    ),
    stage: Optional[int] = typer.Option(None, "--stage", min=1, max=2, help="The stage the letter is about (default: the latest)."),
    fmt: Optional[str] = typer.Option(
        None, "--format", callback=choice(*LETTER_FORMATS),
        help="text (to paste), html, or eml (an unsent email draft); default: the --out file's suffix (.txt, .html, .eml), else text on a terminal, else the preferred contact (email: eml, letter: html, phone: text), else text.",
    ),
    out: Optional[str] = typer.Option(None, "--out", help="Write the letter to FILE instead of printing it (0600, never over a file without --force)."),
    force: bool = force_option("the --out file"),
) -> None:
    """Write the letter for a step of a case, for pasting into an email or sending as it is.

    `restriction` writes to the case's complainant about the restriction they are under (see
    `restrict`): what it is, why, until when, and how to ask for a review."""
    from complaintctl.cli import bodies

    bodies.letter(reference, kind, stage, _chosen_format(fmt, out), out, force)


def _chosen_format(fmt: Optional[str], out: Optional[str]) -> Optional[str]:
    """--format, else the format the --out file's suffix names, else None: the letter then
    follows the complainant's preferred contact. A suffix that names another format than --format
    is a contradiction on the command line (exit 2): a `.eml` holding plain text would open as a
    broken email."""
    from complaintctl.output.letters import format_of_suffix

    named = format_of_suffix(out) if out else None
    if fmt and named and fmt != named:
        raise typer.BadParameter(
            f"--format {fmt} contradicts the suffix of {out!r} ({named}); drop --format or give the file a matching suffix",
            param_hint="'--format' / '--out'",
        )
    return fmt or named
