"""Sums of money as typed or kept in a sheet: `close --compensation`, `record --amount` and an
import's compensation column all read them by one rule (domain.money)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintctl.domain.money import MOST_POUNDS, pence
from conftest import Cli, import_refusals


@pytest.mark.parametrize(
    ("written", "kept"),
    [("250", 25000), ("250.5", 25050), ("250.05", 25005), ("£1,250.50", 125050), ("£ 40", 4000), (" 0.01 ", 1), ("10,000,000", 1_000_000_000)],
)
def test_pounds_as_people_write_them(written: str, kept: int) -> None:
    assert pence(written) == kept


@pytest.mark.parametrize("written", ["1e3", "inf", "nan", "-50", "+5", "1.234", "12,50", ".5", "0x10", "", "£", "5 00", "10,000,000.01", "1e30"])
def test_anything_else_is_refused_saying_how_to_write_it(written: str) -> None:
    with pytest.raises(ValueError, match=r"write it like 250|more than £10,000,000"):
        pence(written)


@given(st.integers(min_value=0, max_value=MOST_POUNDS * 100))
def test_every_amount_as_export_writes_it_reads_back_the_same(amount: int) -> None:
    assert pence(f"{amount / 100:.2f}") == amount
    assert pence(f"£{amount // 100:,}.{amount % 100:02d}") == amount


def test_an_import_refuses_a_compensation_that_is_no_amount_and_names_its_line(tmp_path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Ref,Date received,Ack date,Closed,Outcome,Reasons,Compensation\n"
        "B1,01/04/2026,02/04/2026,10/04/2026,Upheld,r,\"£1,250.50\"\n"
        "B2,01/04/2026,02/04/2026,10/04/2026,Upheld,r,inf\n"
        "B3,01/04/2026,02/04/2026,10/04/2026,Upheld,r,-50\n"
        "B4,01/04/2026,02/04/2026,10/04/2026,Upheld,r,99999999999999999999\n"
    )
    cli = Cli(str(tmp_path / "c.db"))
    cli.ok("init")
    assert import_refusals(cli, sheet) == {
        3: "closed: the 'Compensation' cell is not an amount in pounds; write it like 250, 250.00 or £1,250.50",
        4: "closed: the 'Compensation' cell '-50' is not an amount in pounds; write it like 250, 250.00 or £1,250.50",
        # Quoted only where a cell is short enough to be an amount rather than, say, a phone number.
        5: "closed: the 'Compensation' cell is more than £10,000,000; check the amount",
    }
    sheet.write_text("Ref,Date received,Ack date,Closed,Outcome,Reasons,Compensation\nB1,01/04/2026,02/04/2026,10/04/2026,Upheld,r,\"£1,250.50\"\n")
    cli.ok("import", str(sheet))
    exported = json.loads(cli.ok("export", "--format", "json").stdout)
    assert [case["stages"][0]["compensation"] for case in exported] == ["1250.50"]
