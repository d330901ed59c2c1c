"""Writes to businesses and their members. Every rule about who may do what is checked here.

Each service validates everything it can before writing (field errors are collected and raised
together, keyed by the argument names, so a form can show them all at once), writes in one
transaction, and records an ``AuditEvent`` with what changed.
"""

from suppliers.services.businesses import (
    CERTIFICATION_SLUGS,
    PROFILE_FIELDS,
    SECTOR_CODES,
    business_create,
    business_deactivate,
    business_update,
)
from suppliers.services.members import (
    business_member_add,
    business_member_remove,
    business_member_role_change,
)

__all__ = [
    "CERTIFICATION_SLUGS",
    "PROFILE_FIELDS",
    "SECTOR_CODES",
    "business_create",
    "business_deactivate",
    "business_member_add",
    "business_member_remove",
    "business_member_role_change",
    "business_update",
]
