"""Records kept for the annual report: Ombudsman referrals and determinations, the
complainant's satisfaction survey, and the learning a closed complaint leaves behind.

Like every other step these are events on the case; `records_of` folds them into plain values
and `records_store` keeps a queryable projection of them. None of them changes the case's state
or its deadlines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from complaintctl.errors import InvalidInput, InvalidTransition, NotFound
from complaintctl.model import Case, Stage

if TYPE_CHECKING:
    from complaintctl.services import Context, Step

FINDINGS: dict[str, str] = {
    "severe-maladministration": "Severe maladministration",
    "maladministration": "Maladministration",
    "service-failure": "Service failure",
    "no-maladministration": "No maladministration",
    "reasonable-redress": "Reasonable redress",
    "outside-jurisdiction": "Outside jurisdiction",
    "withdrawn": "Withdrawn",
}

ORDER_KINDS: dict[str, str] = {
    "apology": "Apology",
    "compensation": "Compensation",
    "repairs": "Repairs",
    "training": "Staff training",
    "policy-review": "Policy review",
    "other": "Other",
}

# The five questions of the survey sent after a complaint is closed (seed 003), each answered
# yes or no; the report gives the share of yes among those who answered that question.
SURVEY_QUESTIONS: dict[str, str] = {
    "satisfied_with_handling": "were satisfied with the way in which their complaint was dealt with",
    "easy_to_complain": "stated that it was easy to make a complaint",
    "satisfied_with_time": "were satisfied with the time it took to deal with the complaint",
    "kept_informed": "felt that they were kept informed of progress with their complaint",
    "fully_addressed": "stated that their complaint was fully addressed",
}

RECORD_KINDS = (
    "ombudsman-referred",
    "ombudsman-determined",
    "ombudsman-order",
    "ombudsman-complied",
    "survey",
    "learning",
)


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
    """Fold a case's report records out of its events."""
    records = Records()
    for event in case.events:
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
    """Whether any report record exists, so the projection can be skipped for most cases."""
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


# -- the steps -------------------------------------------------------------------------------------


def _services():
    from complaintctl import services

    return services


def _require_complaint(case: Case, what: str) -> None:
    if not case.has_clock:
        raise InvalidTransition(f"{case.reference} is a {case.type}, not a complaint, so it has no {what}")


def _last_closed(case: Case) -> Stage | None:
    closed = [stage for stage in case.stages if stage.is_closed]
    return closed[-1] if closed else None


def _referral(case: Case, step: str) -> Referral:
    referral = records_of(case).referral
    if referral is None:
        raise InvalidTransition(
            f"{case.reference} has not been referred to the Ombudsman; "
            f"record the referral with `complaintctl ombudsman refer {case.reference}` before {step}"
        )
    return referral


def refer(
    ctx: "Context",
    reference: str,
    on: date,
    their_reference: str | None = None,
    ombudsman: str | None = None,
) -> Case:
    """Record that the complainant took the complaint to the Ombudsman."""
    services = _services()

    def plan(case: Case) -> list["Step"]:
        _require_complaint(case, "Ombudsman referral")
        existing = records_of(case).referral
        if existing:
            raise InvalidTransition(f"{case.reference} was already referred to the Ombudsman on {existing.referred_on.isoformat()}")
        services._check_on(ctx, case, on, after=case.received_on, what="the referral")
        return [
            (
                "ombudsman-referred",
                on,
                {"ombudsman": ombudsman or case.ombudsman, "their_reference": services._clean(their_reference)},
            )
        ]

    return services._record(ctx, reference, plan)


def determine(ctx: "Context", reference: str, on: date, findings: list[str]) -> Case:
    """Record the Ombudsman's determination: one finding for each element of the complaint."""
    services = _services()

    def plan(case: Case) -> list["Step"]:
        referral = _referral(case, "its determination")
        if referral.determined_on:
            raise InvalidTransition(
                f"{case.reference}: the Ombudsman's determination was already recorded on {referral.determined_on.isoformat()}"
            )
        if not findings:
            raise InvalidInput("give at least one --finding ELEMENT=FINDING, e.g. --finding 'Repairs=maladministration'")
        services._check_on(ctx, case, on, after=referral.referred_on, what="the determination")
        default_element = case.details.get("category") or case.details.get("service") or "Complaint"
        parsed = [parse_finding(text, default_element) for text in findings]
        return [
            (
                "ombudsman-determined",
                on,
                {"findings": [{"element": element, "finding": code} for element, code in parsed]},
            )
        ]

    return services._record(ctx, reference, plan)


def add_order(
    ctx: "Context",
    reference: str,
    kind: str,
    due: date,
    what: str | None = None,
    amount_pence: int | None = None,
    on: date | None = None,
) -> Case:
    """Record one order of the Ombudsman's determination, with its compliance date."""
    services = _services()

    def plan(case: Case) -> list["Step"]:
        referral = _referral(case, "its orders")
        if referral.determined_on is None:
            raise InvalidTransition(
                f"{case.reference}: record the determination with `complaintctl ombudsman determine {case.reference}` "
                "before its orders"
            )
        code = order_kind(kind)
        made_on = on or referral.determined_on
        services._check_on(ctx, case, made_on, after=referral.determined_on, what="the order")
        if due < made_on:
            raise InvalidInput(f"{case.reference}: --due {due.isoformat()} is before the order was made ({made_on.isoformat()})")
        if code == "compensation" and not amount_pence:
            raise InvalidInput("a compensation order needs --amount, the sum ordered in pounds")
        if code != "compensation" and amount_pence:
            raise InvalidInput("--amount applies only to a compensation order")
        if code == "other" and not services._clean(what):
            raise InvalidInput("say what an 'other' order requires with --what TEXT")
        return [
            (
                "ombudsman-order",
                made_on,
                {
                    "number": len(referral.orders) + 1,
                    "kind": code,
                    "what": services._clean(what),
                    "amount_pence": amount_pence or 0,
                    "due": due.isoformat(),
                },
            )
        ]

    return services._record(ctx, reference, plan)


