"""`sar`: a subject access export, everything held about one person, as one zip."""

import typer

from complaintctl.cli.options import force_option
from complaintctl.cli.results import exported_to
from complaintctl.cli.runtime import app, handled, settings


def _zip_file(param: typer.CallbackParam, value: str) -> str:
    """The --out file, named as the zip it is: a person receiving FILE.txt could not open it."""
    if value is not None and not value.lower().endswith(".zip"):
        raise typer.BadParameter(f"{value!r} is not a .zip file name; the export is a zip: give FILE.zip", param=param)
    return value


@app.command()
@handled
def sar(
    names: list[str] | None = typer.Option(None, "--name", help="The person's name, as complainant or representative (exact, any case). Repeatable."),
    emails: list[str] | None = typer.Option(None, "--email", help="An email address of theirs (exact, any case). Repeatable."),
    phones: list[str] | None = typer.Option(None, "--phone", help="A phone number of theirs (its digits compared). Repeatable."),
    out: str = typer.Option(..., "--out", callback=_zip_file, help="The zip to write, FILE.zip (0600, never over a file without --force)."),
    force: bool = force_option("the --out file"),
) -> None:
    """A subject access export: every case about the person (as complainant or representative,
    by their details as logged or amended), each as JSON and as a readable page with its history
    and every letter as sent; internal notes listed in review.txt for redaction of third
    parties; a manifest of SHA-256 digests. Records a `sar-exported` event on each case."""
    from complaintctl.domain.sar import Person
    from complaintctl.output import render
    from complaintctl.output import sar as exported
    from complaintctl.services.sar import export_sar
    from complaintctl.storage.locations import templates_folder

    person = Person.given(names or [], emails or [], phones or [])
    references, details = exported_to(
        out, force,
        lambda source: exported.build(source, templates_folder() / "letters"),
        lambda write: export_sar(settings.context(), person, write),
    )
    render.say(
        f"Wrote the subject access export to {out}: {render.counted(len(references), 'case')} ({', '.join(references)}), "
        f"{render.counted(details['files'], 'file')}, SHA-256 {details['sha256']}; check {exported.REVIEW} before sending"
    )
