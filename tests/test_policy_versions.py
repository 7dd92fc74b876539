"""The database remembers its policy (SPEC §10): each change is a new version, a step is judged
by the version in force when it was recorded, open stages move with a change, and `show`,
`list`, the reports, the letters and `verify` give one answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from freezegun import freeze_time

pytestmark = pytest.mark.both_databases

# Received Mon 2 Jun 2025, acknowledged Tue 3 Jun: respond within 10 working days → Tue 17 Jun.
# With 10 and 11 June closed it would be Thu 19 Jun.
CLOSURES = '[calendar]\nclosures = ["2025-06-10", "2025-06-11"]\n'


def policy_file(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def closed_late(cli) -> str:
    """A complaint answered on 18 June 2025, a day after its response date of 17 June."""
    with freeze_time("2025-06-18 10:00:00"):
        ref = cli.ok("log", "--name", "Ann Example", "--email", "ann@example.org", "--summary", "Damp",
                     "--received", "2025-06-02").stdout.split()[0]
        cli.ok("acknowledge", ref, "--on", "2025-06-03", "--handler", "Jo Officer")
        cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Late repair", "--on", "2025-06-18")
    return ref


def test_a_closed_case_keeps_the_deadline_and_verdict_of_its_time(cli, tmp_path):
    ref = closed_late(cli)
    with freeze_time("2025-06-18 12:00:00"):
        first_letter = cli.ok("letter", ref, "acknowledgement").stdout
    assert "17 June 2025" in first_letter

    closures = policy_file(tmp_path, "closures.toml", CLOSURES)
    with freeze_time("2025-06-20 09:00:00"):
        shown = cli.ok("show", ref, "--json", config=closures).json()
        listed = {row["reference"]: row for row in cli.ok("list", "--json", config=closures).json()}
        report = cli.ok("report", "annual", "--year", "2025", "--json", config=closures).json()
        acknowledgement = cli.ok("letter", ref, "acknowledgement", config=closures).stdout
        decision = cli.ok("letter", ref, "decision", config=closures).stdout
    assert shown["respond_by"] == "2025-06-17"
    assert shown["stages"][0]["responded_in_time"] is False
    assert listed[ref]["respond_by"] == "2025-06-17"
    assert (report["stage1"]["responded"], report["stage1"]["responded_in_time"]) == (1, 0)
    assert acknowledgement == first_letter
    assert "19 June 2025" not in acknowledgement + decision
