"""Records kept for the annual report: Ombudsman referrals and determinations, the
complainant's satisfaction survey, and the learning a closed complaint leaves behind.

Like every other step these are events on the case; `records_of` folds them into plain values
and the storage keeps a queryable projection of them. None of them changes the case's state
or its deadlines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from complaintctl.domain.case import Case
from complaintctl.domain.events import RECORD_KINDS
from complaintctl.domain.vocabulary import FINDINGS, ORDER_KINDS
from complaintctl.errors import InvalidInput

@dataclass
class Finding:
    """The Ombudsman's finding on one element of the complaint."""

    number: int
    element: str
    finding: str


@dataclass
class Order:
    """Something the Ombudsman ordered; `due` is the compliance date."""

    number: int
    kind: str
    what: str | None
    amount_pence: int
    made_on: date
    due: date
    complied_on: date | None = None

    def complied_in_time(self) -> bool | None:
        return None if self.complied_on is None else self.complied_on <= self.due


@dataclass
class Referral:
    ombudsman: str
    referred_on: date
    their_reference: str | None
    determined_on: date | None = None
    findings: list[Finding] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)


@dataclass
class Survey:
    stage: int
    answered_on: date
    answers: dict[str, bool | None]


@dataclass
class Learning:
    number: int
    stage: int
    recorded_on: date
    text: str


@dataclass
class Records:
    referral: Referral | None = None
    surveys: list[Survey] = field(default_factory=list)
    learning: list[Learning] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.referral is None and not self.surveys and not self.learning


def records_of(case: Case) -> Records:
    """Fold a case's report records out of its events (those not voided)."""
    records = Records()
    for event in case.events_in_force:
        data = event.details
        kind = event.kind
        if kind == "closed" and data.get("learning"):
            records.learning.append(Learning(len(records.learning) + 1, int(data.get("stage") or 1), event.on, data["learning"]))
        elif kind == "learning":
            records.learning.append(Learning(len(records.learning) + 1, int(data["stage"]), event.on, data["text"]))
        elif kind == "survey":
            records.surveys.append(Survey(int(data["stage"]), event.on, dict(data["answers"])))
        elif kind == "ombudsman-referred":
            records.referral = Referral(data["ombudsman"], event.on, data.get("their_reference"))
        elif kind == "ombudsman-determined" and records.referral:
            records.referral.determined_on = event.on
            records.referral.findings = [
                Finding(index, item["element"], item["finding"]) for index, item in enumerate(data["findings"], start=1)
            ]
        elif kind == "ombudsman-order" and records.referral:
            records.referral.orders.append(
                Order(
                    number=int(data["number"]),
                    kind=data["kind"],
                    what=data.get("what"),
                    amount_pence=int(data.get("amount_pence") or 0),
                    made_on=event.on,
                    due=date.fromisoformat(data["due"]),
                )
            )
        elif kind == "ombudsman-complied" and records.referral:
            for order in records.referral.orders:
                if order.number == int(data["number"]):
                    order.complied_on = event.on
    return records


def has_records(case: Case) -> bool:
    """Whether any report record was ever recorded, so the projection can be skipped for most
    cases. Voided records count: their rows are still to be removed."""
    return any(
        event.kind in RECORD_KINDS or (event.kind == "closed" and event.details.get("learning")) for event in case.events
    )


# -- parsing what officers type --------------------------------------------------------------------


def _slug(text: str) -> str:
    return "-".join(text.strip().lower().replace("_", " ").split())


def parse_finding(text: str, default_element: str) -> tuple[str, str]:
    """`ELEMENT=FINDING` (or just `FINDING`) as typed, to (element, finding code)."""
    element, separator, finding = text.rpartition("=")
    if not separator:
        element, finding = default_element, text
    code = _slug(finding)
    if code not in FINDINGS:
        raise InvalidInput(f"unknown finding {finding.strip()!r}; use one of: {', '.join(FINDINGS)}")
    element = " ".join(element.split())
    if not element:
        raise InvalidInput(f"--finding {text!r} has no complaint element before '='; write it as ELEMENT=FINDING")
    return element, code


def order_kind(text: str) -> str:
    code = _slug(text)
    if code == "staff-training":
        code = "training"
    if code not in ORDER_KINDS:
        raise InvalidInput(f"unknown order {text.strip()!r}; use one of: {', '.join(ORDER_KINDS)}")
    return code
