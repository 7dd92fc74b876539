"""All SQL, and nothing else: the schema (once), the statements, the migrations, the projection
rows and the event hash chain, the reads and writes (once), the full store (SQLite or PostgreSQL
through SQLAlchemy), the light SQLite reader and writer, integrity checks and backups, and where
files live. Imports the domain only.
"""
