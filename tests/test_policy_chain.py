"""The policy versions are links of the keyed hash chain (SPEC §10, §14): a version rewritten,
removed or inserted behind complaintctl's back fails `verify`, as an event would.

The attacks are made as in tests/test_chain.py: straight to the tables, hashes recomputed with
the algorithm the README publishes (written out again there, not borrowed from complaintctl).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from freezegun import freeze_time

from conftest import Cli
from test_chain import key_of, meta, refused, rechain, run, version_digest

FIXTURE = Path(__file__).parent / "fixtures" / "release-2.db"
FIXTURE_KEY = Path(__file__).parent / "fixtures" / "release-2.key"

# Received Mon 2 Jun 2025, acknowledged the next day: respond within 10 working days, by Tue 17
# Jun; closed on the 18th, a day late. With 10 June a closure day it would have been in time.
CLOSURE = "2025-06-10"


def closed_late(cli: Cli) -> str:
    with freeze_time("2025-06-18 10:00:00"):
        reference = cli.ok("log", "--name", "Ann Example", "--summary", "Damp", "--received", "2025-06-02").stdout.split()[0]
        cli.ok("acknowledge", reference, "--on", "2025-06-03", "--handler", "Jo Officer")
        cli.ok("close", reference, "--outcome", "upheld", "--reasons", "Late repair", "--on", "2025-06-18")
    return reference


def in_time(cli: Cli, reference: str) -> bool:
    return cli.show(reference)["stages"][0]["responded_in_time"]


def policy_file(folder: Path, name: str, closures: list[str]) -> str:
    path = folder / name
    path.write_text(f"[calendar]\nclosures = {json.dumps(closures)}\n", encoding="utf-8")
    return str(path)


def key_folder() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"])


def version_hash(db: str, number: int) -> str:
    return run(db, "SELECT hash FROM policy_versions WHERE number = :number", number=number)[0][0]


# -- as an insider would --------------------------------------------------------------------------------


def add_closure(db: str, number: int, day: str) -> None:
    """A closure day added to a stored version, its fingerprint made to match."""
    content = json.loads(run(db, "SELECT content FROM policy_versions WHERE number = :number", number=number)[0][0])
    content["calendar"]["closures"].append(day)
    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    run(db, "UPDATE policy_versions SET content = :content, fingerprint = :fingerprint WHERE number = :number",
        content=text, fingerprint=hashlib.sha256(text.encode()).hexdigest()[:16], number=number)


def rewrite_projection(db: str) -> None:
    """Every case's rows derived again under the versions as they now stand, as an insider with a
    copy of complaintctl could: the rows then agree with the edited policy."""
    from complaintctl.domain.case import derive
    from complaintctl.domain.policy import PolicyHistory
    from complaintctl.storage.store import Store

    store = Store.open(db)
    try:
        with store.writing() as tx:
            history = PolicyHistory(tx.policy_versions())
            latest = history.latest
            for case_id, reference in tx.tuples("SELECT id, reference FROM cases"):
                tx.save_case(case_id, derive(reference, tx.events(case_id), latest.policy, latest.calendar, history))
    finally:
        store.dispose()


@contextmanager
def key_away(db: str, tmp_path: Path):
    """The database's key moved out of its folder, as on a machine without it."""
    key_file = key_folder() / "complaintctl" / "keys" / f"{meta(db, 'chain_key_id')}.key"
    elsewhere = tmp_path / "elsewhere.key"
    key_file.rename(elsewhere)
    try:
        yield
    finally:
        elsewhere.rename(key_file)


def problems(outcome) -> list[tuple]:
    return [(problem["policy_version"], problem["problem"]) for problem in outcome.json()["problems"]]


# -- the attack of the review, and its variants ----------------------------------------------------------


@pytest.mark.both_databases
def test_a_policy_version_rewritten_with_its_cases_fails_verify(cli, backend, tmp_path):
    reference = closed_late(cli)
    assert in_time(cli, reference) is False
    anchor = cli.ok("verify", "--json").json()["chain_head"]

    add_closure(cli.db, 1, CLOSURE)
    rewrite_projection(cli.db)

    assert in_time(cli, reference) is True  # the attack took: show, list and the reports agree on it
    outcome = cli("verify", "--json")
    # The only thing left to find is the version itself: without the chain, verify would pass.
    assert problems(outcome) == [(1, "was altered after it was recorded, or added outside complaintctl: its content no longer matches its hash")]
    refused(cli("verify"), "policy version 1: was altered after it was recorded")
    with key_away(cli.db, tmp_path):
        refused(cli("verify"), "the keyed hashes could not be checked, so the chain is not proven")

    # Recomputed without the key, the chain still fails; with it, only an anchor shows the change.
    rechain(cli.db, key=None)
    refused(cli("verify"), "policy version 1: was altered after it was recorded")
    rechain(cli.db, key=key_of(cli.db, key_folder()))
    cli.ok("verify")
    refused(cli("verify", "--anchor", anchor), f"no event of the chain has the anchor hash {anchor}, nor any policy version")


