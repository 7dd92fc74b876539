"""What people read: the JSON shapes of the contract, CSV, tables for the terminal, and the
letters to complainants rendered from Jinja templates.
"""
