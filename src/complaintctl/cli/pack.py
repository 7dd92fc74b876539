"""`pack`: the complaint file an Ombudsman asks for, as one zip."""

import typer

from complaintctl.cli.options import force_option, reference_argument
from complaintctl.cli.results import exported_to
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
    from complaintctl.output import pack as packed
    from complaintctl.output import render
    from complaintctl.services.pack import export_pack
    from complaintctl.storage.locations import templates_folder

    case, details = exported_to(
        out, force,
        lambda source: packed.build(source, templates_folder() / "letters"),
        lambda write: export_pack(settings.context(), reference.strip().upper(), write),
    )
    render.say(f"Wrote the complaint file for {case.reference} to {out}: {details['files']} files, SHA-256 {details['sha256']}")