@pytest.mark.both_databases
def test_the_latest_version_removed_fails_verify(cli, backend, tmp_path):
    reference = closed_late(cli)
    cli.ok("list", config=policy_file(tmp_path, "closures.toml", [CLOSURE]))
    cli.ok("note", reference, "After the change")

    run(cli.db, "DELETE FROM policy_versions WHERE number = 2")

    refused(cli("verify"), "event 4 (id 4): does not follow the event recorded before it: an event or a policy version was removed")
    with key_away(cli.db, tmp_path):
        assert any("a policy version was removed" in problem for _, problem in problems(cli("verify", "--json")))


@pytest.mark.both_databases
def test_the_newest_link_removed_fails_verify_and_with_the_head_set_back_fails_the_anchor(cli, backend, tmp_path):
    closed_late(cli)
    cli.ok("list", config=policy_file(tmp_path, "closures.toml", [CLOSURE]))
    anchor = cli.ok("verify", "--json").json()["chain_head"]
    assert anchor == version_hash(cli.db, 2)

    run(cli.db, "DELETE FROM policy_versions WHERE number = 2")
    refused(cli("verify"), "the newest event or policy version recorded after", "is missing: the chain head does not match")

    # The head set back to the last link kept: as for the newest events, only an anchor shows it.
    run(cli.db, "UPDATE meta SET value = (SELECT hash FROM events ORDER BY id DESC LIMIT 1) WHERE key = 'chain_head'")
    cli.ok("verify")
    refused(cli("verify", "--anchor", anchor), "nor any policy version")


@pytest.mark.both_databases
def test_a_version_removed_from_the_middle_or_inserted_fails_verify_with_or_without_the_key(cli, backend, tmp_path):
    reference = closed_late(cli)
    cli.ok("list", config=policy_file(tmp_path, "one.toml", [CLOSURE]))
    cli.ok("note", reference, "Between")
    cli.ok("list", config=policy_file(tmp_path, "two.toml", [CLOSURE, "2025-06-11"]))
    cli.ok("verify")

    # Inserted at the end, with a hash the inserter could make (plain SHA-256), the head moved to it.
    head = meta(cli.db, "chain_head")
    row = run(cli.db, "SELECT fingerprint, content, recorded_at, officer, note FROM policy_versions WHERE number = 1")[0]
    forged = version_digest((4, *row), head, None)
    run(cli.db, "INSERT INTO policy_versions (number, fingerprint, content, recorded_at, officer, note, prev_hash, hash) "
                "VALUES (4, :fingerprint, :content, :recorded_at, :officer, :note, :prev_hash, :hash)",
        fingerprint=row[0], content=row[1], recorded_at=row[2], officer=row[3], note=row[4], prev_hash=head, hash=forged)
    run(cli.db, "UPDATE meta SET value = :hash WHERE key = 'chain_head'", hash=forged)
    refused(cli("verify"), "policy version 4: was altered after it was recorded, or added outside complaintctl")
    run(cli.db, "DELETE FROM policy_versions WHERE number = 4")
    run(cli.db, "UPDATE meta SET value = :head WHERE key = 'chain_head'", head=head)
    cli.ok("verify")

    # An inserted version without a hash claims to be waiting for the key: still not proven.
    run(cli.db, "INSERT INTO policy_versions (number, fingerprint, content, recorded_at, officer, note) "
                "VALUES (4, :fingerprint, :content, :recorded_at, :officer, :note)",
        fingerprint=row[0], content=row[1], recorded_at=row[2], officer=row[3], note=row[4])
    refused(cli("verify"), "policy version 4: is not in the hash chain yet, so it is not proven")
    run(cli.db, "DELETE FROM policy_versions WHERE number = 4")

    run(cli.db, "DELETE FROM policy_versions WHERE number = 2")
    refused(cli("verify"), "policy version 3: comes after policy version 1: a policy version was removed or inserted")
    with key_away(cli.db, tmp_path):
        found = problems(cli("verify", "--json"))
        assert (3, "comes after policy version 1: a policy version was removed or inserted") in found
        assert any("does not follow the event recorded before it: an event or a policy version was removed" in problem for _, problem in found)


