"""The command line: parse, resolve today and the policy, call one service, render the result.

Start-up is kept light: the database, templating and holiday libraries are imported inside the
commands that use them, never at module level. The command modules do not postpone their
annotations (no `from __future__ import annotations`): Typer reads every command's signature at
each start, and annotations kept as strings would be compiled again each time.
"""

import functools
import os
import sys
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Optional

import typer

from complaintctl import __version__
from complaintctl.clock import today_in_london
from complaintctl.domain.dates import ACCEPTED_FORMS, parse_date
from complaintctl.errors import EXIT_REFUSED, ComplaintError

if TYPE_CHECKING:
    from complaintctl.services.context import Context

try:
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
except ImportError:  # Typer releases that use click itself
    from click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup


class OneLineErrors(TyperGroup):
    """A malformed command line is one `Error: …` line and exit 2, like every other refusal."""

    def make_context(self, *args, **kwargs):
        with _one_line_usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with _one_line_usage_errors():
            return super().invoke(ctx)


class _one_line_usage_errors:
    def __enter__(self):
        return self

    def __exit__(self, kind, error, _traceback):
        if not isinstance(error, UsageError) or isinstance(error, NoArgsIsHelpError):
            return False
        hint = f"; see '{error.ctx.command_path} --help'" if error.ctx is not None else ""
        message = " ".join(error.format_message().split()).rstrip(".")
        sys.stderr.write(f"Error: {message}{hint}\n")
        raise typer.Exit(error.exit_code) from None


