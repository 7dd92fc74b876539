"""`sar`: a subject access export, unzipped and read: one person found in two cases (one as the
complainant, by details corrected after logging, one as another's representative) and not in a
third; every manifest digest recomputed; the other person's data nowhere in the bytes; notes
listed for review; a `sar-exported` event on each case found and none elsewhere; the chain still
verifying; refusals write and record nothing. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import zipfile

import pytest
from freezegun import freeze_time

pytestmark = pytest.mark.both_databases

TODAY = "2027-03-31 12:00:00"
OTHER = ("Carl Dee", "carl.dee@example.org", "07700 900123", "Noise from the depot")


def _ok(cli, *args: str):
    with freeze_time(TODAY):
        outcome = cli(*args)
    assert outcome.exit_code == 0, f"{args}: {outcome.stderr}"
    return outcome


def _one_line_error(outcome, code: int, *fragments: str) -> None:
    assert outcome.exit_code == code, outcome.stderr
    assert outcome.stderr.startswith("Error: ") and outcome.stderr.count("\n") == 1, outcome.stderr
    for fragment in fragments:
        assert fragment in outcome.stderr, outcome.stderr


@pytest.fixture
def people(cli) -> tuple[str, str, str]:
    """Ann Bee's own complaint (her email corrected, closed with a letter, a note naming a
    neighbour), a complaint by Zed Roe that Ann Bee made for him, and Carl Dee's own."""
    own = _ok(cli, "log", "--name", "Ann Bee", "--email", "ann.be@example.net", "--phone", "01530 454545",
              "--summary", "Bins <b>missed</b>", "--received", "2027-01-04").stdout.strip()
    _ok(cli, "acknowledge", own, "--handler", "Priya Shah", "--on", "2027-01-05")
    _ok(cli, "note", own, "Neighbour Dan Fox says <script>x</script> the bins were out", "--on", "2027-01-06")
    _ok(cli, "amend", own, "--email", "ann.bee@example.net", "--reason", "Mistyped at logging")
    _ok(cli, "close", own, "--outcome", "upheld", "--reasons", "We missed them.", "--on", "2027-01-20")
    represented = _ok(cli, "log", "--name", "Zed Roe", "--representative", "ANN BEE", "--representative-email",
                      "Ann.Bee@Example.net", "--summary", "Pothole outside", "--received", "2027-02-01").stdout.strip()
    name, email, phone, summary = OTHER
    other = _ok(cli, "log", "--name", name, "--email", email, "--phone", phone, "--summary", summary,
                "--received", "2027-02-02").stdout.strip()
    _ok(cli, "acknowledge", other, "--handler", "Priya Shah", "--on", "2027-02-03")
    return own, represented, other