# -- anchors ---------------------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_an_earlier_anchor_still_verifies_after_new_versions(cli, backend, tmp_path):
    reference = closed_late(cli)
    before = cli.ok("verify", "--json").json()["chain_head"]
    cli.ok("note", reference, "One", config=policy_file(tmp_path, "one.toml", [CLOSURE]))
    second = version_hash(cli.db, 2)
    cli.ok("list", config=policy_file(tmp_path, "two.toml", [CLOSURE, "2025-06-11"]))
    cli.ok("note", reference, "Two")

    report = cli.ok("verify", "--json", "--anchor", before).json()
    assert (report["policy_versions"], report["anchor"]["found"], report["anchor"]["policy_version"]) == (3, True, None)
    outcome = cli.ok("verify", "--anchor", second)
    assert "anchor found at policy version 2: nothing up to it was changed" in outcome.stdout
    assert cli.ok("verify", "--json", "--anchor", second).json()["anchor"]["policy_version"] == 2

    # A key holder who rewrites version 2 makes a chain that verifies, but not against an anchor
    # taken after version 2; one taken before it still holds.
    add_closure(cli.db, 2, "2025-06-12")
    rewrite_projection(cli.db)
    rechain(cli.db, key=key_of(cli.db, key_folder()))
    cli.ok("verify")
    cli.ok("verify", "--anchor", before)
    refused(cli("verify", "--anchor", second), "nor any policy version")


def test_the_published_hash_is_the_one_complaintctl_computes():
    from complaintctl.storage.projection import policy_version_hash

    row = {"number": 2, "fingerprint": "0123456789abcdef", "content": '{"calendar": {"closures": []}}',
           "recorded_at": "2026-10-02T09:00:00+00:00", "officer": "Jo Officér", "note": "calendar.closures; from x.toml"}
    as_read = tuple(row.values())
    assert policy_version_hash(row, "ab", None) == version_digest(as_read, "ab", None)
    assert policy_version_hash(row, "ab", b"k" * 32) == version_digest(as_read, "ab", b"k" * 32)


# -- storing a version needs the key ------------------------------------------------------------------


@pytest.mark.both_databases
def test_a_new_version_without_the_key_is_refused_and_changes_nothing(cli, backend, tmp_path):
    reference = closed_late(cli)
    closures = policy_file(tmp_path, "closures.toml", [CLOSURE])
    before = run(cli.db, "SELECT number, hash FROM policy_versions"), meta(cli.db, "chain_head")
    with key_away(cli.db, tmp_path):
        for command in (["list"], ["show", reference], ["note", reference, "x"]):
            refused(cli(*command, config=closures), "storing the policy as a new version needs the chain key", "COMPLAINTCTL_KEY_FILE")
        assert (run(cli.db, "SELECT number, hash FROM policy_versions"), meta(cli.db, "chain_head")) == before
        cli.ok("list")  # reading under the stored policy needs no key
    outcome = cli.ok("list", config=closures)
    assert outcome.stderr == "Policy changed (version 2): calendar.closures; stored for this database\n"
    cli.ok("verify")


# -- databases made before the versions were chained ---------------------------------------------------


@pytest.fixture
def release_2(tmp_path, monkeypatch) -> Cli:
    """A database of the release before 004: schema 001-003, keyed, two policy versions (the
    second with a closure day) and steps under each."""
    copy = tmp_path / "release-2.db"
    shutil.copyfile(FIXTURE, copy)
    copy.chmod(0o600)
    key = tmp_path / "team.key"
    shutil.copyfile(FIXTURE_KEY, key)
    monkeypatch.setenv("COMPLAINTCTL_KEY_FILE", str(key))
    return Cli(str(copy))


def test_the_fixture_is_a_database_from_before_004():
    from test_migrations import rows

    assert rows(FIXTURE, "SELECT name FROM schema_migrations ORDER BY name") == [("001_initial",), ("002_records",), ("003_policy_versions",)]
    assert rows(FIXTURE, "SELECT count(*) FROM policy_versions") == [(2,)]


