"""The keyed hash chain: forgeries, anchors, the key file, and databases recorded before keys.

The attacks are done as someone with write access to the database would do them: straight to
the tables, recomputing the hashes with the algorithm as published (canonical JSON of the event,
SHA-256 or, holding the key, HMAC-SHA256), here written out again rather than borrowed from
complaintctl.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import Cli

FIXTURE = Path(__file__).parent / "fixtures" / "release-1.db"


# -- as an attacker would ------------------------------------------------------------------------------


def engine(db: str):
    from sqlalchemy import create_engine

    return create_engine(db if "://" in db else f"sqlite:///{db}")


def run(db: str, statement: str, **params) -> list[tuple]:
    from sqlalchemy import text

    connection_engine = engine(db)
    try:
        with connection_engine.begin() as connection:
            result = connection.execute(text(statement), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        connection_engine.dispose()


def meta(db: str, key: str) -> str | None:
    found = run(db, "SELECT value FROM meta WHERE key = :key", key=key)
    return found[0][0] if found else None


def digest(reference: str, row: tuple, prev_hash: str, key: bytes | None) -> str:
    """An event's hash as the README describes it: canonical JSON of its content and the previous hash."""
    number, kind, on, officer, recorded_at, details = row
    content = {
        "reference": reference, "number": number, "kind": kind, "on": on if isinstance(on, str) else on.isoformat(),
        "officer": officer, "recorded_at": recorded_at, "details": json.loads(details), "prev_hash": prev_hash,
    }
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(key, encoded, hashlib.sha256).hexdigest() if key else hashlib.sha256(encoded).hexdigest()


def version_digest(row: tuple, prev_hash: str, key: bytes | None) -> str:
    """A policy version's hash as the README describes it: canonical JSON of its stored values and the previous hash."""
    number, fingerprint, content, recorded_at, officer, note = row
    fields = {
        "number": number, "fingerprint": fingerprint, "content": content, "recorded_at": recorded_at,
        "officer": officer, "note": note, "prev_hash": prev_hash,
    }
    encoded = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(key, encoded, hashlib.sha256).hexdigest() if key else hashlib.sha256(encoded).hexdigest()


def links(db: str) -> list[tuple]:
    """The chain in the order it was recorded, as the README describes it: the events by id, and
    each policy version after the hash it names as the one before it. Each link is ("event", id,
    reference, content) or ("version", number, None, content)."""
    events = run(
        db,
        "SELECT e.id, c.reference, e.number, e.kind, e.business_date, e.officer, e.recorded_at, e.details, e.hash "
        "FROM events e JOIN cases c ON c.id = e.case_id ORDER BY e.id",
    )
    versions = run(db, "SELECT number, fingerprint, content, recorded_at, officer, note, prev_hash, hash FROM policy_versions ORDER BY number")
    found, head = [], ""
    for event_id, reference, *content, stored in events:
        while versions and versions[0][6] == head:
            number, *version, _prev, head = versions.pop(0)
            found.append(("version", number, None, (number, *version)))
        found.append(("event", event_id, reference, tuple(content)))
        head = stored
    found += [("version", row[0], None, tuple(row[:6])) for row in versions]
    return found


def rechain(db: str, key: bytes | None, keyed_from: int = 1) -> str:
    """Recompute every link and hash of the chain in the order it was recorded, and the chain
    head: events before id `keyed_from` (and the policy versions among them) with plain SHA-256,
    the rest with `key` (plain too when None)."""
    head, last_event = "", 0
    for kind, ident, reference, content in links(db):
        if kind == "event":
            last_event = ident
            head_before, head = head, digest(reference, content, head, key if ident >= keyed_from else None)
            run(db, "UPDATE events SET prev_hash = :prev, hash = :hash WHERE id = :id", prev=head_before, hash=head, id=ident)
        else:
            head_before, head = head, version_digest(content, head, key if last_event + 1 >= keyed_from else None)
            run(db, "UPDATE policy_versions SET prev_hash = :prev, hash = :hash WHERE number = :number", prev=head_before, hash=head, number=ident)
    run(db, "UPDATE meta SET value = :head WHERE key = 'chain_head'", head=head)
    return head


