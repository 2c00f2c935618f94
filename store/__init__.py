"""Persistence: programmes, sessions, progress and accounts (SQLAlchemy 2 + Alembic).

Only `store.repo` is meant to be called by the app; it enforces who may read and write what.
"""
