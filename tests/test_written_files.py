"""Every file a command writes is its owner's alone, never written through a link and never
over an existing file without --force; a step's letter that could not be written stops the
step before anything is recorded."""

from __future__ import annotations

import os
import stat

from freezegun import freeze_time


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@freeze_time("2026-11-30 10:00:00")
def test_a_steps_letter_file_that_exists_stops_the_step_before_it_is_recorded(cli, tmp_path):
    reference = cli.ok("log", "--name", "A", "--summary", "s", "--received", "2026-11-25").stdout.strip()
    existing = tmp_path / "letter.txt"
    existing.write_text("kept")
    refused = cli("acknowledge", reference, "--letter", str(existing))
    assert refused.exit_code == 2 and "already exists" in refused.stderr and "--force" in refused.stderr
    assert existing.read_text() == "kept"
    assert cli.show(reference)["status"] == "open"
    cli.ok("acknowledge", reference, "--letter", str(existing), "--force")
    assert "We have received your complaint" in existing.read_text() and mode(existing) == 0o600
    link = tmp_path / "link.txt"
    link.symlink_to(existing)
    through_link = cli("update", reference, "--progress", "p", "--letter", str(link), "--force")
    assert through_link.exit_code == 2 and "symbolic link" in through_link.stderr
    assert len(cli.show(reference)["events"]) == 2


@freeze_time("2026-11-30 10:00:00")
def test_letter_and_report_files_are_private_and_never_replaced_without_force(cli, tmp_path):
    reference = cli.ok("log", "--name", "A", "--summary", "s", "--received", "2026-11-25").stdout.strip()
    cli.ok("acknowledge", reference)
    for command in (["letter", reference], ["report", "annual", "--year", "2026"]):
        target = tmp_path / f"{command[0]}.txt"
        cli.ok(*command, "--out", str(target))
        assert mode(target) == 0o600
        first = target.read_bytes()
        target.write_text("changed by hand")
        again = cli(*command, "--out", str(target))
        assert again.exit_code == 1 and len(again.stderr.splitlines()) == 1 and "--force" in again.stderr
        assert target.read_text() == "changed by hand"
        cli.ok(*command, "--out", str(target), "--force")
        assert target.read_bytes() == first and mode(target) == 0o600
        victim = tmp_path / f"{command[0]}-victim.txt"
        victim.write_text("not yours")
        link = tmp_path / f"{command[0]}-link.txt"
        link.symlink_to(victim)
        assert cli(*command, "--out", str(link), "--force").exit_code == 1
        assert victim.read_text() == "not yours" and link.is_symlink()
        assert [name for name in os.listdir(tmp_path) if name.endswith(".partial")] == []


def test_init_writes_its_policy_file_privately_and_a_refused_init_leaves_nothing(tmp_path):
    from conftest import Cli

    database = tmp_path / "complaints.db"
    cli = Cli(str(database))
    (tmp_path / "dangling.toml").symlink_to(tmp_path / "nowhere.toml")
    for policy_out, fragment in (
        (tmp_path / "dangling.toml", "is a symbolic link"),
        (tmp_path / "missing" / "complaintctl.toml", "does not exist"),
    ):
        refused = cli("init", "--policy", "mansfield", "--policy-out", str(policy_out))
        assert refused.exit_code == 1 and fragment in refused.stderr and refused.stderr.count("\n") == 1, refused.stderr
        assert not database.exists() and not (tmp_path / "nowhere.toml").exists()
    written = tmp_path / "complaintctl.toml"
    cli.ok("init", "--policy", "mansfield", "--policy-out", str(written))
    assert mode(written) == 0o600
    # init on the database that now exists is refused, and takes back the policy file it wrote.
    again = cli("init", "--policy", "mansfield", "--policy-out", str(tmp_path / "second.toml"))
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert not (tmp_path / "second.toml").exists()


@freeze_time("2026-11-30 10:00:00")
def test_a_steps_letter_file_name_too_long_stops_the_step_before_it_is_recorded(cli, tmp_path):
    reference = cli.ok("log", "--name", "A", "--summary", "s", "--received", "2026-11-25").stdout.strip()
    for name in (str(tmp_path / ("b" * 300 + ".txt")), "c" * 131_000 + ".txt"):
        refused = cli("acknowledge", reference, "--letter", name)
        assert refused.exit_code == 2 and "the file name is too long" in refused.stderr, refused.stderr
        assert len(refused.stderr) < 300
    assert cli.show(reference)["status"] == "open"