def key_of(db: str, folder: Path) -> bytes:
    """The database's key, read from where `init` keeps it."""
    return bytes.fromhex((folder / "complaintctl" / "keys" / f"{meta(db, 'chain_key_id')}.key").read_text().strip())


def dump(db: str) -> list[str]:
    connection = sqlite3.connect(db)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


# -- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture
def config(tmp_path, monkeypatch) -> Path:
    """This test's own configuration folder: where `init` keeps the keys."""
    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder


@pytest.fixture
def busy(config, db_location):
    """Three cases at several steps, with a note in the middle of the history."""
    cli = Cli(db_location)
    cli.ok("init")
    first = cli.ok("log", "--name", "Ada Example", "--summary", "Leaking roof", "--received", "2026-10-01").stdout.split()[0]
    second = cli.ok("log", "--name", "Ben Sample", "--summary", "Missed bins", "--received", "2026-10-05").stdout.split()[0]
    cli.ok("acknowledge", first, "--on", "2026-10-02")
    cli.ok("note", first, "Phoned the tenant")
    third = cli.ok("log", "--anonymous", "--type", "comment", "--summary", "Nice park").stdout.split()[0]
    cli.ok("acknowledge", second, "--on", "2026-10-06")
    cli.ok("note", second, "Spoke to the crew")
    return cli, [first, second, third]


def verified_head(cli: Cli) -> str:
    report = cli.ok("verify", "--json").json()
    assert report["ok"] and report["unkeyed_events"] == 0
    return report["chain_head"]


def edit_the_note(db: str) -> None:
    run(db, "UPDATE events SET details = :details WHERE kind = 'note' AND number = 3", details='{"text": "Never phoned"}')


def delete_the_comment(db: str, reference: str) -> None:
    case_id = run(db, "SELECT id FROM cases WHERE reference = :reference", reference=reference)[0][0]
    for table in ("events", "stages", "actions"):
        run(db, f"DELETE FROM {table} WHERE case_id = :case_id", case_id=case_id)
    run(db, "DELETE FROM cases WHERE id = :case_id", case_id=case_id)


def refused(outcome, *fragments: str) -> None:
    assert outcome.exit_code == 1, outcome.stdout
    assert outcome.stderr.count("\n") == 1 and outcome.stderr.startswith("Error: "), outcome.stderr
    assert "Traceback" not in outcome.stderr
    for fragment in fragments:
        assert fragment in outcome.stderr, outcome.stderr


# -- forgeries -------------------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_an_edit_recomputed_without_the_key_fails_verify(busy, backend):
    cli, _ = busy
    verified_head(cli)
    edit_the_note(cli.db)
    rechain(cli.db, key=None)
    refused(cli("verify"), "was altered after it was recorded")


@pytest.mark.both_databases
def test_an_edit_recomputed_with_the_key_passes_verify_but_not_the_anchor(busy, backend, config):
    cli, _ = busy
    anchor = verified_head(cli)
    edit_the_note(cli.db)
    forged_head = rechain(cli.db, key=key_of(cli.db, config))
    assert cli.ok("verify").stdout.rstrip().endswith(forged_head)  # an insider with the key fools a plain verify
    refused(cli("verify", "--anchor", anchor), f"no event of the chain has the anchor hash {anchor}")


def test_a_whole_case_deleted_and_recomputed(busy, config):
    cli, references = busy
    anchor = verified_head(cli)
    delete_the_comment(cli.db, references[2])
    rechain(cli.db, key=None)
    refused(cli("verify"), "was altered after it was recorded")

    rechain(cli.db, key=key_of(cli.db, config))
    assert cli.ok("verify", "--json").json()["cases"] == 2
    refused(cli("verify", "--anchor", anchor), "no event of the chain has the anchor hash")


def test_the_newest_events_removed_and_the_head_set_back_show_only_against_an_anchor(busy):
    cli, references = busy
    cli.ok("note", references[0], "A last word")
    anchor = verified_head(cli)
    newest = run(cli.db, "SELECT max(id) FROM events")[0][0]
    run(cli.db, "DELETE FROM events WHERE id = :id", id=newest)
    run(cli.db, "UPDATE meta SET value = (SELECT hash FROM events WHERE id = :id) WHERE key = 'chain_head'", id=newest - 1)
    cli.ok("verify")  # the README says so: without an anchor this cannot be seen
    refused(cli("verify", "--anchor", anchor), "no event of the chain has the anchor hash")


