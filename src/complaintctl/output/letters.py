"""Letters to complainants, rendered from Jinja templates as text, HTML or a ready email.

Templates live in `templates/letters/` at the top of the project; a policy's `[letters]
templates` folder holds replacements with the same file names. A letter is built from a
plain dictionary of what the complainant may read: internal notes, late reasons and officers'
recording names are never put into it, so no template can show them.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from complaintctl.domain.dates import in_words
from complaintctl.errors import InvalidInput, InvalidTransition, TemplateProblem
from complaintctl.domain.vocabulary import (
    DECISIONS,
    EXCLUSIONS,
    LETTER_KINDS,
    LETTER_TITLES,
    OUTCOME_WORDS,
    STAGE2_LETTER_TITLES,
)

if TYPE_CHECKING:
    from complaintctl.domain.case import Action, Case, Stage
    from complaintctl.domain.events import Event
    from complaintctl.domain.officers import Roster
    from complaintctl.domain.policy import Policy
    from complaintctl.domain.restrictions import Restriction

SUFFIX = {"text": "txt", "html": "html"}

# The letter a step sends; notes and action bookkeeping send none of their own.
_LETTER_OF_STEP = {
    "logged": None,
    "acknowledged": "acknowledgement",
    "escalated": "acknowledgement",
    "extended": "extension",
    "updated": "update",
}


def _title(kind: str, stage: int) -> str:
    return STAGE2_LETTER_TITLES.get(kind, LETTER_TITLES[kind]) if stage == 2 else LETTER_TITLES[kind]


# One pass over the adjustments, in order: a clause break ends a "no"/"not", a "no"/"not" earlier
# in the same clause declines the large print asked for after it, and the first large print not
# declined decides. (Searching each request's clause again would be quadratic in the text.)
_LARGE_PRINT_WORDS = re.compile(
    r"(?P<clause_break>[.;,])"
    r"|(?P<declined>\b(?:no|not|without|doesn't|does not|don't|do not)\b)"
    r"|(?P<asked>\blarge[\s-]*(?:print|font|type|text)|\bbig(?:ger)?\s+print|\blarger\s+(?:print|font|text))",
    re.I,
)


def wants_large_print(case: "Case") -> bool:
    """True when the adjustments ask for large print, not when they say it is not needed."""
    declined = False
    for word in _LARGE_PRINT_WORDS.finditer(case.details.get("adjustments") or ""):
        if word.lastgroup == "clause_break":
            declined = False
        elif word.lastgroup == "declined":
            declined = True
        elif not declined:
            return True
    return False


# -- filters ---------------------------------------------------------------------------------------


def _date_words(value: Any) -> str:
    if not isinstance(value, date):
        raise ValueError(f"a date is needed here, but the value is {value!r}")
    return in_words(value)


def _money(pence: Any) -> str:
    if isinstance(pence, bool) or not isinstance(pence, int):
        raise ValueError(f"an amount in pence is needed here, but the value is {pence!r}")
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}.{rest:02d}"


def _outcome_words(code: Any) -> str:
    if code not in OUTCOME_WORDS:
        raise ValueError(f"{code!r} is not an outcome")
    return OUTCOME_WORDS[code]


def _exclusion_sentence(code: Any, policy: "Policy | None" = None) -> str:
    """The exclusion in words: the policy's `[letters.exclusions]` sentence, else the built-in one."""
    if code not in EXCLUSIONS:
        raise ValueError(f"{code!r} is not an exclusion code")
    return policy.exclusion_sentence(code) if policy is not None else EXCLUSIONS[code]


def _writable_by_others(mode: int) -> bool:
    return os.name != "nt" and bool(mode & (stat.S_IWGRP | stat.S_IWOTH))  # Windows has no such bits


def _check_override(folder: Path) -> None:
    """An override folder holds code the letters run: refuse one that other accounts could change,
    or that holds a file or folder (followed through links, as the loader follows them) they could."""
    if _writable_by_others(folder.stat().st_mode):
        raise TemplateProblem(
            f"the letters template folder {folder} (policy [letters] templates) can be changed by other "
            f"accounts (it is group- or world-writable); run `chmod go-w {folder}` and try again"
        )
    seen: set[tuple[int, int]] = set()
    waiting = [folder]
    while waiting:
        place = waiting.pop()
        try:
            entries = sorted(place.iterdir())
        except OSError as problem:
            raise TemplateProblem(
                f"cannot list {place} (policy [letters] templates) to check who can change its templates "
                f"({problem.strerror}); make it readable, or correct the policy"
            ) from None
        for path in entries:
            try:
                status = path.stat()
            except OSError:
                continue  # a dangling link is nothing the loader can read
            if _writable_by_others(status.st_mode):
                raise TemplateProblem(
                    f"the letter template {path} in {folder} (policy [letters] templates) can be changed by "
                    f"other accounts (it is group- or world-writable); run `chmod go-w {path}` and try again"
                )
            if stat.S_ISDIR(status.st_mode) and (status.st_dev, status.st_ino) not in seen:
                seen.add((status.st_dev, status.st_ino))
                waiting.append(path)


