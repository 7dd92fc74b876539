"""The example policy files, and how a bad policy file is refused.

Each file in examples/policies/ must load through the real command line, set exactly the values
it writes, name its seed, and leave every other key at the built-in default.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from complaintctl.domain import policy
from complaintctl.storage.locations import preset_names, preset_text
from conftest import Cli

POLICIES = Path(__file__).resolve().parents[1] / "examples" / "policies"

# The SPEC §4 table: file, the seeds it encodes, and the reference prefix each file chooses.
TABLE = {
    "housing-ombudsman-2024.toml": ((), "CMP"),
    "mansfield.toml": (("000_71f21c063ec1661f.txt", "003_6bc191c673595f90.txt"), "MDC"),
    "north-west-leicestershire.toml": (("001_21d38821abe57e97.txt",), "NWL"),
    "chesterfield.toml": (("002_024730b17aee76c0.txt",), "CBC"),
    "corporate-procedure.toml": (("004_167bb6a8da7f5ea9.txt",), "CORP"),
}

COMPLAINT = ["--name", "A Resident", "--summary", "The bins were missed three weeks running.", "--received", "2026-11-02"]


def _leaves(table: dict, path: tuple[str, ...] = ()):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _leaves(value, (*path, key))
        else:
            yield (*path, key), value


def _at(table: dict, path: tuple[str, ...]):
    for key in path:
        table = table[key]
    return table


def test_the_folder_holds_exactly_the_table_of_the_spec():
    assert sorted(path.name for path in POLICIES.glob("*.toml")) == sorted(TABLE)
    assert preset_names() == sorted(name.removesuffix(".toml") for name in TABLE)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_file_loads_through_init_and_log(name, db_location):
    config = POLICIES / name
    runner = Cli(db_location, config=str(config))
    runner.ok("init")
    logged = runner.ok("log", *COMPLAINT, "--json").json()
    prefix = TABLE[name][1]
    assert logged["reference"] == f"{prefix}-2026-00001"
    assert runner.show(logged["reference"])["received_on"] == "2026-11-02"


@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_value_the_file_sets_is_what_load_returns(name):
    config = POLICIES / name
    with config.open("rb") as handle:
        written = tomllib.load(handle)
    loaded = policy.load(config).raw
    set_here = dict(_leaves(written))
    assert set_here, f"{name} sets nothing"
    for path, value in set_here.items():
        assert _at(loaded, path) == value, f"{name}: {'.'.join(path)}"
    for path, default in _leaves(policy.DEFAULTS):
        if path not in set_here:
            assert _at(loaded, path) == default, f"{name}: {'.'.join(path)} should keep the default"


def test_the_housing_ombudsman_file_is_the_built_in_default_written_out():
    config = POLICIES / "housing-ombudsman-2024.toml"
    with config.open("rb") as handle:
        written = tomllib.load(handle)
    assert dict(_leaves(written)) == dict(_leaves(policy.DEFAULTS))
    assert policy.load(config).fingerprint() == policy.load(None).fingerprint()


@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_file_names_its_seeds_and_quotes_them(name):
    text = (POLICIES / name).read_text(encoding="utf-8")
    comments = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    for seed in TABLE[name][0]:
        assert seed in comments
    # Every timescale the file sets is explained by a quotation in the comments above it.
    assert comments.count('"') >= 8
    for key in ("acknowledge_days", "respond_days", "respond_from", "extension_max_days", "escalation_window"):
        assert key in text, f"{name} should write {key} out"


def test_the_seed_councils_timescales_as_in_the_spec_table():
    def rules(name):
        loaded = policy.load(POLICIES / name)
        return loaded.stage(1), loaded.stage(2), loaded.escalation_window.describe(), loaded.update_every_days

    one, two, window, every = rules("mansfield.toml")
    assert (one.acknowledge_days, one.respond_days, one.respond_from, one.extension_max_days) == (5, 10, "acknowledgement", 10)
    assert (two.acknowledge_days, two.respond_days, two.respond_from, two.extension_max_days) == (5, 20, "acknowledgement", 10)
    assert window == "no time limit"

    one, two, window, every = rules("north-west-leicestershire.toml")
    assert (one.acknowledge_days, one.respond_days, one.respond_from) == (2, 10, "receipt")
    assert (two.acknowledge_days, two.respond_days) == (2, 10)
    assert window == "1 calendar month"
    assert every == 10

    one, two, window, every = rules("chesterfield.toml")
    assert (one.acknowledge_days, one.respond_days, one.respond_from) == (5, 10, "receipt")
    assert (two.respond_days, two.respond_from) == (20, "receipt")
    assert window == "20 working days"

    one, two, window, every = rules("corporate-procedure.toml")
    assert (one.acknowledge_days, one.respond_days, one.respond_from) == (5, 10, "acknowledgement")
    assert (two.acknowledge_days, two.respond_days, two.respond_from) == (5, 20, "acknowledgement")
    assert window == "1 calendar month"


def test_init_policy_writes_the_example_file(db_location, tmp_path):
    written = tmp_path / "complaintctl.toml"
    Cli(db_location).ok("init", "--policy", "north-west-leicestershire", "--policy-out", str(written))
    assert written.read_text(encoding="utf-8") == preset_text("north-west-leicestershire")
    assert written.read_text(encoding="utf-8") == (POLICIES / "north-west-leicestershire.toml").read_text(encoding="utf-8")


# -- refusals --------------------------------------------------------------------------------------

BAD_FILES = {
    "unknown-top-level-key": ('[organization]\nname = "Typo Council"\n', ["'organization'"]),
    "unknown-key-in-a-table": ("[stage1]\nrespond_within = 10\n", ["'stage1.respond_within'"]),
    "unknown-ombudsman": ('[ombudsman.scottish]\nname = "SPSO"\n', ["'ombudsman.scottish'"]),
    "respond-from": ('[stage2]\nrespond_from = "escalation"\n', ["stage2.respond_from", "'escalation'"]),
    "window": ('[stage2]\nescalation_window = "a fortnight"\n', ["stage2.escalation_window", "1 month"]),
    "nation": ('[calendar]\nnation = "wales"\n', ["calendar.nation", "england-and-wales"]),
    "closure": ('[calendar]\nclosures = ["2026-02-30"]\n', ["calendar.closures", "2026-02-30"]),
    "negative-days": ("[stage1]\nacknowledge_days = -1\n", ["stage1.acknowledge_days"]),
    "boolean-days": ("[stage1]\nextension_max_days = true\n", ["stage1.extension_max_days"]),
    "zero-respond-days": ("[stage2]\nrespond_days = 0\n", ["stage2.respond_days"]),
    "text-days": ('[updates]\nevery_days = "10"\n', ["updates.every_days"]),
    "prefix": ('[organisation]\nreference_prefix = "cmp-"\n', ["organisation.reference_prefix"]),
    "ombudsman-choice": ('[organisation]\ndefault_ombudsman = "spso"\n', ["organisation.default_ombudsman"]),
    "scalar-for-table": ("stage1 = 5\n", ["'stage1'"]),
    "bad-toml": ("[stage1\nacknowledge_days = 5\n", ["not valid TOML"]),
}


def _assert_refused(outcome, config: Path, words: list[str]) -> None:
    assert outcome.exit_code == 1, outcome.stderr
    assert outcome.stdout == ""
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert str(config) in lines[0]
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_policy_file_is_refused_before_anything_is_created(case, tmp_path, db_location):
    text, words = BAD_FILES[case]
    config = tmp_path / f"{case}.toml"
    config.write_text(text, encoding="utf-8")
    outcome = Cli(db_location, config=str(config))("init")
    _assert_refused(outcome, config, words)
    assert not Path(db_location).exists()


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_policy_file_records_nothing_in_an_existing_database(case, tmp_path, cli):
    text, words = BAD_FILES[case]
    config = tmp_path / f"{case}.toml"
    config.write_text(text, encoding="utf-8")
    outcome = cli("log", *COMPLAINT, config=str(config))
    _assert_refused(outcome, config, words)
    assert cli.ok("list", "--json").json() == []


def test_a_missing_policy_file_is_refused(tmp_path, db_location):
    config = tmp_path / "nowhere" / "policy.toml"
    outcome = Cli(db_location, config=str(config))("init")
    _assert_refused(outcome, config, ["does not exist", "--config"])
    assert not Path(db_location).exists()


def test_a_missing_policy_file_from_the_environment_is_refused(tmp_path, cli, monkeypatch):
    config = tmp_path / "gone.toml"
    monkeypatch.setenv("COMPLAINTCTL_CONFIG", str(config))
    outcome = cli("log", *COMPLAINT)
    _assert_refused(outcome, config, ["does not exist", "COMPLAINTCTL_CONFIG"])
    monkeypatch.delenv("COMPLAINTCTL_CONFIG")
    assert cli.ok("list", "--json").json() == []


def test_a_good_file_next_to_a_bad_one_still_works(tmp_path, cli):
    # The refusal is about the file, not the database: the same database takes the good file.
    bad = tmp_path / "bad.toml"
    bad.write_text("[stage1]\nrespond_within = 10\n", encoding="utf-8")
    assert cli("log", *COMPLAINT, config=str(bad)).exit_code == 1
    logged = cli.ok("log", *COMPLAINT, "--json", config=str(POLICIES / "chesterfield.toml")).json()
    assert logged["reference"] == "CBC-2026-00001"


def test_a_policy_file_that_is_not_utf8_is_refused(tmp_path, db_location):
    config = tmp_path / "latin1.toml"
    config.write_bytes('[organisation]\nname = "Café Council"\n'.encode("latin-1"))
    outcome = Cli(db_location, config=str(config))("init")
    _assert_refused(outcome, config, ["UTF-8"])
    assert not Path(db_location).exists()


def test_a_folder_given_as_the_policy_file_is_refused(tmp_path, db_location):
    config = tmp_path / "policies.toml"
    config.mkdir()
    outcome = Cli(db_location, config=str(config))("init")
    _assert_refused(outcome, config, ["cannot be read"])
    assert not Path(db_location).exists()
