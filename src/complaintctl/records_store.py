"""The queryable projection of the report records (migration 002_records).

Rewritten from a case's events whenever the case is saved, like the cases and stages tables, so
it can be re-derived at any time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, Column, Date, Integer, MetaData, String, Table, Text

from complaintctl.records import SURVEY_QUESTIONS, has_records, records_of

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from complaintctl.model import Case

metadata = MetaData()

ombudsman_cases = Table(
    "ombudsman_cases",
    metadata,
    Column("case_id", BigInteger, primary_key=True, autoincrement=False),
    Column("ombudsman", String(10), nullable=False),
    Column("referred_on", Date, nullable=False),
    Column("their_reference", Text),
    Column("determined_on", Date),
)

ombudsman_findings = Table(
    "ombudsman_findings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", BigInteger, nullable=False),
    Column("number", Integer, nullable=False),
    Column("element", Text, nullable=False),
    Column("finding", String(40), nullable=False),
    Column("determined_on", Date, nullable=False),
)

ombudsman_orders = Table(
    "ombudsman_orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", BigInteger, nullable=False),
    Column("number", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("what", Text),
    Column("amount_pence", BigInteger, nullable=False),
    Column("made_on", Date, nullable=False),
    Column("due", Date, nullable=False),
    Column("complied_on", Date),
)

surveys = Table(
    "surveys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", BigInteger, nullable=False),
    Column("stage", Integer, nullable=False),
    Column("answered_on", Date, nullable=False),
    *(Column(question, Boolean) for question in SURVEY_QUESTIONS),
)

learning = Table(
    "learning",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", BigInteger, nullable=False),
    Column("number", Integer, nullable=False),
    Column("stage", Integer, nullable=False),
    Column("recorded_on", Date, nullable=False),
    Column("text", Text, nullable=False),
)

TABLES = (ombudsman_findings, ombudsman_orders, ombudsman_cases, surveys, learning)


def save_records(conn: "Connection", case_id: int, case: "Case") -> None:
    """Rewrite the case's rows. A case with no record events never has rows, so costs nothing."""
    if not has_records(case):
        return
    for table in TABLES:
        conn.execute(table.delete().where(table.c.case_id == case_id))
    records = records_of(case)
    referral = records.referral
    if referral:
        conn.execute(
            ombudsman_cases.insert().values(
                case_id=case_id,
                ombudsman=referral.ombudsman,
                referred_on=referral.referred_on,
                their_reference=referral.their_reference,
                determined_on=referral.determined_on,
            )
        )
        if referral.findings:
            conn.execute(
                ombudsman_findings.insert(),
                [
                    {
                        "case_id": case_id,
                        "number": item.number,
                        "element": item.element,
                        "finding": item.finding,
                        "determined_on": referral.determined_on,
                    }
                    for item in referral.findings
                ],
            )
        if referral.orders:
            conn.execute(
                ombudsman_orders.insert(),
                [
                    {
                        "case_id": case_id,
                        "number": order.number,
                        "kind": order.kind,
                        "what": order.what,
                        "amount_pence": order.amount_pence,
                        "made_on": order.made_on,
                        "due": order.due,
                        "complied_on": order.complied_on,
                    }
                    for order in referral.orders
                ],
            )
    if records.surveys:
        conn.execute(
            surveys.insert(),
            [
                {"case_id": case_id, "stage": survey.stage, "answered_on": survey.answered_on, **survey.answers}
                for survey in records.surveys
            ],
        )
    if records.learning:
        conn.execute(
            learning.insert(),
            [
                {"case_id": case_id, "number": item.number, "stage": item.stage, "recorded_on": item.recorded_on, "text": item.text}
                for item in records.learning
            ],
        )
