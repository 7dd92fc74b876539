"""`pack`: the complaint file an Ombudsman asks for, as one zip."""

import typer

from complaintctl.cli.options import force_option, reference_argument
from complaintctl.cli.runtime import app, handled, settings


@app.command()
@handled
def pack(
    reference: str = reference_argument(),
    out: str = typer.Option(..., "--out", help="The zip to write (0600, never over a file without --force)."),
    force: bool = force_option("the --out file"),
) -> None:
    """The complaint file for an Ombudsman as a zip: the timeline (HTML, CSV), every letter as it
    was sent, notes and actions, how each deadline was counted, the policy versions, and a
    manifest of SHA-256 digests with the case's chain hash. Records a `pack-exported` event."""
    from pathlib import Path

    from complaintctl.output import pack as packed
    from complaintctl.output import render
    from complaintctl.output.files import write_private
    from complaintctl.services.pack import export_pack
    from complaintctl.storage.locations import templates_folder

    written = []

    def write(source):
        data, details = packed.build(source, templates_folder() / "letters")
        # Written inside the transaction, so that a zip that cannot be written records nothing.
        write_private(out, data, force=force)
        written.append(details)
        return details

    try:
        case = export_pack(settings.context(), reference.strip().upper(), write)
    except BaseException:
        # The transaction did not commit after the file was written: no pack without its event.
        if written:
            Path(out).unlink(missing_ok=True)
        raise
    details = written[0]
    render.say(f"Wrote the complaint file for {case.reference} to {out}: {details['files']} files, SHA-256 {details['sha256']}")
