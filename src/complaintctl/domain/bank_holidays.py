"""The bank holidays of each nation, kept as data beside this module.

Importing the `holidays` library loads every country it knows and costs more than a whole
command should; the few dates a complaints calendar needs are known years ahead. They are kept
in `bank_holidays.json` for the years FIRST_YEAR to LAST_YEAR, built by that library, and the
library is asked only for a year outside them or when the installed release is not the one the
data was built with (its dates may have been corrected since).

Rebuild the data after upgrading `holidays`:

    python -m complaintctl.domain.bank_holidays
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

DATA = Path(__file__).with_name("bank_holidays.json")
FIRST_YEAR = 1990
LAST_YEAR = 2060

# The nations a policy may name, and their subdivision codes in the `holidays` library.
NATIONS = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}

# The names gov.uk gives the bank holidays, where the `holidays` library words them otherwise;
# its "(observed)" is gov.uk's "(substitute day)". The data keeps the library's own names.
GOV_UK_NAMES = {
    "New Year Holiday": "2nd January",
    "Saint Patrick's Day": "St Patrick's Day",
    "Saint Andrew's Day": "St Andrew's Day",
    "Battle of the Boyne": "Battle of the Boyne (Orangemen's Day)",
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
    "Summer Bank Holiday": "Summer bank holiday",
}
_OBSERVED = " (observed)"


def gov_uk_name(name: str) -> str:
    """A bank holiday's name as gov.uk lists it for the nation, e.g. "Boxing Day (observed)" →
    "Boxing Day (substitute day)", "Saint Patrick's Day" → "St Patrick's Day". A day the
    library gives two names ("New Year Holiday; New Year's Day (observed)") keeps both."""
    words = []
    for part in name.split("; "):
        base = part.removesuffix(_OBSERVED)
        words.append(GOV_UK_NAMES.get(base, base) + (" (substitute day)" if part.endswith(_OBSERVED) else ""))
    return "; ".join(words)


_stored: dict[str, dict[str, str]] | None = None
_stored_release: str | None = None
_by_year: dict[str, dict[int, dict[date, str]]] = {}
_installed_release: str | None = None


def installed_release() -> str:
    """The installed `holidays` release, read from its metadata folder's name without importing
    it (importing it is the cost this module avoids); "" when it cannot be told."""
    global _installed_release
    if _installed_release is None:
        from importlib.util import find_spec

        _installed_release = ""
        spec = find_spec("holidays")
        if spec is not None and spec.origin:
            folder = Path(spec.origin).resolve().parents[1]
            found = sorted(folder.glob("holidays-*.dist-info"))
            if len(found) == 1:
                _installed_release = found[0].name[len("holidays-") : -len(".dist-info")]
    return _installed_release


def _kept(nation: str) -> dict[int, dict[date, str]] | None:
    """The nation's bank holidays by year from the data, when it was built by the installed release."""
    global _stored, _stored_release
    if _stored is None:
        try:
            content = json.loads(DATA.read_text(encoding="utf-8"))
            _stored, _stored_release = content["nations"], content["holidays_release"]
        except (OSError, ValueError, KeyError):
            _stored, _stored_release = {}, None
    if nation not in _stored or _stored_release != installed_release():
        return None
    if nation not in _by_year:
        years: dict[int, dict[date, str]] = {year: {} for year in range(FIRST_YEAR, LAST_YEAR + 1)}
        for day, name in _stored[nation].items():
            parsed = date.fromisoformat(day)
            years[parsed.year][parsed] = name
        _by_year[nation] = years
    return _by_year[nation]


def kept_for(nation: str, year: int) -> dict[date, str] | None:
    """The year's bank holidays from the data, or None when the library must be asked."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    kept = _kept(nation)
    return None if kept is None else kept[year]


def from_library(nation: str, years: Iterable[int]) -> dict[int, dict[date, str]]:
    """The bank holidays of each year, asked of the `holidays` library."""
    import holidays

    wanted = list(years)
    table = holidays.country_holidays("GB", subdiv=NATIONS[nation], years=wanted)
    found: dict[int, dict[date, str]] = {year: {} for year in wanted}
    for day, name in table.items():
        if day.year in found:
            found[day.year][day] = name
    return found


def build() -> dict[str, object]:
    """The data file's content, from the installed library."""
    import holidays

    years = range(FIRST_YEAR, LAST_YEAR + 1)
    nations = {}
    for nation in NATIONS:
        by_year = from_library(nation, years)
        nations[nation] = {day.isoformat(): name for year in years for day, name in sorted(by_year[year].items())}
    return {"holidays_release": holidays.__version__, "first_year": FIRST_YEAR, "last_year": LAST_YEAR, "nations": nations}


if __name__ == "__main__":
    DATA.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Wrote {DATA}")
