"""Every SQL statement complaintctl sends, each written once, with named parameters (`:name`).

The light reader and writer (reader.py, writer.py) run them through `sqlite3`; the full store
(store.py) through SQLAlchemy's `text()`, on SQLite or PostgreSQL. So each is written in the SQL
both databases take; where they differ (the catalogue, row locks, connection settings) there is
a statement or a fragment for each, named for its database. Queries with optional parts
(`list`'s filters) are put together from the fixed fragments here; a list of values for `IN` is
spelled out with `expand`. The tables themselves are created by the migrations (migrations.py)
and described by the models (schema.py); tests/test_statements.py runs every statement here on
both databases.

Dates: SQLite keeps them as ISO text, PostgreSQL as dates. The transactions bind dates as text
on SQLite and give back a `date` for every column named in DATE_COLUMNS, on either database.

Imports nothing heavier than the vocabulary: the light reader and writer load this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from complaintctl.domain.vocabulary import (
    ANONYMOUS_NAME,
    DECISIONS,
    SURVEY_QUESTIONS,
)
from complaintctl.domain import events as event_kinds

# Every column that holds a date; no column of another type shares one of these names.
DATE_COLUMNS = frozenset(
    {
        "received_on", "acknowledge_by", "acknowledged_on", "respond_by", "escalate_by", "next_due",
        "closed_on", "business_date", "due", "done_on", "referred_on", "determined_on", "made_on",
        "complied_on", "answered_on", "recorded_on", "update_due", "decided_on", "review_on", "ended_on",
        "month",
    }
)


def _columns(names: Iterable[str], prefix: str = "") -> str:
    return ", ".join(f"{prefix}{name}" for name in names)


# The kinds recorded about a case that are not done on it, as an SQL list.
_NOT_ACTIVITY = ", ".join(f"'{kind}'" for kind in event_kinds.NOT_STEPS)


# Each INSERT of `_insert` with the same statement binding its columns by position, and the
# columns in that order: `sqlite3` looks each named parameter up by name in each row, which costs
# an import of thousands of rows a good part of its inserts (writer.Writer.execute_many).
_BY_POSITION: dict[str, tuple[str, tuple[str, ...]]] = {}


def _insert(table: str, columns: Sequence[str]) -> str:
    sql = f"INSERT INTO {table} ({_columns(columns)}) VALUES ({_columns(columns, ':')})"
    _BY_POSITION[sql] = (f"INSERT INTO {table} ({_columns(columns)}) VALUES ({', '.join('?' * len(columns))})", tuple(columns))
    return sql


def by_position(sql: str) -> tuple[str, tuple[str, ...]] | None:
    """The INSERT `sql` (one of those made here) binding its values by position, with the
    columns in their order; None for any other statement."""
    return _BY_POSITION.get(sql)


def expand(sql: str, name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """`sql` with its list parameter `:name` spelled out as `:name_0, :name_1, …`, and the
    parameters that go with them. `values` must not be empty: `IN ()` is not SQL."""
    names = [f"{name}_{index}" for index in range(len(values))]
    return re.sub(rf":{name}\b", _columns(names, ":"), sql), dict(zip(names, values))


# -- the connection ---------------------------------------------------------------------------------

# Every SQLite connection waits up to 30 s for another writer rather than failing at once.
SQLITE_BUSY_TIMEOUT = "PRAGMA busy_timeout = 30000"
# The SQLite connections that write (the full store's, the light writer's), after the busy timeout.
# secure_delete: what a write deletes or overwrites (a redacted name, a case's rewritten rows) is
# overwritten with zeros in the file, not left in its free space.
SQLITE_SETTINGS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = FULL",
    "PRAGMA secure_delete = ON",
)
# After a redaction: the file rebuilt from what it holds now, so that nothing written before
# (free pages, space freed before secure_delete was on) survives, and the write-ahead log
# emptied into it and truncated.
SQLITE_RECLAIM = ("VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)")
# The light reader's: it never writes.
SQLITE_READ_ONLY = "PRAGMA query_only = 1"

BEGIN = "BEGIN"
COMMIT = "COMMIT"
ROLLBACK = "ROLLBACK"
# A SQLite writer takes the write lock with its first statement.
SQLITE_BEGIN_WRITE = "BEGIN IMMEDIATE"
# A PostgreSQL writer waits here until the previous one commits, as on SQLite: a reference, an
# event number and the chain head are each read and written by one writer at a time.
POSTGRES_WRITE_LOCK_KEY = 0x636F6D706C61696E
POSTGRES_WRITE_LOCK = f"SELECT pg_advisory_xact_lock({POSTGRES_WRITE_LOCK_KEY})"
# Appended to a SELECT on PostgreSQL: the rows read are locked until the transaction ends.
POSTGRES_FOR_UPDATE = " FOR UPDATE"

SQLITE_INTEGRITY_CHECK = "PRAGMA integrity_check"

# -- the migrations' bookkeeping --------------------------------------------------------------------

CREATE_MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR(100) PRIMARY KEY, applied_at VARCHAR(40) NOT NULL)"
)
SQLITE_HAS_MIGRATIONS = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
POSTGRES_HAS_MIGRATIONS = (
    "SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_migrations' AND table_schema = current_schema()"
)
APPLIED_MIGRATIONS = "SELECT name FROM schema_migrations"
RECORD_MIGRATION = "INSERT INTO schema_migrations (name, applied_at) VALUES (:name, :applied_at)"

# -- meta and references ----------------------------------------------------------------------------

META = "SELECT value FROM meta WHERE key = :key"
UPDATE_META = "UPDATE meta SET value = :value WHERE key = :key"
INSERT_META = "INSERT INTO meta (key, value) VALUES (:key, :value)"

COUNTER = "SELECT last_number FROM reference_counters WHERE prefix = :prefix AND year = :year"
COUNTERS = "SELECT year, last_number FROM reference_counters WHERE prefix = :prefix"
INSERT_COUNTER = "INSERT INTO reference_counters (prefix, year, last_number) VALUES (:prefix, :year, :last_number)"
UPDATE_COUNTER = "UPDATE reference_counters SET last_number = :last_number WHERE prefix = :prefix AND year = :year"

# -- the policy's versions ---------------------------------------------------------------------------

# A version's `prev_hash` and `hash` place it in the hash chain with the events (projection.py);
# both are empty for a version stored where the key of a keyed database could not be found.
POLICY_VERSION_COLUMNS = ("number", "fingerprint", "content", "recorded_at", "officer", "note", "prev_hash", "hash")
POLICY_VERSIONS = f"SELECT {', '.join(POLICY_VERSION_COLUMNS)} FROM policy_versions ORDER BY number"
LATEST_POLICY_FINGERPRINT = "SELECT fingerprint FROM policy_versions ORDER BY number DESC LIMIT 1"
INSERT_POLICY_VERSION = _insert("policy_versions", POLICY_VERSION_COLUMNS)
UNCHAINED_POLICY_VERSION_COUNT = "SELECT count(*) FROM policy_versions WHERE hash = ''"
CHAIN_POLICY_VERSION = "UPDATE policy_versions SET prev_hash = :prev_hash, hash = :hash WHERE number = :number AND hash = ''"

# -- the team roster ---------------------------------------------------------------------------------

OFFICER_COLUMNS = (
    "name", "login", "email", "roles", "added_at", "added_by", "retired_at", "retired_by", "roles_changed_at", "roles_changed_by",
)
OFFICERS = f"SELECT id, {', '.join(OFFICER_COLUMNS)} FROM officers ORDER BY id"
INSERT_OFFICER = _insert("officers", OFFICER_COLUMNS)
RETIRE_OFFICER = "UPDATE officers SET retired_at = :retired_at, retired_by = :retired_by WHERE id = :id AND retired_at IS NULL"
CHANGE_OFFICER_ROLES = (
    "UPDATE officers SET roles = :roles, roles_changed_at = :roles_changed_at, roles_changed_by = :roles_changed_by "
    "WHERE id = :id AND retired_at IS NULL"
)
# Open cases whose handler is an officer, by full name or login (`:name` and `:login` lower case).
OPEN_CASES_HANDLED_BY = (
    "SELECT reference FROM cases WHERE status != 'closed' AND lower(handler) IN (:name, :login) ORDER BY reference"
)

# -- managed contact ---------------------------------------------------------------------------------

RESTRICTION_COLUMNS = (
    "name", "email", "phone", "reason", "arrangements", "decided_by", "decided_on", "review_on",
    "recorded_on", "recorded_at", "recorded_by", "ended_on", "ended_at", "ended_by", "end_reason",
)
RESTRICTIONS = f"SELECT id, {', '.join(RESTRICTION_COLUMNS)} FROM restrictions ORDER BY id"
ACTIVE_RESTRICTIONS = f"SELECT id, {', '.join(RESTRICTION_COLUMNS)} FROM restrictions WHERE ended_on IS NULL ORDER BY id"
RESTRICTION = f"SELECT id, {', '.join(RESTRICTION_COLUMNS)} FROM restrictions WHERE id = :restriction_id"
INSERT_RESTRICTION = _insert("restrictions", RESTRICTION_COLUMNS)
END_RESTRICTION = (
    "UPDATE restrictions SET ended_on = :ended_on, ended_at = :ended_at, ended_by = :ended_by, end_reason = :end_reason "
    "WHERE id = :restriction_id AND ended_on IS NULL"
)
# Reviews due by the cutoff of the restrictions in force on `standing_on`: decided and recorded by
# then, not ended by then. Through the index on review_on.
RESTRICTION_REVIEWS_DUE_BY = (
    "SELECT id, review_on, arrangements FROM restrictions "
    "WHERE review_on <= :cutoff AND decided_on <= :standing_on AND recorded_on <= :standing_on "
    "AND (ended_on IS NULL OR ended_on > :standing_on) ORDER BY review_on, id"
)

CASE_ID = "SELECT id FROM cases WHERE reference = :reference"
# Through the reference index: `before` is `beginning` followed by the highest character.
REFERENCES_STARTING = (
    "SELECT reference FROM cases WHERE reference >= :beginning AND reference < :before ORDER BY reference LIMIT :limit"
)
# Which of a list of references (`:references`, see `expand`) are cases': through the reference index.
REFERENCES_AMONG = "SELECT reference FROM cases WHERE reference IN (:references) ORDER BY reference"
# The ids of cases just inserted, by reference (`:references`, see `expand`).
CASE_IDS_AMONG = "SELECT id, reference FROM cases WHERE reference IN (:references)"

# -- events -----------------------------------------------------------------------------------------

# `redacted_by`: the number of the case's `redacted` event that vouches for a row whose personal
# data was redacted past retention (its keyed hash covers what was there before); null otherwise.
EVENT_COLUMNS = ("case_id", "number", "kind", "business_date", "officer", "recorded_at", "details", "prev_hash", "hash", "redacted_by")
INSERT_EVENT = _insert("events", EVENT_COLUMNS)

EVENTS = (
    "SELECT number, kind, business_date, officer, recorded_at, details FROM events "
    "WHERE case_id = :case_id ORDER BY number"
)
# Where each of a case's events stands in the chain, for redacting them.
EVENT_LINKS = "SELECT number, prev_hash, hash, redacted_by FROM events WHERE case_id = :case_id ORDER BY number"
# Personal data past retention (domain/retention.py) replaced in an event's details, in place: the
# one change an event ever takes, vouched for by the `redacted` event numbered `redacted_by`.
REDACT_EVENT = "UPDATE events SET details = :details, redacted_by = :redacted_by WHERE case_id = :case_id AND number = :event_number"
# Settled cases (closed, every action done) with nothing done on them after `cutoff` (exports,
# holds and redactions are not doing), leaving out those redacted with nothing done since: the
# cases past retention, each with the date of the last thing done and its hold (the kind and date
# of its latest hold or release). One pass over the events in case order, grouped.
RETENTION_DUE = f"""
SELECT c.id, c.reference, c.type, a.last_activity,
  (SELECT h.kind FROM events h WHERE h.case_id = c.id AND h.kind IN ('held', 'hold-released')
   ORDER BY h.number DESC LIMIT 1) AS hold_kind,
  (SELECT h.business_date FROM events h WHERE h.case_id = c.id AND h.kind IN ('held', 'hold-released')
   ORDER BY h.number DESC LIMIT 1) AS held_on