# How the templates are compiled. The compiled code depends on these (and on the environment's
# class, Jinja's version and Python's), so the folder of the compiled-template cache is named
# by all of them: code compiled any other way is never loaded into this environment.
COMPILE_OPTIONS = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True}


class PrivateBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept between runs, so a letter does not compile its templates each time.

    Jinja keys each entry by the template's name and file, and on loading compares the checksum
    of the template's source: a changed template, built in or in an override folder, is compiled
    afresh. The entries are Python code that runs when loaded, so they are the account's alone:
    the folder is made 0700, each file is written 0600 through `write_private`, and a folder or
    file that another account owns or could change is never read (the letter is then compiled
    as without a cache). The cache only saves time: anything wrong with it is passed over.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _private(self, status: os.stat_result, kind: int) -> bool:
        owner = os.getuid() if hasattr(os, "getuid") else None
        return stat.S_IFMT(status.st_mode) == kind and status.st_uid == owner and not status.st_mode & 0o077

    def _usable(self, create: bool = False) -> bool:
        try:
            if create and not os.path.lexists(self.folder):
                self.folder.mkdir(mode=0o700, parents=True)
            return self._private(os.lstat(self.folder), stat.S_IFDIR)
        except OSError:
            return False

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if not self._usable():
            return
        try:
            descriptor = os.open(self.folder / f"{bucket.key}.cache", os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return
        with os.fdopen(descriptor, "rb") as handle:
            if self._private(os.fstat(descriptor), stat.S_IFREG):
                try:
                    bucket.load_bytecode(handle)
                except Exception:  # noqa: BLE001 - a damaged entry is compiled again
                    bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        import io

        from complaintctl.output.files import write_private

        if not self._usable(create=True):
            return
        compiled = io.BytesIO()
        bucket.write_bytecode(compiled)
        try:
            write_private(self.folder / f"{bucket.key}.cache", compiled.getvalue(), force=True)
        except (InvalidInput, OSError):
            pass


def compiled_cache(cache: Path) -> PrivateBytecodeCache:
    """The cache of compiled letter templates under the user's cache folder `cache`, in a folder
    named for everything that shapes the compiled code."""
    import hashlib
    import sys

    shaped_by = repr((jinja2.__version__, sys.version, ImmutableSandboxedEnvironment.__qualname__, sorted(COMPILE_OPTIONS.items())))
    return PrivateBytecodeCache(cache / f"letters-{hashlib.sha256(shaped_by.encode()).hexdigest()[:16]}")


def environment(policy: "Policy", builtin: Path, cache: Path | None = None) -> jinja2.Environment:
    """Override folder first, the built-in letters folder second; HTML is escaped, text is left as typed.

    Templates run sandboxed: a template reads the letter's values and calls the filters, and
    cannot reach Python's internals (`cycler.__init__.__globals__`), call methods that change
    values, or run anything. An override folder other accounts can write to is refused. With
    `cache` (the user's cache folder), compiled templates are kept there between runs (see
    PrivateBytecodeCache)."""
    folders = [builtin]
    override = policy.templates_folder
    if override is not None:
        if not override.is_dir():
            raise TemplateProblem(
                f"the letters template folder {override} (policy [letters] templates) does not exist; "
                "create it or correct the policy"
            )
        _check_override(override)
        folders.insert(0, override)
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in folders]),
        undefined=jinja2.StrictUndefined,
        autoescape=lambda name: bool(name) and name.endswith(".html"),
        bytecode_cache=compiled_cache(cache) if cache is not None else None,
        **COMPILE_OPTIONS,
    )
    env.filters.update(
        date=_date_words, money=_money, outcome=_outcome_words, exclusion=functools.partial(_exclusion_sentence, policy=policy)
    )
    return env


# -- choosing the letter ---------------------------------------------------------------------------


