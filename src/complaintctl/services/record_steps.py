"""The steps that record what the annual report needs: Ombudsman referrals, determinations and
orders, the satisfaction survey, and learning. Each is an event on the case."""

from __future__ import annotations

from datetime import date

from complaintctl.domain.case import Case, Stage
from complaintctl.domain.records import Referral, order_kind, parse_finding, records_of
from complaintctl.domain.vocabulary import SURVEY_QUESTIONS
from complaintctl.errors import InvalidInput, InvalidTransition, NotFound
from complaintctl.services.context import Context, Step
from complaintctl.services.steps import check_on, clean, record_steps

# -- the steps -------------------------------------------------------------------------------------



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
    ctx: Context,
    reference: str,
    on: date,
    their_reference: str | None = None,
    ombudsman: str | None = None,
) -> Case:
    """Record that the complainant took the complaint to the Ombudsman."""
    def plan(case: Case) -> list[Step]:
        _require_complaint(case, "Ombudsman referral")
        existing = records_of(case).referral
        if existing:
            raise InvalidTransition(f"{case.reference} was already referred to the Ombudsman on {existing.referred_on.isoformat()}")
        check_on(ctx, case, on, after=case.received_on, what="the referral", since="the case was received")
        return [
            (
                "ombudsman-referred",
                on,
                {"ombudsman": ombudsman or case.ombudsman, "their_reference": clean(their_reference)},
            )
        ]

    return record_steps(ctx, reference, plan)


def determine(ctx: Context, reference: str, on: date, findings: list[str]) -> Case:
    """Record the Ombudsman's determination: one finding for each element of the complaint."""
    def plan(case: Case) -> list[Step]:
        referral = _referral(case, "its determination")
        if referral.determined_on:
            raise InvalidTransition(
                f"{case.reference}: the Ombudsman's determination was already recorded on {referral.determined_on.isoformat()}"
            )
        if not findings:
            raise InvalidInput("give at least one --finding ELEMENT=FINDING, e.g. --finding 'Repairs=maladministration'")
        check_on(ctx, case, on, after=referral.referred_on, what="the determination", since="it was referred")
        default_element = case.details.get("category") or case.details.get("service") or "Complaint"
        parsed = [parse_finding(text, default_element) for text in findings]
        return [
            (
                "ombudsman-determined",
                on,
                {"findings": [{"element": element, "finding": code} for element, code in parsed]},
            )
        ]

    return record_steps(ctx, reference, plan)


def add_order(
    ctx: Context,
    reference: str,
    kind: str,
    due: date,
    what: str | None = None,
    amount_pence: int | None = None,
    on: date | None = None,
) -> Case:
    """Record one order of the Ombudsman's determination, with its compliance date."""
    def plan(case: Case) -> list[Step]:
        referral = _referral(case, "its orders")
        if referral.determined_on is None:
            raise InvalidTransition(
                f"{case.reference}: record the determination with `complaintctl ombudsman determine {case.reference}` "
                "before its orders"
            )
        code = order_kind(kind)
        made_on = on or referral.determined_on
        check_on(ctx, case, made_on, after=referral.determined_on, what="the order", since="the Ombudsman determined it")
        if due < made_on:
            raise InvalidInput(f"{case.reference}: --due {due.isoformat()} is before the order was made ({made_on.isoformat()})")
        if code == "compensation" and not amount_pence:
            raise InvalidInput("a compensation order needs --amount, the sum ordered in pounds")
        if code != "compensation" and amount_pence:
            raise InvalidInput("--amount applies only to a compensation order")
        if code == "other" and not clean(what):
            raise InvalidInput("say what an 'other' order requires with --what TEXT")
        return [
            (
                "ombudsman-order",
                made_on,
                {
                    "number": len(referral.orders) + 1,
                    "kind": code,
                    "what": clean(what),
                    "amount_pence": amount_pence or 0,
                    "due": due.isoformat(),
                },
            )
        ]

    return record_steps(ctx, reference, plan)


def comply(ctx: Context, reference: str, number: int, on: date) -> Case:
    """Record that an Ombudsman order was complied with."""
    def plan(case: Case) -> list[Step]:
        referral = _referral(case, "compliance with its orders")
        order = next((item for item in referral.orders if item.number == number), None)
        if order is None:
            raise NotFound(
                f"{case.reference} has no Ombudsman order {number}; see them with `complaintctl ombudsman show {case.reference}`"
            )
        if order.complied_on:
            raise InvalidTransition(f"{case.reference}: order {number} was already complied with on {order.complied_on.isoformat()}")
        check_on(ctx, case, on, after=order.made_on, what="compliance with the order", since="the order was made")
        return [("ombudsman-complied", on, {"number": number})]

    return record_steps(ctx, reference, plan)


def record_survey(ctx: Context, reference: str, on: date, answers: dict[str, bool | None]) -> Case:
    """Record the complainant's answers to the satisfaction survey sent after closure."""
    def plan(case: Case) -> list[Step]:
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
        check_on(ctx, case, on, after=stage.closed_on, what="the survey", since=f"stage {stage.number} was closed")
        return [
            (
                "survey",
                on,
                {"stage": stage.number, "answers": {key: answers.get(key) for key in SURVEY_QUESTIONS}},
            )
        ]

    return record_steps(ctx, reference, plan)


def record_learning(ctx: Context, reference: str, on: date, text: str) -> Case:
    """Record what the organisation learned or changed because of a closed complaint."""
    def plan(case: Case) -> list[Step]:
        _require_complaint(case, "learning to record")
        stage = _last_closed(case)
        if stage is None:
            raise InvalidTransition(
                f"{case.reference}: stage 1 is still open; record learning once the complaint has an outcome"
            )
        if not clean(text):
            raise InvalidInput("the learning is empty; say what was learned or changed")
        check_on(ctx, case, on, after=stage.closed_on, what="the learning", since=f"stage {stage.number} was closed")
        return [("learning", on, {"stage": stage.number, "text": clean(text)})]

    return record_steps(ctx, reference, plan)


