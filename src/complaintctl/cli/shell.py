"""`shell`: the interactive session (see `session`), with the global options given before it."""

import typer

from complaintctl.cli.runtime import app, settings


@app.command()
def shell() -> None:
    """An interactive session: the same commands, without paying start-up for each.

    Type commands without `complaintctl` in front; the global options given before `shell`
    apply to every line. Tab completes commands, options and case references; history is kept
    in the data folder. Commands piped in (`printf 'show X\\n' | complaintctl shell`) run one
    per line; the exit code is that of the last command that failed, or 0.
    """
    from complaintctl.cli import session

    prefix = session.global_arguments(settings.db, settings.config, settings.officer)
    settings.in_shell = True
    try:
        code = session.run(app, prefix, settings.database)
    finally:
        settings.in_shell = False
    raise typer.Exit(code)