app = typer.Typer(
    cls=OneLineErrors,
    name="complaintctl",
    help="Run the statutory two-stage complaints process: log, acknowledge, extend, close, escalate; "
    "working-day deadlines, letters and reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
action_app = typer.Typer(help="Outstanding actions promised to complainants, tracked after closure.", no_args_is_help=True)
workdays_app = typer.Typer(help="The working-day calculator, with the policy's calendar.", no_args_is_help=True)
app.add_typer(action_app, name="action")
app.add_typer(workdays_app, name="workdays")


# -- settings resolved once per process ------------------------------------------------------------


@dataclass
class Settings:
    db: Optional[str] = None
    config: Optional[str] = None
    officer: Optional[str] = None
    _today: Optional[date] = None

    @property
    def today(self) -> date:
        if self._today is None:
            self._today = today_in_london()
        return self._today

    def database(self) -> str:
        if self.db:
            return self.db
        from complaintctl.storage.locations import default_database_path

        return str(default_database_path())

    def officer_name(self) -> str:
        if self.officer and self.officer.strip():
            return " ".join(self.officer.split())
        import getpass

        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "unknown"

    def policy(self):
        from complaintctl.domain import policy

        return policy.load(self.config)

    def context(self) -> "Context":
        """Open the database with the policy; cases whose deadlines moved are re-derived."""
        from complaintctl.clock import now_utc
        from complaintctl.services.context import Context
        from complaintctl.services import sync_policy
        from complaintctl.storage.store import Store

        chosen = self.policy()
        store = Store.open(self.database())
        context = Context(
            store=store,
            policy=chosen,
            calendar=chosen.calendar(),
            officer=self.officer_name(),
            today=self.today,
            now=now_utc(),
        )
        sync_policy(context)
        return context

    def reading_context(self) -> "Context":
        """A Context for commands that only read: a SQLite file with nothing to migrate or
        re-derive is read through sqlite3 alone, without importing the ORM (see fastread)."""
        from complaintctl.storage.reader import open_reader

        chosen = self.policy()
        reader = open_reader(self.database(), chosen.fingerprint())
        if reader is None:
            return self.context()
        from complaintctl.clock import now_utc
        from complaintctl.services.context import Context

        return Context(reader, chosen, chosen.calendar(), self.officer_name(), self.today, now_utc())


settings = Settings()


def handled(command):
    """Turn a refusal into one line on stderr and its exit code, never a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
            sys.stdout.flush()  # so that a closed pipe is met here, where it is handled
            return result
        except ComplaintError as error:
            fail(str(error), error.exit_code)
        except (typer.Exit, typer.Abort, SystemExit, UsageError):
            raise
        except KeyboardInterrupt:
            fail("interrupted; nothing was recorded by the unfinished command", EXIT_REFUSED)
        except BrokenPipeError:
            # The reader stopped early (`| head`): what it read was right, so this is no failure.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except Exception as error:  # noqa: BLE001 - the contract is no tracebacks
            if os.environ.get("COMPLAINTCTL_DEBUG"):
                raise
            origin = type(error).__module__.split(".")[0]
            if origin in ("sqlalchemy", "sqlite3", "psycopg"):
                detail = str(getattr(error, "orig", error)).splitlines()[0]
                if "file is not a database" in detail or "file is encrypted" in detail:
                    fail(f"{settings.db or 'the database'} is not a complaintctl database ({detail}); check --db or COMPLAINTCTL_DB", EXIT_REFUSED)
                fail(f"database problem: {detail}; nothing was changed, try again", EXIT_REFUSED)
            if isinstance(error, OSError) and error.strerror:
                where = f" {error.filename}" if error.filename else ""
                fail(f"could not read or write{where}: {error.strerror}; free space or fix permissions and run it again", EXIT_REFUSED)
            fail(f"unexpected {type(error).__name__}: {error}; set COMPLAINTCTL_DEBUG=1 to see where", EXIT_REFUSED)

    return run


def fail(message: str, code: int = EXIT_REFUSED):
    sys.stderr.write(f"Error: {' '.join(message.split())}\n")
    raise typer.Exit(code)


# -- option parsing --------------------------------------------------------------------------------


def _date_value(param: typer.CallbackParam, value: Optional[str]) -> Optional[date]:
    if value is None or isinstance(value, date):
        return value
    try:
        return parse_date(value, settings.today)
    except ValueError as problem:
        raise typer.BadParameter(str(problem), param=param) from None


def _choice(*choices: str):
    def check(param: typer.CallbackParam, value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        cleaned = value.strip().lower()
        if cleaned not in choices:
            raise typer.BadParameter(f"{value!r} is not one of: {', '.join(choices)}", param=param)
        return cleaned

    return check


def _money(param: typer.CallbackParam, value: Optional[str]) -> Optional[int]:
    """Pounds as typed (250, 250.00, £250.5) to whole pence."""
    if value is None:
        return None
    from decimal import Decimal, InvalidOperation

    cleaned = value.strip().lstrip("£").replace(",", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise typer.BadParameter(f"{value!r} is not an amount of money; write it like 250 or 250.00", param=param) from None
    if not amount.is_finite() or amount < 0 or amount > 10_000_000 or amount != amount.quantize(Decimal("0.01")):
        raise typer.BadParameter(f"{value!r} is not an amount in pounds and pence", param=param)
    return int(amount * 100)


def _email(param: typer.CallbackParam, value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    cleaned = value.strip()
    local, _, domain = cleaned.partition("@")
    if not local or "." not in domain or any(ch.isspace() for ch in cleaned) or cleaned.count("@") != 1:
        raise typer.BadParameter(f"{value!r} is not an email address", param=param)
    return cleaned


def _text(param: typer.CallbackParam, value: Any) -> Any:
    """Free text: anything printable; control characters would break letters and exports."""
    values = value if isinstance(value, (list, tuple)) else [value]
    for item in values:
        if isinstance(item, str) and any(ord(ch) < 32 and ch not in "\n\t" for ch in item):
            raise typer.BadParameter("contains a control character; type plain text", param=param)
    return value


def On():
    return typer.Option(
        "today", "--on", callback=_date_value, help=f"When it happened ({ACCEPTED_FORMS}); default today."
    )


def Json():
    return typer.Option(False, "--json", help="Print the case as JSON on stdout.")


def Text(*names: str, help: str, default: Any = None):
    return typer.Option(default, *names, callback=_text, help=help)


def _letter_path(param: typer.CallbackParam, value: Optional[str]) -> Optional[str]:
    if value is not None and not os.path.isdir(os.path.dirname(os.path.abspath(value))):
        raise typer.BadParameter(f"the folder of {value!r} does not exist", param=param)
    return value


def LetterFile():
    return typer.Option(
        None, "--letter", callback=_letter_path, help="Also write this step's letter to FILE (.txt, .html or .eml)."
    )


def _write_letter(case, path: Optional[str]) -> None:
    if path:
        from complaintctl.output import render
        from complaintctl.output.letters import write_step_letter
        from complaintctl.storage.locations import templates_folder

        kind = write_step_letter(case, settings.policy(), templates_folder() / "letters", path)
        render.say(f"Wrote the {kind} letter for {case.reference} to {path}")


def _case_out(case, as_json: bool, message: str) -> None:
    from complaintctl.output import render

    if as_json:
        render.print_json(render.case_json(case))
    else:
        render.say(message)


def _deadline_words(case) -> str:
    nxt = case.next_deadline()
    return f"; next: {nxt[0]} by {nxt[1].isoformat()}" if nxt else ""


# -- global options --------------------------------------------------------------------------------


def _version(value: bool) -> None:
    if value:
        typer.echo(f"complaintctl {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Optional[str] = typer.Option(None, "--db", envvar="COMPLAINTCTL_DB", help="SQLite file, or a postgresql+psycopg:// URL."),
    config: Optional[str] = typer.Option(None, "--config", envvar="COMPLAINTCTL_CONFIG", help="Policy file (TOML)."),
    officer: Optional[str] = typer.Option(None, "--officer", envvar="COMPLAINTCTL_OFFICER", help="Who is recording (default: login name)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    settings.db = db
    settings.config = config
    settings.officer = officer
    settings._today = None


# -- commands --------------------------------------------------------------------------------------


@app.command()
@handled
def init(
    policy_name: Optional[str] = typer.Option(None, "--policy", help="Also write a starting policy file from a preset (see examples/policies)."),
    policy_out: str = typer.Option("complaintctl.toml", "--policy-out", help="Where --policy writes the file."),
) -> None:
    """Create the database (and, with --policy NAME, a starting policy file)."""
    from complaintctl import services
    from complaintctl.storage.store import Store
    from complaintctl.storage.locations import shown

    preset_text = None
    if policy_name:
        from complaintctl.storage.locations import preset_text as read_preset

        preset_text = read_preset(policy_name)
        if os.path.exists(policy_out):
            fail(f"{policy_out} already exists; move it away or choose another --policy-out")
    from complaintctl.clock import now_utc

    chosen = settings.policy()
    location = settings.database()
    store = Store.create(location)
    services.sync_policy(services.Context(store, chosen, chosen.calendar(), settings.officer_name(), settings.today, now_utc()))
    if preset_text is not None:
        descriptor = os.open(policy_out, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(preset_text)
        typer.echo(f"Wrote the {policy_name} policy to {policy_out}; use it with --config {policy_out}")
    typer.echo(f"Created {shown(location)}")


@app.command()
@handled
def log(
    name: Optional[str] = Text("--name", help="The complainant's name."),
    email: Optional[str] = typer.Option(None, "--email", callback=_email, help="Email address."),
    phone: Optional[str] = Text("--phone", help="Telephone number."),
    address: Optional[str] = Text("--address", help="Postal address."),
    preferred_contact: Optional[str] = typer.Option(None, "--preferred-contact", callback=_choice("email", "phone", "letter"), help="email, phone or letter."),
    channel: Optional[str] = typer.Option(None, "--channel", callback=_choice("online", "email", "phone", "letter", "in-person", "social-media", "representative"), help="How it arrived: online, email, phone, letter, in-person, social-media, representative."),
    representative: Optional[str] = Text("--representative", help="Someone acting for the complainant."),
    anonymous: bool = typer.Option(False, "--anonymous", help="No name given."),
    service: Optional[str] = Text("--service", help="Service area, e.g. Housing Repairs."),
    category: Optional[str] = Text("--category", help="Category for the thematic analysis."),
    summary: Optional[str] = Text("--summary", help="What it is about."),
    outcomes_sought: Optional[str] = Text("--outcomes-sought", help="What the complainant wants to happen."),
    received: str = typer.Option("today", "--received", callback=_date_value, help="Date received (default today)."),
    issue_date: Optional[str] = typer.Option(None, "--issue-date", callback=_date_value, help="When the problem happened or became known."),
    housing: bool = typer.Option(False, "--housing", help="About the organisation as a housing landlord (Housing Ombudsman)."),
    adjustments: Optional[str] = Text("--adjustments", help="Reasonable adjustments, e.g. large print, interpreter."),
    case_type: str = typer.Option("complaint", "--type", callback=_choice("complaint", "compliment", "comment"), help="complaint, compliment or comment."),
    as_json: bool = Json(),
) -> None:
    """Record a new complaint (or compliment or comment) and print its reference."""
    from complaintctl.output import render
    from complaintctl import services

    context = settings.context()
    case = services.log_case(
        context,
        {
            "type": case_type,
            "name": name,
            "email": email,
            "phone": phone,
            "address": address,
            "preferred_contact": preferred_contact,
            "channel": channel,
            "representative": representative,
            "anonymous": anonymous,
            "service": service,
            "category": category,
            "summary": summary,
            "outcomes_sought": outcomes_sought,
            "received_on": received,
            "issue_date": issue_date,
            "housing": housing,
            "adjustments": adjustments,
        },
    )
    if case.over_12_months:
        render.say(
            f"Warning: {case.reference}: the issue was known more than 12 months before receipt; "
            "the over-12-months exclusion may apply (discretion can override)."
        )
    if as_json:
        render.print_json(render.case_json(case))
    else:
        typer.echo(case.reference)
        render.say(f"Logged {case.type} {case.reference}, received {case.received_on.isoformat()}{_deadline_words(case)}")


@app.command()
@handled
def acknowledge(
    reference: str = typer.Argument(..., help="Case reference."),
    handler: Optional[str] = Text("--handler", help="Who handles this stage (default: you)."),
    understanding: Optional[str] = Text("--understanding", help="Our understanding of the complaint."),
    outcomes_sought: Optional[str] = Text("--outcomes-sought", help="The outcomes the complainant seeks."),
    on: str = On(),
    as_json: bool = Json(),
    letter: Optional[str] = LetterFile(),
) -> None:
    """Record that the complaint (or stage 2 request) was acknowledged."""
    from complaintctl import services

    case = services.acknowledge(settings.context(), reference.strip().upper(), on, handler, understanding, outcomes_sought)
    _write_letter(case, letter)
    _case_out(case, as_json, f"{case.reference} stage {case.stage} acknowledged on {on.isoformat()}, handler {case.handler}{_deadline_words(case)}")


@app.command()
@handled
def extend(
    reference: str = typer.Argument(..., help="Case reference."),
    days: Optional[int] = typer.Option(None, "--days", min=1, max=365, help="Extra working days."),
    to: Optional[str] = typer.Option(None, "--to", callback=_date_value, help="The new response date."),
    reason: Optional[str] = Text("--reason", help="Why more time is needed (required)."),
    good_reason: Optional[str] = Text("--good-reason", help="Why the extension may go beyond the policy's limit."),
    late_reason: Optional[str] = Text("--late-reason", help="Why the extension is recorded after the response was due."),
    on: str = On(),
    as_json: bool = Json(),
    letter: Optional[str] = LetterFile(),
) -> None:
    """Extend the response date of the current stage."""
    from complaintctl import services

    case = services.extend(settings.context(), reference.strip().upper(), on, reason or "", days, to, good_reason, late_reason)
    _write_letter(case, letter)
    _case_out(case, as_json, f"{case.reference} stage {case.stage} extended: respond by {case.current.respond_by.isoformat()} ({case.current.extension_days} working days of extension)")


@app.command()
@handled
def update(
    reference: str = typer.Argument(..., help="Case reference."),
    progress: Optional[str] = Text("--progress", help="The progress reported to the complainant."),
    next_update: Optional[str] = typer.Option(None, "--next", callback=_date_value, help="When the next update or the response will come."),
    on: str = On(),
    as_json: bool = Json(),
    letter: Optional[str] = LetterFile(),
) -> None:
    """Record a progress update sent to the complainant."""
    from complaintctl import services

    case = services.record_update(settings.context(), reference.strip().upper(), on, progress or "", next_update)
    _write_letter(case, letter)
    _case_out(case, as_json, f"{case.reference} update recorded on {on.isoformat()}{_deadline_words(case)}")


@app.command()
@handled
def close(
    reference: str = typer.Argument(..., help="Case reference."),
    outcome: str = typer.Option(..., "--outcome", callback=_choice("upheld", "partly-upheld", "not-upheld", "withdrawn", "refused"), help="upheld, partly-upheld, not-upheld, withdrawn or refused."),
    reasons: Optional[str] = Text("--reasons", help="The reasons for the decision, or the explanation of a refusal."),
    exclusion: Optional[str] = typer.Option(None, "--exclusion", help="With --outcome refused: the exclusion code."),
    steps_taken: Optional[str] = Text("--steps", help="The steps taken to investigate."),
    remedy: Optional[str] = Text("--remedy", help="What will be done to put things right, and when."),
    apology: bool = typer.Option(False, "--apology", help="An apology was given."),
    compensation: Optional[str] = typer.Option(None, "--compensation", callback=_money, help="Compensation offered, in pounds."),
    learning: Optional[str] = Text("--learning", help="Learning or service improvement from the complaint."),
    actions: list[str] = Text("--action", default=[], help="An outstanding action promised (repeat; pair each with --action-due)."),
    action_due: list[str] = typer.Option([], "--action-due", help="The due date of each --action, in order."),
    on: str = On(),
    as_json: bool = Json(),
    letter: Optional[str] = LetterFile(),
) -> None:
    """Issue the stage's outcome."""
    from complaintctl import services

    if len(actions) != len(action_due):
        fail(f"{reference.strip().upper()}: give one --action-due DATE for each --action TEXT")
    due_dates = []
    for value in action_due:
        try:
            due_dates.append(parse_date(value, settings.today))
        except ValueError as problem:
            raise typer.BadParameter(str(problem), param_hint="'--action-due'") from None
    chosen_exclusion = exclusion.strip().lower() if exclusion else None
    case = services.close(
        settings.context(),
        reference.strip().upper(),
        on,
        outcome,
        reasons=reasons,
        exclusion=chosen_exclusion,
        steps_taken=steps_taken,
        learning=learning,
        remedy=services.Remedy(
            apology=apology,
            compensation_pence=compensation or 0,
            remedy=remedy,
            actions=[(what, due, None) for what, due in zip(actions, due_dates)],
        ),
    )
    _write_letter(case, letter)
    message = f"{case.reference} stage {case.current.number} closed on {on.isoformat()}: {outcome}"
    if case.escalate_by:
        message += f"; stage 2 may be requested until {case.escalate_by.isoformat()}"
    _case_out(case, as_json, message)


@app.command()
@handled
def escalate(
    reference: str = typer.Argument(..., help="Case reference."),
    handler: Optional[str] = Text("--handler", help="Who reviews at stage 2 (not the stage 1 handler)."),
    late_reason: Optional[str] = Text("--late-reason", help="Why a request outside the window is accepted."),
    outcomes_sought: Optional[str] = Text("--outcomes-sought", help="What the complainant now wants (reasons are not required)."),
    on: str = On(),
    as_json: bool = Json(),
    letter: Optional[str] = LetterFile(),
) -> None:
    """Open stage 2 from a closed stage 1 at the complainant's request."""
    from complaintctl import services

    case = services.escalate(settings.context(), reference.strip().upper(), on, handler, late_reason, outcomes_sought)
    _write_letter(case, letter)
    _case_out(case, as_json, f"{case.reference} escalated to stage 2 on {on.isoformat()}{_deadline_words(case)}")


@app.command()
@handled
def note(
    reference: str = typer.Argument(..., help="Case reference."),
    text: str = typer.Argument(..., callback=_text, help="The note (internal: never shown in letters)."),
    on: str = On(),
    as_json: bool = Json(),
) -> None:
    """Add an internal note to a case."""
    from complaintctl import services

    case = services.add_note(settings.context(), reference.strip().upper(), on, text)
    _case_out(case, as_json, f"{case.reference} note added")


@app.command()
@handled
def show(reference: str = typer.Argument(..., help="Case reference."), as_json: bool = Json()) -> None:
    """Show a case, its deadlines and its full history."""
    from complaintctl.output import render
    from complaintctl import services

    case = services.get_case(settings.reading_context(), reference.strip().upper())
    if as_json:
        render.print_json(render.case_json(case))
    else:
        render.show_case(case)


def _next_words(row: dict[str, Any]) -> str:
    if row["type"] != "complaint":
        return row["type"]
    if row["status"] == "closed":
        return f"closed {row['outcome'] or ''}".strip()
    return row["next_due_what"] or row["status"]


LIST_COLUMNS = ["reference", "type", "stage", "status", "outcome", "received_on", "name", "service", "handler", "next_due", "next_due_what"]


@app.command("list")
@handled
def list_cases(
    status: Optional[str] = typer.Option(None, "--status", callback=_choice("open", "acknowledged", "closed"), help="open, acknowledged or closed."),
    stage: Optional[int] = typer.Option(None, "--stage", min=1, max=2, help="1 or 2."),
    handler: Optional[str] = typer.Option(None, "--handler", help="Handled by."),
    service: Optional[str] = typer.Option(None, "--service", help="Service area."),
    received_from: Optional[str] = typer.Option(None, "--from", "--received-from", callback=_date_value, help="Received on or after."),
    received_to: Optional[str] = typer.Option(None, "--to", "--received-to", callback=_date_value, help="Received on or before."),
    case_type: Optional[str] = typer.Option(None, "--type", callback=_choice("complaint", "compliment", "comment"), help="complaint, compliment or comment."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="JSON list on stdout."),
    as_csv: bool = typer.Option(False, "--csv", help="CSV on stdout."),
) -> None:
    """List cases, filtered."""
    from complaintctl.output import render
    from complaintctl import services

    if received_from and received_to and received_from > received_to:
        fail("--from is after --to; swap them")
    rows = services.list_cases(
        settings.reading_context(),
        status=status,
        stage=stage,
        handler=handler,
        service=service,
        received_from=received_from,
        received_to=received_to,
        case_type=case_type,
        limit=limit,
    )
    if as_json:
        render.print_json(rows)
    elif as_csv:
        render.print_csv(rows, LIST_COLUMNS)
    elif not rows:
        render.say("No cases match.")
    else:
        render.show_table(
            f"{len(rows)} case" + ("s" if len(rows) != 1 else ""),
            ["Reference", "St", "Name", "Service", "Handler", "Next", "Due"],
            [
                [
                    row["reference"],
                    row["stage"],
                    row["name"],
                    row["service"],
                    row["handler"],
                    _next_words(row),
                    row["next_due"],
                ]
                for row in rows
            ],
            squeeze=("Name", "Service", "Handler"),
        )


# -- actions ---------------------------------------------------------------------------------------


@action_app.command("add")
@handled
def action_add(
    reference: str = typer.Argument(..., help="Case reference."),
    what: Optional[str] = Text("--what", help="What was promised."),
    due: Optional[str] = typer.Option(None, "--due", callback=_date_value, help="When it is due."),
    owner: Optional[str] = Text("--owner", help="Who will do it."),
    on: str = On(),
    as_json: bool = Json(),
) -> None:
    """Add an outstanding action to a case."""
    from complaintctl import services

    if due is None:
        fail(f"{reference.strip().upper()}: say when the action is due with --due DATE")
    case = services.add_action(settings.context(), reference.strip().upper(), on, what or "", due, owner)
    action = case.actions[-1]
    _case_out(case, as_json, f"{case.reference} action {action.number} added, due {action.due.isoformat()}")


@action_app.command("done")
@handled
def action_done(
    reference: str = typer.Argument(..., help="Case reference."),
    number: int = typer.Argument(..., min=1, help="The action's number."),
    on: str = On(),
    as_json: bool = Json(),
) -> None:
    """Mark an action done."""
    from complaintctl import services

    case = services.complete_action(settings.context(), reference.strip().upper(), number, on)
    _case_out(case, as_json, f"{case.reference} action {number} done on {on.isoformat()}")


@action_app.command("list")
@handled
def action_list(
    overdue: bool = typer.Option(False, "--overdue", help="Only actions past their due date."),
    as_json: bool = typer.Option(False, "--json", help="JSON list on stdout."),
) -> None:
    """List actions (all, or only the overdue ones)."""
    from complaintctl.output import render
    from complaintctl import services

    rows = services.list_actions(settings.reading_context(), overdue_only=overdue)
    if as_json:
        render.print_json(rows)
    elif not rows:
        render.say("No actions." if not overdue else "No overdue actions.")
    else:
        render.show_table(
            "Actions",
            ["Reference", "#", "What", "Due", "Owner", "Done"],
            [[r["reference"], r["number"], r["what"], r["due"], r.get("owner"), r.get("done_on")] for r in rows],
            squeeze=("What", "Owner"),
        )


# -- workdays --------------------------------------------------------------------------------------


@workdays_app.command("add")
@handled
def workdays_add(
    start: str = typer.Argument(..., callback=_date_value, help="Start date (not counted)."),
    days: int = typer.Argument(..., min=0, max=3650, help="Working days to add."),
    as_json: bool = typer.Option(False, "--json", help="JSON on stdout."),
) -> None:
    """The N-th working day after DATE."""
    from complaintctl.output import render

    result = settings.policy().calendar().add(start, days)
    if as_json:
        render.print_json({"start": start, "days": days, "date": result})
    else:
        typer.echo(f"{result.isoformat()} ({result.strftime('%A')})")


@workdays_app.command("between")
@handled
def workdays_between(
    start: str = typer.Argument(..., callback=_date_value, help="From (not counted)."),
    end: str = typer.Argument(..., callback=_date_value, help="To (counted)."),
    as_json: bool = typer.Option(False, "--json", help="JSON on stdout."),
) -> None:
    """Working days after A up to and including B (negative when B is before A)."""
    from complaintctl.output import render

    if abs((end - start).days) > 36600:
        fail("the dates are more than 100 years apart; check them")
    result = settings.policy().calendar().between(start, end)
    if as_json:
        render.print_json({"start": start, "end": end, "working_days": result})
    else:
        typer.echo(str(result))


def main() -> None:
    app(prog_name="complaintctl")


