"""Relational state: SQLAlchemy models, engine factory, migrations and idempotent writes."""