def default_kind(case: "Case") -> tuple[str, int]:
    """The letter of the case's latest step that the complainant hears about, and its stage; a
    voided step has none."""
    stage_number = 1
    steps = case.events_in_force
    for event in steps:
        if event.kind == "escalated":
            stage_number = 2
    for event in reversed(steps):
        if event.kind == "closed":
            outcome = event.details["outcome"]
            kind = "decision" if outcome in DECISIONS else "refusal" if outcome == "refused" else "closure"
            return kind, int(event.details.get("stage") or stage_number)
        if event.kind == "action-done" and case.current.is_closed:
            return "closure", case.stage
        kind = _LETTER_OF_STEP.get(event.kind)
        if kind:
            return kind, int(event.details.get("stage") or (2 if event.kind == "escalated" else stage_number))
    raise InvalidTransition(
        f"{case.reference} has no step to write to the complainant about yet; acknowledge it first"
    )


def _stage(case: "Case", number: int) -> "Stage":
    if not case.has_clock:
        raise InvalidTransition(f"{case.reference} is a {case.type}; letters are for complaints")
    if number > len(case.stages):
        raise InvalidTransition(f"{case.reference} has not reached stage {number}; it is at stage {case.stage}")
    return case.stages[number - 1]


# -- what a letter may say -------------------------------------------------------------------------


@dataclass
class Letter:
    kind: str
    stage: int
    subject: str
    variables: dict[str, Any]


def _actions(case: "Case", as_of: date) -> list[dict[str, Any]]:
    """Actions promised and not yet done on the letter's date."""
    chosen: list["Action"] = [
        action
        for action in case.actions
        if action.added_on <= as_of and (action.done_on is None or action.done_on > as_of)
    ]
    return [{"what": action.what, "due": action.due} for action in sorted(chosen, key=lambda a: (a.due, a.number))]


def _completed(case: "Case", kind: str, stage_number: int) -> list[dict[str, Any]]:
    """For a closure letter written because an action was done: that action, and when."""
    if kind != "closure":
        return []
    step = _closure_step(case, stage_number)
    if step is None or step.kind != "action-done":
        return []
    return [
        {"what": action.what, "due": action.due, "done_on": action.done_on}
        for action in case.actions
        if action.number == int(step.details["number"]) and action.done_on is not None
    ]


def _letter_date(case: "Case", kind: str, stage: "Stage") -> date:
    if kind == "acknowledgement":
        if stage.acknowledged_on:
            return stage.acknowledged_on
        if stage.number == 2:
            return stage.received_on
        raise InvalidTransition(
            f"{case.reference}: stage 1 has not been acknowledged; run `complaintctl acknowledge {case.reference}` first"
        )
    if kind == "extension":
        if not stage.extensions:
            raise InvalidTransition(f"{case.reference}: stage {stage.number} has no extension to write about")
        return stage.extensions[-1]["on"]
    if kind == "update":
        if not stage.updates:
            raise InvalidTransition(
                f"{case.reference}: stage {stage.number} has no progress update; record one with `complaintctl update`"
            )
        return stage.updates[-1]["on"]
    if not stage.is_closed:
        raise InvalidTransition(f"{case.reference}: stage {stage.number} is not closed, so there is no {kind} letter yet")
    if kind == "decision" and stage.outcome not in DECISIONS:
        other = "refusal" if stage.outcome == "refused" else "closure"
        raise InvalidTransition(
            f"{case.reference}: stage {stage.number} ended {OUTCOME_WORDS[stage.outcome]}, not with a decision; "
            f"write the {other} letter"
        )
    if kind == "refusal" and stage.outcome != "refused":
        raise InvalidTransition(f"{case.reference}: stage {stage.number} was not refused; write the decision or closure letter")
    if kind == "closure":
        return _closure_step(case, stage.number).on
    return stage.closed_on


def _closure_step(case: "Case", stage_number: int) -> "Event":
    """The step a closure letter is about: the stage's close, or the latest action added or done
    after it while the case was at that stage (steps in force: a voided one never happened)."""
    step = None
    at = 1
    for event in case.events_in_force:
        at = 2 if event.kind == "escalated" else at
        if at != stage_number:
            continue
        if event.kind == "closed" or (step is not None and event.kind in ("action-added", "action-done")):
            step = event
    return step


def _respond_by_then(stage: "Stage", on: date, policy: "Policy") -> date | None:
    """The response date as it stood on the letter's date: a letter written again later says
    what it said then, not what later extensions made of it."""
    days = sum(int(extension["days"]) for extension in stage.extensions if extension["on"] <= on)
    if stage.original_respond_by is None or days == stage.extension_days:
        return stage.respond_by
    return policy.calendar().add(stage.original_respond_by, days)


