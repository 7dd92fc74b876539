"""The queryable projection of the report records (migration 002_records).

Rewritten from a case's events whenever the case is saved, like the cases and stages tables, so
it can be re-derived at any time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    for table, rows in record_rows(case_id, case).items():
        if rows:
            conn.execute(table.insert(), rows)


def record_rows(case_id: int, case: "Case") -> dict[Table, list[dict[str, Any]]]:
    """The rows of each record table for the case, in order, without their `id`."""
    found: dict[Table, list[dict[str, Any]]] = {table: [] for table in TABLES}
    if not has_records(case):
        return found
    records = records_of(case)
    referral = records.referral
    if referral:
        found[ombudsman_cases].append(
            {
                "case_id": case_id,
                "ombudsman": referral.ombudsman,
                "referred_on": referral.referred_on,
                "their_reference": referral.their_reference,
                "determined_on": referral.determined_on,
            }
        )
        found[ombudsman_findings] = [
            {
                "case_id": case_id,
                "number": item.number,
                "element": item.element,
                "finding": item.finding,
                "determined_on": referral.determined_on,
            }
            for item in referral.findings
        ]
        found[ombudsman_orders] = [
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
        ]
    found[surveys] = [
        {"case_id": case_id, "stage": survey.stage, "answered_on": survey.answered_on, **survey.answers}
        for survey in records.surveys
    ]
    found[learning] = [
        {"case_id": case_id, "number": item.number, "stage": item.stage, "recorded_on": item.recorded_on, "text": item.text}
        for item in records.learning
    ]
    return found


def in_order(table: Table) -> list[Any]:
    """The columns that put a table's rows in the order `record_rows` gives them."""
    for name in ("number", "id"):
        if name in table.c:
            return [table.c.case_id, table.c[name]]
    return [table.c.case_id]  # one row per case
