"""The working-day calendar (SPEC §3): properties over many dates, and fixed facts by nation."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from conftest import Cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaintctl.domain import policy as policies
from complaintctl.domain.events import Event
from complaintctl.domain.case import derive
from complaintctl.domain.calendar import NATIONS, Calendar, add_months

# One calendar per nation for the whole module: the holiday tables are loaded once.
CALENDARS = {nation: Calendar(nation) for nation in NATIONS}
CLOSURES = [date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31), date(2027, 6, 1), date(2030, 3, 4)]
CLOSED = {nation: Calendar(nation, CLOSURES) for nation in NATIONS}
ALL = [*CALENDARS.values(), *CLOSED.values()]

calendars = st.sampled_from(ALL)
days_ = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
counts = st.integers(min_value=0, max_value=70)
quick = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


# -- properties -------------------------------------------------------------------------------------


@quick
@given(calendars, days_, st.integers(min_value=1, max_value=70))
def test_a_due_date_is_never_a_non_working_day(calendar, start, n):
    due = calendar.add(start, n)
    assert due.weekday() < 5
    assert calendar.holiday_name(due) is None
    assert due not in calendar.closures
    assert calendar.is_working_day(due)


@quick
@given(calendars, days_, counts, counts)
def test_more_days_never_give_an_earlier_date(calendar, start, a, b):
    low, high = sorted((a, b))
    assert calendar.add(start, low) <= calendar.add(start, high)
    if high > low:
        assert calendar.add(start, low) < calendar.add(start, high)


@quick
@given(calendars, days_, counts)
def test_between_inverts_add(calendar, start, n):
    assert calendar.between(start, calendar.add(start, n)) == n


@quick
@given(calendars, days_, days_)
def test_between_is_antisymmetric_and_add_inverts_it_on_working_days(calendar, first, second):
    first, second = sorted((first, second))
    second = min(second, first + timedelta(days=400))
    count = calendar.between(first, second)
    assert calendar.between(second, first) == -count
    if calendar.is_working_day(second):
        assert calendar.add(first, count) == second


@quick
@given(calendars, days_, st.integers(min_value=0, max_value=20), counts)
def test_add_is_monotone_in_the_start_date(calendar, start, shift, n):
    later = start + timedelta(days=shift)
    assert calendar.add(start, n) <= calendar.add(later, n)


@quick
@given(calendars, days_, st.integers(min_value=1, max_value=70))
def test_the_start_day_itself_is_never_counted(calendar, start, n):
    due = calendar.add(start, n)
    assert due > start
    # Exactly n working days lie in (start, due], and due is the last of them.
    working = [start + timedelta(days=i) for i in range(1, (due - start).days + 1)]
    assert sum(calendar.is_working_day(day) for day in working) == n


@quick
@given(st.sampled_from(sorted(NATIONS)), days_, st.integers(min_value=1, max_value=40))
def test_a_closure_day_never_makes_a_deadline_earlier(nation, start, n):
    assert CALENDARS[nation].add(start, n) <= CLOSED[nation].add(start, n)


@quick
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), st.integers(min_value=-24, max_value=24))
def test_calendar_months_clamp_to_the_month_end(start, months):
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day == start.day or (result.day < start.day and (result + timedelta(days=1)).day == 1)


def test_adding_zero_days_keeps_the_date_even_on_a_holiday():
    assert CALENDARS["england-and-wales"].add(date(2026, 12, 25), 0) == date(2026, 12, 25)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        CALENDARS["scotland"].add(date(2026, 1, 5), -1)


def test_an_unknown_nation_is_refused():
    with pytest.raises(ValueError, match="wales"):
        Calendar("wales")


# -- known facts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nation", "day", "working"),
    [
        # Easter Monday is a bank holiday in England and Wales and Northern Ireland, not in Scotland.
        ("england-and-wales", date(2026, 4, 6), False),
        ("northern-ireland", date(2026, 4, 6), False),
        ("scotland", date(2026, 4, 6), True),
        ("scotland", date(2027, 3, 29), True),
        # 2 January is a Scottish bank holiday only.
        ("scotland", date(2026, 1, 2), False),
        ("england-and-wales", date(2026, 1, 2), True),
        ("northern-ireland", date(2026, 1, 2), True),
        # 2 January 2027 is a Saturday: Scotland substitutes Monday 4 January.
        ("scotland", date(2027, 1, 4), False),
        ("england-and-wales", date(2027, 1, 4), True),
        # St Andrew's Day in Scotland; the first Monday of August, not the last.
        ("scotland", date(2026, 11, 30), False),
        ("england-and-wales", date(2026, 11, 30), True),
        ("scotland", date(2026, 8, 3), False),
        ("scotland", date(2026, 8, 31), True),
        ("england-and-wales", date(2026, 8, 31), False),
        # Northern Ireland's own: St Patrick's Day and the Battle of the Boyne.
        ("northern-ireland", date(2026, 3, 17), False),
        ("england-and-wales", date(2026, 3, 17), True),
        ("northern-ireland", date(2027, 7, 12), False),
        ("scotland", date(2027, 7, 12), True),
        # 12 July 2026 is a Sunday: the holiday moves to Monday 13 July.
        ("northern-ireland", date(2026, 7, 13), False),
        ("england-and-wales", date(2026, 7, 13), True),
        # Boxing Day 2026 is a Saturday: the substitute is Monday 28 December, everywhere.
        ("england-and-wales", date(2026, 12, 28), False),
        ("scotland", date(2026, 12, 28), False),
        ("northern-ireland", date(2026, 12, 28), False),
        ("england-and-wales", date(2026, 12, 29), True),
        # Christmas 2027 falls at a weekend: 27 and 28 December are both substitutes.
        ("england-and-wales", date(2027, 12, 27), False),
        ("england-and-wales", date(2027, 12, 28), False),
        # Weekends are never working days.
        ("england-and-wales", date(2026, 11, 28), False),
        ("england-and-wales", date(2026, 11, 29), False),
    ],
)
def test_known_bank_holidays(nation, day, working):
    assert CALENDARS[nation].is_working_day(day) is working


def test_closure_days_are_not_working_days_and_are_named():
    calendar = CLOSED["england-and-wales"]
    assert not calendar.is_working_day(date(2026, 12, 29))
    assert calendar.holiday_name(date(2026, 12, 29)) == "Closure day"
    assert calendar.holiday_name(date(2026, 12, 28)) == "Boxing Day (observed)"
    assert CALENDARS["england-and-wales"].is_working_day(date(2026, 12, 29))


@pytest.mark.parametrize(
    ("nation", "closures", "start", "n", "due"),
    [
        # The SPEC's example: received Saturday 28 Nov 2026, acknowledge within 5.
        ("england-and-wales", [], date(2026, 11, 28), 5, date(2026, 12, 4)),
        # In Scotland St Andrew's Day (Mon 30 Nov 2026) pushes it a day.
        ("scotland", [], date(2026, 11, 28), 5, date(2026, 12, 7)),
        # Over Christmas and New Year: 25, 28 Dec and 1 Jan are off in England.
        ("england-and-wales", [], date(2026, 12, 22), 5, date(2026, 12, 31)),
        ("england-and-wales", [], date(2026, 12, 22), 8, date(2027, 1, 6)),
        # Scotland also has 2 January, a Saturday in 2027: Monday 4 January is its substitute.
        ("scotland", [], date(2026, 12, 22), 8, date(2027, 1, 7)),
        # The council shuts 29-31 December as well.
        ("england-and-wales", CLOSURES, date(2026, 12, 22), 5, date(2027, 1, 6)),
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April (not in Scotland).
        ("england-and-wales", [], date(2026, 4, 1), 2, date(2026, 4, 7)),
        ("scotland", [], date(2026, 4, 1), 2, date(2026, 4, 6)),
        # Northern Ireland: St Patrick's Day on a Tuesday.
        ("northern-ireland", [], date(2026, 3, 16), 1, date(2026, 3, 18)),
        ("england-and-wales", [], date(2026, 3, 16), 1, date(2026, 3, 17)),
        # Northern Ireland: the Boyne holiday moved to Monday 13 July 2026.
        ("northern-ireland", [], date(2026, 7, 10), 1, date(2026, 7, 14)),
        ("england-and-wales", [], date(2026, 7, 10), 1, date(2026, 7, 13)),
    ],
)
def test_known_due_dates(nation, closures, start, n, due):
    calendar = Calendar(nation, closures)
    assert calendar.add(start, n) == due
    assert calendar.between(start, due) == n


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2027, 2, 28), 1, date(2027, 3, 28)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
    ],
)
def test_one_calendar_month(start, months, expected):
    assert add_months(start, months) == expected


# -- the CLI ----------------------------------------------------------------------------------------


@pytest.fixture
def policy_for(tmp_path):
    def write(nation: str, closures: tuple[str, ...] = ()) -> str:
        path = tmp_path / f"{nation}.toml"
        listed = ", ".join(f'"{day}"' for day in closures)
        path.write_text(f'[calendar]\nnation = "{nation}"\nclosures = [{listed}]\n')
        return str(path)

    return write


def test_workdays_add_json_on_the_default_calendar(db_location):
    outcome = Cli(db_location).ok("workdays", "add", "2026-11-28", "5", "--json")
    assert outcome.json() == {"start": "2026-11-28", "days": 5, "date": "2026-12-04"}
    assert outcome.stderr == ""


def test_workdays_add_plain_names_the_weekday(db_location):
    outcome = Cli(db_location).ok("workdays", "add", "28/11/2026", "5")
    assert outcome.stdout == "2026-12-04 (Friday)\n"


@pytest.mark.parametrize(
    ("nation", "closures", "start", "n", "due"),
    [
        ("scotland", (), "2026-11-28", 5, "2026-12-07"),
        ("scotland", (), "2026-04-02", 1, "2026-04-06"),
        ("england-and-wales", (), "2026-04-02", 1, "2026-04-07"),
        ("northern-ireland", (), "2026-03-16", 1, "2026-03-18"),
        ("england-and-wales", ("2026-12-29", "2026-12-30", "2026-12-31"), "2026-12-22", 5, "2027-01-06"),
    ],
)
def test_workdays_follow_the_policy_calendar(db_location, policy_for, nation, closures, start, n, due):
    cli = Cli(db_location, config=policy_for(nation, closures))
    assert cli.ok("workdays", "add", start, str(n), "--json").json() == {"start": start, "days": n, "date": due}
    assert cli.ok("workdays", "between", start, due, "--json").json() == {"start": start, "end": due, "working_days": n}
    assert cli.ok("workdays", "between", due, start, "--json").json() == {"start": due, "end": start, "working_days": -n}


def test_workdays_between_plain(db_location):
    # Mon 21 Dec to Mon 4 Jan 2027: 22, 23, 24, 29, 30, 31 Dec and 4 Jan.
    assert Cli(db_location).ok("workdays", "between", "2026-12-21", "2027-01-04").stdout == "7\n"


# -- deadlines derived from events (model.derive, no database) ---------------------------------------


def _event(kind: str, on: date, number: int, **details) -> Event:
    return Event(kind=kind, on=on, officer="t", recorded_at=datetime(2030, 1, 1, tzinfo=timezone.utc), details=details, number=number)


def _derive(rules: dict, received: date, acknowledged: date | None, extension: int):
    chosen = policies.from_mapping(rules)
    calendar = chosen.calendar()
    events = [_event("logged", received, 1, type="complaint", received_on=received.isoformat(), issue_date=None,
                     housing=False, summary="S", name="N")]
    if acknowledged:
        events.append(_event("acknowledged", acknowledged, 2, stage=1, handler="H"))
    if extension:
        events.append(_event("extended", acknowledged or received, len(events) + 1, stage=1, days=extension))
    return derive("CMP-2030-00001", events, chosen, calendar).current, calendar


policy_rules = st.fixed_dictionaries({
    "calendar": st.fixed_dictionaries({
        "nation": st.sampled_from(sorted(NATIONS)),
        "closures": st.lists(st.dates(min_value=date(2026, 12, 1), max_value=date(2027, 1, 31)), max_size=4, unique=True)
        .map(lambda days: sorted(day.isoformat() for day in days)),
    }),
    "stage1": st.fixed_dictionaries({
        "acknowledge_days": st.integers(min_value=1, max_value=10),
        "respond_days": st.integers(min_value=1, max_value=20),
        "respond_from": st.sampled_from(["acknowledgement", "receipt"]),
    }),
})
receipts = st.dates(min_value=date(2026, 11, 1), max_value=date(2027, 2, 28))


@quick
@given(policy_rules, receipts, st.integers(min_value=0, max_value=12), st.integers(min_value=0, max_value=15))
def test_derived_deadlines_are_working_days_and_extensions_add_exactly(rules, received, ack_after, extension):
    calendar = Calendar(rules["calendar"]["nation"], [date.fromisoformat(d) for d in rules["calendar"]["closures"]])
    acknowledged = calendar.add(received, ack_after) if ack_after else None
    stage, calendar = _derive(rules, received, acknowledged, extension)
    assert calendar.is_working_day(stage.acknowledge_by)
    assert calendar.between(received, stage.acknowledge_by) == rules["stage1"]["acknowledge_days"]
    assert calendar.is_working_day(stage.respond_by)
    assert calendar.between(stage.original_respond_by, stage.respond_by) == extension
    start = received if rules["stage1"]["respond_from"] == "receipt" else (acknowledged or stage.acknowledge_by)
    assert calendar.between(start, stage.original_respond_by) == rules["stage1"]["respond_days"]


@quick
@given(policy_rules, receipts, st.integers(min_value=1, max_value=10), st.integers(min_value=1, max_value=5))
def test_a_later_acknowledgement_never_gives_an_earlier_response_date(rules, received, first, later):
    calendar = Calendar(rules["calendar"]["nation"], [date.fromisoformat(d) for d in rules["calendar"]["closures"]])
    early, _ = _derive(rules, received, calendar.add(received, first), 0)
    late, _ = _derive(rules, received, calendar.add(received, first + later), 0)
    assert early.respond_by <= late.respond_by
    if rules["stage1"]["respond_from"] == "receipt":
        assert early.respond_by == late.respond_by
