"""Sums of money as people write them, kept as whole pence."""

from __future__ import annotations

import re

# Pounds as people write them: digits (thousands grouped by commas, or not) and at most two
# decimals. Exponents, `inf`, `nan`, signs and fractions of a penny are not amounts of money.
_POUNDS = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?")
# More than this is a mistyped amount, not what a complaint is settled with.
MOST_POUNDS = 10_000_000


def pence(written: str) -> int:
    """Pounds as typed (250, 250.00, £250.5, 1,250) as whole pence; ValueError, in words that
    say how to write it, for anything else."""
    cleaned = written.strip().removeprefix("£").lstrip()
    if not _POUNDS.fullmatch(cleaned):
        raise ValueError(f"{written!r} is not an amount in pounds; write it like 250, 250.00 or £1,250.50")
    pounds, _, decimals = cleaned.replace(",", "").partition(".")
    amount = int(pounds) * 100 + int(decimals.ljust(2, "0"))
    if amount > MOST_POUNDS * 100:
        raise ValueError(f"{written!r} is more than £{MOST_POUNDS:,}; check the amount")
    return amount
