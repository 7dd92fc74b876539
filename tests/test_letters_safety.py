"""Letters are safe to make from any case and any override folder the council controls:
templates run sandboxed, an override folder others can change is refused, a long adjustments
text renders in linear time, and a letter file never overwrites or follows a link by surprise.

All through the real command line, on a real SQLite file, with the real templates.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from freezegun import freeze_time

TODAY = "2027-03-31 12:00:00"

POLICY = """
[organisation]
name = "Riverside Borough Council"
team = "Complaints and Feedback Team"
address = "Town Hall, Market Square, Riverside, RV1 1AA"
phone = "01632 960123"
email = "complaints@riverside.example.gov.uk"
website = "https://www.riverside.example.gov.uk/complaints"
signatory = "Complaints Manager"
reference_prefix = "RBC"
"""


def _policy(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(POLICY + extra, encoding="utf-8")
    return path


def _one_line_refusal(outcome, *words: str) -> None:
    assert outcome.exit_code == 1, (outcome.exit_code, outcome.stdout, outcome.stderr)
    # A --config that differs from the stored policy is stored first, with its own notice line.
    lines = [line for line in outcome.stderr.splitlines() if not line.startswith("Policy changed (version")]
    assert len(lines) == 1 and lines[0].startswith("Error: "), outcome.stderr
    assert "Traceback" not in outcome.stderr and "unexpected" not in outcome.stderr, outcome.stderr
    for word in words:
        assert word in outcome.stderr, (word, outcome.stderr)


@pytest.fixture
def acknowledged(cli, tmp_path):
    """An acknowledged complaint; its letter is the acknowledgement."""
    cli.config = str(_policy(tmp_path))
    with freeze_time(TODAY):
        ref = cli.ok("log", "--name", "Dev Shah", "--email", "dev@example.net", "--summary", "Noise",
                     "--received", "2027-03-01").stdout.strip()
        cli.ok("acknowledge", ref, "--on", "2027-03-02", "--handler", "Sam Reed")
    return ref


def _override(tmp_path: Path, body: str, name: str = "acknowledgement.txt") -> Path:
    folder = tmp_path / "our-letters"
    folder.mkdir(exist_ok=True)
    folder.chmod(0o755)
    template = folder / name
    template.write_text(body, encoding="utf-8")
    template.chmod(0o644)
    return _policy(tmp_path, '\n[letters]\ntemplates = "our-letters"\n')


# -- 3. override templates run sandboxed -------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "{{ cycler.__init__.__globals__.os.popen('touch %(marker)s').read() }}\n",
        "{{ joiner.__init__.__globals__['os'].system('touch %(marker)s') }}\n",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}{{ lipsum.__globals__.os.popen('touch %(marker)s') }}\n",
        "{{ recipient.name.__class__.__base__.__subclasses__() }}\n",
        "{% set x = case.update({'reference': 'changed'}) %}{{ case.reference }}\n",
    ],
    ids=["cycler-globals", "joiner-globals", "subclasses", "name-class", "mutation"],
)
def test_an_override_template_cannot_reach_python(cli, acknowledged, tmp_path, body):
    marker = tmp_path / "ran"
    policy = _override(tmp_path, body % {"marker": marker} if "%(marker)s" in body else body)
    outcome = cli("letter", acknowledged, config=str(policy))
    _one_line_refusal(outcome, "acknowledgement.txt", "fix the template")
    assert "unsafe" in outcome.stderr, outcome.stderr
    assert outcome.stdout == ""
    assert not marker.exists(), "the template ran a command"


def test_an_override_template_still_uses_the_letter_values_and_filters(cli, acknowledged, tmp_path):
    policy = _override(
        tmp_path,
        "{{ recipient.salutation }}, {{ case.reference|upper }} {{ stage.respond_by|date }}"
        " {% for word in ['a', 'b'] %}{{ loop.index }}{{ word }}{% endfor %} {{ '%s!'|format('ok') }}\n",
    )
    outcome = cli("letter", acknowledged, config=str(policy))
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.startswith(f"Dear Dev Shah, {acknowledged} ") and outcome.stdout.endswith(" 1a2b ok!\n")


def test_an_override_folder_others_can_write_to_is_refused(cli, acknowledged, tmp_path):
    policy = _override(tmp_path, "Hello {{ recipient.name }}\n")
    folder = tmp_path / "our-letters"
    assert cli("letter", acknowledged, config=str(policy)).stdout == "Hello Dev Shah\n"
    for mode in (0o775, 0o757, 0o777):
        folder.chmod(mode)
        outcome = cli("letter", acknowledged, config=str(policy))
        _one_line_refusal(outcome, str(folder), "chmod go-w", "[letters] templates")
        assert outcome.stdout == ""
    folder.chmod(0o755)
    assert cli("letter", acknowledged, config=str(policy)).exit_code == 0


def test_an_override_template_others_can_write_to_is_refused(cli, acknowledged, tmp_path):
    policy = _override(tmp_path, "Hello {{ recipient.name }}\n")
    template = tmp_path / "our-letters" / "acknowledgement.txt"
    for mode in (0o664, 0o646):
        template.chmod(mode)
        outcome = cli("letter", acknowledged, config=str(policy))
        _one_line_refusal(outcome, str(template), "chmod go-w")
    # any file the templates could include, not only the one the letter names
    template.chmod(0o644)
    other = tmp_path / "our-letters" / "_footer.txt"
    other.write_text("x")
    other.chmod(0o666)
    _one_line_refusal(cli("letter", acknowledged, config=str(policy)), str(other), "chmod go-w")
    other.chmod(0o644)
    # in a subfolder too, and a link back to the folder is not followed round for ever
    parts = tmp_path / "our-letters" / "parts"
    parts.mkdir(mode=0o755)
    (parts / "loop").symlink_to(tmp_path / "our-letters")
    assert cli("letter", acknowledged, config=str(policy)).stdout == "Hello Dev Shah\n"
    (parts / "_address.txt").write_text("x")
    (parts / "_address.txt").chmod(0o626)
    _one_line_refusal(cli("letter", acknowledged, config=str(policy)), str(parts / "_address.txt"), "chmod go-w")


def test_letters_environment_is_sandboxed(tmp_path):
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from complaintctl.output import letters

    no_override = type("Policy", (), {"templates_folder": None})()
    assert isinstance(letters.environment(no_override, tmp_path), ImmutableSandboxedEnvironment)


# -- 5. a long adjustments text ----------------------------------------------------------------------


def test_a_long_adjustments_text_renders_in_linear_time(cli, tmp_path):
    """The longest adjustments the command line takes, and ten times that as an earlier release
    could have stored them: deciding on large print stays linear in the text's length."""
    from types import SimpleNamespace

    from complaintctl.output.letters import wants_large_print

    cli.config = str(_policy(tmp_path))
    clause = "no large print needed for this letter "
    declined = clause * (19_900 // len(clause))
    with freeze_time(TODAY):
        ref = cli.ok("log", "--name", "Dev Shah", "--summary", "Noise", "--received", "2027-03-01",
                     "--adjustments", declined + ", large print please").stdout.strip()
        cli.ok("acknowledge", ref, "--on", "2027-03-02", "--handler", "Sam Reed")
    started = time.perf_counter()
    html = cli.ok("letter", ref, "--format", "html").stdout
    took = time.perf_counter() - started
    assert took < 2, f"a letter with 20 KB of adjustments took {took:.1f}s"
    assert "font-size: 18pt" in html  # the last clause asks for it
    stored = clause * 5400  # about 200 KB, one clause
    started = time.perf_counter()
    assert wants_large_print(SimpleNamespace(details={"adjustments": stored + ", large print please"}))
    assert not wants_large_print(SimpleNamespace(details={"adjustments": stored}))
    took = time.perf_counter() - started
    assert took < 2, f"200 KB of adjustments took {took:.1f}s"


@pytest.mark.parametrize(
    "adjustments, large",
    [
        ("No large print needed", False),
        ("Interpreter (Polish); does not need large print", False),
        ("Interpreter; large print, please", True),
        ("Not by phone. Larger font for letters", True),
        ("Large print", True),
        ("large-print letters", True),
        ("Bigger print please", True),
        ("without large text, thanks", False),
        ("don't send large type; big print is fine", True),
        ("Phone calls only", False),
        ("no phone calls, large font", True),
        ("Do not use large print. Do not phone", False),
        ("", False),
    ],
)
def test_large_print_decision_is_unchanged(adjustments, large):
    from complaintctl.output.letters import wants_large_print

    case = type("Case", (), {"details": {"adjustments": adjustments}})()
    assert wants_large_print(case) is large


def test_large_print_is_linear_in_the_library(tmp_path):
    from complaintctl.output.letters import wants_large_print

    case = type("Case", (), {"details": {"adjustments": "do not send large print " * 10_000}})()
    started = time.perf_counter()
    assert wants_large_print(case) is False
    assert time.perf_counter() - started < 2


# -- 6. letter files -----------------------------------------------------------------------------------


def test_letter_out_never_overwrites_an_existing_file(cli, acknowledged, tmp_path):
    existing = tmp_path / "existing.txt"
    existing.write_text("keep me\n")
    outcome = cli("letter", acknowledged, "--out", str(existing))
    _one_line_refusal(outcome, str(existing), "already exists", "choose another file or add --force")
    assert existing.read_text() == "keep me\n"


def test_letter_out_never_follows_a_link(cli, acknowledged, tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me\n")
    link = tmp_path / "letter.txt"
    link.symlink_to(target)
    outcome = cli("letter", acknowledged, "--out", str(link))
    _one_line_refusal(outcome, str(link), "symbolic link")
    assert target.read_text() == "keep me\n" and link.is_symlink()
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "not-yet.txt")
    _one_line_refusal(cli("letter", acknowledged, "--out", str(dangling)), "symbolic link")
    assert not (tmp_path / "not-yet.txt").exists()


def test_letter_files_are_private(cli, acknowledged, tmp_path):
    out = tmp_path / "letter.eml"
    cli.ok("letter", acknowledged, "--format", "eml", "--out", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert b"Dev Shah" in out.read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".")) == []


