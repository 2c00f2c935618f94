"""Names the store hands out that need no database: account roles and the clinic identifier system.

Kept apart from store.models and store.fhir so that the command line can build its parser (role choices, the
`--id-system` default) without importing SQLAlchemy, Alembic and the FHIR models, which take seconds.
"""

from __future__ import annotations

import enum

# The clinic's own identifier system is theirs to give (FORMCHECK_FHIR_ID_SYSTEM or --id-system); this is the default.
DEFAULT_ID_SYSTEM = "urn:formcheck:clinic-patient-id"


class Role(enum.StrEnum):
    """Account roles."""

    PATIENT = "patient"
    THERAPIST = "therapist"
