"""Command-line commands for integrity; registered on the main app when cli.py is imported."""

from __future__ import annotations