FROM cases c
JOIN (
  SELECT case_id, max(business_date) AS last_activity, max(number) AS last_number FROM events
  WHERE kind NOT IN ({_NOT_ACTIVITY}) GROUP BY case_id
) a ON a.case_id = c.id
WHERE c.status = 'closed' AND a.last_activity <= :cutoff
  AND NOT EXISTS (SELECT 1 FROM actions x WHERE x.case_id = c.id AND x.done_on IS NULL)
  AND NOT EXISTS (SELECT 1 FROM events r WHERE r.case_id = c.id AND r.kind = 'redacted' AND r.number > a.last_number)
ORDER BY c.id
"""
# Managed-contact restrictions that ended on or before `cutoff`, with their personal details
# replaced: the person, why and how their contact was managed, why it ended.
REDACT_RESTRICTIONS = """
UPDATE restrictions SET
  name = CASE WHEN name IS NULL OR name = '' THEN name ELSE :redacted END,
  email = CASE WHEN email IS NULL OR email = '' THEN email ELSE :redacted END,
  phone = CASE WHEN phone IS NULL OR phone = '' THEN phone ELSE :redacted END,
  reason = :redacted,
  arrangements = :redacted,
  end_reason = CASE WHEN end_reason IS NULL OR end_reason = '' THEN end_reason ELSE :redacted END