def _unzip(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_export_holds_every_case_about_the_person_and_nothing_of_anyone_else(cli, people, tmp_path):
    own, represented, other = people
    before = {ref: cli.show(ref) for ref in people}
    out = tmp_path / "ann.zip"
    # Found by the corrected email, in another case, and by phone whatever its punctuation.
    outcome = _ok(cli, "sar", "--email", "ANN.BEE@example.net", "--phone", "(01530) 454-545", "--out", str(out))
    assert own in outcome.stderr and represented in outcome.stderr and other not in outcome.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600

    files = _unzip(out)
    manifest = json.loads(files.pop("manifest.json"))
    assert {entry["name"] for entry in manifest["files"]} == set(files)
    for entry in manifest["files"]:
        assert hashlib.sha256(files[entry["name"]]).hexdigest() == entry["sha256"], entry["name"]

    person = json.loads(files["person.json"])
    found = {case["reference"]: case for case in person["cases"]}
    assert list(found) == [own, represented]
    assert {(match["detail"], match["as"], match["current"]) for match in found[own]["matched"]} == {
        ("email", "complainant", True), ("phone", "complainant", True),
    }
    assert [(match["detail"], match["as"]) for match in found[represented]["matched"]] == [
        ("representative_email", "representative"),
    ]
    assert "ann.be@example.net" not in person["matched"]["emails"]  # the address logged, corrected away, did not match

    # Each case as `show --json` gave it before the export, with its events.
    for ref in (own, represented):
        assert json.loads(files[f"cases/{ref}/case.json"]) == before[ref]
        assert f"cases/{ref}/case.json" in found[ref]["files"]
    letters = [name for name in files if name.startswith(f"cases/{own}/letters/")]
    assert {name.rsplit("/", 1)[1] for name in letters} == {
        "002-acknowledgement-stage1.txt", "002-acknowledgement-stage1.html", "005-decision-stage1.txt", "005-decision-stage1.html",
    }
    with freeze_time(TODAY):
        sent = cli("letter", own, "decision", "--stage", "1").stdout
    assert files[f"cases/{own}/letters/005-decision-stage1.txt"].decode() == sent

    page = files[f"cases/{own}/case.html"].decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>" not in page
    assert "Bins &lt;b&gt;missed&lt;/b&gt;" in page and "We missed them." in page
    assert 'href="letters/005-decision-stage1.html"' in page
    index = files["index.html"].decode()
    assert f'href="cases/{own}/case.html"' in index and f'href="cases/{represented}/case.html"' in index

    review = files["review.txt"].decode()
    assert f"{own}  2027-01-06  event 3: Neighbour Dan Fox" in review
    assert represented in review.split("representative", 1)[1]

    everything = b"".join(files.values())
    for detail in OTHER:
        assert detail.encode() not in everything, detail
    assert other.encode() not in everything

    for ref in (own, represented):
        after = cli.show(ref)
        assert after["events"][-1]["kind"] == "sar-exported"
        assert after["events"][-1]["details"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
        assert {key: value for key, value in after.items() if key != "events"} == {
            key: value for key, value in before[ref].items() if key != "events"
        }
        assert after["events"][:-1] == before[ref]["events"]
    assert cli.show(other) == before[other]
    _ok(cli, "verify")
    # The export is no step: a void takes back the close, the latest step, not the export.
    _ok(cli, "void", own, "--reason", "Closed too soon")
    assert cli.show(own)["events"][-1]["details"]["step"] == 5
    _ok(cli, "verify")


def test_a_name_matches_exactly_as_complainant_or_representative(cli, people, tmp_path):
    own, represented, _ = people
    out = tmp_path / "ann.zip"
    _ok(cli, "sar", "--name", "  ann   BEE ", "--out", str(out))
    person = json.loads(_unzip(out)["person.json"])
    assert [case["reference"] for case in person["cases"]] == [own, represented]
    assert person["cases"][1]["why"] == ["name as representative"]
    # An address corrected away still finds the case it was logged with, saying so.
    _ok(cli, "sar", "--email", "ann.be@example.net", "--out", str(tmp_path / "old.zip"))
    person = json.loads(_unzip(tmp_path / "old.zip")["person.json"])
    assert [(case["reference"], case["matched"]) for case in person["cases"]] == [
        (own, [{"detail": "email", "as": "complainant", "value": "ann.be@example.net", "current": False}]),
    ]
    assert person["cases"][0]["why"] == ["email as complainant (as logged, since amended)"]
    # Letters beyond ASCII match whatever their case, as held in capitals or in title case.
    for held in ("ZOË BRONTË", "Zoë Brontë"):
        _ok(cli, "log", "--name", held, "--summary", "Library fines", "--received", "2027-03-01")
    _ok(cli, "sar", "--name", "zoë brontë", "--out", str(tmp_path / "zoe.zip"))
    person = json.loads(_unzip(tmp_path / "zoe.zip")["person.json"])
    assert sorted(person["matched"]["names"]) == sorted(["ZOË BRONTË", "Zoë Brontë"])
    assert len(person["cases"]) == 2
    # A part of a name is not the name.
    outcome = cli("sar", "--name", "Ann", "--out", str(tmp_path / "part.zip"))
    _one_line_error(outcome, 1, "no case matches the details given")
    assert not (tmp_path / "part.zip").exists()


def test_refusals_write_and_record_nothing(cli, people, tmp_path):
    head = _ok(cli, "verify", "--head").stdout
    out = tmp_path / "x.zip"
    outcome = cli("sar", "--email", "nobody.known@example.com", "--out", str(out))
    _one_line_error(outcome, 1, "no case matches the details given")
    assert "nobody.known" not in outcome.stderr
    _one_line_error(cli("sar", "--out", str(out)), 1, "--name, --email or --phone")
    assert not out.exists()

    out.write_bytes(b"kept")
    outcome = cli("sar", "--name", "Ann Bee", "--out", str(out))
    assert outcome.exit_code == 1 and outcome.stderr.startswith("Error: ") and "Ann Bee" not in outcome.stderr
    assert out.read_bytes() == b"kept"
    link = tmp_path / "link.zip"
    link.symlink_to(tmp_path / "target.zip")
    assert cli("sar", "--name", "Ann Bee", "--out", str(link)).exit_code == 1
    assert not (tmp_path / "target.zip").exists()
    misnamed = cli("sar", "--name", "Ann Bee", "--out", str(tmp_path / "ann.txt"))
    _one_line_error(misnamed, 2, "is not a .zip file name")
    assert not (tmp_path / "ann.txt").exists()
    assert _ok(cli, "verify", "--head").stdout == head

    _ok(cli, "sar", "--name", "Ann Bee", "--out", str(out), "--force")
    assert zipfile.is_zipfile(out)
    assert _ok(cli, "verify", "--head").stdout != head


def test_a_name_held_with_runs_of_spaces_is_found(cli, tmp_path):
    # Restrictions treat "MRS A  BEGUM" and "mrs a begum" as one person; so does `sar`.
    held = _ok(cli, "log", "--name", "MRS A  BEGUM", "--summary", "Damp", "--received", "2027-03-01").stdout.strip()
    _ok(cli, "log", "--name", "Mrs Ab Egum", "--summary", "Other", "--received", "2027-03-02")
    said = _ok(cli, "sar", "--name", "mrs a begum", "--out", str(tmp_path / "begum.zip")).stderr
    assert f": 1 case ({held})," in said
    person = json.loads(_unzip(tmp_path / "begum.zip")["person.json"])
    assert [case["reference"] for case in person["cases"]] == [held]