def test_an_upgrade_with_the_key_chains_the_versions_and_keeps_older_anchors(release_2):
    db = release_2.db
    old_head = meta(db, "chain_head")
    assert old_head == run(db, "SELECT hash FROM events ORDER BY id DESC LIMIT 1")[0][0]

    release_2.ok("list")

    key = bytes.fromhex(Path(os.environ["COMPLAINTCTL_KEY_FILE"]).read_text().strip())
    versions = run(db, "SELECT number, fingerprint, content, recorded_at, officer, note, prev_hash, hash FROM policy_versions ORDER BY number")
    head = old_head
    for *content, prev_hash, stored in versions:
        assert (prev_hash, stored) == (head, version_digest(tuple(content), head, key))
        head = stored
    assert meta(db, "chain_head") == head
    report = release_2.ok("verify", "--json", "--anchor", old_head).json()
    assert (report["ok"], report["events"], report["policy_versions"], report["anchor"]["found"]) == (True, 6, 2, True)

    release_2.ok("note", "CMP-2026-00002", "After the upgrade")
    release_2.ok("verify", "--anchor", head)
    add_closure(db, 1, "2026-10-06")
    rewrite_projection(db)
    refused(release_2("verify"), "policy version 1: was altered after it was recorded")


def test_an_upgrade_without_the_key_leaves_the_versions_to_the_next_step_with_it(release_2, monkeypatch, tmp_path):
    db = release_2.db
    old_head = meta(db, "chain_head")
    key_file = os.environ["COMPLAINTCTL_KEY_FILE"]
    monkeypatch.delenv("COMPLAINTCTL_KEY_FILE")

    assert sorted(row["reference"] for row in release_2.ok("list", "--json").json()) == ["CMP-2026-00001", "CMP-2026-00002"]
    assert run(db, "SELECT number, prev_hash, hash FROM policy_versions ORDER BY number") == [(1, "", ""), (2, "", "")]
    assert meta(db, "chain_head") == old_head
    unproven = problems(release_2("verify", "--json"))
    assert unproven[0][1].startswith("the keyed hashes could not be checked")
    assert [number for number, problem in unproven if "is not in the hash chain yet" in problem] == [1, 2]
    release_2.ok("list")  # reads stay as they were
    refused(release_2("note", "CMP-2026-00002", "x"), "this database's chain key", "is not at")

    monkeypatch.setenv("COMPLAINTCTL_KEY_FILE", key_file)
    refused(release_2("verify"), "policy version 1: is not in the hash chain yet")  # verify only reads
    release_2.ok("note", "CMP-2026-00002", "With the key again")
    assert run(db, "SELECT prev_hash FROM policy_versions WHERE number = 1") == [(old_head,)]
    release_2.ok("verify", "--anchor", old_head)
    assert release_2.ok("verify", "--json").json()["policy_versions"] == 2


@contextmanager
def before_004(monkeypatch):
    """complaintctl as it was before migration 004: versions stored without hashes, beside a chain
    of events alone."""
    from complaintctl.storage import migrations, statements, writes
    from complaintctl.storage.projection import policy_version_row

    columns = ("number", "fingerprint", "content", "recorded_at", "officer", "note")

    def add_policy_version(self, version):
        self.write(f"INSERT INTO policy_versions ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})",
                   **policy_version_row(version))

    with monkeypatch.context() as earlier:
        earlier.setattr(migrations, "MIGRATIONS", [step for step in migrations.MIGRATIONS if step[0] != "004_policy_chain"])
        earlier.setattr(statements, "POLICY_VERSIONS", f"SELECT {', '.join(columns)} FROM policy_versions ORDER BY number")
        # Both ways of writing (the SQLAlchemy store and the sqlite3 writer) share these.
        earlier.setattr(writes.Writes, "add_policy_version", add_policy_version)
        earlier.setattr(writes.Writes, "chain_policy_versions", lambda self, head, key: head)
        yield


@pytest.mark.both_databases
def test_a_database_from_before_004_upgrades_and_verifies(db_location, backend, monkeypatch, tmp_path):
    cli = Cli(db_location)
    with before_004(monkeypatch):
        cli.ok("init")
        reference = closed_late(cli)
        cli.ok("note", reference, "Under the second version", config=policy_file(tmp_path, "closures.toml", [CLOSURE]))
    assert run(db_location, "SELECT count(*) FROM policy_versions")[0][0] == 2
    old_head = meta(db_location, "chain_head")

    report = cli.ok("verify", "--json", "--anchor", old_head).json()

    assert (report["ok"], report["policy_versions"], report["events"]) == (True, 2, 4)
    assert meta(db_location, "chain_head") == version_hash(db_location, 2)
    add_closure(db_location, 2, "2025-06-12")
    refused(cli("verify"), "policy version 2: was altered after it was recorded")