WHERE ended_on IS NOT NULL AND ended_on <= :cutoff AND reason <> :redacted
"""
# The hash of a case's latest event: where the case stands in the keyed chain.
CASE_CHAIN_HASH = "SELECT hash FROM events WHERE case_id = :case_id ORDER BY number DESC LIMIT 1"
# Many cases' events at once; `:case_ids` is a list (see `expand`).
EVENTS_OF_CASES = (
    "SELECT case_id, number, kind, business_date, officer, recorded_at, details FROM events "
    "WHERE case_id IN (:case_ids) ORDER BY case_id, number"
)
# Cases received by `as_of` with a step of one of `kinds` (a list) dated after it: one range scan
# per kind on the events' (kind, business_date) index.
CASES_CHANGED_AFTER = """
    SELECT DISTINCT c.id, c.reference
    FROM events e JOIN cases c ON e.case_id = c.id
    WHERE e.kind IN (:kinds) AND e.business_date > :as_of AND c.received_on <= :as_of
"""

# -- the projection: cases, stages, actions and report records, rewritten from the events ---------

# The columns of a case's row as projection.case_values gives them (all but id and reference).
CASE_COLUMNS = (
    "type", "stage", "status", "outcome", "received_on", "name", "service", "category", "housing",
    "ombudsman", "handler", "acknowledge_by", "acknowledged_on", "respond_by", "escalate_by",
    "extension_days", "next_due", "next_due_what", "over_12_months", "update_due", "external_ref",
    "search_text",
)
INSERT_CASE = _insert("cases", ("reference", *CASE_COLUMNS))
UPDATE_CASE = f"UPDATE cases SET {', '.join(f'{name} = :{name}' for name in CASE_COLUMNS)} WHERE id = :id"

STAGE_COLUMNS = (
    "case_id", "number", "received_on", "handler", "acknowledge_by", "acknowledged_on", "respond_by",
    "extension_days", "closed_on", "outcome", "exclusion", "in_time", "apology", "compensation_pence",
    "case_type", "service", "category",
    "escalated_late",
)
INSERT_STAGE = _insert("stages", STAGE_COLUMNS)
DELETE_STAGES = "DELETE FROM stages WHERE case_id = :case_id"

# An import into SQLite counts its new stages into the month figures (migration 015) once, at
# its end, rather than by the trigger for each stage; into a database holding few cases, it
# also builds the secondary indexes of the tables it fills once, at its end. The trigger and the
# indexes are dropped inside the import's transaction and made again from the text SQLite kept
# of them. Each count adds what the trigger would have added for the stages written after
# `after` (the last stage id before them).
SQLITE_TRIGGER_TEXT = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name = 'stages_counted'"
BULK_TABLES = ("cases", "stages", "events", "actions")
# Those made by CREATE INDEX (a UNIQUE constraint's own index has no text, and stays).
SQLITE_INDEX_TEXTS = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
    f"AND tbl_name IN ({', '.join(repr(table) for table in BULK_TABLES)}) ORDER BY name"
)
LAST_CASE_ID = "SELECT max(id) FROM cases"
LAST_STAGE_ID = "SELECT max(id) FROM stages"


def sqlite_drop(kind: str, name: str) -> str:
    """The statement dropping a trigger or an index SQLite listed in sqlite_master."""
    return f'DROP {kind} "{name}"'


_RECEIVED_MONTH_KEY = "number, month, case_type, outcome, exclusion, service, category"
_CLOSED_MONTH_KEY = "number, month, outcome, in_time, apology"
SQLITE_COUNT_RECEIVED_MONTHS_AFTER = f"""
    INSERT INTO received_months ({_RECEIVED_MONTH_KEY}, stages)
    SELECT number, substr(received_on, 1, 7) || '-01', coalesce(case_type, ''), coalesce(outcome, ''),
           coalesce(exclusion, ''), coalesce(service, ''), coalesce(category, ''), count(*)
    FROM stages WHERE id > :after GROUP BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT ({_RECEIVED_MONTH_KEY}) DO UPDATE SET stages = received_months.stages + excluded.stages
"""
SQLITE_COUNT_CLOSED_MONTHS_AFTER = f"""
    INSERT INTO closed_months ({_CLOSED_MONTH_KEY}, stages, compensated, compensation_pence)
    SELECT number, substr(closed_on, 1, 7) || '-01', coalesce(outcome, ''), CASE WHEN in_time THEN 1 ELSE 0 END,
           CASE WHEN apology THEN 1 ELSE 0 END, count(*), sum(CASE WHEN compensation_pence > 0 THEN 1 ELSE 0 END),
           sum(compensation_pence)
    FROM stages WHERE id > :after AND closed_on IS NOT NULL GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT ({_CLOSED_MONTH_KEY}) DO UPDATE SET stages = closed_months.stages + excluded.stages,
        compensated = closed_months.compensated + excluded.compensated,
        compensation_pence = closed_months.compensation_pence + excluded.compensation_pence
"""

ACTION_COLUMNS = ("case_id", "number", "stage", "what", "due", "owner", "done_on")
INSERT_ACTION = _insert("actions", ACTION_COLUMNS)
DELETE_ACTIONS = "DELETE FROM actions WHERE case_id = :case_id"

# The report records' tables, in the order they are written and checked, with their columns
# (all but id) as projection.record_rows gives them.
RECORD_COLUMNS: dict[str, tuple[str, ...]] = {
    "ombudsman_findings": ("case_id", "number", "element", "finding", "determined_on"),
    "ombudsman_orders": ("case_id", "number", "kind", "what", "amount_pence", "made_on", "due", "complied_on"),
    "ombudsman_cases": ("case_id", "ombudsman", "referred_on", "their_reference", "determined_on"),
    "surveys": ("case_id", "stage", "answered_on", *SURVEY_QUESTIONS),
    "learning": ("case_id", "number", "stage", "recorded_on", "text"),
}
RECORD_TABLES = tuple(RECORD_COLUMNS)
# After a redaction on PostgreSQL: the tables that held the data rewritten, so that the row
# versions from before it are gone from their files.
POSTGRES_RECLAIM = f"VACUUM FULL events, cases, stages, actions, restrictions, {', '.join(RECORD_TABLES)}"
INSERT_RECORDS = {table: _insert(table, columns) for table, columns in RECORD_COLUMNS.items()}
DELETE_RECORDS = {table: f"DELETE FROM {table} WHERE case_id = :case_id" for table in RECORD_TABLES}

# Cases to derive again when a policy version is stored from `:since`: the open ones (a closed
# case keeps the deadlines of the versions in force when its steps were taken), and any with a
# step recorded at or after it (a clock set back between a step and the change). Recorded times
# are ISO text in UTC, so they compare as text.
CASES_TO_REDERIVE = """
    SELECT id, reference FROM cases WHERE status != 'closed'
    UNION
    SELECT c.id, c.reference FROM events e JOIN cases c ON c.id = e.case_id WHERE e.recorded_at >= :since
