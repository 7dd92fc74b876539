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
    assert outcome.stderr.startswith("Error: ") and outcome.stderr.count("\n") == 1, outcome.stderr
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
    cli.config = str(_policy(tmp_path))
    declined = "no large print needed for this letter " * 5400  # about 200 KB, one clause
    assert len(declined) > 200_000
    with freeze_time(TODAY):
        ref = cli.ok("log", "--name", "Dev Shah", "--summary", "Noise", "--received", "2027-03-01",
                     "--adjustments", declined + ", large print please").stdout.strip()
        cli.ok("acknowledge", ref, "--on", "2027-03-02", "--handler", "Sam Reed")
    started = time.perf_counter()
    html = cli.ok("letter", ref, "--format", "html").stdout
    took = time.perf_counter() - started
    assert took < 2, f"a letter with 200 KB of adjustments took {took:.1f}s"
    assert "font-size: 18pt" in html  # the last clause asks for it


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