def build(
    case: "Case",
    policy: "Policy",
    kind: str | None = None,
    stage_number: int | None = None,
    roster: "Roster | None" = None,
    restriction: "Restriction | None" = None,
) -> Letter:
    """Everything a letter may say about the case, as plain values for the templates. The handler
    is named as the team `roster` names them: a login recorded as a handler is never shown. A
    `restriction` letter is about the restriction on the case's complainant, dated its decision."""
    if not case.has_clock:
        raise InvalidTransition(f"{case.reference} is a {case.type}; letters are for complaints")
    if kind is None:
        kind, latest_stage = default_kind(case)
        stage_number = stage_number or latest_stage
    if kind not in LETTER_KINDS:
        raise InvalidInput(f"unknown letter {kind!r}; choose one of: {', '.join(LETTER_KINDS)}")
    stage = _stage(case, stage_number or case.stage)
    if kind == "restriction":
        if restriction is None:
            raise InvalidTransition(
                f"{case.reference}: its complainant is under no restriction; record one with `complaintctl restrict`"
            )
        on = restriction.decided_on
    else:
        on = _letter_date(case, kind, stage)
    details = case.details
    first = case.stages[0]

    extension = None
    if stage.extensions and kind == "extension":
        latest = stage.extensions[-1]
        extension = {
            "on": latest["on"],
            "days": int(latest["days"]),
            "reason": latest["reason"],
            "previous_respond_by": date.fromisoformat(latest["previous_respond_by"]),
            "new_respond_by": date.fromisoformat(latest["new_respond_by"]),
            # Asked for after the response was already due: the letter apologises for the delay.
            "late": bool(latest.get("late")),
        }
    update = None
    if stage.updates and kind == "update":
        latest = stage.updates[-1]
        update = {
            "on": latest["on"],
            "progress": latest["progress"],
            "next_update": date.fromisoformat(latest["next_update"]) if latest.get("next_update") else None,
        }

    name = case.name if not details.get("anonymous") else ""
    representative = details.get("representative") or ""
    recipient = representative or name
    # A representative is written to at their own address and email when recorded; without
    # them, at the contact details the complaint gave.
    address = (representative and details.get("representative_address")) or details.get("address") or ""
    email = (representative and details.get("representative_email")) or details.get("email") or ""
    organisation = {key: policy.organisation[key] for key in ("name", "team", "address", "phone", "email", "website", "signatory")}
    ombudsman = {"key": case.ombudsman, **policy.ombudsman(case.ombudsman)}
    window = policy.escalation_window

    variables: dict[str, Any] = {
        "kind": kind,
        "title": _title(kind, stage.number),
        "letter_date": on,
        "large_print": wants_large_print(case),
        "organisation": organisation,
        "ombudsman": ombudsman,
        "recipient": {
            "name": recipient,
            "salutation": f"Dear {recipient}" if recipient else "Dear Sir or Madam",
            "address": address,
            "email": email,
            "on_behalf_of": name if representative and name else "",
        },
        "case": {
            "reference": case.reference,
            "received_on": case.received_on,
            "service": details.get("service") or "",
            "summary": details.get("summary") or "",
            "housing": case.ombudsman == "housing",
        },
        "stage": {
            "number": stage.number,
            "final": stage.number == 2,
            "received_on": stage.received_on,
            "acknowledged_on": stage.acknowledged_on,
            "acknowledge_by": stage.acknowledge_by,
            "acknowledged_late": bool(
                stage.acknowledged_on and stage.acknowledge_by and stage.acknowledged_on > stage.acknowledge_by
            ),
            "handler": (roster.display_name(stage.handler) if roster else stage.handler) or "",
            "understanding": stage.understanding or details.get("summary") or "",
            "outcomes_sought": stage.outcomes_sought or details.get("outcomes_sought") or "",
            "respond_by": _respond_by_then(stage, on, policy),
            "closed_on": stage.closed_on,
            # A decision issued after the response date that counts (see Stage.responded_in_time).
            "responded_late": stage.responded_in_time is False,
            "in_time_by": stage.in_time_by or stage.respond_by,
            "outcome": stage.outcome or "",
            "exclusion": stage.exclusion or "",
            "reasons": stage.reasons or "",
            "steps_taken": stage.steps_taken or "",
            "remedy": stage.remedy or "",
            "apology": stage.apology,
            "compensation_pence": stage.compensation_pence,
            "learning": stage.learning or "",
            "escalate_by": stage.escalate_by,
            "escalation_reasons": stage.escalation_reasons or "",
        },
        "stage1": {"closed_on": first.closed_on, "outcome": first.outcome or ""},
        "escalation": {
            "window": window.describe(),
            "limited": window.unit != "none",
            "by": first.escalate_by,
            "still_open": len(case.stages) == 1 and (first.escalate_by is None or first.escalate_by >= on),
        },
        "extension": extension,
        "update": update,
        "restriction": None if restriction is None or kind != "restriction" else {
            "id": restriction.id,
            "reason": restriction.reason,
            "arrangements": restriction.arrangements,
            "decided_on": restriction.decided_on,
            "decided_by": list(restriction.decided_by),
            "review_on": restriction.review_on,
        },
        "actions": _actions(case, on),
        "completed": _completed(case, kind, stage.number),
    }
    subject = f"{case.reference}: {variables['title']}"
    if stage.number == 2 and "stage 2" not in subject and "final" not in subject:
        subject += " (stage 2)"
    return Letter(kind=kind, stage=stage.number, subject=subject, variables=variables)


