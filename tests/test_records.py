"""The records the annual report needs: Ombudsman referrals, determinations and orders,
satisfaction surveys and learning; each an event, each with its projection rows."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from freezegun import freeze_time

import first_release

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with freeze_time("2026-03-02 10:00:00"):
        yield


def closed_case(cli, received="2025-10-01", outcome="upheld", closed_on="2025-10-10") -> str:
    reference = cli.ok(
        "log", "--name", "A Tenant", "--summary", "Damp in the bedroom", "--housing",
        "--service", "Repairs", "--category", "Damp", "--received", received,
    ).stdout.strip()
    cli.ok("acknowledge", reference, "--on", received)
    cli.ok("close", reference, "--outcome", outcome, "--reasons", "Inspection late", "--on", closed_on)
    return reference


def event_kinds(cli, reference: str) -> list[str]:
    return [event["kind"] for event in cli.show(reference)["events"]]


def refused(outcome, *words: str) -> None:
    assert outcome.exit_code == 1, outcome
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), outcome.stderr
    assert "Traceback" not in outcome.stderr
    for word in words:
        assert word in lines[0]


def rows(db: str, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


# -- Ombudsman -------------------------------------------------------------------------------------


def test_ombudsman_referral_determination_orders_and_compliance(cli):
    ref = closed_case(cli)
    referred = cli.ok("ombudsman", "refer", ref, "--on", "2025-11-03", "--their-reference", "HO-202512345", "--json").json()
    assert referred["records"]["ombudsman_referral"]["referred_on"] == "2025-11-03"
    assert referred["records"]["ombudsman_referral"]["ombudsman"] == "housing"

    cli.ok(
        "ombudsman", "determine", ref, "--on", "2026-01-12",
        "--finding", "Repairs=maladministration",
        "--finding", "Complaint handling=Service Failure",
        "--finding", "Staff conduct=no maladministration",
    )
    cli.ok("ombudsman", "order", ref, "--kind", "compensation", "--amount", "350", "--due", "2026-02-09")
    cli.ok("ombudsman", "order", ref, "--kind", "apology", "--due", "2026-01-26")
    cli.ok("ombudsman", "order", ref, "--kind", "staff training", "--due", "2026-04-12", "--what", "Damp and mould training")
    cli.ok("ombudsman", "comply", ref, "2", "--on", "2026-01-20")
    cli.ok("ombudsman", "comply", ref, "1", "--on", "2026-02-16")

    record = cli.ok("ombudsman", "show", ref, "--json").json()["records"]["ombudsman_referral"]
    assert record["their_reference"] == "HO-202512345"
    assert record["determined_on"] == "2026-01-12"
    assert [(f["element"], f["finding"]) for f in record["findings"]] == [
        ("Repairs", "maladministration"),
        ("Complaint handling", "service-failure"),
        ("Staff conduct", "no-maladministration"),
    ]
    orders = {order["number"]: order for order in record["orders"]}
    assert orders[1]["kind"] == "compensation" and orders[1]["amount"] == 350.0
    assert orders[1]["made_on"] == "2026-01-12" and orders[1]["complied_on"] == "2026-02-16"
    assert orders[1]["complied_in_time"] is False
    assert orders[2]["complied_in_time"] is True
    assert orders[3]["kind"] == "training" and orders[3]["complied_on"] is None

    assert event_kinds(cli, ref)[-7:] == [
        "ombudsman-referred", "ombudsman-determined", "ombudsman-order", "ombudsman-order",
        "ombudsman-order", "ombudsman-complied", "ombudsman-complied",
    ]
    assert rows(cli.db, "SELECT element, finding, determined_on FROM ombudsman_findings ORDER BY number") == [
        ("Repairs", "maladministration", "2026-01-12"),
        ("Complaint handling", "service-failure", "2026-01-12"),
        ("Staff conduct", "no-maladministration", "2026-01-12"),
    ]
    assert rows(cli.db, "SELECT number, kind, amount_pence, due, complied_on FROM ombudsman_orders ORDER BY number") == [
        (1, "compensation", 35000, "2026-02-09", "2026-02-16"),
        (2, "apology", 0, "2026-01-26", "2026-01-20"),
        (3, "training", 0, "2026-04-12", None),
    ]
    assert rows(cli.db, "SELECT referred_on, determined_on FROM ombudsman_cases") == [("2025-11-03", "2026-01-12")]

    text = cli.ok("ombudsman", "show", ref).stdout
    assert "Maladministration" in text and "outstanding" in text
    history = " ".join(cli.ok("show", ref).stdout.split())
    assert "referred to the Housing Ombudsman (HO-202512345)" in history
    assert "order 1, compensation £350.00, by 2026-02-09" in history
    # The records are events on the hash chain like every other step.
    assert cli.ok("verify").exit_code == 0


def test_ombudsman_refusals_change_nothing(cli):
    ref = closed_case(cli)
    before = event_kinds(cli, ref)
    refused(cli("ombudsman", "determine", ref, "--finding", "Repairs=maladministration"), ref, "ombudsman refer")
    refused(cli("ombudsman", "order", ref, "--kind", "apology", "--due", "2026-02-01"), ref, "not been referred")
    refused(cli("ombudsman", "comply", ref, "1"), ref)
    assert event_kinds(cli, ref) == before

    cli.ok("ombudsman", "refer", ref, "--on", "2025-11-03")
    refused(cli("ombudsman", "refer", ref), "already referred")
    refused(cli("ombudsman", "order", ref, "--kind", "apology", "--due", "2026-02-01"), "determination")
    refused(cli("ombudsman", "determine", ref), "--finding")
    refused(cli("ombudsman", "determine", ref, "--finding", "Repairs=sort of bad"), "unknown finding", "maladministration")
    refused(cli("ombudsman", "determine", ref, "--finding", "=maladministration"), "ELEMENT=FINDING")
    refused(cli("ombudsman", "determine", ref, "--finding", "maladministration", "--on", "2025-11-01"), "before 2025-11-03")
    cli.ok("ombudsman", "determine", ref, "--finding", "maladministration", "--on", "2026-01-12")
    refused(cli("ombudsman", "determine", ref, "--finding", "service-failure"), "already recorded")
    refused(cli("ombudsman", "order", ref, "--kind", "compensation", "--due", "2026-02-01"), "--amount")
    refused(cli("ombudsman", "order", ref, "--kind", "apology", "--amount", "20", "--due", "2026-02-01"), "only to a compensation")
    refused(cli("ombudsman", "order", ref, "--kind", "other", "--due", "2026-02-01"), "--what")
    refused(cli("ombudsman", "order", ref, "--kind", "hugs", "--due", "2026-02-01"), "unknown order")
    refused(cli("ombudsman", "order", ref, "--kind", "apology", "--due", "2026-01-01"), "before the order was made")
    cli.ok("ombudsman", "order", ref, "--kind", "apology", "--due", "2026-02-01")
    refused(cli("ombudsman", "comply", ref, "2"), "no Ombudsman order 2")
    cli.ok("ombudsman", "comply", ref, "1", "--on", "2026-01-30")
    refused(cli("ombudsman", "comply", ref, "1"), "already complied")
    refused(cli("ombudsman", "refer", "CMP-2025-09999"), "CMP-2025-09999")
    assert cli("ombudsman", "refer", ref, "--ombudsman", "court").exit_code == 2
    # The finding recorded without an element takes the case's category.
    record = cli.ok("ombudsman", "show", ref, "--json").json()["records"]["ombudsman_referral"]
    assert record["findings"] == [{"number": 1, "element": "Damp", "finding": "maladministration"}]


def test_compliments_have_no_ombudsman_or_survey(cli):
    ref = cli.ok("log", "--type", "compliment", "--name", "A Tenant", "--received", "2025-10-01").stdout.strip()
    refused(cli("ombudsman", "refer", ref), "compliment")
    refused(cli("survey", ref, "--satisfied", "yes"), "compliment")
    refused(cli("learning", ref, "Thank the team"), "compliment")


# -- survey ----------------------------------------------------------------------------------------


def test_survey_after_closure(cli):
    ref = closed_case(cli)
    result = cli.ok(
        "survey", ref, "--on", "2025-10-20", "--satisfied", "yes", "--easy", "no", "--time", "y", "--addressed", "NO", "--json"
    ).json()
    assert result["records"]["surveys"] == [
        {
            "stage": 1,
            "answered_on": "2025-10-20",
            "answers": {
                "satisfied_with_handling": True,
                "easy_to_complain": False,
                "satisfied_with_time": True,
                "kept_informed": None,
                "fully_addressed": False,
            },
        }
    ]
    assert rows(cli.db, "SELECT stage, answered_on, satisfied_with_handling, easy_to_complain, kept_informed FROM surveys") == [
        (1, "2025-10-20", 1, 0, None)
    ]
    refused(cli("survey", ref, "--satisfied", "no"), "already recorded after stage 1")


def test_survey_refusals(cli):
    open_ref = cli.ok("log", "--name", "B Tenant", "--summary", "Noise", "--received", "2025-10-01").stdout.strip()
    refused(cli("survey", open_ref, "--satisfied", "yes"), open_ref, "still open", "after the complaint is closed")
    assert event_kinds(cli, open_ref) == ["logged"]
    refused(cli("survey", "CMP-2025-04242", "--satisfied", "yes"), "CMP-2025-04242")
    ref = closed_case(cli)
    refused(cli("survey", ref), "at least one answer")
    refused(cli("survey", ref, "--satisfied", "yes", "--on", "2025-10-09"), "before 2025-10-10")
    assert cli("survey", ref, "--satisfied", "maybe").exit_code == 2
    # Escalated and open again at stage 2: the survey waits for the final response.
    cli.ok("escalate", ref, "--handler", "Second Officer", "--on", "2025-10-15")
    refused(cli("survey", ref, "--easy", "yes"), "stage 2 is still open")


# -- learning --------------------------------------------------------------------------------------


def test_learning_on_a_closed_case(cli):
    ref = cli.ok("log", "--name", "C Tenant", "--summary", "Repair missed", "--service", "Repairs", "--received", "2025-10-01").stdout.strip()
    refused(cli("learning", ref, "Book repairs with a time slot"), ref, "still open")
    cli.ok("acknowledge", ref, "--on", "2025-10-02")
    cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Missed twice", "--learning", "Text tenants the day before", "--on", "2025-10-09")
    refused(cli("learning", ref, "   "), "empty")
    result = cli.ok("learning", ref, "Book repairs with a two-hour slot", "--on", "2025-11-01", "--json").json()
    assert [(item["recorded_on"], item["text"]) for item in result["records"]["learning"]] == [
        ("2025-10-09", "Text tenants the day before"),
        ("2025-11-01", "Book repairs with a two-hour slot"),
    ]
    assert rows(cli.db, "SELECT number, stage, recorded_on, text FROM learning ORDER BY number") == [
        (1, 1, "2025-10-09", "Text tenants the day before"),
        (2, 1, "2025-11-01", "Book repairs with a two-hour slot"),
    ]


# -- the projection --------------------------------------------------------------------------------


def test_an_old_database_gains_the_record_tables_and_keeps_its_data(cli):
    ref = closed_case(cli)
    first_release.sqlite(cli.db)
    assert rows(cli.db, "SELECT name FROM schema_migrations") == [("001_initial",)]
    assert cli.show(ref)["outcome"] == "upheld"
    assert sorted(rows(cli.db, "SELECT name FROM schema_migrations")) == sorted(
        [("001_initial",)] + [(name,) for name in first_release.later_migrations()]
    )
    cli.ok("survey", ref, "--satisfied", "yes", "--on", "2025-10-20")
    assert rows(cli.db, "SELECT count(*) FROM surveys") == [(1,)]


def test_the_projection_is_rederived_from_the_events(cli, tmp_path):
    """Saving a case again rewrites its record rows from its events, so they can always be rebuilt."""
    from complaintctl.domain import policy
    from complaintctl import services
    from complaintctl.clock import now_utc
    from complaintctl.storage.store import Store

    ref = closed_case(cli)
    cli.ok("survey", ref, "--satisfied", "no", "--on", "2025-10-20")
    cli.ok("learning", ref, "Inspect sooner", "--on", "2025-10-21")
    with sqlite3.connect(cli.db) as conn:
        conn.execute("DELETE FROM surveys")
        conn.execute("UPDATE learning SET text = 'tampered'")
    chosen = policy.load(None)
    store = Store.open(cli.db)
    try:
        ctx = services.Context(store, chosen, chosen.calendar(), "tester", date(2026, 3, 2), now_utc())
        with store.writing() as tx:
            case_id = tx.case_id(ref)
            tx.save_case(case_id, services.derive_case(ctx, ref, tx.events(case_id)))
    finally:
        store.dispose()
    assert rows(cli.db, "SELECT satisfied_with_handling FROM surveys") == [(0,)]
    assert rows(cli.db, "SELECT text FROM learning") == [("Inspect sooner",)]
