"""`sar`: everything held about one person, gathered in one write transaction so that what the
export shows and the `sar-exported` event it leaves on each case are one moment of the record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from complaintctl.domain.events import Event
from complaintctl.domain.restrictions import restriction_in
from complaintctl.domain.sar import Person, SarCase, SarSource, matches
from complaintctl.errors import InvalidInput
from complaintctl.services.context import Context
from complaintctl.services.pack import letter_cases
from complaintctl.services.reading import derive_case
from complaintctl.services.team import join

# Said whatever was typed: the details a person gives are never repeated back.
NO_MATCH = "no case matches the details given; check them against `complaintctl list --search`"


def export_sar(ctx: Context, person: Person, write: Callable[[SarSource], dict[str, Any]]) -> list[str]:
    """Gather every case about `person`, let `write` write the export (returning what each
    `sar-exported` event records of it) and record the events; the references exported. Whatever
    `write` raises records nothing; no case found raises before anything is written."""
    if not person:
        raise InvalidInput("say whose data to export: give --name, --email or --phone")
    with ctx.store.writing() as tx:
        roster = join(ctx, tx)
        found = tx.person_cases([name.lower() for name in person.names], [email.lower() for email in person.emails], person.phones)
        histories = tx.histories([case_id for case_id, _ in found])
        restrictions = tx.restrictions(active_only=True)
        gathered = []
        for case_id, reference in found:
            case = derive_case(ctx, reference, histories[case_id])
            matched = matches(case, person)
            if not matched:  # the database's candidates are wider than the comparison
                continue
            letters = tuple(letter_cases(ctx, case)) if case.has_clock else ()
            restriction = None if case.details.get("anonymous") else restriction_in(restrictions, case.details)
            gathered.append((case_id, SarCase(case, tuple(matched), letters, restriction)))
        if not gathered:
            raise InvalidInput(NO_MATCH)
        source = SarSource(cases=tuple(item for _, item in gathered), officer=ctx.officer, made_at=ctx.now, roster=roster)
        details = write(source)
        for case_id, item in gathered:
            case = item.case
            exported = Event(
                kind="sar-exported", on=ctx.today, officer=ctx.officer, recorded_at=ctx.now, details=details,
                number=len(case.events) + 1,
            )
            tx.append(case.reference, case_id, [exported])
            tx.save_case(case_id, derive_case(ctx, case.reference, [*case.events, exported]))
    return [item.case.reference for _, item in gathered]
