"""The words of the process: case types, outcomes, exclusions, findings, orders, survey
questions, channels and letter kinds, each with the words a person reads.

Every list of choices the command line offers is built from here, so a new code is added once.
"""

from __future__ import annotations

CASE_TYPES = ("complaint", "compliment", "comment")
DECISIONS = ("upheld", "partly-upheld", "not-upheld")
OUTCOMES = (*DECISIONS, "withdrawn", "refused")
STATUSES = ("open", "acknowledged", "closed")
# `list --status live`: the statuses of a case still being handled.
LIVE = "live"
LIVE_STATUSES = ("open", "acknowledged")
CHANNELS = ("online", "email", "phone", "letter", "in-person", "social-media", "representative")
PREFERRED_CONTACT = ("email", "phone", "letter")
# The most working days one extension adds (`extend --days`, or `--to` a date): more is a
# mistyped number (a sheet's cell, a date years ahead), and far enough on would run past the
# calendar's dates.
MOST_EXTENSION_DAYS = 365
# An imported row without a reference of its own is known (as `external_ref`) by this and a
# digest of its cells, so that importing it again adds nothing; `show` leaves the digest out.
ROW_DIGEST_PREFIX = "row-"
ROW_DIGEST_LENGTH = 16  # hexadecimal digits
# What an officer on the team roster may do; a policy can ask that stage 2 is handled by one role.
OFFICER_ROLES = ("handler", "reviewer", "manager")

# The two Ombudsmen: the Housing Ombudsman for landlord matters, the LGSCO for the rest.
OMBUDSMEN = ("housing", "lgsco")
OMBUDSMAN_NAMES = {"housing": "Housing Ombudsman", "lgsco": "LGSCO"}

# `[stage2] reasons`: whether a stage 2 request must say what the complainant remains unhappy
# about. Never for a Housing Ombudsman case: its Code says a landlord must not insist.
STAGE2_REASONS = ("optional", "required-lgsco")

# `[intake] anonymous`: an anonymous complaint is a formal complaint like any other, or (seed 001)
# recorded as an informal one: kept and answered, counted apart in the annual report.
ANONYMOUS_INTAKE = ("formal", "informal")

# The name a case made anonymously is shown and kept under (the `cases` table's name column).
ANONYMOUS_NAME = "Anonymous"

EXCLUSIONS: dict[str, str] = {
    "service-request": "This is a request for a service rather than a complaint about how a service was delivered.",
    "statutory-appeal": "Another formal right of appeal exists for this decision, which is the right route for it.",
    "legal-proceedings": "Legal proceedings about this matter have already started.",
    "previously-considered": "The matter has already been considered under the complaints procedure.",
    "over-12-months": "The issue was known about more than 12 months before the complaint was made.",
    "insurance-claim": "The matter is being dealt with as an insurance claim.",
    "councillor-conduct": "The complaint is about the conduct of a councillor, which is dealt with by the Monitoring Officer.",
    "staff-disciplinary": "The matter concerns staff disciplinary or employment issues, which have their own procedures.",
    "recruitment": "The matter concerns a recruitment decision, which has its own procedure.",
    "fraud-or-whistleblowing": "The matter is a report of fraud or a whistleblowing concern, which has its own procedure.",
    "commercial-contract": "The matter is a commercial or contractual dispute.",
    "committee-decision": "The complaint is about a decision properly made by a council committee.",
    "not-personally-affected": "The complainant has not been personally affected by the matter complained about.",
    "criminal": "The matter concerns possible criminal activity, which we refer to the police.",
    "managed-contact": "Contact on this matter is being managed under the unacceptable behaviour arrangements.",
    "duplicate": "This repeats a complaint that is already being dealt with.",
    "other": "The complaint falls outside the complaints procedure for the reason explained below.",
}

OUTCOME_WORDS = {
    "upheld": "upheld",
    "partly-upheld": "partly upheld",
    "not-upheld": "not upheld",
    "withdrawn": "withdrawn",
    "refused": "not accepted",
}

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

# -- letters ---------------------------------------------------------------------------------------

LETTER_KINDS = ("acknowledgement", "extension", "refusal", "decision", "update", "closure", "restriction")
LETTER_FORMATS = ("text", "html", "eml")

LETTER_TITLES = {
    "acknowledgement": "We have received your complaint",
    "extension": "We need more time to respond",
    "refusal": "We cannot take this forward as a complaint",
    "decision": "Our response to your complaint",
    "update": "An update on your complaint",
    "closure": "Your complaint is now closed",
    "restriction": "How we will manage your contact with us",
}

STAGE2_LETTER_TITLES = {
    "acknowledgement": "We have received your request for stage 2",
    "decision": "Our final response to your complaint",
}

# -- reports ---------------------------------------------------------------------------------------

REPORT_FORMATS = ("text", "markdown", "json", "html")


def statuses_named(value: str) -> list[str]:
    """The statuses `list --status` names: one or several separated by commas, `live` for every
    status not closed, each once; ValueError (the word) for one that is none."""
    chosen: list[str] = []
    for word in (part.strip().lower() for part in value.split(",")):
        if word == LIVE:
            chosen += LIVE_STATUSES
        elif word in STATUSES:
            chosen.append(word)
        else:
            raise ValueError(word)
    return list(dict.fromkeys(chosen))