def test_a_key_holder_can_rewrite_what_came_after_the_last_anchor(busy, config):
    """The limit the README states: an anchor proves the history up to it, not after it."""
    cli, references = busy
    anchor = run(cli.db, "SELECT hash FROM events WHERE kind = 'note' AND number = 3")[0][0]
    run(cli.db, "UPDATE events SET details = :details WHERE id = (SELECT max(id) FROM events)", details='{"text": "Rewritten"}')
    rechain(cli.db, key=key_of(cli.db, config))
    cli.ok("verify", "--anchor", anchor)


def test_the_key_id_swapped_for_the_forgers_own_key_fails(busy):
    cli, _ = busy
    theirs = b"\x01" * 32
    run(cli.db, "UPDATE meta SET value = :id WHERE key = 'chain_key_id'", id=hashlib.sha256(theirs).hexdigest()[:16])
    edit_the_note(cli.db)
    rechain(cli.db, key=theirs)
    refused(cli("verify"), "could not be checked", "is not at")


def test_removing_the_key_id_does_not_make_a_database_look_recorded_before_keys(busy):
    cli, _ = busy
    run(cli.db, "DELETE FROM meta WHERE key IN ('chain_key_id', 'chain_keyed_after')")
    refused(cli("verify"), "was altered after it was recorded")


def test_moving_the_start_of_the_keyed_chain_to_its_end_fails(busy):
    cli, _ = busy
    edit_the_note(cli.db)
    head = rechain(cli.db, key=None)
    run(cli.db, "UPDATE meta SET value = :head WHERE key = 'chain_keyed_after'", head=head)
    refused(cli("verify"), "no event follows the start of the keyed chain")


# -- anchors ------------------------------------------------------------------------------------------------


def test_an_anchor_of_the_chain_passes_and_any_other_fails(busy):
    cli, references = busy
    head = verified_head(cli)
    assert cli.ok("verify", "--head").stdout == f"{head}\n"
    passed = cli.ok("verify", "--anchor", head.upper())
    assert f"anchor found at {references[1]} event 3 (id 7): nothing up to it was changed" in passed.stdout
    cli.ok("note", references[0], "Later")
    cli.ok("verify", "--anchor", head)  # an older head stays an anchor as the chain grows
    first = run(cli.db, "SELECT hash FROM events WHERE id = 1")[0][0]
    cli.ok("verify", "--anchor", first)
    other = Cli(str(Path(cli.db).with_name("other.db")))
    other.ok("init")
    other.ok("log", "--name", "Cy Other", "--summary", "Noise", "--received", "2026-10-01")
    refused(cli("verify", "--anchor", verified_head(other)), "no event of the chain has the anchor hash")
    for malformed in ("", "abc", "g" * 64, head[:-1], f"{head}\x1b[2J"):
        refused(cli("verify", "--anchor", malformed), "--anchor must be a chain head as verify prints it: 64 hexadecimal digits")