# -- rendering -------------------------------------------------------------------------------------


def _problem(error: Exception, name: str) -> TemplateProblem:
    """One line naming the template, the line and what is wrong, never a partial letter."""
    import traceback

    if isinstance(error, jinja2.TemplateNotFound):
        return TemplateProblem(f"letter template {error.name} was not found; restore it or remove the override that names it")
    line = getattr(error, "lineno", None)
    where = getattr(error, "filename", None) or getattr(error, "name", None)
    if line is None:
        # Jinja rewrites tracebacks so that template frames carry the template's file and line.
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.endswith((".txt", ".html"))]
        if frames:
            line, where = frames[-1].lineno, frames[-1].filename
    message = " ".join((getattr(error, "message", None) or str(error)).split()).rstrip(".")
    located = f"template {where or name}" + (f", line {line}" if line else "")
    return TemplateProblem(f"{located}: {message}; fix the template and try again")


def render(
    case: "Case",
    policy: "Policy",
    builtin: Path,
    kind: str | None = None,
    stage: int | None = None,
    fmt: str = "text",
    roster: "Roster | None" = None,
    cache: Path | None = None,
    restriction: "Restriction | None" = None,
) -> str | bytes:
    """The letter as text, HTML, or the bytes of an .eml message; `builtin` is the folder of the
    built-in letter templates, `cache` the user's cache folder for compiled templates (none: compile them)."""
    letter = build(case, policy, kind, stage, roster, restriction)
    env = environment(policy, builtin, cache)
    if fmt == "eml":
        return message(letter, env)
    return _render(letter, env, fmt)


def _render(letter: Letter, env: jinja2.Environment, fmt: str) -> str:
    name = f"{letter.kind}.{SUFFIX[fmt]}"
    variables = dict(letter.variables)
    if fmt == "html":
        variables["style"] = _styles(variables["large_print"])
    try:
        return env.get_template(name).render(variables)
    except Exception as error:
        # An override template can fail in any way Python can (1/0, a bad method call); whatever
        # it is, it is a template problem, so `--letter` says the step itself was recorded.
        raise _problem(error, name) from None


