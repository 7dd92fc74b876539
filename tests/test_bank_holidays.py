"""The bank holidays kept as data are the `holidays` library's, and the library is only asked
when the data cannot answer."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from complaintctl.domain import bank_holidays
from complaintctl.domain.calendar import Calendar

YEARS = range(bank_holidays.FIRST_YEAR, bank_holidays.LAST_YEAR + 1)


@pytest.mark.parametrize("nation", sorted(bank_holidays.NATIONS))
def test_the_kept_dates_and_names_are_the_librarys_for_every_year(nation):
    asked = bank_holidays.from_library(nation, YEARS)
    kept = {year: bank_holidays.kept_for(nation, year) for year in YEARS}
    assert kept == asked
    assert all(kept[year] for year in YEARS), "every year has bank holidays"


def test_the_data_was_built_by_the_installed_release():
    import holidays

    stored = json.loads(bank_holidays.DATA.read_text(encoding="utf-8"))
    assert stored["holidays_release"] == holidays.__version__ == bank_holidays.installed_release()
    assert (stored["first_year"], stored["last_year"]) == (bank_holidays.FIRST_YEAR, bank_holidays.LAST_YEAR)


def test_another_release_of_the_library_is_asked_instead(monkeypatch):
    monkeypatch.setattr(bank_holidays, "_installed_release", "0.0-not-the-one")
    assert bank_holidays.kept_for("england-and-wales", 2026) is None
    assert bank_holidays.kept_for("england-and-wales", bank_holidays.LAST_YEAR + 1) is None


def run(code: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_a_calendar_within_the_kept_years_never_imports_the_library():
    found = run(
        "import sys; from datetime import date; from complaintctl.domain.calendar import Calendar;"
        "c = Calendar('scotland'); print(c.add(date(2026, 12, 24), 5), c.holiday_name(date(2027, 1, 4)), 'holidays' in sys.modules)"
    )
    # Christmas, the Boxing Day substitute on the 28th, and 1 and 4 January in Scotland are skipped.
    assert found[0] == str(Calendar("scotland").add(date(2026, 12, 24), 5))
    assert found[-1] == "False"


def test_a_year_outside_the_kept_ones_asks_the_library():
    found = run(
        "import sys; from datetime import date; from complaintctl.domain.calendar import Calendar;"
        f"print(Calendar('england-and-wales').is_working_day(date({bank_holidays.LAST_YEAR + 5}, 12, 25)), 'holidays' in sys.modules)"
    )
    assert found == ["False", "True"]
