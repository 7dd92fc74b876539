"""All SQL, and nothing else: the schema (once), the statements, the migrations, the projection
rows and the event hash chain, the full store (SQLite or PostgreSQL through SQLAlchemy), the light
SQLite reader, integrity checks and backups, and where files live. Imports the domain only.
"""