def message(letter: Letter, env: jinja2.Environment) -> bytes:
    """A complete email: To the complainant or their representative, a text and an HTML part."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from complaintctl.output import eml

    recipient = letter.variables["recipient"]
    organisation = letter.variables["organisation"]
    reference = letter.variables["case"]["reference"]
    if not recipient["email"]:
        raise InvalidInput(f"{reference} has no email address recorded; write the letter as text or HTML (.txt, .html) and send it another way")
    if not organisation["email"]:
        raise InvalidInput("the policy has no [organisation] email to send from; set it, or use --format text or html")
    text = _render(letter, env, "text")
    html = _render(letter, env, "html")
    draft = eml.Draft(
        to_name=recipient["name"],
        to_address=recipient["email"],
        from_name=organisation["team"] or organisation["name"],
        from_address=organisation["email"],
        subject=letter.subject,
        sent=datetime.combine(letter.variables["letter_date"], time(9, 0), tzinfo=ZoneInfo("Europe/London")),
        message_id=eml.message_id(reference, organisation["email"].rpartition("@")[2]),
        text=text,
        html=html,
    )
    try:
        return eml.written(draft)
    except eml.BadAddress as bad:
        # The email library's message quotes the address: personal data, so it is not repeated.
        if bad.which == "to":
            raise InvalidInput(f"{reference}: the recipient's email address is not one an email can be sent to; correct it or use --format text") from None
        raise InvalidInput("the policy's [organisation] email is not one an email can be sent from; correct it or use --format text") from None


def _styles(large: bool) -> dict[str, str]:
    """Inline styles only: many mail clients drop <style> blocks, and nothing may be fetched."""
    size = 18 if large else 11
    font = f"font-family: Arial, Helvetica, sans-serif; font-size: {size}pt; line-height: 1.5; color: #000000;"
    return {
        "body": f"margin: 0; padding: 0; background: #ffffff; {font}",
        "page": f"max-width: {46 if large else 40}em; margin: 0 auto; padding: 1.5em;",
        "letterhead": f"margin: 0 0 1.5em 0; padding-bottom: 0.5em; border-bottom: 2px solid #000000; font-size: {size}pt;",
        "org": f"font-size: {size + 5}pt; font-weight: bold; margin: 0;",
        "meta": "border-collapse: collapse; margin: 0 0 1.5em 0;",
        "meta_label": "padding: 0.15em 1.5em 0.15em 0; font-weight: bold; vertical-align: top; text-align: left;",
        "meta_value": "padding: 0.15em 0; vertical-align: top;",
        "h1": f"font-size: {size + 5}pt; margin: 1em 0 0.5em 0;",
        "h2": f"font-size: {size + 2}pt; margin: 1.25em 0 0.25em 0; page-break-after: avoid;",
        "p": "margin: 0 0 0.75em 0;",
        "typed": "margin: 0 0 0.75em 0; white-space: pre-wrap;",
        "list": "margin: 0 0 0.75em 1.5em; padding: 0;",
        "box": "margin: 1.5em 0; padding: 0.75em 1em; border: 2px solid #000000; page-break-inside: avoid;",
        "key": "font-weight: bold;",
    }


# -- writing files ---------------------------------------------------------------------------------


# The suffixes that name a letter's format; any other file gets text.
FORMAT_OF_SUFFIX = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".eml": "eml"}


def format_of_suffix(path: str | Path) -> str | None:
    """The format a file's suffix names, or None when it names none."""
    return FORMAT_OF_SUFFIX.get(Path(path).suffix.lower())


# With no --format and no --out suffix to go by: the complainant's preferred contact (seed 000,
# "depending on your preferred method of communication"): an email ready to send, a page to
# print and post, or text to read from on the telephone.
FORMAT_FOR_CONTACT = {"email": "eml", "letter": "html", "phone": "text"}


def preferred_format(case: "Case") -> str:
    """The format of a letter for the case's preferred contact; text when none is recorded."""
    return FORMAT_FOR_CONTACT.get(case.details.get("preferred_contact") or "", "text")


def format_for(path: str | Path) -> str:
    return format_of_suffix(path) or "text"


def write(path: str | Path, content: str | bytes, force: bool = False) -> None:
    """Write a letter readable by its owner only; never through a symbolic link, and never over
    an existing file unless `force`."""
    from complaintctl.output.files import write_private

    write_private(path, content, force=force)


def render_step_letter(
    case: "Case",
    policy: "Policy",
    builtin: Path,
    path: str | Path,
    roster: "Roster | None" = None,
    cache: Path | None = None,
) -> tuple[str, str | bytes]:
    """The letter of a step about to be recorded (`case` as the step leaves it), in the format of
    the file's suffix: its kind and content. A letter that cannot be written (an `.eml` for a
    case with no email address, a template error) is refused here, so the step is not recorded
    without it. `cache`: the user's cache folder for compiled templates."""
    try:
        kind, stage = default_kind(case)
        return kind, render(case, policy, builtin, kind, stage, format_for(path), roster, cache)
    except (TemplateProblem, InvalidInput, InvalidTransition) as problem:
        raise type(problem)(
            f"{case.reference}: nothing was recorded, because the step's letter cannot be written to {path}: {problem}"
        ) from None


def write_step_letter(case: "Case", path: str | Path, kind: str, content: str | bytes, force: bool = False) -> None:
    """After the step was recorded: write its letter (rendered by `render_step_letter`)."""
    try:
        write(path, content, force=force)
    except (TemplateProblem, InvalidInput, InvalidTransition) as problem:
        raise type(problem)(
            f"{case.reference}: the step was recorded, but its {kind} letter was not written: {problem}; "
            f"write it later with `complaintctl letter {case.reference} --out {path}`"
        ) from None
