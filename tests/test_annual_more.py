"""The annual report of a council that is also a landlord, over two years with a homes figure for
each (`homes = { 2024 = 2000, 2025 = 2500 }`), all complaints against `--housing`, every figure
worked out by hand below (Housing Ombudsman Code timescales; every response well in time).

H cases go to the Housing Ombudsman (`log --housing`), L cases to the LGSCO (the default).

2024/25:
  H1  received 3 Jun 2024, upheld 10 Jun.
  H2  received 2 Sep 2024, not upheld 9 Sep; stage 2 asked 16 Sep, not upheld 1 Oct 2024.
      Ombudsman: referred 1 Nov 2024, determined 3 Feb 2025 (maladministration, service
      failure), two orders made then, both complied with.
  L1  received 1 Jul 2024, upheld 8 Jul.
2025/26:
  H3  received 2 Jun 2025, upheld 9 Jun with learning (stage 1); three actions: one done
      25 Jun 2025, one due 1 Aug 2025 never done (overdue on 1 June 2026), one due 1 Dec 2026.
  H4  received 7 Jul 2025, not upheld 14 Jul; stage 2 asked 21 Jul, not upheld 5 Aug.
      Ombudsman: referred 1 Sep 2025, determined 5 Jan 2026: no maladministration.
  H5  received 1 Sep 2025, partly upheld 8 Sep.
  L2  received 2 Jun 2025, upheld 9 Jun; stage 2 asked 16 Jun, upheld 30 Jun; learning then
      (stage 2) with one action, done. An action of its stage 1, not done, is not linked.
      Ombudsman: referred 1 Aug 2025, determined 3 Nov 2025 (maladministration), an apology
      ordered, due 17 Nov 2025, never complied with.
  L3  received 6 Oct 2025, not upheld 13 Oct.

All, 2025/26: stage 1 received H3 H4 H5 L2 L3 = 5, CH01 5 / 2,500 x 1,000 = 2.0; responded 5;
stage 2 received H4 L2 = 2, CH01 0.8; escalation rate 2 / 5 = 40%. 2024/25: stage 1 H1 H2 L1 =
3, CH01 3 / 2,000 x 1,000 = 1.5; stage 2 H2 = 1, 0.5; escalation 1 / 3 = 33.33%.
Housing, 2025/26: stage 1 H3 H4 H5 = 3, CH01 1.2; stage 2 H4 = 1, 0.4; escalation 1 / 3 =
33.33%. 2024/25: stage 1 H1 H2 = 2, 1.0; stage 2 H2 = 1, 0.5; escalation 1 / 2 = 50%.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Cli
from freezegun import freeze_time

TODAY = "2026-06-01 10:00:00"
POLICY = '[organisation]\nname = "Exampleton Council"\nhomes = { 2024 = 2000, 2025 = 2500 }\n'


def _log(cli: Cli, received: str, housing: bool, service: str) -> str:
    args = ["log", "--name", "A Resident", "--received", received, "--summary", "Something went wrong", "--service", service]
    return cli.ok(*args, *(["--housing"] if housing else [])).stdout.strip()


def _stage(cli: Cli, ref: str, acknowledged: str, outcome: str, closed: str, *extra: str) -> None:
    cli.ok("acknowledge", ref, "--on", acknowledged, "--handler", "First Officer")
    cli.ok("close", ref, "--outcome", outcome, "--reasons", "Looked into it", "--on", closed, *extra)


def _escalate(cli: Cli, ref: str, asked: str, acknowledged: str, outcome: str, closed: str) -> None:
    cli.ok("escalate", ref, "--on", asked, "--handler", "Second Officer")
    cli.ok("acknowledge", ref, "--on", acknowledged)
    cli.ok("close", ref, "--outcome", outcome, "--reasons", "Reviewed", "--on", closed)


def build(cli: Cli) -> Cli:
    with pytest.MonkeyPatch.context() as patch, freeze_time(TODAY):
        patch.setenv("COMPLAINTCTL_OFFICER", "officer.one")
        patch.setenv("NO_COLOR", "1")
        cli.ok("init")
        h1 = _log(cli, "2024-06-03", True, "Repairs")
        _stage(cli, h1, "2024-06-04", "upheld", "2024-06-10")
        l1 = _log(cli, "2024-07-01", False, "Waste")
        _stage(cli, l1, "2024-07-02", "upheld", "2024-07-08")
        h2 = _log(cli, "2024-09-02", True, "Repairs")
        _stage(cli, h2, "2024-09-03", "not-upheld", "2024-09-09")
        _escalate(cli, h2, "2024-09-16", "2024-09-17", "not-upheld", "2024-10-01")
        cli.ok("ombudsman", "refer", h2, "--on", "2024-11-01")
        cli.ok("ombudsman", "determine", h2, "--on", "2025-02-03",
               "--finding", "Repairs=maladministration", "--finding", "Complaint handling=service failure")
        cli.ok("ombudsman", "order", h2, "--kind", "apology", "--due", "2025-02-17")
        cli.ok("ombudsman", "order", h2, "--kind", "compensation", "--amount", "100", "--due", "2025-03-03")
        cli.ok("ombudsman", "comply", h2, "1", "--on", "2025-02-10")
        cli.ok("ombudsman", "comply", h2, "2", "--on", "2025-03-01")

        h3 = _log(cli, "2025-06-02", True, "Repairs")
        _stage(cli, h3, "2025-06-03", "upheld", "2025-06-09", "--learning", "Inspect damp within 5 days")
        cli.ok("action", "add", h3, "--what", "Fit an extractor fan", "--due", "2025-07-01", "--on", "2025-06-09")
        cli.ok("action", "add", h3, "--what", "Replaster the wall", "--due", "2025-08-01", "--on", "2025-06-09")
        cli.ok("action", "add", h3, "--what", "Check again in winter", "--due", "2026-12-01", "--on", "2025-06-09")
        cli.ok("action", "done", h3, "1", "--on", "2025-06-25")
        l2 = _log(cli, "2025-06-02", False, "Waste")
        _stage(cli, l2, "2025-06-03", "upheld", "2025-06-09")
        cli.ok("action", "add", l2, "--what", "Apologise to the street", "--due", "2025-06-20", "--on", "2025-06-10")
        _escalate(cli, l2, "2025-06-16", "2025-06-17", "upheld", "2025-06-30")
        cli.ok("learning", l2, "Check the round sheets weekly", "--on", "2025-07-01")
        cli.ok("action", "add", l2, "--what", "Weekly round check", "--due", "2025-07-15", "--on", "2025-07-01")
        cli.ok("action", "done", l2, "2", "--on", "2025-07-14")
        cli.ok("ombudsman", "refer", l2, "--on", "2025-08-01")
        cli.ok("ombudsman", "determine", l2, "--on", "2025-11-03", "--finding", "Waste=maladministration")
        cli.ok("ombudsman", "order", l2, "--kind", "apology", "--due", "2025-11-17")
        h4 = _log(cli, "2025-07-07", True, "Repairs")
        _stage(cli, h4, "2025-07-08", "not-upheld", "2025-07-14")
        _escalate(cli, h4, "2025-07-21", "2025-07-22", "not-upheld", "2025-08-05")
        cli.ok("ombudsman", "refer", h4, "--on", "2025-09-01")
        cli.ok("ombudsman", "determine", h4, "--on", "2026-01-05", "--finding", "Repairs=no maladministration")
        h5 = _log(cli, "2025-09-01", True, "Lettings")
        _stage(cli, h5, "2025-09-02", "partly-upheld", "2025-09-08")
        l3 = _log(cli, "2025-10-06", False, "Waste")
        _stage(cli, l3, "2025-10-07", "not-upheld", "2025-10-13")
    return cli


def _policy(folder: Path, text: str = POLICY) -> str:
    config = folder / "policy.toml"
    config.write_text(text)
    return str(config)


@pytest.fixture(scope="module")
def council(tmp_path_factory) -> Cli:
    folder = tmp_path_factory.mktemp("landlord")
    return build(Cli(str(folder / "complaints.db"), config=_policy(folder)))


def _report(cli: Cli, *options: str) -> dict:
    with freeze_time(TODAY):
        return cli.ok("report", "annual", "--year", "2025", "--json", *options).json()


@pytest.fixture(scope="module")
def everything(council) -> dict:
    return _report(council)


@pytest.fixture(scope="module")
def housing(council) -> dict:
    return _report(council, "--housing")


def _stage_figures(received: int, responded: int, per_1000: float) -> dict:
    return {"received": received, "withdrawn": 0, "responded": responded, "responded_in_time": responded,
            "in_time_pct": 100.0 if responded else None, "per_1000_homes": per_1000}


def test_all_complaints_each_year_by_its_own_homes(everything):
    assert everything["view"] == "all"
    assert everything["homes"] == 2500
    assert everything["stage1"] == _stage_figures(5, 5, 2.0)
    assert everything["stage2"] == _stage_figures(2, 2, 0.8)
    assert everything["escalation_rate_pct"] == 40.0
    previous = everything["previous"]
    assert previous["year"] == "2024/25" and previous["homes"] == 2000
    assert previous["stage1"] == _stage_figures(3, 3, 1.5)
    assert previous["stage2"] == _stage_figures(1, 1, 0.5)
    assert previous["escalation_rate_pct"] == 33.33
    assert everything["by_service"] == {"Repairs": 2, "Lettings": 1, "Waste": 2}


def test_housing_only_the_landlord_complaints(housing):
    assert housing["view"] == "housing"
    assert housing["homes"] == 2500
    assert housing["stage1"] == _stage_figures(3, 3, 1.2)
    assert housing["stage2"] == _stage_figures(1, 1, 0.4)
    assert housing["escalation_rate_pct"] == 33.33
    previous = housing["previous"]
    assert previous["homes"] == 2000
    assert previous["stage1"] == _stage_figures(2, 2, 1.0)
    assert previous["stage2"] == _stage_figures(1, 1, 0.5)
    assert previous["escalation_rate_pct"] == 50.0
    assert housing["by_service"] == {"Repairs": 2, "Lettings": 1}
    assert housing["outcomes"] == {"upheld": 1, "partly-upheld": 1, "not-upheld": 2, "withdrawn": 0, "refused": 0}


def test_the_ombudsman_with_the_previous_year_beside_it(everything, housing):
    this, before = everything["ombudsman"], everything["ombudsman_previous"]
    assert (this["referrals"], this["determinations"], this["findings_total"]) == (2, 2, 2)
    assert this["findings"]["maladministration"] == 1 and this["findings"]["no-maladministration"] == 1
    assert (this["orders_total"], this["orders_outstanding"], this["orders_overdue"]) == (1, 1, 1)
    assert before["year"] == "2024/25"
    assert (before["referrals"], before["determinations"], before["findings_total"]) == (1, 1, 2)
    assert before["findings"]["maladministration"] == 1 and before["findings"]["service-failure"] == 1
    assert before["orders"]["apology"] == 1 and before["orders"]["compensation"] == 1
    assert (before["orders_total"], before["orders_complied"], before["orders_outstanding"]) == (2, 2, 0)
    assert before["compensation_ordered"] == 100.0
    # The landlord's: H4 alone this year (the LGSCO's determination of L2 and its order left out).
    this = housing["ombudsman"]
    assert (this["referrals"], this["determinations"], this["findings_total"], this["orders_total"]) == (1, 1, 1, 0)
    assert housing["ombudsman_previous"]["determinations"] == 1


def test_learning_with_the_progress_of_its_actions(everything, housing):
    items = {item["reference"]: item for item in everything["learning"]["items"]}
    assert everything["learning"]["recorded"] == 2
    h3, l2 = sorted(items)
    assert items[h3]["stage"] == 1 and items[h3]["actions"] == {"done": 1, "outstanding": 2, "overdue": 1}
    # L2's learning is of stage 2: its stage 2 action, not the one promised at stage 1.
    assert items[l2]["stage"] == 2 and items[l2]["actions"] == {"done": 1, "outstanding": 0, "overdue": 0}
    assert everything["learning"]["actions"] == {"done": 2, "outstanding": 2, "overdue": 1}
    assert housing["learning"]["recorded"] == 1
    assert [item["reference"] for item in housing["learning"]["items"]] == [h3]
    assert housing["learning"]["actions"] == {"done": 1, "outstanding": 2, "overdue": 1}


def test_the_text_report_says_which_view_and_shows_both_years(council):
    with freeze_time(TODAY):
        text = council.ok("report", "annual", "--year", "2025", "--housing").stdout
        markdown = council.ok("report", "annual", "--year", "2025", "--format", "markdown").stdout
    assert "Housing Ombudsman cases only" in text
    assert "Escalation rate" in text and "33.33%" in text and "50.00%" in text
    assert "Determinations made" in text and "2024/25" in text
    assert "All complaints, whichever Ombudsman" in markdown
    assert "| Escalation rate: stage 2 received per 100 stage 1 responses | 40.00% | 33.33% |" in markdown
    assert "| Determinations made | 2 | 1 |" in markdown


def test_a_year_without_a_homes_figure_is_refused(council):
    before = Path(council.db).read_bytes()
    with freeze_time(TODAY):
        first = council("report", "annual", "--year", "2024/25", "--json")
        unfigured = council("report", "annual", "--year", "2026", "--json")
    # 2024 has its figure; 2023, the year before it, has none and no complaints either.
    assert first.exit_code == 0 and first.json()["homes"] == 2000 and first.json()["previous"] is None
    assert unfigured.exit_code == 1 and unfigured.stdout == ""
    assert unfigured.stderr.strip().count("\n") == 0
    assert "[organisation] homes has no figure for 2026/27" in unfigured.stderr
    assert Path(council.db).read_bytes() == before


def test_a_single_homes_number_still_serves_every_year(tmp_path):
    cli = Cli(str(tmp_path / "one.db"), config=_policy(tmp_path, '[organisation]\nhomes = 1000\n'))
    with freeze_time(TODAY):
        cli.ok("init")
        _log(cli, "2024-06-03", True, "Repairs")
        _log(cli, "2025-06-02", True, "Repairs")
        _log(cli, "2025-06-09", True, "Repairs")
        report = _report(cli)
    assert report["homes"] == 1000 and report["stage1"]["per_1000_homes"] == 2.0
    assert report["previous"]["homes"] == 1000 and report["previous"]["stage1"]["per_1000_homes"] == 1.0


@pytest.mark.parametrize(
    "homes, words",
    [
        ('{ 25 = 100 }', "organisation.homes"),
        ('{ 2025 = -1 }', "organisation.homes"),
        ('"many"', "organisation.homes"),
    ],
)
def test_a_bad_homes_table_is_refused_naming_the_key(tmp_path, homes, words):
    cli = Cli(str(tmp_path / "bad.db"), config=_policy(tmp_path, f"[organisation]\nhomes = {homes}\n"))
    with freeze_time(TODAY):
        refused = cli("init")
    assert refused.exit_code == 1 and words in refused.stderr
    assert refused.stderr.strip().count("\n") == 0
    assert not Path(cli.db).exists()


def test_sqlite_and_postgresql_give_the_same_json(council, pg_url, tmp_path):
    on_postgresql = build(Cli(pg_url, config=_policy(tmp_path)))
    for options in ((), ("--housing",)):
        assert json.dumps(_report(on_postgresql, *options), sort_keys=True) == json.dumps(
            _report(council, *options), sort_keys=True
        )


def test_the_homes_table_is_kept_with_the_policy_stored():
    from complaintctl.domain.policy import from_content, parse

    policy = parse(POLICY, "policy.toml")
    assert policy.homes == {"2024": 2000, "2025": 2500}
    stored = from_content(policy.content(), "the stored policy")
    assert [stored.homes_in(year) for year in (2023, 2024, 2025)] == [None, 2000, 2500]
    assert parse("[organisation]\nhomes = 6300\n", "policy.toml").homes_in(2019) == 6300