def comply(ctx: "Context", reference: str, number: int, on: date) -> Case:
    """Record that an Ombudsman order was complied with."""
    services = _services()

    def plan(case: Case) -> list["Step"]:
        referral = _referral(case, "compliance with its orders")
        order = next((item for item in referral.orders if item.number == number), None)
        if order is None:
            raise NotFound(
                f"{case.reference} has no Ombudsman order {number}; see them with `complaintctl ombudsman show {case.reference}`"
            )
        if order.complied_on:
            raise InvalidTransition(f"{case.reference}: order {number} was already complied with on {order.complied_on.isoformat()}")
        services._check_on(ctx, case, on, after=order.made_on, what="compliance with the order")
        return [("ombudsman-complied", on, {"number": number})]

    return services._record(ctx, reference, plan)


def record_survey(ctx: "Context", reference: str, on: date, answers: dict[str, bool | None]) -> Case:
    """Record the complainant's answers to the satisfaction survey sent after closure."""
    services = _services()

    def plan(case: Case) -> list["Step"]:
        _require_complaint(case, "satisfaction survey")
        stage = _last_closed(case)
        if stage is None or not case.current.is_closed:
            raise InvalidTransition(
                f"{case.reference}: stage {case.stage} is still open; the survey is recorded after the complaint is closed"
            )
        if any(survey.stage == stage.number for survey in records_of(case).surveys):
            raise InvalidTransition(f"{case.reference}: a survey was already recorded after stage {stage.number}")
        unknown = set(answers) - set(SURVEY_QUESTIONS)
        if unknown:
            raise InvalidInput(f"unknown survey question {sorted(unknown)[0]!r}")
        if all(answer is None for answer in answers.values()):
            raise InvalidInput("give at least one answer: --satisfied, --easy, --time, --informed or --addressed (yes or no)")
        services._check_on(ctx, case, on, after=stage.closed_on, what="the survey")
        return [
            (
                "survey",
                on,
                {"stage": stage.number, "answers": {key: answers.get(key) for key in SURVEY_QUESTIONS}},
            )
        ]

    return services._record(ctx, reference, plan)


def record_learning(ctx: "Context", reference: str, on: date, text: str) -> Case:
    """Record what the organisation learned or changed because of a closed complaint."""
    services = _services()

    def plan(case: Case) -> list["Step"]:
        _require_complaint(case, "learning to record")
        stage = _last_closed(case)
        if stage is None:
            raise InvalidTransition(
                f"{case.reference}: stage 1 is still open; record learning once the complaint has an outcome"
            )
        if not services._clean(text):
            raise InvalidInput("the learning is empty; say what was learned or changed")
        services._check_on(ctx, case, on, after=stage.closed_on, what="the learning")
        return [("learning", on, {"stage": stage.number, "text": services._clean(text)})]

    return services._record(ctx, reference, plan)


# -- JSON ------------------------------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def records_json(case: Case) -> dict[str, Any]:
    records = records_of(case)
    referral = records.referral
    return {
        "ombudsman_referral": None
        if referral is None
        else {
            "ombudsman": referral.ombudsman,
            "referred_on": _iso(referral.referred_on),
            "their_reference": referral.their_reference,
            "determined_on": _iso(referral.determined_on),
            "findings": [{"number": f.number, "element": f.element, "finding": f.finding} for f in referral.findings],
            "orders": [
                {
                    "number": order.number,
                    "kind": order.kind,
                    "what": order.what,
                    "amount": round(order.amount_pence / 100, 2),
                    "made_on": _iso(order.made_on),
                    "due": _iso(order.due),
                    "complied_on": _iso(order.complied_on),
                    "complied_in_time": order.complied_in_time(),
                }
                for order in referral.orders
            ],
        },
        "surveys": [
            {"stage": survey.stage, "answered_on": _iso(survey.answered_on), "answers": survey.answers}
            for survey in records.surveys
        ],
        "learning": [
            {"number": item.number, "stage": item.stage, "recorded_on": _iso(item.recorded_on), "text": item.text}
            for item in records.learning
        ],
    }


def event_summary(kind: str, details: dict[str, Any]) -> str:
    """One line for a record event in a case's history."""
    if kind == "ombudsman-referred":
        text = "referred to the " + ("Housing Ombudsman" if details.get("ombudsman") == "housing" else "LGSCO")
        return text + (f" ({details['their_reference']})" if details.get("their_reference") else "")
    if kind == "ombudsman-determined":
        return "determination: " + "; ".join(
            f"{item['element']}: {FINDINGS.get(item['finding'], item['finding']).lower()}" for item in details["findings"]
        )
    if kind == "ombudsman-order":
        amount = f" £{details['amount_pence'] / 100:,.2f}" if details.get("amount_pence") else ""
        what = f": {details['what']}" if details.get("what") else ""
        return f"order {details['number']}, {ORDER_KINDS.get(details['kind'], details['kind']).lower()}{amount}{what}, by {details['due']}"
    if kind == "ombudsman-complied":
        return f"order {details['number']} complied with"
    if kind == "survey":
        answered = {key: value for key, value in details["answers"].items() if value is not None}
        return f"survey after stage {details['stage']}: {sum(answered.values())} of {len(answered)} answers yes"
    if kind == "learning":
        return details["text"]
    return ""
