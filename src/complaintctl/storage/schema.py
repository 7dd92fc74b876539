"""Every table of the database, defined once.

The case tables are SQLModel models; the report-record tables are SQLAlchemy Core tables on
the same metadata. The migrations create them; a test compares a migrated database with these
definitions.
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import BigInteger, Boolean, Column, Date, Integer, String, Table, Text
from sqlmodel import Field, SQLModel

from complaintctl.domain.vocabulary import SURVEY_QUESTIONS


class CaseRow(SQLModel, table=True):
    __tablename__ = "cases"
    id: Optional[int] = Field(default=None, primary_key=True)
    reference: str
    type: str
    stage: int
    status: str
    outcome: Optional[str] = None
    received_on: date
    name: Optional[str] = None
    service: Optional[str] = None
    category: Optional[str] = None
    housing: bool
    ombudsman: str
    handler: Optional[str] = None
    acknowledge_by: Optional[date] = None
    acknowledged_on: Optional[date] = None
    respond_by: Optional[date] = None
    escalate_by: Optional[date] = None
    extension_days: int = 0
    next_due: Optional[date] = None
    next_due_what: Optional[str] = None
    over_12_months: bool = False


class StageRow(SQLModel, table=True):
    __tablename__ = "stages"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int
    number: int
    received_on: date
    handler: Optional[str] = None
    acknowledge_by: Optional[date] = None
    acknowledged_on: Optional[date] = None
    respond_by: Optional[date] = None
    extension_days: int = 0
    closed_on: Optional[date] = None
    outcome: Optional[str] = None
    exclusion: Optional[str] = None
    in_time: Optional[bool] = None
    apology: bool = False
    compensation_pence: int = 0


class EventRow(SQLModel, table=True):
    __tablename__ = "events"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int
    number: int
    kind: str
    business_date: date
    officer: str
    recorded_at: str
    details: str
    prev_hash: str
    hash: str


class ActionRow(SQLModel, table=True):
    __tablename__ = "actions"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int
    number: int
    stage: int
    what: str
    due: date
    owner: Optional[str] = None
    done_on: Optional[date] = None


class CounterRow(SQLModel, table=True):
    __tablename__ = "reference_counters"
    prefix: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    last_number: int


class MetaRow(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


cases_table = CaseRow.__table__
stages_table = StageRow.__table__
events_table = EventRow.__table__
actions_table = ActionRow.__table__
counters_table = CounterRow.__table__
meta_table = MetaRow.__table__


metadata = SQLModel.metadata

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

RECORD_TABLES = (ombudsman_findings, ombudsman_orders, ombudsman_cases, surveys, learning)
