"""Every table of the database, defined once, as SQLModel models.

The migrations (migrations.py) create the tables and are never edited once released; these
models say what a migrated database holds, column by column, and tests/test_schema.py compares
the two on SQLite and on PostgreSQL. The statements that read and write the tables are SQL text
in statements.py. Imported by the full store only: the light reader never loads SQLModel.
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import BigInteger, Text
from sqlmodel import Field, SQLModel

# -- the bookkeeping of the migrations ------------------------------------------------------------


class MigrationRow(SQLModel, table=True):
    __tablename__ = "schema_migrations"
    name: str = Field(primary_key=True, max_length=100)
    applied_at: str = Field(max_length=40)


class MetaRow(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True, max_length=40)
    value: str = Field(sa_type=Text)


class CounterRow(SQLModel, table=True):
    __tablename__ = "reference_counters"
    prefix: str = Field(primary_key=True, max_length=20)
    year: int = Field(primary_key=True)
    last_number: int


class PolicyVersionRow(SQLModel, table=True):
    """One version of the policy in force (domain.policy.PolicyVersion); `content` is the whole
    policy as JSON (Policy.content), `recorded_at` ISO text in UTC; `prev_hash` and `hash` chain
    it with the events (projection.policy_version_hash)."""

    __tablename__ = "policy_versions"
    number: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    fingerprint: str = Field(max_length=64)
    content: str = Field(sa_type=Text)
    recorded_at: str = Field(max_length=40)
    officer: str = Field(sa_type=Text)
    note: str = Field(sa_type=Text)
    # Its place in the hash chain with the events; empty until chained (see migrations.m004).
    prev_hash: str = Field(default="", max_length=64)
    hash: str = Field(default="", max_length=64)


class OfficerRow(SQLModel, table=True):
    """An officer on the team roster (domain.officers.Officer); `roles` is a comma-separated list
    of vocabulary.OFFICER_ROLES, the times ISO text in UTC."""

    __tablename__ = "officers"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(sa_type=Text)
    login: Optional[str] = Field(default=None, sa_type=Text)
    email: Optional[str] = Field(default=None, sa_type=Text)
    roles: str = Field(sa_type=Text)
    added_at: str = Field(max_length=40)
    added_by: str = Field(sa_type=Text)
    retired_at: Optional[str] = Field(default=None, max_length=40)
    retired_by: Optional[str] = Field(default=None, sa_type=Text)
    # The latest change of the roles (`officer roles`), when none since the adding.
    roles_changed_at: Optional[str] = Field(default=None, max_length=40)
    roles_changed_by: Optional[str] = Field(default=None, sa_type=Text)


class RestrictionRow(SQLModel, table=True):
    """A restriction on one person's contact (domain.restrictions.Restriction); `decided_by` is
    a JSON list of names, the times ISO text in UTC."""

    __tablename__ = "restrictions"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: Optional[str] = Field(default=None, sa_type=Text)
    email: Optional[str] = Field(default=None, sa_type=Text)
    phone: Optional[str] = Field(default=None, sa_type=Text)
    reason: str = Field(sa_type=Text)
    arrangements: str = Field(sa_type=Text)
    decided_by: str = Field(sa_type=Text)
    decided_on: date
    review_on: date = Field(index=True)
    recorded_on: date
    recorded_at: str = Field(max_length=40)
    recorded_by: str = Field(sa_type=Text)
    ended_on: Optional[date] = None
    ended_at: Optional[str] = Field(default=None, max_length=40)
    ended_by: Optional[str] = Field(default=None, sa_type=Text)
    end_reason: Optional[str] = Field(default=None, sa_type=Text)


# -- the events, and the case tables projected from them ------------------------------------------


class EventRow(SQLModel, table=True):
    __tablename__ = "events"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_type=BigInteger)
    number: int
    kind: str = Field(max_length=40)
    business_date: date
    officer: str = Field(sa_type=Text)
    recorded_at: str = Field(max_length=40)
    details: str = Field(sa_type=Text)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    redacted_by: Optional[int] = None


class CaseRow(SQLModel, table=True):
    __tablename__ = "cases"
    id: Optional[int] = Field(default=None, primary_key=True)
    reference: str = Field(max_length=40)
    type: str = Field(max_length=20)
    stage: int
    status: str = Field(max_length=20)
    outcome: Optional[str] = Field(default=None, max_length=20)
    received_on: date
    name: Optional[str] = Field(default=None, sa_type=Text)
    service: Optional[str] = Field(default=None, sa_type=Text)
    category: Optional[str] = Field(default=None, sa_type=Text)
    housing: bool
    ombudsman: str = Field(max_length=10)
    handler: Optional[str] = Field(default=None, sa_type=Text)
    acknowledge_by: Optional[date] = None
    acknowledged_on: Optional[date] = None
    respond_by: Optional[date] = None
    escalate_by: Optional[date] = None
    extension_days: int = 0
    next_due: Optional[date] = None
    next_due_what: Optional[str] = Field(default=None, max_length=20)
    over_12_months: bool = False
    update_due: Optional[date] = None
    # The case's reference in the spreadsheet it was imported from.
    external_ref: Optional[str] = Field(default=None, sa_type=Text)
    # What `list --search` looks in, in lower case (projection.search_text).
    search_text: str = Field(default="", sa_type=Text)


class StageRow(SQLModel, table=True):
    __tablename__ = "stages"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_type=BigInteger)
    number: int
    received_on: date
    handler: Optional[str] = Field(default=None, sa_type=Text)
    acknowledge_by: Optional[date] = None
    acknowledged_on: Optional[date] = None
    respond_by: Optional[date] = None
    extension_days: int = 0
    closed_on: Optional[date] = None
    outcome: Optional[str] = Field(default=None, max_length=20)
    exclusion: Optional[str] = Field(default=None, max_length=40)
    in_time: Optional[bool] = None
    apology: bool = False
    compensation_pence: int = Field(default=0, sa_type=BigInteger)
    # The case's, kept on each of its stages for the annual report's indexes (migration 006).
    case_type: Optional[str] = Field(default=None, max_length=20)
    service: Optional[str] = Field(default=None, sa_type=Text)
    category: Optional[str] = Field(default=None, sa_type=Text)
    # A stage 2 request accepted outside the escalation window, with a late reason.
    escalated_late: bool = False


class ActionRow(SQLModel, table=True):
    __tablename__ = "actions"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_type=BigInteger)
    number: int
    stage: int
    what: str = Field(sa_type=Text)
    due: date
    owner: Optional[str] = Field(default=None, sa_type=Text)
    done_on: Optional[date] = None


# -- the annual report's month figures, kept by triggers on `stages` (migration 015) --------------
#
# A key column holds '' where the stage's value is NULL; in_time and apology 1 or 0.


class ReceivedMonthRow(SQLModel, table=True):
    """The stages received in a month (`month`: its first day) with the same key."""

    __tablename__ = "received_months"
    number: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    month: date = Field(primary_key=True)
    case_type: str = Field(primary_key=True, max_length=20)
    outcome: str = Field(primary_key=True, max_length=20)
    exclusion: str = Field(primary_key=True, max_length=40)
    service: str = Field(primary_key=True, sa_type=Text)
    category: str = Field(primary_key=True, sa_type=Text)
    stages: int


class ClosedMonthRow(SQLModel, table=True):
    """The stages closed in a month with the same key, with their remedies."""

    __tablename__ = "closed_months"
    number: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    month: date = Field(primary_key=True)
    outcome: str = Field(primary_key=True, max_length=20)
    in_time: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    apology: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    stages: int
    compensated: int
    compensation_pence: int = Field(sa_type=BigInteger)

# -- the records kept for the annual report: Ombudsman, surveys, learning --------------------------


class OmbudsmanCaseRow(SQLModel, table=True):
    """A case's referral to the Ombudsman: one row per case referred."""

    __tablename__ = "ombudsman_cases"
    case_id: int = Field(primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False})
    ombudsman: str = Field(max_length=10)
    referred_on: date
    their_reference: Optional[str] = Field(default=None, sa_type=Text)
    determined_on: Optional[date] = None


