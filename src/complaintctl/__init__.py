"""complaintctl: a case tracker for the statutory two-stage complaints process."""

__version__ = "0.1.0"