"""

# -- list, deadlines and actions ---------------------------------------------------------------------

LIST_COLUMNS = (
    "reference", "type", "stage", "status", "outcome", "received_on", "name", "service", "category", "handler",
    "respond_by", "next_due", "next_due_what",
)  # fmt: skip
LIST_CASES = f"SELECT {', '.join(LIST_COLUMNS)} FROM cases"


def _json_object_text(columns: Sequence[str]) -> str:
    r"""SQLite's text of one row as `json.dumps(row, ensure_ascii=False)` writes it (JSON1 escapes
    as json does). json_object leaves out the spaces after `,` and `:`: so each key but the first
    is given with a backspace before it and each key with a form feed after it, which json_object
    writes as `\b` and `\f`. `,"\b` and `\f":` then stand only between two members (a value's
    own quotes are escaped, and a value is never followed by `:`), and the two replacements make
    them json's `, "` and `": `. The text comes as a BLOB: its UTF-8 bytes."""
    keys = [f"'{columns[0]}' || char(12)", *(f"char(8) || '{name}' || char(12)" for name in columns[1:])]
    members = ", ".join(f"{key}, {name}" for key, name in zip(keys, columns))
    return f"""CAST(replace(replace(json_object({members}), ',"\\b', ', "'), '\\f":', '": ') AS BLOB)"""


# `list --json` on SQLite: each row as the JSON text of its object (see _json_object_text).
SQLITE_LIST_CASES_JSON = f"SELECT {_json_object_text(LIST_COLUMNS)} FROM cases"
# One condition for each filter of `list`, by the name of its parameter; `:statuses` is a list
# (see `expand`).
LIST_FILTERS = {
    "statuses": "status IN (:statuses)",
    "stage": "stage = :stage",
    "handler": "lower(handler) = :handler",
    "service": "lower(service) = :service",
    "received_from": "received_on >= :received_from",
    "received_to": "received_on <= :received_to",
    "case_type": "type = :case_type",
}
# The statuses filter when none of them is closed: read through the index of the cases not closed
# (ix_cases_live, migration 015), which holds every column `list` shows, newest first. The `|| ''`
# keeps the status index out: it would fetch each row from the table and sort them all.
LIST_NOT_CLOSED = "status || '' IN (:statuses) AND status != 'closed'"
# `list --search`: `:search` is a LIKE pattern in lower case, with `\\` escaping % and _, looked
# for in the case row's `search_text` (projection.search_text: the reference, name, external_ref,
# contact details and summary, logged and corrected, in lower case), so that a rare word costs
# one pass over `cases` and never a read of the events' JSON.
LIST_SEARCH = "search_text LIKE :search ESCAPE '\\'"
# The events that give a case's details: `logged`, and the corrections.
_DETAIL_EVENTS = "e.kind IN ('logged', 'amended')"
# A detail as `logged` has it, else as an `amended` event changed it.
_SQLITE_DETAIL = "coalesce(json_extract(e.details, '$.{key}'), json_extract(e.details, '$.changes.{key}.after'))"
_POSTGRES_DETAIL = "coalesce(CAST(e.details AS json) ->> '{key}', CAST(e.details AS json) -> 'changes' -> '{key}' ->> 'after')"


# The cases about one person (`sar`), found by details whatever their case and spacing: a name
# as the case row has it or as the case was logged or amended with it, as complainant or
# representative; an email likewise; a phone by its digits alone. Names and emails are compared
# with their spaces and tabs removed, so this finds candidates ("ann bee" also finds "annbee")
# that the caller confirms as restrictions compare (domain/sar.py). Each `:names`, `:emails`,
# `:phones` list is given in lower case without whitespace (phones as digits) and spelled out by
# `expand`; a kind not asked for is left out of the statement (`IN ()` is not SQL).
_PERSON_CONDITIONS = {
    "names": "{name_key} IN (:names) OR {representative_key} IN (:names)",
    "emails": "{email_key} IN (:emails) OR {representative_email_key} IN (:emails)",
    "phones": "{phone_digits} IN (:phones)",
}
# The whitespace a name or email may hold runs of, removed before comparing.
_CONTACT_SPACES = (" ", "\t")
# The characters people write a phone number with besides its digits.
_PHONE_PUNCTUATION = (" ", "-", "(", ")", "+", ".", "/")


def _digits(expression: str) -> str:
    for character in _PHONE_PUNCTUATION:
        expression = f"replace({expression}, '{character}', '')"
    return expression


def _unspaced(expression: str) -> str:
    expression = f"lower({expression})"
    for character in _CONTACT_SPACES:
        expression = f"replace({expression}, '{character}', '')"
    return expression


def person_cases(detail: str, kinds: Sequence[str]) -> str:
    """The id and reference of each case whose details match the lists in `kinds` (of
    `_PERSON_CONDITIONS`), oldest first; `detail` is _SQLITE_DETAIL or _POSTGRES_DETAIL."""
    keys = {f"{key}_key": _unspaced(detail.format(key=key)) for key in ("name", "representative", "email", "representative_email")}
    keys["phone_digits"] = _digits(detail.format(key="phone"))
    found = " OR ".join(f"({_PERSON_CONDITIONS[kind].format(**keys)})" for kind in kinds)
    by_name = f"{_unspaced('name')} IN (:names) OR " if "names" in kinds else ""
    return (
        f"SELECT id, reference FROM cases WHERE {by_name}id IN ("
        f"SELECT e.case_id FROM events e WHERE {_DETAIL_EVENTS} AND ({found})) ORDER BY received_on, id"
    )


def sqlite_person_cases(kinds: Sequence[str]) -> str:
    return person_cases(_SQLITE_DETAIL, kinds)


