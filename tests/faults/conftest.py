"""Fixtures for the fault and security tests, shared with the store and app suites (not copied).

Importing them here registers them for tests/faults: each store test runs on SQLite and on a throw-away
PostgreSQL server, password hashing is argon2id at its cheapest, and app tests get their own data folders.
"""

from tests.app.conftest import isolated_dirs  # noqa: F401
from tests.store.conftest import (  # noqa: F401
    backend,
    cheap_password_hashing,
    db,
    pg_migrated_template,
    pg_server,
    url,
)