class OmbudsmanFindingRow(SQLModel, table=True):
    __tablename__ = "ombudsman_findings"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_type=BigInteger)
    number: int
    element: str = Field(sa_type=Text)
    finding: str = Field(max_length=40)
    determined_on: date


class OmbudsmanOrderRow(SQLModel, table=True):
    __tablename__ = "ombudsman_orders"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_type=BigInteger)
    number: int
    kind: str = Field(max_length=20)
    what: Optional[str] = Field(default=None, sa_type=Text)
    amount_pence: int = Field(sa_type=BigInteger)
    made_on: date
    due: date
    complied_on: Optional[date] = None


class SurveyRow(SQLModel, table=True):
    """A satisfaction survey; each answer is yes, no, or not answered (the questions are
    vocabulary.SURVEY_QUESTIONS, in the same order)."""

    __tablename__ = "surveys"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_type=BigInteger)
    stage: int
    answered_on: date
    satisfied_with_handling: Optional[bool] = None
    easy_to_complain: Optional[bool] = None
    satisfied_with_time: Optional[bool] = None
    kept_informed: Optional[bool] = None
    fully_addressed: Optional[bool] = None


class LearningRow(SQLModel, table=True):
    __tablename__ = "learning"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_type=BigInteger)
    number: int
    stage: int
    recorded_on: date
    text: str = Field(sa_type=Text)


metadata = SQLModel.metadata

migrations_table = MigrationRow.__table__
meta_table = MetaRow.__table__
counters_table = CounterRow.__table__
policy_versions_table = PolicyVersionRow.__table__
officers_table = OfficerRow.__table__
restrictions_table = RestrictionRow.__table__
events_table = EventRow.__table__
cases_table = CaseRow.__table__
stages_table = StageRow.__table__
actions_table = ActionRow.__table__
received_months = ReceivedMonthRow.__table__
closed_months = ClosedMonthRow.__table__
ombudsman_cases = OmbudsmanCaseRow.__table__
ombudsman_findings = OmbudsmanFindingRow.__table__
ombudsman_orders = OmbudsmanOrderRow.__table__
surveys = SurveyRow.__table__
learning = LearningRow.__table__

# The tables of the report records, in the order they are written and checked.
RECORD_TABLES = (ombudsman_findings, ombudsman_orders, ombudsman_cases, surveys, learning)