def postgres_person_cases(kinds: Sequence[str]) -> str:
    return person_cases(_POSTGRES_DETAIL, kinds)


# The complaints still open that look like the one just logged (`:other_than`): received in the
# window, about the same service (`:same_service` in lower case, '' for none), from the same
# person: the same name or email, as logged or corrected (`:same_name`, `:same_email` in lower
# case, NULL when unknown).
_OPEN_LOOK_ALIKES = f"""
    SELECT reference FROM cases
    WHERE received_on BETWEEN :received_from AND :received_to AND type = 'complaint' AND status != 'closed'
      AND reference != :other_than AND coalesce(lower(service), '') = :same_service
      AND (lower(name) = :same_name OR EXISTS (SELECT 1 FROM events e
           WHERE e.case_id = cases.id AND {_DETAIL_EVENTS} AND lower({{email}}) = :same_email))
    ORDER BY received_on, reference
"""
SQLITE_OPEN_LOOK_ALIKES = _OPEN_LOOK_ALIKES.format(email=_SQLITE_DETAIL.format(key="email"))
POSTGRES_OPEN_LOOK_ALIKES = _OPEN_LOOK_ALIKES.format(email=_POSTGRES_DETAIL.format(key="email"))
# Newest first: the latest received, and of one day the latest logged (the order of the ids; a
# reference's number may outgrow its five digits, and text would put 100000 before 99999).
LIST_ORDER = " ORDER BY received_on DESC, id DESC"
LIMIT = " LIMIT :limit"


def list_cases(
    filters: Iterable[str], limited: bool = False, search: str | None = None, not_closed: bool = False, select: str = LIST_CASES
) -> str:
    """`select` (LIST_CASES, or SQLITE_LIST_CASES_JSON) with the conditions of the chosen
    filters, in order, and `search` (LIST_SEARCH) when given, newest first, up to `:limit` rows.
    `not_closed`: the statuses chosen exclude `closed` (LIST_NOT_CLOSED)."""
    conditions = [LIST_NOT_CLOSED if name == "statuses" and not_closed else LIST_FILTERS[name] for name in filters]
    if search:
        conditions.append(search)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return select + where + LIST_ORDER + (LIMIT if limited else "")


# Open cases whose earliest deadline falls by the cutoff, with each of their deadlines: any of
# them may fall by the cutoff too (a late case past its update date). Read from
# ix_cases_open_deadlines (migration 014) alone, which holds every column named here in this
# order: no row of `cases` is visited.
DEADLINES_DUE_BY = (
    "SELECT reference, stage, status, handler, service, next_due, next_due_what, received_on, "
    "acknowledge_by, acknowledged_on, respond_by, update_due FROM cases "
    "WHERE next_due <= :cutoff AND status != 'closed' ORDER BY next_due, reference"
)
# Ombudsman orders due by the cutoff as they stood on a day: made by `:standing_on` and not
# complied with by then. Two range scans of the (complied_on, due) index: orders never complied
# with, and orders complied with after that day.
_ORDERS = (
    "SELECT c.reference, c.stage, c.handler, c.service, c.received_on, o.number, o.kind, o.what, "
    "o.amount_pence, o.due, o.made_on FROM ombudsman_orders o JOIN cases c ON o.case_id = c.id "
)
ORDERS_DUE_BY = (
    _ORDERS + "WHERE o.complied_on IS NULL AND o.due <= :cutoff AND o.made_on <= :standing_on "
    "UNION ALL "
    + _ORDERS + "WHERE o.complied_on > :standing_on AND o.due <= :cutoff AND o.made_on <= :standing_on"
)
# The open cases, to derive again when how their deadlines are derived changes.
OPEN_CASES = "SELECT id, reference FROM cases WHERE status != 'closed' ORDER BY id"
ACTIONS_DUE_BY = (
    "SELECT c.reference, a.stage, a.number, a.what, a.due, a.owner, c.handler, c.service, c.received_on "
    "FROM actions a JOIN cases c ON a.case_id = c.id "
    "WHERE a.done_on IS NULL AND a.due <= :cutoff ORDER BY a.due, c.reference, a.number"
)
ACTIONS = (
    "SELECT c.reference, a.stage, a.number, a.what, a.due, a.owner, a.done_on, c.handler "
    "FROM actions a JOIN cases c ON a.case_id = c.id"
)
OUTSTANDING = " WHERE a.done_on IS NULL"
ACTIONS_ORDER = " ORDER BY a.due, c.reference, a.number"


def actions(outstanding_only: bool = False) -> str:
    """Every action of every case, or only those not yet done, by due date."""
    return ACTIONS + (OUTSTANDING if outstanding_only else "") + ACTIONS_ORDER


# -- the annual report ------------------------------------------------------------------------------
#
# Grouped in the database, so the cost follows the months, stages and service areas rather than
# the cases. The figures of the stages received and closed are read from the month tables
# (migration 015: `received_months` and `closed_months`, kept by triggers on `stages`), a few
# hundred rows a year whatever the number of cases; a key the stage has no value for is '' there,
# given back as NULL. The month is its first day, a date like the others.


def _count_if(condition: str) -> str:
    return f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"


_DECISIONS = ", ".join(f"'{outcome}'" for outcome in DECISIONS)

