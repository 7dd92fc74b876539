"""`init`: create the database and, from a preset, a starting policy file."""

import os
from pathlib import Path
from typing import Optional

import typer

from complaintctl.cli.runtime import app, fail, handled, settings


@app.command()
@handled
def init(
    policy_name: Optional[str] = typer.Option(None, "--policy", help="Start from a preset policy (see examples/policies): store it, and write it to a file to edit."),
    policy_out: str = typer.Option("complaintctl.toml", "--policy-out", help="Where --policy writes the file."),
) -> None:
    """Create the database (and, with --policy NAME, a starting policy file); the database stores its policy."""
    from complaintctl.storage.locations import shown

    preset_text = preset = None
    if policy_name:
        from complaintctl.domain import policy
        from complaintctl.storage.locations import preset_text as read_preset

        preset_text = read_preset(policy_name)
        preset = policy.parse(preset_text, f"the {policy_name} preset")
        if os.path.exists(policy_out):
            fail(f"{policy_out} already exists; move it away or choose another --policy-out")
        from complaintctl.output.files import write_private

        # Written first, as every file is (never through a link, never over a file), so that a file
        # it cannot write refuses the command before there is a database; taken back if init fails.
        write_private(policy_out, preset_text)
    location = settings.database()
    # The database stores the policy it starts with: the preset, else --config's file or the built-in one.
    try:
        context = settings.context(create=True, policy=preset)
    except BaseException:
        if preset_text is not None:
            Path(policy_out).unlink(missing_ok=True)
        raise
    if preset_text is not None:
        typer.echo(f"Wrote the {policy_name} policy to {policy_out} and stored it in the database; to change it, edit the file and run with --config {policy_out}")
    typer.echo(f"Created {shown(location)}")
    key_file = getattr(context.store, "key_file", None)
    if key_file is not None:
        typer.echo(f"Its chain key is {key_file}: keep a copy safe; every officer who records in it needs the key")
