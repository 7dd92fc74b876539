"""Errors the domain raises, and the exit codes the command line maps them to.

Only the CLI turns these into messages and exit codes; everything below it raises.
"""

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_OVERDUE = 3


class ComplaintError(Exception):
    """A request complaintctl refuses. The message says what to do instead."""

    exit_code = EXIT_REFUSED


class NotFound(ComplaintError):
    """An unknown reference, action number or file."""


class InvalidTransition(ComplaintError):
    """A step out of order for the case's current state."""


class RuleViolation(ComplaintError):
    """A step the policy does not allow without an explicit reason."""


class PolicyError(ComplaintError):
    """A policy file that cannot be read, or a key or value it must not have."""


class StorageError(ComplaintError):
    """A database that cannot be opened, is too new, or fails its checks."""


class TemplateProblem(ComplaintError):
    """A letter or report template that cannot be rendered."""


class InvalidInput(ComplaintError):
    """A value that is well-formed but makes no sense for this case."""
