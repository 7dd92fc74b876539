"""One lifecycle per example policy, with every date counted by hand from the seed's sentences.

Each scenario runs the real command line (log → acknowledge → extend → close → escalate →
close at stage 2) against its policy file and checks the deadlines `show --json` reports.
The comments give the count: "(1)" is the first working day after the start date, which
itself is never counted. X marks a day that is not a working day, and why.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from freezegun import freeze_time

from conftest import Cli

POLICIES = Path(__file__).resolve().parents[1] / "examples" / "policies"


@pytest.fixture(autouse=True)
def after_every_scenario():
    # Every scenario happens before this day, so no --on date is in the future.
    with freeze_time("2028-12-01 12:00:00"):
        yield


def _runner(db_location: str, config: Path) -> Cli:
    runner = Cli(db_location, config=str(config))
    runner.ok("init")
    return runner


def _variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """An example policy with one line changed, e.g. another nation or some closure days."""
    text = (POLICIES / name).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should appear once in {name}"
    path = tmp_path / f"variant-{name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _log(cli: Cli, received: str) -> dict:
    return cli.ok(
        "log", "--name", "Ms Jane Doe", "--summary", "Repairs to the kitchen ceiling were never finished.",
        "--received", received, "--json",
    ).json()


def _step(cli: Cli, *args: str) -> dict:
    return cli.ok(*args, "--json").json()


def _refused(cli: Cli, reference: str, *args: str, words: tuple[str, ...]) -> None:
    """The step is refused with one line naming the case, and the case is exactly as it was."""
    before = cli.show(reference)
    outcome = cli(*args)
    assert outcome.exit_code == 1, outcome.stderr
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {reference}"), outcome.stderr
    for word in words:
        assert word in lines[0]
    assert cli.show(reference) == before


def _dates(case: dict, stage: int | None = None) -> tuple:
    """(acknowledge_by, respond_by) of the current stage, or of stage N from `stages`."""
    if stage is None:
        return case["acknowledge_by"], case["respond_by"]
    chosen = case["stages"][stage - 1]
    return chosen["acknowledge_by"], chosen["respond_by"]


def test_housing_ombudsman_code_over_christmas_2026(db_location):
    cli = _runner(db_location, POLICIES / "housing-ombudsman-2024.toml")
    # Received Fri 18 Dec 2026. 6.2 acknowledge within 5 working days of receipt:
    # Mon 21 (1), Tue 22 (2), Wed 23 (3), Thu 24 (4), Fri 25 X Christmas,
    # Mon 28 X Boxing Day substitute (26th is a Saturday), Tue 29 (5) → 29 Dec 2026.
    case = _log(cli, "2026-12-18")
    ref = case["reference"]
    assert ref == "CMP-2026-00001"
    # Until acknowledged, the latest permitted acknowledgement stands in: 29 Dec + 10:
    # Wed 30 (1), Thu 31 (2), Fri 1 Jan X, Mon 4 – Fri 8 (3–7), Mon 11 – Wed 13 (8–10) → 13 Jan 2027.
    assert _dates(case) == ("2026-12-29", "2027-01-13")
    assert case["escalate_by"] is None

    # Acknowledged Wed 23 Dec. 6.3 respond within 10 working days of the acknowledgement:
    # Thu 24 (1), 25 X, 28 X, Tue 29 (2), Wed 30 (3), Thu 31 (4), Fri 1 Jan X New Year,
    # Mon 4 – Fri 8 (5–9), Mon 11 (10) → 11 Jan 2027.
    case = _step(cli, "acknowledge", ref, "--handler", "Sam Patel", "--on", "2026-12-23")
    assert case["status"] == "acknowledged"
    assert case["respond_by"] == "2027-01-11"

    # 6.4 an extension of no more than 10 working days: 11 Jan + 10:
    # Tue 12 – Fri 15 (1–4), Mon 18 – Fri 22 (5–9), Mon 25 (10) → 25 Jan 2027.
    case = _step(cli, "extend", ref, "--days", "10", "--reason", "Waiting for the contractor's report", "--on", "2027-01-08")
    assert case["respond_by"] == "2027-01-25"
    assert case["extension_days"] == 10
    # One more day goes past the cap of 10 and needs a good reason.
    _refused(cli, ref, "extend", ref, "--days", "1", "--reason", "More time", "--on", "2027-01-11",
             words=("11 working days", "limit of 10", "--good-reason"))

    case = _step(cli, "close", ref, "--outcome", "upheld", "--reasons", "The repair was left unfinished.", "--on", "2027-01-22")
    assert (case["status"], case["outcome"]) == ("closed", "upheld")
    assert case["stages"][0]["responded_in_time"] is True
    # The Code sets no window for asking for stage 2.
    assert case["escalate_by"] is None

    # Six months later is still in time; but 6.13: not the stage 1 handler.
    _refused(cli, ref, "escalate", ref, "--handler", "sam  PATEL", "--on", "2027-06-30",
             words=("stage 2 needs someone with no prior involvement",))
    # Stage 2 requested Wed 30 Jun 2027. 6.11 acknowledge within 5 working days of the request:
    # Thu 1 Jul (1), Fri 2 (2), Mon 5 – Wed 7 (3–5) → 7 Jul 2027.
    case = _step(cli, "escalate", ref, "--handler", "Jo Brown", "--on", "2027-06-30")
    assert (case["stage"], case["status"], case["outcome"]) == (2, "open", None)
    assert case["stages"][1]["received_on"] == "2027-06-30"
    assert case["acknowledge_by"] == "2027-07-07"
    assert case["stages"][1]["late_reason"] is None

    # Acknowledged Fri 2 Jul; respond within 20 working days of it:
    # Mon 5 – Fri 9 (1–5), 12–16 (6–10), 19–23 (11–15), 26–30 (16–20) → Fri 30 Jul 2027.
    case = _step(cli, "acknowledge", ref, "--on", "2027-07-02")
    assert case["handler"] == "Jo Brown"
    assert case["respond_by"] == "2027-07-30"
    case = _step(cli, "close", ref, "--outcome", "not-upheld", "--reasons", "Stage 1 put it right.", "--on", "2027-07-29")
    assert (case["stage"], case["status"], case["outcome"]) == (2, "closed", "not-upheld")
    assert case["stages"][1]["responded_in_time"] is True
    assert case["escalate_by"] is None
    assert [event["kind"] for event in case["events"]] == [
        "logged", "acknowledged", "extended", "closed", "escalated", "acknowledged", "closed"
    ]


def test_mansfield_saturday_receipt_over_easter_2027(db_location):
    cli = _runner(db_location, POLICIES / "mansfield.toml")
    # Received Sat 20 Mar 2027. 000: "an acknowledgement within 5 working days of receipt":
    # Mon 22 (1), Tue 23 (2), Wed 24 (3), Thu 25 (4), Fri 26 X Good Friday,
    # Mon 29 X Easter Monday, Tue 30 (5) → 30 Mar 2027.
    case = _log(cli, "2027-03-20")
    ref = case["reference"]
    assert ref == "MDC-2027-00001"
    assert case["acknowledge_by"] == "2027-03-30"

    # Acknowledged Thu 25 Mar. 000: "a decision within 10 working days for stage 1", counted from
    # the acknowledgement: 26 X, 29 X, Tue 30 (1), Wed 31 (2), Thu 1 Apr (3), Fri 2 (4),
    # Mon 5 – Fri 9 (5–9), Mon 12 (10) → 12 Apr 2027.
    case = _step(cli, "acknowledge", ref, "--handler", "Kim Lee", "--on", "2027-03-25")
    assert case["respond_by"] == "2027-04-12"
    case = _step(cli, "close", ref, "--outcome", "partly-upheld", "--reasons", "Part of the work was done.", "--on", "2027-04-09")
    assert case["outcome"] == "partly-upheld"
    assert case["escalate_by"] is None  # the seeds set no window

    # Stage 2 asked for Tue 4 May 2027 (Mon 3 May is the Early May bank holiday). Acknowledge
    # within 5 (read from the Code): Wed 5 (1), Thu 6 (2), Fri 7 (3), Mon 10 (4), Tue 11 (5).
    case = _step(cli, "escalate", ref, "--handler", "Ravi Singh", "--on", "2027-05-04")
    assert case["acknowledge_by"] == "2027-05-11"
    # Acknowledged Fri 7 May. "20 working days for a stage 2 complaint":
    # Mon 10 – Fri 14 (1–5), 17–21 (6–10), 24–28 (11–15), Mon 31 X Spring bank holiday,
    # Tue 1 Jun – Fri 4 (16–19), Mon 7 (20) → 7 Jun 2027.
    case = _step(cli, "acknowledge", ref, "--on", "2027-05-07")
    assert case["respond_by"] == "2027-06-07"

    # "no more than 10 working days" applies at stage 2 too: 11 is refused without a good reason.
    _refused(cli, ref, "extend", ref, "--days", "11", "--reason", "Complex", "--on", "2027-06-01",
             words=("limit of 10", "--good-reason"))
    # 7 Jun + 10: Tue 8 – Fri 11 (1–4), Mon 14 – Fri 18 (5–9), Mon 21 (10) → 21 Jun 2027.
    case = _step(cli, "extend", ref, "--to", "2027-06-21", "--reason", "Complex", "--on", "2027-06-01")
    assert (case["respond_by"], case["extension_days"]) == ("2027-06-21", 10)
    case = _step(cli, "close", ref, "--outcome", "upheld", "--reasons", "The repair is now booked.", "--on", "2027-06-18")
    assert (case["stage"], case["status"], case["outcome"]) == (2, "closed", "upheld")
    assert case["stages"][1]["responded_in_time"] is True


def test_north_west_leicestershire_from_receipt_with_a_late_request_in_a_leap_year(db_location):
    cli = _runner(db_location, POLICIES / "north-west-leicestershire.toml")
    # Received Thu 13 Jan 2028. "acknowledged within two working days": Fri 14 (1), Mon 17 (2).
    # "a response within 10 working days", from receipt: Fri 14 (1), Mon 17 – Fri 21 (2–6),
    # Mon 24 – Thu 27 (7–10) → 27 Jan 2028.
    case = _log(cli, "2028-01-13")
    ref = case["reference"]
    assert ref == "NWL-2028-00001"
    assert _dates(case) == ("2028-01-17", "2028-01-27")

    # Acknowledged Fri 14 Jan: the response date stays (from receipt; from the acknowledgement
    # it would have been Fri 28 Jan).
    case = _step(cli, "acknowledge", ref, "--handler", "Alex Green", "--on", "2028-01-14")
    assert case["respond_by"] == "2028-01-27"
    # "update you on the progress ... every 10 working days": the clock starts at the original
    # response date, Thu 27 Jan: Fri 28 (1), Mon 31 – Fri 4 Feb (2–6), Mon 7 – Thu 10 (7–10).
    assert case["stages"][0]["update_due"] == "2028-02-10"

    # Extended on Wed 26 Jan by 2: Fri 28 (1), Mon 31 (2) → 31 Jan. The update clock now starts
    # at the extension, Wed 26 Jan: Thu 27 (1), Fri 28 (2), 31 Jan – 4 Feb (3–7), 7–9 Feb (8–10).
    case = _step(cli, "extend", ref, "--days", "2", "--reason", "Waiting for the waste contractor", "--on", "2028-01-26")
    assert case["respond_by"] == "2028-01-31"
    assert case["stages"][0]["update_due"] == "2028-02-09"

    # Stage 1 reply on Mon 31 Jan 2028. "no later than one calendar month from the date of the
    # stage one reply": 31 Jan → 31 Feb does not exist; 2028 is a leap year → 29 Feb 2028.
    case = _step(cli, "close", ref, "--outcome", "upheld", "--reasons", "Collections were missed.", "--on", "2028-01-31")
    assert case["escalate_by"] == "2028-02-29"
    assert case["stages"][0]["update_due"] is None

    # Wed 1 Mar 2028 is a day late: refused without a reason, accepted with one.
    _refused(cli, ref, "escalate", ref, "--handler", "Morgan Ellis", "--on", "2028-03-01",
             words=("ended on 2028-02-29", "--late-reason"))
    # "You will need to explain which aspects of the previous reply you are not happy with and
    #  what more you think we should do." An LGSCO case: required ([stage2] reasons).
    _refused(cli, ref, "escalate", ref, "--handler", "Morgan Ellis", "--on", "2028-03-01",
             "--late-reason", "The complainant was in hospital in February", words=("--reasons", "LGSCO"))
    case = _step(cli, "escalate", ref, "--handler", "Morgan Ellis", "--on", "2028-03-01",
                 "--late-reason", "The complainant was in hospital in February",
                 "--reasons", "The collections were missed again after the reply.")
    assert case["stage"] == 2
    assert case["events"][-1]["details"]["reasons"] == "The collections were missed again after the reply."
    assert case["stages"][1]["late_reason"] == "The complainant was in hospital in February"
    assert case["stages"][0]["escalate_by"] == "2028-02-29"
    # "acknowledge your request for a review within 2 working days": Thu 2 (1), Fri 3 Mar (2).
    # "a written response within 10 working days", from receipt of the request (Wed 1 Mar):
    # Thu 2 (1), Fri 3 (2), Mon 6 – Fri 10 (3–7), Mon 13 – Wed 15 (8–10) → 15 Mar 2028.
    assert _dates(case) == ("2028-03-03", "2028-03-15")
    case = _step(cli, "acknowledge", ref, "--on", "2028-03-02")
    assert case["respond_by"] == "2028-03-15"
    acknowledgement = cli.ok("letter", ref, "acknowledgement", "--stage", "2").stdout
    assert "What you remain unhappy about" in acknowledgement
    assert "The collections were missed again after the reply." in acknowledgement
    assert "You did not have to tell us" not in acknowledgement
    case = _step(cli, "close", ref, "--outcome", "upheld", "--reasons", "Collections are now monitored.", "--on", "2028-03-15")
    assert (case["stage"], case["status"]) == (2, "closed")
    assert case["stages"][1]["responded_in_time"] is True


def test_chesterfield_window_of_20_working_days_over_christmas_2025(db_location):
    cli = _runner(db_location, POLICIES / "chesterfield.toml")
    # Received Mon 1 Dec 2025. "acknowledge your complaint within five working days":
    # Tue 2 – Fri 5 (1–4), Mon 8 (5). "resolve your complaint within ten working days of
    # receiving it": Tue 2 – Fri 5 (1–4), Mon 8 – Fri 12 (5–9), Mon 15 (10).
    case = _log(cli, "2025-12-01")
    ref = case["reference"]
    assert ref == "CBC-2025-00001"
    assert _dates(case) == ("2025-12-08", "2025-12-15")
    case = _step(cli, "acknowledge", ref, "--handler", "Pat Shaw", "--on", "2025-12-03")
    assert case["respond_by"] == "2025-12-15"  # from receipt, not from the acknowledgement

    # 15 Dec + 5: Tue 16 – Fri 19 (1–4), Mon 22 (5) → 22 Dec 2025.
    case = _step(cli, "extend", ref, "--days", "5", "--reason", "A site visit is needed", "--on", "2025-12-12")
    assert (case["respond_by"], case["extension_days"]) == ("2025-12-22", 5)

    # Response issued Mon 22 Dec 2025. "within twenty working days of the stage one response
    # being issued": Tue 23 (1), Wed 24 (2), Thu 25 X Christmas, Fri 26 X Boxing Day,
    # Mon 29 – Wed 31 (3–5), Thu 1 Jan X New Year, Fri 2 Jan (6), Mon 5 – Fri 9 (7–11),
    # Mon 12 – Fri 16 (12–16), Mon 19 – Thu 22 (17–20) → 22 Jan 2026.
    case = _step(cli, "close", ref, "--outcome", "upheld", "--reasons", "The fly-tipping was left.", "--on", "2025-12-22")
    assert case["escalate_by"] == "2026-01-22"

    # Asked on the window's last day: in time, no reason needed.
    case = _step(cli, "escalate", ref, "--handler", "Lou Hart", "--on", "2026-01-22")
    assert case["stage"] == 2
    assert case["stages"][1]["late_reason"] is None
    # Acknowledge in 5 (the Code's): Fri 23 (1), Mon 26 – Thu 29 (2–5) → 29 Jan 2026.
    # "dealt with within twenty working days from us receiving it": Fri 23 (1),
    # Mon 26 – Fri 30 (2–6), Feb 2–6 (7–11), 9–13 (12–16), Mon 16 – Thu 19 (17–20) → 19 Feb 2026.
    assert _dates(case) == ("2026-01-29", "2026-02-19")
    _refused(cli, ref, "acknowledge", ref, "--handler", "Pat Shaw", "--on", "2026-01-26",
             words=("no prior involvement",))
    case = _step(cli, "acknowledge", ref, "--on", "2026-01-26")
    assert case["respond_by"] == "2026-02-19"
    case = _step(cli, "close", ref, "--outcome", "not-upheld", "--reasons", "Stage 1 was right.", "--on", "2026-02-19")
    assert (case["stage"], case["status"], case["outcome"]) == (2, "closed", "not-upheld")
    assert case["stages"][1]["responded_in_time"] is True


def test_corporate_procedure_bank_holiday_and_a_late_extension_2026(db_location):
    cli = _runner(db_location, POLICIES / "corporate-procedure.toml")
    # Received Tue 25 Aug 2026. "acknowledged in writing within five working days of being
    # received": Wed 26 (1), Thu 27 (2), Fri 28 (3), Mon 31 X Summer bank holiday,
    # Tue 1 Sep (4), Wed 2 (5) → 2 Sep 2026.
    case = _log(cli, "2026-08-25")
    ref = case["reference"]
    assert ref == "CORP-2026-00001"
    assert case["acknowledge_by"] == "2026-09-02"

    # Acknowledged Tue 1 Sep. "within 10 working days of the complaint being acknowledged":
    # Wed 2 – Fri 4 (1–3), Mon 7 – Fri 11 (4–8), Mon 14 (9), Tue 15 (10) → 15 Sep 2026.
    case = _step(cli, "acknowledge", ref, "--handler", "Dee Ward", "--on", "2026-09-01")
    assert case["respond_by"] == "2026-09-15"
    # Response Mon 14 Sep. "within one month of the Stage 1 response" → Wed 14 Oct 2026.
    case = _step(cli, "close", ref, "--outcome", "upheld", "--reasons", "The letter was never sent.", "--on", "2026-09-14")
    assert case["escalate_by"] == "2026-10-14"

    # Asked Wed 14 Oct (the last day). "acknowledge the request within five working days of
    # receipt": Thu 15 (1), Fri 16 (2), Mon 19 – Wed 21 (3–5) → 21 Oct 2026.
    # "... explaining why you are unhappy with the response at Stage 1 and what outcome you are
    #  seeking." Required for an LGSCO case ([stage2] reasons = "required-lgsco").
    _refused(cli, ref, "escalate", ref, "--handler", "Chris Dale", "--on", "2026-10-14", words=("--reasons",))
    case = _step(cli, "escalate", ref, "--handler", "Chris Dale", "--on", "2026-10-14",
                 "--reasons", "The reply did not say when the letter will be sent.")
    assert case["acknowledge_by"] == "2026-10-21"
    # Acknowledged Mon 19 Oct. "within twenty working days of the complaint being acknowledged":
    # Tue 20 – Fri 23 (1–4), Oct 26–30 (5–9), Nov 2–6 (10–14), Nov 9–13 (15–19), Mon 16 (20).
    case = _step(cli, "acknowledge", ref, "--on", "2026-10-19")
    assert case["respond_by"] == "2026-11-16"

    # An extension asked for on Tue 17 Nov, after the due date, needs a late reason.
    _refused(cli, ref, "extend", ref, "--days", "3", "--reason", "Legal advice awaited", "--on", "2026-11-17",
             words=("due on 2026-11-16", "--late-reason"))
    # 16 Nov + 3: Tue 17 (1), Wed 18 (2), Thu 19 (3) → 19 Nov 2026.
    case = _step(cli, "extend", ref, "--days", "3", "--reason", "Legal advice awaited", "--on", "2026-11-17",
                 "--late-reason", "The extension letter went out on time but was not recorded")
    assert (case["respond_by"], case["extension_days"]) == ("2026-11-19", 3)
    case = _step(cli, "close", ref, "--outcome", "partly-upheld", "--reasons", "Partly.", "--on", "2026-11-19")
    assert (case["stage"], case["status"]) == (2, "closed")
    # Answered by the extended date, but the extension was recorded after 16 Nov, when the
    # response was already due: late for CH02.
    assert case["stages"][1]["responded_in_time"] is False


def test_easter_2027_in_scotland(db_location, tmp_path):
    scottish = _variant(tmp_path, "housing-ombudsman-2024.toml", 'nation = "england-and-wales"', 'nation = "scotland"')
    cli = _runner(db_location, scottish)
    # Received Wed 24 Mar 2027; acknowledge within 5. In Scotland Good Friday is a bank holiday
    # and Easter Monday is not: Thu 25 (1), Fri 26 X Good Friday, Mon 29 (2), Tue 30 (3),
    # Wed 31 (4), Thu 1 Apr (5) → 1 Apr 2027.
    case = _log(cli, "2027-03-24")
    ref = case["reference"]
    assert case["acknowledge_by"] == "2027-04-01"
    # The same complaint in England: Mon 29 X Easter Monday as well → Fri 2 Apr 2027.
    english = Cli(str(tmp_path / "england.db"), config=str(POLICIES / "housing-ombudsman-2024.toml"))
    english.ok("init")
    assert _log(english, "2027-03-24")["acknowledge_by"] == "2027-04-02"

    # Acknowledged on Easter Monday, a working day in Scotland. Respond within 10:
    # Tue 30 (1), Wed 31 (2), Thu 1 Apr (3), Fri 2 (4), Mon 5 – Fri 9 (5–9), Mon 12 (10).
    case = _step(cli, "acknowledge", ref, "--handler", "Iain Ross", "--on", "2027-03-29")
    assert case["respond_by"] == "2027-04-12"
    case = _step(cli, "close", ref, "--outcome", "upheld", "--reasons", "Upheld.", "--on", "2027-04-12")
    # Stage 2 asked Fri 30 Apr 2027. Acknowledge within 5: Mon 3 May X May Day,
    # Tue 4 – Fri 7 (1–4), Mon 10 (5) → 10 May 2027.
    case = _step(cli, "escalate", ref, "--handler", "Morag Bell", "--on", "2027-04-30")
    assert case["acknowledge_by"] == "2027-05-10"
    # Acknowledged Tue 4 May; respond within 20: Wed 5 – Fri 7 (1–3), 10–14 (4–8), 17–21 (9–13),
    # 24–28 (14–18), Mon 31 X Spring bank holiday, Tue 1 Jun (19), Wed 2 Jun (20) → 2 Jun 2027.
    case = _step(cli, "acknowledge", ref, "--on", "2027-05-04")
    assert case["respond_by"] == "2027-06-02"
    case = _step(cli, "close", ref, "--outcome", "not-upheld", "--reasons", "Final.", "--on", "2027-06-02")
    assert (case["stage"], case["status"]) == (2, "closed")


def test_st_patricks_day_and_the_twelfth_in_northern_ireland(db_location, tmp_path):
    ulster = _variant(tmp_path, "housing-ombudsman-2024.toml", 'nation = "england-and-wales"', 'nation = "northern-ireland"')
    cli = _runner(db_location, ulster)
    # Received Fri 12 Mar 2027; acknowledge within 5: Mon 15 (1), Tue 16 (2),
    # Wed 17 X St Patrick's Day, Thu 18 (3), Fri 19 (4), Mon 22 (5) → 22 Mar 2027.
    case = _log(cli, "2027-03-12")
    ref = case["reference"]
    assert case["acknowledge_by"] == "2027-03-22"
    # Acknowledged Tue 16 Mar; respond within 10: 17 X, Thu 18 (1), Fri 19 (2), Mon 22 – Thu 25
    # (3–6), Fri 26 X Good Friday, Mon 29 X Easter Monday, Tue 30 (7), Wed 31 (8), Thu 1 Apr (9),
    # Fri 2 Apr (10) → 2 Apr 2027.
    case = _step(cli, "acknowledge", ref, "--handler", "Ciara Byrne", "--on", "2027-03-16")
    assert case["respond_by"] == "2027-04-02"
    case = _step(cli, "close", ref, "--outcome", "upheld", "--reasons", "Upheld.", "--on", "2027-04-01")
    # Stage 2 asked Wed 7 Jul 2027; acknowledge within 5: Thu 8 (1), Fri 9 (2),
    # Mon 12 X Battle of the Boyne, Tue 13 (3), Wed 14 (4), Thu 15 (5) → 15 Jul 2027.
    case = _step(cli, "escalate", ref, "--handler", "Niall Quinn", "--on", "2027-07-07")
    assert case["acknowledge_by"] == "2027-07-15"
    # Acknowledged Fri 9 Jul; respond within 20: Mon 12 X, Tue 13 – Fri 16 (1–4), 19–23 (5–9),
    # 26–30 (10–14), Mon 2 – Fri 6 Aug (15–19; Northern Ireland's summer holiday is the last
    # Monday of August, not the first), Mon 9 Aug (20) → 9 Aug 2027.
    case = _step(cli, "acknowledge", ref, "--on", "2027-07-09")
    assert case["respond_by"] == "2027-08-09"
    case = _step(cli, "close", ref, "--outcome", "upheld", "--reasons", "Final.", "--on", "2027-08-06")
    assert (case["stage"], case["status"]) == (2, "closed")
    assert case["stages"][1]["responded_in_time"] is True


def test_closure_days_move_open_deadlines_and_a_late_request_in_working_days(db_location, tmp_path):
    plain = POLICIES / "chesterfield.toml"
    closed_over_new_year = _variant(
        tmp_path, "chesterfield.toml", "closures = []", 'closures = ["2027-12-29", "2027-12-30", "2027-12-31"]'
    )
    cli = _runner(db_location, plain)
    # Received Thu 23 Dec 2027, bank holidays only. Acknowledge within 5: Fri 24 (1),
    # Mon 27 X and Tue 28 X (Christmas and Boxing Day fall at the weekend: substitutes),
    # Wed 29 – Fri 31 (2–4), Mon 3 Jan X New Year substitute, Tue 4 (5) → 4 Jan 2028.
    # Respond within 10 of receipt: Fri 24 (1), 29–31 (2–4), Tue 4 – Fri 7 (5–8),
    # Mon 10 (9), Tue 11 (10) → 11 Jan 2028.
    ref = _log(cli, "2027-12-23")["reference"]
    assert _dates(cli.show(ref)) == ("2028-01-04", "2028-01-11")

    # The council adds closure days 29–31 Dec; the open case's deadlines follow.
    # Acknowledge: Fri 24 (1), 27 X, 28 X, 29–31 X closed, 3 Jan X, Tue 4 – Fri 7 (2–5) → 7 Jan.
    # Respond: Fri 24 (1), Tue 4 – Fri 7 (2–5), Mon 10 – Fri 14 (6–10) → 14 Jan 2028.
    cli.config = str(closed_over_new_year)
    assert _dates(cli.show(ref)) == ("2028-01-07", "2028-01-14")
    # Opened again with the plain file, the deadlines go back: they are derived, not stored.
    assert _dates(cli.ok("show", ref, "--json", config=str(plain)).json()) == ("2028-01-04", "2028-01-11")
    assert _dates(cli.show(ref)) == ("2028-01-07", "2028-01-14")
    case = _step(cli, "acknowledge", ref, "--handler", "Pat Shaw", "--on", "2028-01-05")
    assert case["respond_by"] == "2028-01-14"
    # Response Fri 14 Jan 2028; 20 working days to ask for a review: Mon 17 – Fri 21 (1–5),
    # 24–28 (6–10), 31 Jan – 4 Feb (11–15), Mon 7 – Fri 11 Feb (16–20) → 11 Feb 2028.
    case = _step(cli, "close", ref, "--outcome", "upheld", "--reasons", "Upheld.", "--on", "2028-01-14")
    assert case["escalate_by"] == "2028-02-11"

    # Mon 14 Feb is one working day late: refused without a reason, accepted with one.
    _refused(cli, ref, "escalate", ref, "--handler", "Lou Hart", "--on", "2028-02-14",
             words=("ended on 2028-02-11", "--late-reason"))
    case = _step(cli, "escalate", ref, "--handler", "Lou Hart", "--on", "2028-02-14", "--late-reason", "Posted on time, lost in the post")
    assert case["stages"][1]["late_reason"] == "Posted on time, lost in the post"
    # Acknowledge within 5: Tue 15 – Fri 18 (1–4), Mon 21 (5). Respond within 20 of receipt:
    # 15–18 (1–4), 21–25 (5–9), Mon 28 Feb – Fri 3 Mar (10–14; 2028 has a 29 Feb),
    # Mon 6 – Fri 10 (15–19), Mon 13 Mar (20) → 13 Mar 2028.
    assert _dates(case) == ("2028-02-21", "2028-03-13")
    case = _step(cli, "acknowledge", ref, "--on", "2028-02-16")
    case = _step(cli, "close", ref, "--outcome", "upheld", "--reasons", "Final.", "--on", "2028-03-13")
    assert (case["stage"], case["status"]) == (2, "closed")
    assert case["stages"][1]["responded_in_time"] is True


# -- the rules around the dates, seed by seed --------------------------------------------------------


COMPLAINT = ("--name", "A Tenant", "--summary", "Nobody came.", "--received", "2027-05-04")


def _email_case(cli: Cli, *args: str) -> str:
    return cli.ok(
        "log", "--name", "Ms Jane Doe", "--email", "jane@example.org", "--summary", "The repair was not finished.",
        "--received", "2027-05-04", *args,
    ).stdout.strip()


def test_housing_ombudsman_code_never_asks_for_reasons_and_keeps_the_built_in_sentences(db_location):
    cli = _runner(db_location, POLICIES / "housing-ombudsman-2024.toml")
    ref = _log(cli, "2027-05-04")["reference"]
    cli.ok("acknowledge", ref, "--handler", "Sam Patel", "--on", "2027-05-05")
    cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Upheld.", "--on", "2027-05-10")
    # 6.12 "Residents must not be required to explain their reasons for requesting a stage 2
    # consideration": no --reasons, and the letter says so.
    cli.ok("escalate", ref, "--handler", "Jo Brown", "--on", "2027-05-12")
    assert "You did not have to tell us why" in cli.ok("letter", ref, "acknowledgement", "--stage", "2").stdout
    # The built-in exclusion sentences: proceedings "have already started", crime referred by us.
    refused = _log(cli, "2027-05-04")["reference"]
    cli.ok("close", refused, "--outcome", "refused", "--exclusion", "criminal", "--reasons", "A theft.", "--on", "2027-05-05")
    letter = cli.ok("letter", refused).stdout
    assert "possible criminal activity, which we refer to the police" in letter
    assert "101" not in letter


def test_mansfield_replies_in_the_complainants_way_and_routes_its_landlord_services(db_location):
    cli = _runner(db_location, POLICIES / "mansfield.toml")
    # 000: "an acknowledgement within 5 working days of receipt depending on your preferred method
    # of communication": with no --format, `letter` follows the preferred contact.
    by_email = _email_case(cli, "--preferred-contact", "email")
    by_post = _email_case(cli, "--address", "1 High Street, Mansfield", "--preferred-contact", "letter")
    by_phone = _email_case(cli, "--phone", "01623 000000", "--preferred-contact", "phone")
    for ref in (by_email, by_post, by_phone):
        cli.ok("acknowledge", ref, "--handler", "Kim Lee", "--on", "2027-05-05")
    mail = cli.ok("letter", by_email).stdout
    assert "Subject: MDC-2027-00001" in mail and "To: Ms Jane Doe <jane@example.org>" in mail
    assert cli.ok("letter", by_post).stdout.startswith("<!DOCTYPE html>")
    call_notes = cli.ok("letter", by_phone).stdout
    assert call_notes.startswith("Mansfield District Council") and "<" not in call_notes
    # --format still wins over the preference.
    assert cli.ok("letter", by_email, "--format", "text").stdout.startswith("Mansfield District Council")

    # 003 names the landlord's services, "Repairs Service" and "Lettings and Tenancy Services":
    # the Housing Ombudsman without --housing; any other service the LGSCO; --no-housing overrides.
    repairs = cli.ok("log", *COMPLAINT, "--service", "repairs service", "--json").json()
    assert (repairs["ombudsman"], repairs["housing"]) == ("housing", True)
    waste = cli.ok("log", *COMPLAINT, "--service", "Waste and Recycling", "--json").json()
    assert waste["ombudsman"] == "lgsco"
    overridden = cli.ok("log", *COMPLAINT, "--service", "Lettings and Tenancy Services", "--no-housing", "--json").json()
    assert overridden["ombudsman"] == "lgsco"
    # 000: "When there are other legal rights of appeal" in its own words in the refusal letter.
    cli.ok("close", waste["reference"], "--outcome", "refused", "--exclusion", "statutory-appeal", "--reasons", "Appeal.",
           "--on", "2027-05-05")
    assert "There are other legal rights of appeal for this matter" in cli.ok("letter", waste["reference"], "--format", "text").stdout


def test_north_west_leicestershire_anonymous_complaints_are_answered_but_counted_apart(db_location):
    cli = _runner(db_location, POLICIES / "north-west-leicestershire.toml")
    # "complaints may be made anonymously and will still be treated with the same degree of
    #  importance and within the relevant timescales ... in most cases will be recorded as
    #  informal complaints": the clock runs (received Tue 4 May 2027, acknowledge within two
    # working days: Wed 5 (1), Thu 6 (2)), and the report counts it apart.
    logged = cli.ok("log", "--anonymous", "--summary", "Bins missed on the estate.", "--received", "2027-05-04", "--json")
    anonymous = logged.json()
    assert anonymous["acknowledge_by"] == "2027-05-06"
    assert "handled informally" in logged.stderr
    named = _log(cli, "2027-05-04")["reference"]
    for ref in (anonymous["reference"], named):
        cli.ok("acknowledge", ref, "--handler", "Alex Green", "--on", "2027-05-05")
        cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Missed.", "--on", "2027-05-14")
    report = cli.ok("report", "annual", "--year", "2027", "--json").json()
    assert report["anonymous_informal"] == 1
    assert (report["stage1"]["received"], report["stage1"]["responded"], report["stage1"]["responded_in_time"]) == (1, 1, 1)
    assert report["outcomes"]["upheld"] == 1
    assert "Anonymous complaints handled informally: 1" in cli.ok("report", "annual", "--year", "2027").stdout
    # The Code forbids insisting on reasons for a Housing Ombudsman case, required-lgsco or not.
    tenant = cli.ok("log", *COMPLAINT, "--housing", "--json").json()["reference"]
    cli.ok("acknowledge", tenant, "--handler", "Alex Green", "--on", "2027-05-05")
    cli.ok("close", tenant, "--outcome", "not-upheld", "--reasons", "Done.", "--on", "2027-05-14")
    assert cli.ok("escalate", tenant, "--handler", "Morgan Ellis", "--on", "2027-05-20", "--json").json()["stage"] == 2


def test_chesterfield_sends_homelessness_the_register_and_careline_to_the_lgsco(db_location):
    cli = _runner(db_location, POLICIES / "chesterfield.toml")
    # "It does not review complaints around homelessness, the housing waiting list or Careline
    #  services. Complaints relating to these services are dealt with by the Local Government and
    #  Social Care Ombudsman."
    def ombudsman(*args: str) -> str:
        return cli.ok("log", *COMPLAINT, *args, "--json").json()["ombudsman"]

    assert ombudsman("--service", "Housing Repairs") == "housing"
    assert ombudsman("--service", "  tenancy   management ") == "housing"
    assert ombudsman("--service", "Homelessness") == "lgsco"
    assert ombudsman("--service", "Housing Register") == "lgsco"
    assert ombudsman("--service", "Careline") == "lgsco"
    assert ombudsman("--service", "Housing Repairs", "--no-housing") == "lgsco"
    assert ombudsman("--service", "Careline", "--housing") == "housing"
    # "Criminal activity will be referred to the police": the built-in sentence is this seed's.
    ref = _log(cli, "2027-05-04")["reference"]
    cli.ok("close", ref, "--outcome", "refused", "--exclusion", "legal-proceedings", "--reasons", "A claim.", "--on", "2027-05-05")
    assert "Legal proceedings about this matter have already started." in cli.ok("letter", ref).stdout


def test_corporate_procedure_words_legal_proceedings_its_own_way(db_location):
    cli = _runner(db_location, POLICIES / "corporate-procedure.toml")
    # "where the complainant or another person has commenced or intends to commence legal
    #  proceedings against the Council"
    ref = _log(cli, "2027-05-04")["reference"]
    cli.ok("close", ref, "--outcome", "refused", "--exclusion", "legal-proceedings", "--reasons", "A claim is planned.",
           "--on", "2027-05-05")
    letter = cli.ok("letter", ref).stdout
    assert "has commenced or intends to commence legal proceedings about this matter" in letter
    assert "have already started" not in letter
