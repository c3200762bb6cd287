"""Persistence adapters: SQLAlchemy 2 Core over SQLite (default) and PostgreSQL, Alembic migrations.

All SQL of the platform lives in this package. Rows become domain objects here, explicitly.
"""