def test_the_head_is_read_without_the_orm(busy):
    cli, _ = busy
    probe = (
        "import sys\n"
        "from complaintctl.cli import app\n"
        "try:\n"
        f"    app(['--db', {cli.db!r}, 'verify', '--head'])\n"
        "except SystemExit as done:\n"
        "    print(done.code, 'sqlalchemy' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.stderr.split() == ["0", "False"], result.stderr
    assert result.stdout.strip() == meta(cli.db, "chain_head")


def test_backup_prints_the_head_of_its_copy(busy, tmp_path):
    cli, _ = busy
    head = verified_head(cli)
    outcome = cli.ok("backup", str(tmp_path / "copy.db"))
    assert outcome.stdout == f"Backed up to {tmp_path / 'copy.db'}: 7 events in 3 cases, verified; chain head {head}\n"
    Cli(str(tmp_path / "copy.db")).ok("verify", "--anchor", head)


# -- the key -------------------------------------------------------------------------------------------------


def test_init_makes_a_private_key_outside_the_database(config, tmp_path):
    cli = Cli(str(tmp_path / "complaints.db"))
    created = cli.ok("init")
    key_id = meta(cli.db, "chain_key_id")
    key_file = config / "complaintctl" / "keys" / f"{key_id}.key"
    assert created.stdout.splitlines()[1] == f"Its chain key is {key_file}: keep a copy safe; every officer who records in it needs the key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    for folder in (config / "complaintctl", config / "complaintctl" / "keys"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    text = key_file.read_text()
    assert len(text) == 65 and text.endswith("\n") and hashlib.sha256(bytes.fromhex(text)).hexdigest()[:16] == key_id
    assert text.strip() not in "\n".join(dump(cli.db))  # the database holds only the id
    assert meta(cli.db, "chain_keyed_after") == ""
    # A second database gets a key of its own.
    second = Cli(str(tmp_path / "second.db"))
    second.ok("init")
    assert meta(second.db, "chain_key_id") != key_id
    assert len(list((config / "complaintctl" / "keys").iterdir())) == 2


def test_init_that_cannot_write_the_key_leaves_no_database(config, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("COMPLAINTCTL_KEY_FILE", str(blocker / "team.key"))
    refused(Cli(str(tmp_path / "complaints.db"))("init"), f"cannot write the chain key {blocker / 'team.key'}")
    assert not list(tmp_path.glob("complaints.db*"))


def test_new_events_are_hmacs_under_the_key(busy, config):
    cli, _ = busy
    key = key_of(cli.db, config)
    rows = run(cli.db, "SELECT c.reference, e.number, e.kind, e.business_date, e.officer, e.recorded_at, e.details, e.prev_hash, e.hash "
                       "FROM events e JOIN cases c ON c.id = e.case_id ORDER BY e.id")
    for reference, *content, prev_hash, stored in rows:
        assert stored == digest(reference, tuple(content), prev_hash, key)
        assert stored != digest(reference, tuple(content), prev_hash, None)


def test_a_write_without_the_key_is_refused_and_changes_nothing(busy, config, tmp_path):
    cli, references = busy
    key_file = config / "complaintctl" / "keys" / f"{meta(cli.db, 'chain_key_id')}.key"
    key_file.rename(tmp_path / "elsewhere.key")
    before = dump(cli.db)
    for command in (
        ["note", references[0], "Called again"],
        ["log", "--name", "Di New", "--summary", "Potholes", "--received", "2026-10-07"],
        ["close", references[1], "--outcome", "upheld", "--reasons", "Late", "--on", "2026-10-08"],
        ["action", "add", references[0], "--what", "Fix", "--due", "2026-12-01"],
    ):
        refused(cli(*command), f"this database's chain key (id {meta(cli.db, 'chain_key_id')}) is not at {key_file}", "COMPLAINTCTL_KEY_FILE")
    assert dump(cli.db) == before
    # Reading needs no key.
    cli.ok("list")
    cli.ok("show", references[0])
    cli.ok("overdue")
    cli.ok("report", "annual", "--year", "2026")
    cli.ok("letter", references[0])
    # verify cannot prove the chain without it, and says so; backup will not make an unchecked copy.
    refused(cli("verify"), "the keyed hashes could not be checked", "COMPLAINTCTL_KEY_FILE")
    report = cli("verify", "--json").json()
    assert report["ok"] is False and report["events"] == 7 and report["problem_count"] == 1
    refused(cli("backup", str(tmp_path / "copy.db")), "backup checks its copy with the chain key")
    assert not (tmp_path / "copy.db").exists()
    # The key put back, everything works again.
    (tmp_path / "elsewhere.key").rename(key_file)
    cli.ok("note", references[0], "Called again")
    cli.ok("verify")


def test_another_key_or_a_damaged_key_file_is_refused(busy, tmp_path, monkeypatch):
    cli, references = busy
    before = dump(cli.db)
    other = tmp_path / "other.key"
    other.write_text(b"\x02".hex() * 32 + "\n")
    monkeypatch.setenv("COMPLAINTCTL_KEY_FILE", str(other))
    refused(cli("note", references[0], "x"), f"the chain key at {other} (id", "is not this database's")
    other.write_text("not a key\n")
    refused(cli("note", references[0], "x"), f"{other} is not a complaintctl chain key (64 hexadecimal digits)")
    monkeypatch.setenv("COMPLAINTCTL_KEY_FILE", str(tmp_path / "missing.key"))
    refused(cli("note", references[0], "x"), f"no chain key at {tmp_path / 'missing.key'} (COMPLAINTCTL_KEY_FILE)")
    assert not (tmp_path / "missing.key").exists()  # only init (or a first keyed write) makes a key
    assert dump(cli.db) == before


@pytest.mark.both_databases
def test_a_team_shares_the_key_given_by_COMPLAINTCTL_KEY_FILE(config, db_location, backend, tmp_path, monkeypatch):
    team_key = tmp_path / "shared" / "team.key"
    monkeypatch.setenv("COMPLAINTCTL_KEY_FILE", str(team_key))
    cli = Cli(db_location)
    cli.ok("init")
    assert stat.S_IMODE(team_key.stat().st_mode) == 0o600
    assert not (config / "complaintctl" / "keys").exists()  # nothing kept in the user's own folder
    reference = cli.ok("log", "--name", "Ada Example", "--summary", "Leaking roof", "--received", "2026-10-01").stdout.split()[0]
    cli.ok("acknowledge", reference, "--on", "2026-10-02", officer="second.officer")
    cli.ok("verify")
    # A second database made with the same setting uses the same key.
    second = Cli(str(tmp_path / "second.db"))
    second.ok("init")
    assert meta(second.db, "chain_key_id") == meta(db_location, "chain_key_id")
    # Without the setting, the officer's own folder has no key for it.
    monkeypatch.delenv("COMPLAINTCTL_KEY_FILE")
    refused(cli("note", reference, "x"), "is not at", "COMPLAINTCTL_KEY_FILE")
    # A copy of the key in the folder, under its id, serves as well.
    keys = config / "complaintctl" / "keys"
    keys.mkdir(parents=True)
    shutil.copyfile(team_key, keys / f"{meta(db_location, 'chain_key_id')}.key")
    cli.ok("note", reference, "x")
    cli.ok("verify")


@pytest.mark.both_databases
def test_the_lifecycle_verifies_with_the_key_on_either_database(busy, backend, config):
    cli, references = busy
    cli.ok("close", references[0], "--outcome", "upheld", "--reasons", "Leak", "--action", "Fix", "--action-due", "2026-12-01", "--on", "2026-10-20")
    cli.ok("action", "done", references[0], "1", "--on", "2026-10-21")
    cli.ok("escalate", references[0], "--on", "2026-10-22")
    report = cli.ok("verify", "--json").json()
    assert (report["ok"], report["events"], report["unkeyed_events"]) == (True, 11, 0)
    assert report["key_id"] == meta(cli.db, "chain_key_id")
    assert report["chain_head"] == meta(cli.db, "chain_head") == run(cli.db, "SELECT hash FROM events ORDER BY id DESC LIMIT 1")[0][0]
    assert cli.ok("verify", "--head").stdout == f"{report['chain_head']}\n"
    cli.ok("verify", "--anchor", report["chain_head"])


# -- a database recorded before keys --------------------------------------------------------------------


@pytest.fixture
def release_1(tmp_path, config) -> Cli:
    copy = tmp_path / "release-1.db"
    shutil.copyfile(FIXTURE, copy)
    copy.chmod(0o600)
    return Cli(str(copy))


def test_the_first_release_database_verifies_and_says_it_is_not_keyed(release_1):
    outcome = release_1.ok("verify")
    assert "hash chain intact but not keyed: every event was recorded before keys" in outcome.stdout
    report = release_1.ok("verify", "--json").json()
    assert (report["key_id"], report["unkeyed_events"], report["events"]) == (None, 14, 14)
    release_1.ok("verify", "--anchor", report["chain_head"])


def test_the_first_write_keys_the_chain_from_there_on(release_1, config):
    release_1.ok("list")  # the upgrade stores the first policy version, unkeyed as the events before it
    old_head = meta(release_1.db, "chain_head")
    assert old_head == run(release_1.db, "SELECT hash FROM policy_versions WHERE number = 1")[0][0]
    release_1.ok("note", "CMP-2026-00001", "Reviewed after the upgrade")
    key_id = meta(release_1.db, "chain_key_id")
    assert (config / "complaintctl" / "keys" / f"{key_id}.key").exists()
    assert meta(release_1.db, "chain_keyed_after") == old_head
    key = key_of(release_1.db, config)
    reference, *content, prev_hash, stored = run(
        release_1.db,
        "SELECT c.reference, e.number, e.kind, e.business_date, e.officer, e.recorded_at, e.details, e.prev_hash, e.hash "
        "FROM events e JOIN cases c ON c.id = e.case_id ORDER BY e.id DESC LIMIT 1",
    )[0]
    assert prev_hash == old_head and stored == digest(reference, tuple(content), prev_hash, key)
    outcome = release_1.ok("verify")
    assert "keyed (key" in outcome.stdout and "from CMP-2026-00001 event 7 (id 15)" in outcome.stdout
    assert "the 14 events before it were recorded before keys and are checked without one, as is the policy version stored before it" in outcome.stdout
    report = release_1.ok("verify", "--json").json()
    assert (report["key_id"], report["unkeyed_events"], report["events"]) == (key_id, 14, 15)
    assert (report["policy_versions"], report["unkeyed_policy_versions"]) == (1, 1)
    release_1.ok("log", "--name", "New Person", "--summary", "After the upgrade", "--received", "2026-11-02")
    assert release_1.ok("verify", "--json").json()["unkeyed_events"] == 14


def test_an_old_event_rewritten_after_keying_fails(release_1, config):
    release_1.ok("note", "CMP-2026-00001", "Reviewed after the upgrade")
    run(release_1.db, "UPDATE events SET details = :details WHERE id = 3", details='{"text": "Changed"}')
    # Without the key: recompute the whole chain in plain SHA-256 and point the start of the keyed
    # part at the new hash of the last link before it (the policy version the upgrade stored). The
    # first keyed event's HMAC cannot be made again.
    rechain(release_1.db, key=None, keyed_from=10**9)
    new_boundary = run(release_1.db, "SELECT hash FROM policy_versions WHERE number = 1")[0][0]
    run(release_1.db, "UPDATE meta SET value = :hash WHERE key = 'chain_keyed_after'", hash=new_boundary)
    refused(release_1("verify"), "CMP-2026-00001 event 7 (id 15): was altered after it was recorded")


def test_an_old_database_keys_with_the_team_key_when_given(release_1, tmp_path, monkeypatch):
    team_key = tmp_path / "team.key"
    team_key.write_text(b"\x03".hex() * 32 + "\n")
    monkeypatch.setenv("COMPLAINTCTL_KEY_FILE", str(team_key))
    release_1.ok("note", "CMP-2026-00001", "Reviewed")
    assert meta(release_1.db, "chain_key_id") == hashlib.sha256(b"\x03" * 32).hexdigest()[:16]
    release_1.ok("verify")


def test_a_refused_first_write_leaves_an_old_database_unkeyed(release_1):
    release_1.ok("list")  # the upgrade itself (migrations, the policy stored) is not the write refused
    before = dump(release_1.db)
    refused(release_1("note", "CMP-2099-00001", "x"), "no case with reference")
    assert meta(release_1.db, "chain_key_id") is None
    release_1.ok("list")
    assert [line for line in dump(release_1.db) if "chain" in line] == [line for line in before if "chain" in line]


def test_the_published_hash_is_the_one_complaintctl_computes():
    """The canonical form the README publishes, pinned: a change to it is a change to every hash."""
    from complaintctl.domain.events import Event
    from complaintctl.storage.projection import event_hash
    from datetime import datetime, timezone

    event = Event(kind="note", on=date(2026, 10, 2), officer="o", recorded_at=datetime(2026, 10, 2, 9, tzinfo=timezone.utc),
                  details={"text": "Héllo"}, number=2)
    row = (2, "note", "2026-10-02", "o", "2026-10-02T09:00:00+00:00", json.dumps({"text": "Héllo"}))
    assert event_hash("CMP-2026-00001", event, "ab", None) == digest("CMP-2026-00001", row, "ab", None)
    assert event_hash("CMP-2026-00001", event, "ab", b"k" * 32) == digest("CMP-2026-00001", row, "ab", b"k" * 32)


def test_the_hash_spells_awkward_values_as_the_published_form_does():
    """Quotes, backslashes, line breaks, control characters, non-ASCII text and nested values in
    every field the hash covers: the same digest as the canonical JSON written out here."""
    from datetime import datetime, timedelta, timezone

    from complaintctl.domain.events import Event
    from complaintctl.storage.projection import event_hash

    awkward = 'Zoë "Q" O\'Brien\\ 東京\n\t\x01\u2028 ,: {}'
    details = {
        "summary": awkward, "z": [1, 2.5, None, True, {"b": awkward, "a": []}], "a": {"y": 1, "x": ""}, "n": -3,
        "pence": 10**12, "ok": False,
    }
    event = Event(kind="closed", on=date(2026, 1, 31), officer=awkward, details=details, number=12,
                  recorded_at=datetime(2026, 1, 31, 23, 59, 58, 123456, tzinfo=timezone(timedelta(hours=1))))
    row = (12, "closed", "2026-01-31", awkward, "2026-01-31T23:59:58.123456+01:00", json.dumps(details))
    for key in (None, b"k" * 32):
        assert event_hash(f"REF-{awkward}", event, "ab\"c", key) == digest(f"REF-{awkward}", row, "ab\"c", key)


def test_the_keyed_hash_is_the_hmac_of_the_published_form_under_keys_of_any_length():
    """The HMAC is computed from the key's padded blocks hashed once (projection._hmac_sha256):
    the same digest as the hmac module's for keys shorter than, as long as and longer than
    SHA-256's 64-byte block (a longer key is hashed first), and again for the same key."""
    from datetime import datetime, timezone

    from complaintctl.domain.events import Event
    from complaintctl.storage.projection import event_hash

    event = Event(kind="note", on=date(2026, 10, 2), officer="o", recorded_at=datetime(2026, 10, 2, 9, tzinfo=timezone.utc),
                  details={"text": "Héllo, there: 1"}, number=2)
    row = (2, "note", "2026-10-02", "o", "2026-10-02T09:00:00+00:00", json.dumps({"text": "Héllo, there: 1"}))
    for size in (1, 32, 63, 64, 65, 200):
        key = bytes(range(size))
        for _ in range(2):
            assert event_hash("CMP-2026-00001", event, "ab", key) == digest("CMP-2026-00001", row, "ab", key)
    assert event_hash("CMP-2026-00001", event, "ab", b"a" * 32) != event_hash("CMP-2026-00001", event, "ab", b"b" * 32)


def test_an_event_stored_has_the_details_text_and_hash_each_would_give_alone():
    """An event made ready (`ready_event`, as an import's workers make them) has its details
    encoded once for the text stored and the text hashed (`chained_event`), with control
    characters for separators: details holding those characters, the separators themselves,
    quotes, non-ASCII text and nested values still give exactly the text stored by json.dumps and
    the hash `event_hash` gives, keyed or not."""
    from datetime import datetime, timezone

    from complaintctl.domain.events import Event
    from complaintctl.storage.projection import chained_event, event_hash, ready_event

    awkward = 'a\x1eb\x1fc, d: e "Q" \\ Zoë 東京\n\x00\u2028'
    for details in (
        {"summary": awkward, f"k{awkward}": [1, 2.5, None, True, {"b": awkward, "a": []}], "n": -3, "ok": False},
        {"text": "Héllo, there: 1"},
        {},
    ):
        event = Event(kind="note", on=date(2026, 10, 2), officer=awkward, details=details, number=3,
                      recorded_at=datetime(2026, 10, 2, 9, 30, 1, 5, tzinfo=timezone.utc))
        for key in (None, b"k" * 32):
            stored, digest_given = chained_event(f"REF-{awkward}", ready_event(event, event.recorded_at.isoformat()), "ab\x1e", key)
            assert stored == json.dumps(details, sort_keys=True, ensure_ascii=False)
            assert digest_given == event_hash(f"REF-{awkward}", event, "ab\x1e", key)
            row = (3, "note", "2026-10-02", awkward, "2026-10-02T09:30:01.000005+00:00", stored)
            assert digest_given == digest(f"REF-{awkward}", row, "ab\x1e", key)
