"""What a complaint file (`pack`) holds: the case, where it stands in the keyed chain, the
policy versions it was handled under, its deadlines' explanation and the letters of its steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from complaintctl.domain.case import Case
from complaintctl.domain.events import Event
from complaintctl.domain.explain import Explanation

if TYPE_CHECKING:
    from complaintctl.domain.officers import Roster
    from complaintctl.domain.policy import Policy, PolicyVersion


@dataclass(frozen=True)
class StepCase:
    """A step that sent a letter, with the case as it stood then and the policy then in force."""

    step: Event
    case: Case
    policy: Policy


@dataclass(frozen=True)
class PackSource:
    """Everything a pack shows, read in the transaction that records its export.

    case_hash:   the keyed chain hash of the case's latest event before the export
    chain_head:  the database's chain head then (as `verify --head` prints it)
    versions:    the policy versions the case's steps were recorded under, and the one its open
                 deadlines follow; empty for a database that has stored none
    policy:      the policy in force now (the one to show when no version is stored)
    """

    case: Case
    case_hash: str
    chain_head: str
    officer: str
    made_at: datetime
    versions: tuple[PolicyVersion, ...]
    policy: Policy
    explanation: Explanation
    letters: tuple[StepCase, ...]
    roster: Roster
