"""Arbitrary strings, dates and numbers at every command's options: a clear refusal, never a crash.

Each command gets exit 0, 1 or 2 only, no traceback and no "unexpected" error, and the database
verifies afterwards. An error the commands did not foresee is reported as "Error: unexpected …"
(and a database exception as "database problem"): those count as failures here too.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import Cli

EXAMPLES = 20

texts = st.text(max_size=40)
tricky = st.sampled_from(
    ["", " ", "-", "--", "--help", "0", "-1", "1e400", "nan", "inf", "NaN", "£", "£-5", "1,000.005", "\x00", "\u202e", "😀" * 3,
     "'; DROP TABLE events; --", "%s%n", "{{ 7*7 }}", "a" * 5000, "CMP-2026-00001", "cmp-2026-00001 "]
)
words = st.from_regex(r"[A-Za-z][A-Za-z .'-]{0,24}", fullmatch=True)
any_text = st.one_of(words, texts, tricky)
recent = st.dates(min_value=date(2026, 10, 1), max_value=date(2026, 11, 26)).map(date.isoformat)
dates = st.one_of(
    recent,
    st.dates().map(date.isoformat),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 11, 26)).map(date.isoformat),
    st.sampled_from(["today", "yesterday", "TODAY", "31/02/2026", "2026-02-30", "2026-13-01", "0000-01-01", "10000-01-01",
                     "1/1/1", "2026-1-1", "29/02/2028", "9999-12-31", "0001-01-01"]),
    texts,
)
numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["0", "1", "365", "366", "-0", "0x10", "1_000", " 5 ", "٣"]),
    texts,
)
money = st.one_of(numbers, st.decimals(allow_nan=True, allow_infinity=True).map(str), st.sampled_from(["250", "250.00", "£250.5", "0.001", "1E+40", "-0.00", "1e-30"]))


def choice_of(*values: str):
    return st.one_of(st.sampled_from(values), st.sampled_from([value.upper() for value in values]), texts)


def options(spec: dict[str, st.SearchStrategy], always: tuple[str, ...] = ()) -> st.SearchStrategy[list[str]]:
    """Some of the options (and those `always` given), each with a hostile value; flags (None) appear bare."""

    @st.composite
    def build(draw):
        argv: list[str] = []
        chosen = draw(st.lists(st.sampled_from(sorted(spec)), unique=True, max_size=len(spec)))
        for name in [*always, *(name for name in chosen if name not in always)]:
            argv.append(name)
            if spec[name] is not None:
                argv.append(draw(spec[name]))
        return argv

    return build()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A database with a case at each step, shared by the examples of this module."""
    db = str(tmp_path_factory.mktemp("hostile") / "complaints.db")
    cli = Cli(db)
    cli.ok("init", officer="officer.one")
    cases = [
        cli.ok("log", "--name", "Ada Example", "--summary", "Roof", "--received", "2026-10-01", officer="officer.one").stdout.split()[0]
        for _ in range(3)
    ]
    cli.ok("acknowledge", cases[1], "--on", "2026-10-02", officer="officer.one")
    cli.ok("acknowledge", cases[2], "--on", "2026-10-02", officer="officer.one")
    cli.ok("close", cases[2], "--outcome", "upheld", "--reasons", "Yes", "--on", "2026-10-10", officer="officer.one")
    cli.references = cases
    return cli


def references(cli: Cli):
    return st.one_of(st.sampled_from(cli.references), st.sampled_from([r.lower() for r in cli.references]), any_text)


def check(cli: Cli, argv: list[str]) -> None:
    outcome = cli(*argv, officer="officer.one")
    event(f"exit {outcome.exit_code}")
    assert outcome.exit_code in (0, 1, 2), (argv, outcome)
    for stream in (outcome.stdout, outcome.stderr):
        assert "Traceback" not in stream, (argv, stream)
        assert "Error: unexpected " not in stream, (argv, stream)
        assert "database problem" not in stream, (argv, stream)
    if outcome.exit_code:
        assert outcome.stderr.strip(), (argv, "a refusal must say why")


def hammer(cli: Cli, commands: st.SearchStrategy[list[str]]) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(commands)
    def run(argv):
        check(cli, argv)

    run()
    cli.ok("verify")


LOG = {
    "--name": any_text, "--email": any_text, "--phone": any_text, "--address": any_text,
    "--preferred-contact": choice_of("email", "phone", "letter"),
    "--channel": choice_of("online", "email", "phone", "letter", "in-person", "social-media", "representative"),
    "--representative": any_text, "--anonymous": None, "--service": any_text, "--category": any_text,
    "--summary": any_text, "--outcomes-sought": any_text, "--received": dates, "--issue-date": dates,
    "--housing": None, "--adjustments": any_text, "--type": choice_of("complaint", "compliment", "comment"), "--json": None,
}


def test_log(hostile):
    hammer(hostile, options(LOG, always=("--summary",)).map(lambda argv: ["log", *argv]))


