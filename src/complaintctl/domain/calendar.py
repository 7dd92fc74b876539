"""The working-day calendar: weekends, the nation's bank holidays and the policy's closures.

"Within N working days of D" means on or before the N-th working day after D; D itself is
never counted, whether or not it is a working day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

from complaintctl.domain.bank_holidays import NATIONS, from_library, kept_for

_ONE_DAY = timedelta(days=1)

# Bank holidays by (nation, year), shared by every calendar in the process: a shell session
# builds a calendar per command and should not ask the holidays package again.
_BANK_HOLIDAYS: dict[tuple[str, int], dict[date, str]] = {}


class Calendar:
    """Working days for one nation plus the organisation's own closure days.

    Bank holidays are read one year at a time, only for the years a calculation touches, from
    the data kept in the package (see bank_holidays), and kept for the life of the process.
    """

    def __init__(self, nation: str, closures: Iterable[date] = ()) -> None:
        if nation not in NATIONS:
            raise ValueError(f"unknown nation {nation!r}; use one of {', '.join(NATIONS)}")
        self.nation = nation
        self.closures = frozenset(closures)
        self._holidays: dict[date, str] = {}
        self._years_loaded: set[int] = set()
        # Counts already made: deriving many cases (an import) asks the same ones again and again.
        self._added: dict[tuple[date, int], date] = {}
        # Whether each day counted so far is a working day, for the counts not made yet.
        self._working: dict[date, bool] = {}

    def _load_year(self, year: int) -> None:
        # Sibling years are cheap to add and save repeated calls when a count crosses New Year.
        wanted = [y for y in (year - 1, year, year + 1) if y not in self._years_loaded]
        missing = [y for y in wanted if (self.nation, y) not in _BANK_HOLIDAYS]
        for y in missing:
            kept = kept_for(self.nation, y)
            if kept is not None:
                _BANK_HOLIDAYS[(self.nation, y)] = kept
        asked = [y for y in missing if (self.nation, y) not in _BANK_HOLIDAYS]
        if asked:
            for y, found in from_library(self.nation, asked).items():
                _BANK_HOLIDAYS[(self.nation, y)] = found
        for y in wanted:
            self._holidays.update(_BANK_HOLIDAYS[(self.nation, y)])
        self._years_loaded.update(wanted)

    def holiday_name(self, day: date) -> str | None:
        """The bank holiday or closure on this day, if there is one."""
        name = self.bank_holiday_name(day)
        if name is not None:
            return name
        if day in self.closures:
            return "Closure day"
        return None

    def bank_holiday_name(self, day: date) -> str | None:
        """The nation's bank holiday on this day, as the `holidays` library names it, if there is one."""
        if day.year not in self._years_loaded:
            self._load_year(day.year)
        return self._holidays.get(day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday_name(day) is None

    def add(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (start itself not counted); days ≥ 0."""
        if days < 0:
            raise ValueError("a number of working days to add cannot be negative")
        if not days:
            return start
        known = self._added.get((start, days))
        if known is not None:
            return known
        working = self._working
        current = start
        remaining = days
        while remaining:
            current += _ONE_DAY
            counted = working.get(current)
            if counted is None:
                counted = working[current] = self.is_working_day(current)
            if counted:
                remaining -= 1
        self._added[(start, days)] = current
        return current

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when end < start.

        The inverse of add: between(d, add(d, n)) == n.
        """
        if end < start:
            return -self._count(end, start)
        return self._count(start, end)

    def _count(self, start: date, end: date) -> int:
        count = 0
        current = start
        while current < end:
            current += _ONE_DAY
            if self.is_working_day(current):
                count += 1
        return count

    def next_working_day(self, day: date) -> date:
        """The day itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day


# The same dates are asked about again and again as a batch of cases is derived.
@lru_cache(maxsize=4096)
def add_months(start: date, months: int) -> date:
    """The same day number `months` later, clamped to that month's last day."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    # The month's last day: the day before the first of the next (the calendar module, with
    # the locale it loads, would cost every command's start more than this).
    last_day = (date(year + month // 12, month % 12 + 1, 1) - _ONE_DAY).day
    return date(year, month, min(start.day, last_day))
