"""The policy file: the organisation, its calendar and its timescales.

The built-in default is the Housing Ombudsman's Complaint Handling Code (2024) with the bank
holidays of England and Wales. A TOML file overrides any key; an unknown key or a bad value is
a PolicyError naming the key and the file.

A database keeps the versions of its policy (`PolicyVersion`, `PolicyHistory`): each change is a
new version, in force from when it was recorded, and a step is judged by the version in force
when it was recorded.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from complaintctl.domain.vocabulary import (
    ANONYMOUS_INTAKE,
    EXCLUSIONS,
    OFFICER_ROLES,
    OMBUDSMEN,
    STAGE2_REASONS,
)
from complaintctl.errors import PolicyError

if TYPE_CHECKING:
    from complaintctl.domain.calendar import Calendar

RESPOND_FROM = ("acknowledgement", "receipt")

DEFAULTS: dict[str, Any] = {
    "organisation": {
        "name": "Example District Council",
        "team": "Customer Feedback Team",
        "address": "Council Offices, High Street, Exampleton, EX1 1AA",
        "phone": "01632 960000",
        "email": "complaints@example.gov.uk",
        "website": "https://www.example.gov.uk/complaints",
        "signatory": "Complaints Manager",
        "homes": 0,
        "default_ombudsman": "lgsco",
        "reference_prefix": "CMP",
    },
    "calendar": {"nation": "england-and-wales", "closures": []},
    "stage1": {
        "acknowledge_days": 5,
        "respond_days": 10,
        "respond_from": "acknowledgement",
        "extension_max_days": 10,
    },
    "stage2": {
        "escalation_window": "none",
        "acknowledge_days": 5,
        "respond_days": 20,
        "respond_from": "acknowledgement",
        "extension_max_days": 20,
        "reasons": "optional",
    },
    "updates": {"every_days": 0},
    "intake": {"anonymous": "formal"},
    # Years after a case is settled that its personal data is kept (domain/retention.py).
    "retention": {"years": 6},
    "letters": {"templates": "", "exclusions": {}},
    "ombudsman": {
        "housing_services": [],
        "housing": {
            "name": "Housing Ombudsman Service",
            "phone": "0300 111 3000",
            "email": "info@housing-ombudsman.org.uk",
            "address": "PO Box 1484, Unit D, Preston, PR2 0ET",
            "website": "www.housing-ombudsman.org.uk",
        },
        "lgsco": {
            "name": "Local Government and Social Care Ombudsman",
            "phone": "0300 061 0614",
            "email": "",
            "address": "PO Box 4771, Coventry, CV4 0EH",
            "website": "www.lgo.org.uk",
        },
    },
}

_WINDOW_FORM = re.compile(r"^(\d+)\s+(month|months|working days?|days?)$")
_PREFIX_FORM = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")


@dataclass(frozen=True)
class EscalationWindow:
    """How long after a stage 1 response the complainant may ask for stage 2."""

    unit: str  # "none", "months", "working_days", "days"
    amount: int = 0

    @classmethod
    def parse(cls, text: str) -> "EscalationWindow":
        cleaned = " ".join(text.strip().lower().split())
        if cleaned == "none":
            return cls("none")
        match = _WINDOW_FORM.match(cleaned)
        if not match or int(match.group(1)) <= 0:
            raise ValueError('use "none", "1 month", "N working days" or "N days"')
        amount, unit = int(match.group(1)), match.group(2)
        if unit.startswith("month"):
            return cls("months", amount)
        if unit.startswith("working"):
            return cls("working_days", amount)
        return cls("days", amount)

    def describe(self) -> str:
        if self.unit == "none":
            return "no time limit"
        if self.unit == "months":
            return f"{self.amount} calendar month" + ("s" if self.amount != 1 else "")
        if self.unit == "working_days":
            return f"{self.amount} working days"
        return f"{self.amount} days"


@dataclass(frozen=True)
class StageRules:
    acknowledge_days: int
    respond_days: int
    respond_from: str
    extension_max_days: int


@dataclass(frozen=True)
class Policy:
    """A validated policy; `raw` keeps the merged tables for letters and reports."""

    raw: dict[str, Any]
    source: str

    @property
    def organisation(self) -> dict[str, Any]:
        return self.raw["organisation"]

    @property
    def nation(self) -> str:
        return self.raw["calendar"]["nation"]

    @property
    def closures(self) -> tuple[date, ...]:
        return tuple(date.fromisoformat(text) for text in self.raw["calendar"]["closures"])

    @property
    def reference_prefix(self) -> str:
        return self.organisation["reference_prefix"]

    @property
    def homes(self) -> int | dict[str, int]:
        """`[organisation] homes`: one number for every year, or a table by the year the report
        starts in (`homes = { 2024 = 6303, 2025 = 6290 }`)."""
        return self.organisation["homes"]

    def homes_in(self, year: int) -> int | None:
        """The homes figure for the year starting 1 April `year`: the single number, or the
        table's entry for that year (None when the table has none)."""
        homes = self.homes
        if isinstance(homes, dict):
            return homes.get(str(year))
        return homes

    @cached_property
    def default_ombudsman(self) -> str:
        # Read once: deriving a case asks for it, an export a million times.
        return self.organisation["default_ombudsman"]

    @cached_property
    def escalation_window(self) -> EscalationWindow:
        # Read once: deriving a case asks for it at each close, an export a million times.
        return EscalationWindow.parse(self.raw["stage2"]["escalation_window"])

    @property
    def reviewer_role(self) -> str | None:
        """The role a stage 2 handler must hold on the team roster (`[stage2] reviewer_role`); None
        when any officer who did not handle stage 1 may. An optional key, absent from DEFAULTS, so
        that a policy without it keeps its fingerprint."""
        return self.raw["stage2"].get("reviewer_role") or None

    @property
    def update_every_days(self) -> int:
        return self.raw["updates"]["every_days"]

    @property
    def templates_folder(self) -> Path | None:
        folder = self.raw["letters"]["templates"]
        return Path(folder) if folder else None

    @property
    def stage2_reasons(self) -> str:
        """"optional", or "required-lgsco": a stage 2 request to the LGSCO must say what the
        complainant remains unhappy about (never one to the Housing Ombudsman, whose Code says a
        landlord must not insist)."""
        return self.raw["stage2"]["reasons"]

    @property
    def retention_years(self) -> int:
        return self.raw["retention"]["years"]

    @property
    def anonymous_informal(self) -> bool:
        """Anonymous complaints are kept and answered, but counted apart from the complaint
        figures of the annual report."""
        return self.raw["intake"]["anonymous"] == "informal"

    def exclusion_sentence(self, code: str) -> str:
        """The words of an exclusion as a refusal letter gives them: the policy's, else the built-in."""
        return self.raw["letters"]["exclusions"].get(code) or EXCLUSIONS[code]

    def routes_to_housing(self, service: str | None, said: bool | None = None) -> bool:
        """Whether a complaint goes to the Housing Ombudsman: as `--housing` or `--no-housing`
        said, else when its service is one of `[ombudsman] housing_services` (compared without
        regard to case or spacing)."""
        if said is not None:
            return said
        listed = {_service_key(item) for item in self.raw["ombudsman"]["housing_services"]}
        return bool(service) and _service_key(service) in listed

    def stage(self, number: int) -> StageRules:
        rules = self._stage_rules.get(number)
        if rules is None:
            table = self.raw[f"stage{number}"]
            rules = self._stage_rules[number] = StageRules(
                acknowledge_days=table["acknowledge_days"],
                respond_days=table["respond_days"],
                respond_from=table["respond_from"],
                extension_max_days=table["extension_max_days"],
            )
        return rules

    @cached_property
    def _stage_rules(self) -> dict[int, StageRules]:
        # Each stage's rules made once: deriving a case asks for them at every step.
        return {}

    def ombudsman(self, which: str) -> dict[str, str]:
        return self.raw["ombudsman"][which]

    def calendar(self):
        """The working-day calendar this policy describes (built on first use)."""
        from complaintctl.domain.calendar import Calendar

        return Calendar(self.nation, self.closures)

    def content(self) -> str:
        """Every value of the policy as JSON, as a database stores it (see `from_content`)."""
        return json.dumps(self.raw, sort_keys=True, ensure_ascii=False)

    def fingerprint(self) -> str:
        """Changes whenever any value of the policy changes: its timescales and calendar, and
        also what letters and references say (the organisation, the Ombudsman, the templates)."""
        import hashlib  # here: loading OpenSSL costs a read that never fingerprints

        return hashlib.sha256(self.content().encode()).hexdigest()[:16]