def test_acknowledge(hostile):
    spec = {"--handler": any_text, "--understanding": any_text, "--outcomes-sought": any_text, "--on": dates, "--json": None}
    hammer(hostile, st.tuples(references(hostile), options(spec)).map(lambda t: ["acknowledge", t[0], *t[1]]))


def test_extend(hostile):
    spec = {"--days": numbers, "--to": dates, "--reason": any_text, "--good-reason": any_text, "--late-reason": any_text, "--on": dates, "--json": None}
    hammer(hostile, st.tuples(references(hostile), options(spec)).map(lambda t: ["extend", t[0], *t[1]]))


def test_close(hostile):
    spec = {
        "--outcome": choice_of("upheld", "partly-upheld", "not-upheld", "withdrawn", "refused"),
        "--reasons": any_text, "--exclusion": any_text, "--steps": any_text, "--remedy": any_text, "--apology": None,
        "--compensation": money, "--learning": any_text, "--action": any_text, "--action-due": dates, "--on": dates, "--json": None,
    }
    hammer(hostile, st.tuples(references(hostile), options(spec, always=("--outcome", "--reasons"))).map(lambda t: ["close", t[0], *t[1]]))


def test_escalate(hostile):
    spec = {"--handler": any_text, "--late-reason": any_text, "--outcomes-sought": any_text, "--on": dates, "--json": None}
    hammer(hostile, st.tuples(references(hostile), options(spec)).map(lambda t: ["escalate", t[0], *t[1]]))


def test_note(hostile):
    spec = {"--on": dates, "--json": None}
    hammer(hostile, st.tuples(references(hostile), any_text, options(spec)).map(lambda t: ["note", t[0], t[1], *t[2]]))


def test_action_add(hostile):
    spec = {"--what": any_text, "--due": dates, "--owner": any_text, "--on": dates, "--json": None}
    hammer(hostile, st.tuples(references(hostile), options(spec)).map(lambda t: ["action", "add", t[0], *t[1]]))


def test_action_done(hostile):
    spec = {"--on": dates, "--json": None}
    hammer(hostile, st.tuples(references(hostile), numbers, options(spec)).map(lambda t: ["action", "done", t[0], t[1], *t[2]]))


def test_restrict(hostile):
    spec = {
        "--name": any_text, "--email": any_text, "--phone": any_text, "--reason": any_text, "--arrangements": any_text,
        "--decided-by": any_text, "--review": dates, "--on": dates, "--json": None,
    }
    record = options(spec, always=("--reason", "--arrangements", "--decided-by", "--review")).map(lambda argv: ["restrict", *argv])
    end = st.tuples(numbers, options({"--reason": any_text, "--on": dates, "--json": None})).map(
        lambda t: ["restrict", "end", t[0], *t[1]]
    )
    hammer(hostile, st.one_of(record, end, st.just(["restrict", "list", "--json"])))


def test_show(hostile):
    hammer(hostile, st.tuples(references(hostile), st.booleans()).map(lambda t: ["show", t[0], *(["--json"] if t[1] else [])]))


def test_list(hostile):
    spec = {
        "--status": choice_of("open", "acknowledged", "closed"), "--stage": numbers, "--handler": any_text, "--service": any_text,
        "--from": dates, "--to": dates, "--type": choice_of("complaint", "compliment", "comment"), "--limit": numbers,
        "--json": None, "--csv": None,
    }
    hammer(hostile, options(spec).map(lambda argv: ["list", *argv]))


def test_workdays(hostile):
    add = st.tuples(dates, numbers, st.booleans()).map(lambda t: ["workdays", "add", t[0], t[1], *(["--json"] if t[2] else [])])
    between = st.tuples(dates, dates, st.booleans()).map(lambda t: ["workdays", "between", t[0], t[1], *(["--json"] if t[2] else [])])
    hammer(hostile, st.one_of(add, between))


def test_global_options(hostile):
    """--officer is recorded on every event and --config names a file: hostile values for both."""
    from complaintctl.cli import app

    @st.composite
    def command(draw):
        prefix = []
        if draw(st.booleans()):
            prefix += ["--officer", draw(any_text)]
        if draw(st.booleans()):
            prefix += ["--config", draw(st.one_of(any_text, st.sampled_from(["/", "/dev/null", "/etc/passwd", "."])))]
        step = draw(st.sampled_from([["note", hostile.references[0], "A note"], ["show", hostile.references[1]], ["list"]]))
        return [*prefix, *step]

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(command())
    def run(argv):
        outcome = hostile.runner.invoke(app, ["--db", hostile.db, *argv], catch_exceptions=False)
        assert outcome.exit_code in (0, 1, 2), (argv, outcome.stderr)
        assert "Traceback" not in outcome.stderr and "Error: unexpected " not in outcome.stderr, (argv, outcome.stderr)

    run()
    hostile.ok("verify")