_IN_THE_MONTHS = "number IN (1, 2) AND month BETWEEN :start AND :end AND stages != 0"
_ACCEPTED_IN_THE_MONTHS = f"{_IN_THE_MONTHS} AND case_type = 'complaint' AND outcome != 'refused'"
# Accepted complaints per stage and month of receipt: number, month, received, withdrawn.
ANNUAL_RECEIVED = f"""
    SELECT number, month, sum(stages), sum(CASE WHEN outcome = 'withdrawn' THEN stages ELSE 0 END)
    FROM received_months WHERE {_ACCEPTED_IN_THE_MONTHS}
    GROUP BY number, month
"""
# Accepted complaints received per stage, service area and category: number, service, category, count.
ANNUAL_THEMES = f"""
    SELECT number, NULLIF(service, ''), NULLIF(category, ''), sum(stages)
    FROM received_months WHERE {_ACCEPTED_IN_THE_MONTHS}
    GROUP BY number, service, category
"""
# Stages closed per stage, month, outcome, in time or not, and apology or not: number, month,
# outcome, in time (1 or 0), apology (1 or 0), stages, stages with compensation, compensation in
# pence.
ANNUAL_CLOSED = f"""
    SELECT number, month, NULLIF(outcome, ''), in_time, apology, sum(stages), sum(compensated), sum(compensation_pence)
    FROM closed_months WHERE {_IN_THE_MONTHS}
    GROUP BY number, month, outcome, in_time, apology
"""
# Complaints received and refused, by exclusion: exclusion, count.
ANNUAL_REFUSED = f"""
    SELECT NULLIF(exclusion, ''), sum(stages) FROM received_months
    WHERE {_IN_THE_MONTHS} AND outcome = 'refused'
    GROUP BY exclusion
"""
# Compliments and comments received, from the (type, received_on) index: type, count.
ANNUAL_FEEDBACK = (
    "SELECT type, count(*) FROM cases WHERE received_on BETWEEN :start AND :end "
    "AND type IN ('compliment', 'comment') GROUP BY type"
)
# The stages of anonymous complaints received or closed in the period, one a row (they are few),
# for a policy that handles them informally: the report takes them out of the figures above and
# counts them apart. number, received_on, closed_on, outcome, exclusion, in_time, apology,
# compensation_pence, service, category. An anonymous case's name is kept as ANONYMOUS_NAME.
ANNUAL_ANONYMOUS = f"""
    SELECT s.number, s.received_on, s.closed_on, s.outcome, s.exclusion, s.in_time, s.apology,
           s.compensation_pence, c.service, c.category
    FROM stages s JOIN cases c ON c.id = s.case_id
    WHERE c.type = 'complaint' AND c.name = '{ANONYMOUS_NAME}' AND s.number IN (1, 2)
      AND (s.received_on BETWEEN :start AND :end OR s.closed_on BETWEEN :start AND :end)
"""
LEARNING_COUNT = "SELECT count(*) FROM learning WHERE recorded_on BETWEEN :start AND :end"
# The first `limit` pieces of learning: reference, service, stage, recorded_on, text.
LEARNING_LISTED = """
    SELECT c.reference, c.service, l.stage, l.recorded_on, l.text
    FROM learning l JOIN cases c ON c.id = l.case_id
    WHERE l.recorded_on BETWEEN :start AND :end
    ORDER BY l.recorded_on, c.reference, l.number
    LIMIT :limit
"""
# Referrals and determinations: one row of two counts.
OMBUDSMAN_COUNTS = (
    "SELECT (SELECT count(*) FROM ombudsman_cases WHERE referred_on BETWEEN :start AND :end) AS referrals, "
    "(SELECT count(*) FROM ombudsman_cases WHERE determined_on BETWEEN :start AND :end) AS determinations"
)
# Findings determined: element, finding, count.
OMBUDSMAN_FINDINGS = (
    "SELECT element, finding, count(*) FROM ombudsman_findings WHERE determined_on BETWEEN :start AND :end "
    "GROUP BY element, finding"
)
# Orders made (a few with each determination, so a year's are few): kind, amount_pence, made_on, due, complied_on.
OMBUDSMAN_ORDERS = (
    "SELECT kind, amount_pence, made_on, due, complied_on FROM ombudsman_orders WHERE made_on BETWEEN :start AND :end"
)
# Surveys answered: one row of the count, then for each of SURVEY_QUESTIONS (in order) the yeses
# and the answers.
SURVEY_ANSWERS = (
    f"SELECT count(*), {', '.join(f'{_count_if(key)}, count({key})' for key in SURVEY_QUESTIONS)} "
    "FROM surveys WHERE answered_on BETWEEN :start AND :end"
)

# -- the annual report of the Housing Ombudsman cases only (`report annual --housing`) ---------------
#
# The statements above, narrowed to the cases that go to the Housing Ombudsman, so that a council
# that is also a landlord reports its landlord complaints against its homes. Each joins the case
# by its primary key from the rows the statement above reads through its own index.
#
# The month tables do not tell the cases apart, so this view counts the stages received and
# closed from `stages` itself (the same columns, by the day rather than the month; the report
# folds the days into months). Each reads through an index holding every column it reads:
# ix_stages_received_figures for what was received, ix_stages_closed_figures for what was closed
# (migration 006), grouped in the index's order so that the database streams the groups.
_ACCEPTED_COMPLAINTS = """
    number IN (1, 2) AND received_on BETWEEN :start AND :end
    AND case_type = 'complaint' AND (outcome IS NULL OR outcome != 'refused')
"""
STAGES_RECEIVED = f"""
    SELECT number, received_on, count(*), {_count_if("outcome = 'withdrawn'")}
    FROM stages WHERE {_ACCEPTED_COMPLAINTS}
    GROUP BY number, received_on
"""
STAGES_THEMES = f"""
    SELECT number, service, category, count(*)
    FROM stages WHERE {_ACCEPTED_COMPLAINTS}
    GROUP BY number, service, category
"""
STAGES_CLOSED = f"""
    SELECT number, closed_on, outcome, CASE WHEN in_time THEN 1 ELSE 0 END, CASE WHEN apology THEN 1 ELSE 0 END, count(*),
           {_count_if("compensation_pence > 0")}, coalesce(sum(compensation_pence), 0)
    FROM stages
    WHERE number IN (1, 2) AND closed_on BETWEEN :start AND :end
    GROUP BY number, closed_on, outcome, in_time, apology
"""
STAGES_REFUSED = """
    SELECT exclusion, count(*) FROM stages
    WHERE number IN (1, 2) AND received_on BETWEEN :start AND :end AND outcome = 'refused'
    GROUP BY exclusion
"""

_HOUSING_CASE = "c.ombudsman = 'housing'"


def _of_housing_stages(sql: str) -> str:
    """A statement over `stages` alone, narrowed to the stages of Housing Ombudsman cases (the
    same columns, so the report reads both alike)."""
    head, group_by, tail = sql.rpartition("GROUP BY")
    return f"{head}AND case_id IN (SELECT id FROM cases WHERE ombudsman = 'housing')\n    {group_by}{tail}"

_HOUSING_SURVEY_COUNTS = ", ".join(f"{_count_if('v.' + key)}, count(v.{key})" for key in SURVEY_QUESTIONS)

