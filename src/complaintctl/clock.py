"""The one place that asks the clock. Only the command line calls it; everything below is given
"today" and "now" as values."""

from __future__ import annotations

from datetime import date, datetime, timezone


def today_in_london() -> date:
    """Today's date where the complaints team works, whatever the machine's zone."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/London")).date()


def now_utc() -> datetime:
    return datetime.now(timezone.utc)
