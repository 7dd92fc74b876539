"""Command-line commands registered on the main app when cli.py is imported."""

from __future__ import annotations