HOUSING_ONLY: dict[str, str] = {
    "ANNUAL_RECEIVED": _of_housing_stages(STAGES_RECEIVED),
    "ANNUAL_THEMES": _of_housing_stages(STAGES_THEMES),
    "ANNUAL_CLOSED": _of_housing_stages(STAGES_CLOSED),
    "ANNUAL_REFUSED": _of_housing_stages(STAGES_REFUSED),
    "ANNUAL_FEEDBACK": (
        "SELECT c.type, count(*) FROM cases c WHERE c.received_on BETWEEN :start AND :end "
        f"AND c.type IN ('compliment', 'comment') AND {_HOUSING_CASE} GROUP BY c.type"
    ),
    "ANNUAL_ANONYMOUS": ANNUAL_ANONYMOUS.rstrip() + f" AND {_HOUSING_CASE}\n",
    "LEARNING_COUNT": (
        "SELECT count(*) FROM learning l JOIN cases c ON c.id = l.case_id "
        f"WHERE l.recorded_on BETWEEN :start AND :end AND {_HOUSING_CASE}"
    ),
    "LEARNING_LISTED": f"""
        SELECT c.reference, c.service, l.stage, l.recorded_on, l.text
        FROM learning l JOIN cases c ON c.id = l.case_id
        WHERE l.recorded_on BETWEEN :start AND :end AND {_HOUSING_CASE}
        ORDER BY l.recorded_on, c.reference, l.number
        LIMIT :limit
    """,
    "OMBUDSMAN_COUNTS": (
        "SELECT (SELECT count(*) FROM ombudsman_cases o JOIN cases c ON c.id = o.case_id "
        f"WHERE o.referred_on BETWEEN :start AND :end AND {_HOUSING_CASE}) AS referrals, "
        "(SELECT count(*) FROM ombudsman_cases o JOIN cases c ON c.id = o.case_id "
        f"WHERE o.determined_on BETWEEN :start AND :end AND {_HOUSING_CASE}) AS determinations"
    ),
    "OMBUDSMAN_FINDINGS": (
        "SELECT f.element, f.finding, count(*) FROM ombudsman_findings f JOIN cases c ON c.id = f.case_id "
        f"WHERE f.determined_on BETWEEN :start AND :end AND {_HOUSING_CASE} GROUP BY f.element, f.finding"
    ),
    "OMBUDSMAN_ORDERS": (
        "SELECT o.kind, o.amount_pence, o.made_on, o.due, o.complied_on FROM ombudsman_orders o "
        f"JOIN cases c ON c.id = o.case_id WHERE o.made_on BETWEEN :start AND :end AND {_HOUSING_CASE}"
    ),
    "SURVEY_ANSWERS": (
        f"SELECT count(*), {_HOUSING_SURVEY_COUNTS} "
        f"FROM surveys v JOIN cases c ON c.id = v.case_id WHERE v.answered_on BETWEEN :start AND :end AND {_HOUSING_CASE}"
    ),
}

# The actions recorded with the learning of the period: the data links an action to its case
# and stage, not to one piece of learning, so these are the actions of each case and stage that
# left learning in the period: case reference, stage, actions done by `:as_of`, not done by
# then, and of those past their due date. Through the learning's date index, then the actions'
# and the learning's (case_id, number) indexes.
LEARNING_ACTIONS = """
    SELECT c.reference, a.stage,
           sum(CASE WHEN a.done_on <= :as_of THEN 1 ELSE 0 END) AS done,
           sum(CASE WHEN a.done_on IS NULL OR a.done_on > :as_of THEN 1 ELSE 0 END) AS outstanding,
           sum(CASE WHEN (a.done_on IS NULL OR a.done_on > :as_of) AND a.due < :as_of THEN 1 ELSE 0 END) AS overdue
    FROM actions a JOIN cases c ON c.id = a.case_id
    WHERE a.case_id IN (SELECT case_id FROM learning WHERE recorded_on BETWEEN :start AND :end)
      AND a.stage IN (SELECT l.stage FROM learning l WHERE l.case_id = a.case_id AND l.recorded_on BETWEEN :start AND :end)
    GROUP BY c.reference, a.stage
"""
HOUSING_LEARNING_ACTIONS = LEARNING_ACTIONS.replace("GROUP BY", f"AND {_HOUSING_CASE}\n    GROUP BY")

# -- the self-assessment against the Complaint Handling Code ------------------------------------------
#
# Counted from two covering indexes of `stages` (migration 008_self_assessment), never visiting
# the cases: a complaint's stage always has an acknowledgement date, a compliment's or comment's
# never, so `acknowledge_by IS NOT NULL` says which stages are complaints'. "Accepted" is as in
# the annual report: not refused.

_ACCEPTED = "acknowledge_by IS NOT NULL AND (outcome IS NULL OR outcome != 'refused')"
# A stage's acknowledgement fell due by the as-of date: it was acknowledged, or its date passed
# while the stage was open (a stage closed, say withdrawn, before its date was never due).
_ACKNOWLEDGEMENT_DUE = "acknowledged_on IS NOT NULL OR acknowledge_by < coalesce(closed_on, :today)"
_BEYOND_CAP = "extension_days > CASE number WHEN 1 THEN :stage1_cap ELSE :stage2_cap END"