def test_a_step_letter_is_not_written_over_an_existing_file(cli, tmp_path):
    cli.config = str(_policy(tmp_path))
    out = tmp_path / "ack.txt"
    out.write_text("keep me\n")
    with freeze_time(TODAY):
        ref = cli.ok("log", "--name", "Dev Shah", "--summary", "Noise", "--received", "2027-03-01").stdout.strip()
        outcome = cli("acknowledge", ref, "--on", "2027-03-02", "--letter", str(out))
        case = cli.show(ref)
    # Refused as the command line is read, before the step is recorded (a usage error).
    assert outcome.exit_code == 2 and "already exists" in outcome.stderr and "--force" in outcome.stderr
    assert case["status"] == "open"
    assert out.read_text() == "keep me\n"


def test_write_step_letter_can_replace_when_forced(cli, acknowledged, tmp_path):
    """The library side of a future --force: `write` and `write_step_letter` take force=True."""
    from complaintctl.output import letters

    out = tmp_path / "forced.txt"
    out.write_text("old\n")
    out.chmod(0o644)
    letters.write(out, "new\n", force=True)
    assert out.read_text() == "new\n" and stat.S_IMODE(out.stat().st_mode) == 0o600
    with pytest.raises(Exception, match="already exists"):
        letters.write(out, "again\n")
    assert "force" in letters.write_step_letter.__code__.co_varnames


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root can write anywhere")
def test_letter_out_into_a_read_only_folder(cli, acknowledged, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        _one_line_refusal(cli("letter", acknowledged, "--out", str(folder / "a.txt")), "cannot write", "writable")
    finally:
        folder.chmod(0o700)


# -- compiled templates kept between runs ---------------------------------------------------------


def _cache_entries() -> dict[str, os.stat_result]:
    from complaintctl.storage.locations import cache_folder

    return {str(path): path.stat() for path in cache_folder().glob("letters-*/*.cache")}


def test_compiled_templates_are_kept_for_the_owner_alone_and_used_again(cli, acknowledged):
    first = cli.ok("letter", acknowledged).stdout
    kept = _cache_entries()
    assert kept, "no compiled template was kept"
    folders = {Path(path).parent for path in kept}
    assert all(stat.S_IMODE(folder.stat().st_mode) == 0o700 for folder in folders)
    assert all(stat.S_IMODE(status.st_mode) == 0o600 for status in kept.values())
    assert cli.ok("letter", acknowledged).stdout == first
    # Read, not compiled and written again: every entry is the same file as before.
    assert {path: status.st_ino for path, status in _cache_entries().items()} == {path: status.st_ino for path, status in kept.items()}


def test_a_changed_override_template_is_compiled_again(cli, acknowledged, tmp_path):
    policy = _override(tmp_path, "Hello {{ recipient.name }}\n")
    assert cli.ok("letter", acknowledged, config=str(policy)).stdout == "Hello Dev Shah\n"
    (tmp_path / "our-letters" / "acknowledgement.txt").write_text("Goodbye {{ recipient.name }}\n", encoding="utf-8")
    assert cli.ok("letter", acknowledged, config=str(policy)).stdout == "Goodbye Dev Shah\n"


def test_cached_templates_still_run_sandboxed(cli, acknowledged, tmp_path):
    marker = tmp_path / "ran"
    policy = _override(tmp_path, f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}\n")
    for _ in range(2):  # compiled, then loaded from the cache
        outcome = cli("letter", acknowledged, config=str(policy))
        _one_line_refusal(outcome, "acknowledgement.txt", "unsafe")
    assert _cache_entries() and not marker.exists()


def _forge(policy_path: Path, body: str) -> Path:
    """Put the code of `body` in the cache entry of the override's acknowledgement.txt, keyed and
    checksummed as that template's, as another account able to write the entry could."""
    from complaintctl.domain import policy as policies
    from complaintctl.output import letters
    from complaintctl.storage.locations import cache_folder, templates_folder

    env = letters.environment(policies.load(str(policy_path)), templates_folder() / "letters", cache_folder())
    source, filename, _ = env.loader.get_source(env, "acknowledgement.txt")
    bucket = env.bytecode_cache.get_bucket(env, "acknowledgement.txt", filename, source)
    bucket.code = env.compile(body, "acknowledgement.txt", filename)
    entry = env.bytecode_cache.folder / f"{bucket.key}.cache"
    with open(entry, "wb") as handle:
        bucket.write_bytecode(handle)
    return entry


def test_a_cache_entry_or_folder_others_could_change_is_never_loaded(cli, acknowledged, tmp_path):
    policy = _override(tmp_path, "Hello {{ recipient.name }}\n")
    assert cli.ok("letter", acknowledged, config=str(policy)).stdout == "Hello Dev Shah\n"
    entry = _forge(policy, "Forged {{ recipient.name }}\n")
    # The forged entry is loaded when it is private (so this test can tell the two apart)…
    entry.chmod(0o600)
    assert cli.ok("letter", acknowledged, config=str(policy)).stdout == "Forged Dev Shah\n"
    # …and never when other accounts could have written it, or the folder it is in.
    entry.chmod(0o666)
    assert cli.ok("letter", acknowledged, config=str(policy)).stdout == "Hello Dev Shah\n"
    entry = _forge(policy, "Forged {{ recipient.name }}\n")
    entry.chmod(0o600)
    entry.parent.chmod(0o777)
    try:
        assert cli.ok("letter", acknowledged, config=str(policy)).stdout == "Hello Dev Shah\n"
    finally:
        entry.parent.chmod(0o700)


def test_a_cache_folder_that_cannot_be_made_only_costs_time(cli, acknowledged, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    outcome = cli.ok("letter", acknowledged)
    assert outcome.stdout.startswith("Riverside Borough Council") and outcome.stderr == ""