def _service_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _check_int(value: Any, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"must be a whole number of at least {minimum}")
    return value


def _check_text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a quoted string")
    return value


def _check_choice(choices: tuple[str, ...]):
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError("must be one of " + ", ".join(f'"{c}"' for c in choices))
        return value

    return check


def _check_prefix(value: Any) -> str:
    if not isinstance(value, str) or not _PREFIX_FORM.match(value):
        raise ValueError("must be 1-10 capital letters or digits, starting with a letter")
    return value


def _check_closures(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ValueError('must be a list of dates, e.g. ["2026-12-29"]')
    checked = []
    for item in value:
        text = item.isoformat() if isinstance(item, date) else item
        try:
            date.fromisoformat(text)
        except (TypeError, ValueError):
            raise ValueError(f"{item!r} is not a date in the form YYYY-MM-DD") from None
        checked.append(text)
    return checked


def _check_services(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError('must be a list of service names, e.g. ["Housing Repairs", "Tenancy Management"]')
    return value


def _check_homes(value: Any) -> int | dict[str, int]:
    """A whole number, or a table of them by the year the report starts in."""
    if not isinstance(value, dict):
        return _check_int(value)
    checked = {}
    for year, homes in value.items():
        if not (isinstance(year, str) and len(year) == 4 and year.isdigit()):
            raise ValueError(f"has the year {year!r}; write each year as the year it starts in, e.g. {{ 2025 = 6500 }}")
        try:
            checked[year] = _check_int(homes)
        except ValueError as problem:
            raise ValueError(f"for {year} {problem}") from None
    return checked


def _check_sentence(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be the sentence a refusal letter gives, in quotes")
    return value


def _check_window(value: Any) -> str:
    EscalationWindow.parse(_check_text(value))
    return value


_STAGE_CHECKS = {
    "acknowledge_days": _check_int,
    "respond_days": lambda v: _check_int(v, 1),
    "respond_from": _check_choice(RESPOND_FROM),
    "extension_max_days": _check_int,
}
_OMBUDSMAN_CHECKS = {key: _check_text for key in ("name", "phone", "email", "address", "website")}

CHECKS: dict[str, dict[str, Any]] = {
    "organisation": {
        "name": _check_text,
        "team": _check_text,
        "address": _check_text,
        "phone": _check_text,
        "email": _check_text,
        "website": _check_text,
        "signatory": _check_text,
        "homes": _check_homes,
        "default_ombudsman": _check_choice(OMBUDSMEN),
        "reference_prefix": _check_prefix,
    },
    "calendar": {
        "nation": _check_choice(("england-and-wales", "scotland", "northern-ireland")),
        "closures": _check_closures,
    },
    "stage1": dict(_STAGE_CHECKS),
    "stage2": {
        "escalation_window": _check_window,
        **_STAGE_CHECKS,
        "reviewer_role": _check_choice(("", *OFFICER_ROLES)),
        "reasons": _check_choice(STAGE2_REASONS),
    },
    "updates": {"every_days": _check_int},
    "intake": {"anonymous": _check_choice(ANONYMOUS_INTAKE)},
    "retention": {"years": lambda v: _check_int(v, 1)},
    # [letters.exclusions] CODE = "sentence": an unknown code is refused with the codes known.
    "letters": {"templates": _check_text, "exclusions": {code: _check_sentence for code in EXCLUSIONS}},
    "ombudsman": {"housing_services": _check_services, "housing": _OMBUDSMAN_CHECKS, "lgsco": _OMBUDSMAN_CHECKS},
}


def _merge(base: dict[str, Any], overrides: dict[str, Any], checks: dict, path: str, source: str):
    for key, value in overrides.items():
        dotted = f"{path}.{key}" if path else key
        if key not in checks:
            known = ", ".join(sorted(checks))
            raise PolicyError(f"policy file {source}: unknown key {dotted!r}; known keys here: {known}")
        check = checks[key]
        if isinstance(check, dict):
            if not isinstance(value, dict):
                raise PolicyError(f"policy file {source}: {dotted!r} must be a table [{dotted}]")
            _merge(base[key], value, check, dotted, source)
            continue
        try:
            base[key] = check(value)
        except ValueError as problem:
            raise PolicyError(f"policy file {source}: {dotted} = {value!r} {problem}") from None


def from_mapping(overrides: dict[str, Any], source: str = "<built-in>", base_dir: Path | None = None) -> Policy:
    merged = copy.deepcopy(DEFAULTS)
    _merge(merged, overrides, CHECKS, "", source)
    folder = merged["letters"]["templates"]
    if folder and base_dir is not None and not Path(folder).is_absolute():
        merged["letters"]["templates"] = str((base_dir / folder).resolve())
    return Policy(raw=merged, source=source)


def from_content(content: str, source: str) -> Policy:
    """The policy a database stored (`Policy.content`), checked again as a file would be."""
    try:
        stored = json.loads(content)
    except ValueError:
        raise PolicyError(f"{source} cannot be read: it was altered outside complaintctl") from None
    if not isinstance(stored, dict):
        raise PolicyError(f"{source} cannot be read: it was altered outside complaintctl")
    return from_mapping(stored, source)


def parse(text: str, source: str, base_dir: Path | None = None) -> Policy:
    """The built-in policy overridden by the TOML text of a policy file (a preset's, say)."""
    import tomllib

    try:
        overrides = tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        raise PolicyError(f"policy file {source} is not valid TOML: {problem}") from None
    return from_mapping(overrides, source, base_dir)


def _leaves(table: dict[str, Any], path: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in table.items():
        dotted = f"{path}.{key}" if path else key
        if isinstance(value, dict):
            yield from _leaves(value, dotted)
        else:
            yield dotted, value


def changed_keys(before: Policy, after: Policy) -> list[str]:
    """The dotted keys whose values differ between two policies, in the order of the file,
    e.g. ["calendar.closures", "stage1.respond_days"]."""
    old, new = dict(_leaves(before.raw)), dict(_leaves(after.raw))
    keys = list(old) + [key for key in new if key not in old]
    return [key for key in keys if old.get(key) != new.get(key)]


def _utc(moment: datetime) -> datetime:
    """A moment comparable with every other: one written without a zone is taken as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class PolicyVersion:
    """One version of a database's policy.

    number:      1, 2, 3… in the order they were stored
    recorded_at: when it was stored; it is in force from then until the next version (the
                 first version is in force from the beginning, before it was stored too)
    policy:      the policy itself
    officer:     who stored it (the officer of the command that brought it)
    note:        what changed from the version before, e.g. "calendar.closures"
    """

    number: int
    recorded_at: datetime
    policy: Policy
    officer: str = ""
    note: str = ""

    @cached_property
    def calendar(self) -> "Calendar":
        return self.policy.calendar()


class PolicyHistory:
    """A database's policy versions, oldest first: which was in force at any moment."""

    def __init__(self, versions: Sequence[PolicyVersion]) -> None:
        if not versions:
            raise ValueError("a policy history has at least one version")
        self.versions = tuple(versions)
        self._starts = [_utc(version.recorded_at) for version in self.versions]

    @property
    def latest(self) -> PolicyVersion:
        """The version in force now."""
        return self.versions[-1]

    def _index_at(self, moment: datetime) -> int:
        # The newest version recorded at or before `moment`, by number rather than by time, so
        # that a clock set back between two versions cannot put a later step under an older one.
        if len(self._starts) == 1:  # most databases: one version, whenever asked
            return 0
        moment = _utc(moment)
        for index in range(len(self.versions) - 1, 0, -1):
            if self._starts[index] <= moment:
                return index
        return 0

    def at(self, moment: datetime) -> PolicyVersion:
        """The version in force at `moment`: the latest recorded at or before it; the first
        version for anything before that."""
        return self.versions[self._index_at(moment)]

    def until(self, moment: datetime) -> "PolicyHistory":
        """The history as it stood at `moment`: the versions recorded by then."""
        return PolicyHistory(self.versions[: self._index_at(moment) + 1])


def load(path: str | Path | None) -> Policy:
    """The built-in policy, overridden by the file at `path` when one is given."""
    if not path:
        return from_mapping({})
    import tomllib

    file = Path(path)
    try:
        with file.open("rb") as handle:
            overrides = tomllib.load(handle)
    except FileNotFoundError:
        raise PolicyError(f"policy file {file} does not exist; check --config or COMPLAINTCTL_CONFIG") from None
    except OSError as problem:
        raise PolicyError(f"policy file {file} cannot be read ({problem.strerror})") from None
    except tomllib.TOMLDecodeError as problem:
        raise PolicyError(f"policy file {file} is not valid TOML: {problem}") from None
    except UnicodeDecodeError:
        raise PolicyError(f"policy file {file} is not UTF-8 text; save it as UTF-8") from None
    except ValueError:
        # An impossible path, such as one with a NUL character in it.
        raise PolicyError(f"policy file {str(path)!r} is not a usable path; check --config or COMPLAINTCTL_CONFIG") from None
    return from_mapping(overrides, str(file), file.parent)