# Accepted complaints received per stage: number, received, acknowledgements due, acknowledged in
# time, due and never acknowledged, extended, the extensions' working days, stages whose
# extensions total more than the cap, and stages still open past their response date.
SELF_ASSESSMENT_RECEIVED = f"""
    SELECT number, count(*) AS received,
           {_count_if(_ACKNOWLEDGEMENT_DUE)} AS acknowledgements_due,
           {_count_if("acknowledged_on IS NOT NULL AND acknowledged_on <= acknowledge_by")} AS acknowledged_in_time,
           {_count_if(f"acknowledged_on IS NULL AND ({_ACKNOWLEDGEMENT_DUE})")} AS not_acknowledged,
           {_count_if("extension_days > 0")} AS extended,
           coalesce(sum(extension_days), 0) AS extension_days,
           {_count_if(_BEYOND_CAP)} AS beyond_cap,
           {_count_if("closed_on IS NULL AND respond_by < :today")} AS open_past_response_date
    FROM stages
    WHERE number IN (1, 2) AND received_on BETWEEN :start AND :end AND {_ACCEPTED}
    GROUP BY number
"""
# Stages closed per stage: number, decisions, decisions in time, upheld or partly upheld,
# apologies, stages with compensation, the compensation in pence.
SELF_ASSESSMENT_CLOSED = f"""
    SELECT number, {_count_if(f"outcome IN ({_DECISIONS})")} AS decisions,
           {_count_if(f"outcome IN ({_DECISIONS}) AND in_time")} AS decided_in_time,
           {_count_if("outcome IN ('upheld', 'partly-upheld')")} AS upheld,
           {_count_if("apology")} AS apologies,
           {_count_if("compensation_pence > 0")} AS compensated,
           coalesce(sum(compensation_pence), 0) AS compensation_pence
    FROM stages
    WHERE number IN (1, 2) AND closed_on BETWEEN :start AND :end
    GROUP BY number
"""
# Stage 2 requests received (refused ones too): one row of requests, refused, accepted late.
SELF_ASSESSMENT_ESCALATIONS = f"""
    SELECT count(*) AS requested, {_count_if("outcome = 'refused'")} AS refused, {_count_if("escalated_late")} AS accepted_late
    FROM stages WHERE number = 2 AND received_on BETWEEN :start AND :end
"""
# Accepted stage 2 complaints received, by the handlers of their two stages: stage 1's handler,
# stage 2's, count. Officers are few, so the pairs are; who counts as the same person is decided
# over them (reports/self_assessment.py), by the roster.
SELF_ASSESSMENT_HANDLERS = """
    SELECT s1.handler AS stage1_handler, s.handler AS stage2_handler, count(*) AS stages
    FROM stages s JOIN stages s1 ON s1.case_id = s.case_id AND s1.number = 1
    WHERE s.number = 2 AND s.received_on BETWEEN :start AND :end AND (s.outcome IS NULL OR s.outcome != 'refused')
    GROUP BY s1.handler, s.handler
"""
# Requests refused, by stage and exclusion: number, exclusion, count.
SELF_ASSESSMENT_REFUSED = """
    SELECT number, exclusion, count(*) AS stages FROM stages
    WHERE number IN (1, 2) AND received_on BETWEEN :start AND :end AND outcome = 'refused'
    GROUP BY number, exclusion
"""
# The first `limit` accepted stages whose extensions total more than the cap: case id,
# reference, number, extension days.
SELF_ASSESSMENT_BEYOND_CAP = """
    SELECT c.id, c.reference, s.number, s.extension_days
    FROM stages s JOIN cases c ON c.id = s.case_id
    WHERE s.number IN (1, 2) AND s.received_on BETWEEN :start AND :end
      AND s.acknowledge_by IS NOT NULL AND (s.outcome IS NULL OR s.outcome != 'refused')
      AND s.extension_days > CASE s.number WHEN 1 THEN :stage1_cap ELSE :stage2_cap END
    ORDER BY s.received_on, c.reference, s.number
    LIMIT :limit
"""

# -- verify: every row, in the order the checks walk them ---------------------------------------------

CASE_REFERENCES = "SELECT id, reference FROM cases"
EVENTS_BY_ID = f"SELECT id, {_columns(EVENT_COLUMNS)} FROM events ORDER BY id"
EVENTS_BY_CASE = f"SELECT id, {_columns(EVENT_COLUMNS)} FROM events ORDER BY case_id, number"
CASES_BY_ID = f"SELECT id, reference, {_columns(CASE_COLUMNS)} FROM cases ORDER BY id"
# A flat export reads a few hundred cases at a time: their rows, after the last case read, then
# those of the other tables about the cases from the first of them to the last, in case order
# (the unique (case_id, number) indexes give it).
CASE_EXPORT_COLUMNS = (
    "id", "reference", "external_ref", "type", "status", "stage", "outcome", "received_on", "ombudsman",
    "over_12_months", "handler", "next_due", "next_due_what", "service", "category", "housing",
)
CASES_AS_EXPORTED = f"SELECT {_columns(CASE_EXPORT_COLUMNS)} FROM cases WHERE id > :after ORDER BY id LIMIT :count"
STAGES_OF_CASES = f"SELECT {_columns(STAGE_COLUMNS)} FROM stages WHERE case_id BETWEEN :first AND :last ORDER BY case_id, number"
ACTIONS_OF_CASES = f"SELECT {_columns(ACTION_COLUMNS)} FROM actions WHERE case_id BETWEEN :first AND :last ORDER BY case_id, number"
# The events whose words a flat export shows (contact details, each stage's reasons and remedies,
# a legal hold), with the amendments and voids that change them. `kind || ''` keeps SQLite off
# the index on kind: it reads the events of the cases in order instead of sorting them.
EVENTS_WITH_WORDS = (
    "SELECT case_id, number, kind, details, business_date FROM events WHERE case_id BETWEEN :first AND :last "
    "AND kind || '' IN ('logged', 'amended', 'voided', 'escalated', 'closed', 'held', 'hold-released') ORDER BY case_id, number"
)
# Every case's events with its reference and receipt, in case order: what `export` derives each
# case from, in one statement (the events' unique (case_id, number) index gives the order). The
# reference and receipt come with a case's first event only (number 1, its `logged`), null on the
# others: the same text again on every row costs reading, pickling and unpickling it a million
# times over.
HISTORIES_BY_CASE = (
    "SELECT e.case_id, CASE WHEN e.number = 1 THEN c.reference END, CASE WHEN e.number = 1 THEN c.received_on END, "
    "e.number, e.kind, e.business_date, e.officer, e.recorded_at, e.details "
    "FROM events e JOIN cases c ON c.id = e.case_id ORDER BY e.case_id, e.number"
)
EXTERNAL_REFS = "SELECT external_ref FROM cases WHERE external_ref IS NOT NULL"
# The cases an imported sheet's own reference was kept on (through its index), for a reference mistaken for one of ours.
CASES_OF_EXTERNAL_REF = "SELECT reference FROM cases WHERE external_ref = :external_ref ORDER BY id LIMIT 3"
STAGES_BY_CASE = f"SELECT {_columns(STAGE_COLUMNS)} FROM stages ORDER BY case_id, number"
# The month figures, every row (a few thousand), to compare with those the stage rows give.
RECEIVED_MONTHS = "SELECT number, month, case_type, outcome, exclusion, service, category, stages FROM received_months"
CLOSED_MONTHS = "SELECT number, month, outcome, in_time, apology, stages, compensated, compensation_pence FROM closed_months"
ACTIONS_BY_CASE = f"SELECT {_columns(ACTION_COLUMNS)} FROM actions ORDER BY case_id, number"
# Each case's record rows in the order projection.record_rows gives them.
RECORDS_BY_CASE = {
    "ombudsman_findings": f"SELECT {_columns(RECORD_COLUMNS['ombudsman_findings'])} FROM ombudsman_findings ORDER BY case_id, number",
    "ombudsman_orders": f"SELECT {_columns(RECORD_COLUMNS['ombudsman_orders'])} FROM ombudsman_orders ORDER BY case_id, number",
    "ombudsman_cases": f"SELECT {_columns(RECORD_COLUMNS['ombudsman_cases'])} FROM ombudsman_cases ORDER BY case_id",
    "surveys": f"SELECT {_columns(RECORD_COLUMNS['surveys'])} FROM surveys ORDER BY case_id, id",
    "learning": f"SELECT {_columns(RECORD_COLUMNS['learning'])} FROM learning ORDER BY case_id, number",
}
