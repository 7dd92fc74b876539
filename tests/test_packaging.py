"""The package as a user gets it: a wheel built from this checkout, installed without -e into a
fresh virtual environment, and run from a folder that is not the checkout.

Everything else in the suite runs against the editable install, where the code finds the
templates and policy presets in the checkout (templates/, examples/policies/). Here the
checkout is out of reach, so `init --policy mansfield`, `letter` and `report annual` only work
if the templates and presets ship inside the package (pyproject.toml: complaintctl.templates,
complaintctl.presets) and the code looks for them there.

The wheel is built with pip (`pip wheel`), which the test environment already has, rather than
with `build`, which would be a new dependency. Installing the wheel fetches its dependencies
through pip's usual index (and cache): about 20 seconds in all.

It always runs in CI (CI=true, as `.ci/run` sets). Elsewhere COMPLAINTCTL_SKIP_WHEEL=1 skips it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PRESETS = REPO / "examples" / "policies"
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")

pytestmark = pytest.mark.skipif(
    os.environ.get("COMPLAINTCTL_SKIP_WHEEL") == "1" and not IN_CI,
    reason="COMPLAINTCTL_SKIP_WHEEL=1: not building and installing the wheel (CI always does)",
)

# What a wheel build needs from the checkout. Copied, so that the checkout's own build/ and
# *.egg-info (left by earlier builds and the editable install) can neither hide a file missing
# from the package nor add a stale one, and the test writes nothing into the checkout.
SOURCES = ["pyproject.toml", "README.md", "src", "templates", "examples"]
LEFT_BEHIND = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist", "*.db", "*.db-*")


def _clean_environment() -> dict[str, str]:
    """This process's environment without anything that would point Python at the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env["NO_COLOR"] = "1"
    return env


def _run(args: list, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=_clean_environment(), capture_output=True, text=True, timeout=timeout)


def _show(outcome: subprocess.CompletedProcess) -> str:
    return f"exit {outcome.returncode}\nstdout: {outcome.stdout[-2000:]}\nstderr: {outcome.stderr[-2000:]}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """complaintctl's wheel, built by pip from a clean copy of the checkout."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        origin = REPO / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=LEFT_BEHIND)
        else:
            shutil.copy2(origin, source / name)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist", source], cwd=work)
    assert built.returncode == 0, f"pip wheel failed:\n{_show(built)}"
    wheels = sorted((work / "dist").glob("complaintctl-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed (not editable); its scripts folder."""
    venv = tmp_path_factory.mktemp("installed") / "venv"
    made = _run([sys.executable, "-m", "venv", venv], cwd=venv.parent)
    assert made.returncode == 0, _show(made)
    scripts = venv / ("Scripts" if os.name == "nt" else "bin")
    python = scripts / ("python.exe" if os.name == "nt" else "python")
    put = _run([python, "-m", "pip", "install", "-q", wheel], cwd=venv.parent, timeout=600)
    assert put.returncode == 0, f"pip install of the wheel failed:\n{_show(put)}"
    return scripts


def test_the_wheel_holds_the_templates_the_presets_and_the_bank_holidays(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "complaintctl/domain/bank_holidays.json" in names
    for preset in sorted(PRESETS.glob("*.toml")):
        assert f"complaintctl/presets/{preset.name}" in names, f"{preset.name} is not in the wheel"
    for template in sorted((REPO / "templates").rglob("*")):
        if template.is_file():
            inside = template.relative_to(REPO / "templates").as_posix()
            assert f"complaintctl/templates/{inside}" in names, f"templates/{inside} is not in the wheel"


def test_the_installed_package_runs_away_from_the_checkout(installed, tmp_path):
    office = tmp_path / "office"
    office.mkdir()
    python = installed / ("python.exe" if os.name == "nt" else "python")
    tool = installed / ("complaintctl.exe" if os.name == "nt" else "complaintctl")

    # The package imported is the installed copy, not the checkout.
    where = _run([python, "-c", "import complaintctl; print(complaintctl.__file__)"], cwd=office)
    assert where.returncode == 0, _show(where)
    assert Path(where.stdout.strip()).resolve().is_relative_to(installed.parent.resolve()), where.stdout

    db, policy = office / "complaints.db", office / "complaintctl.toml"

    def cli(*args: str) -> subprocess.CompletedProcess:
        return _run([tool, "--db", db, *args], cwd=office, timeout=120)

    started = cli("init", "--policy", "mansfield", "--policy-out", str(policy))
    assert started.returncode == 0, f"init --policy mansfield from the installed wheel:\n{_show(started)}"
    assert policy.read_text(encoding="utf-8") == (PRESETS / "mansfield.toml").read_text(encoding="utf-8")

    received = date.today() - timedelta(days=3)
    logged = cli("--config", str(policy), "log", "--name", "A Tenant", "--summary", "Damp in the bathroom not inspected",
                 "--received", received.isoformat(), "--json")
    assert logged.returncode == 0, _show(logged)
    reference = json.loads(logged.stdout)["reference"]
    prefix = tomllib.loads(policy.read_text(encoding="utf-8"))["organisation"]["reference_prefix"]
    assert reference.startswith(f"{prefix}-"), reference

    # A letter needs a step to write about: the acknowledgement.
    acknowledged = cli("--config", str(policy), "acknowledge", reference, "--handler", "Priya Shah")
    assert acknowledged.returncode == 0, _show(acknowledged)
    letter = cli("--config", str(policy), "letter", reference)
    assert letter.returncode == 0, _show(letter)
    assert reference in letter.stdout and "Mansfield District Council" in letter.stdout

    year = received.year if received.month >= 4 else received.year - 1
    report = cli("--config", str(policy), "report", "annual", "--year", str(year))
    assert report.returncode == 0, _show(report)
    assert "Mansfield District Council" in report.stdout and "Stage 1 complaints received" in report.stdout
    page = cli("--config", str(policy), "report", "annual", "--year", str(year), "--format", "html")
    assert page.returncode == 0, _show(page)
    assert page.stdout.lstrip().startswith("<!DOCTYPE html>") and "<svg" in page.stdout
