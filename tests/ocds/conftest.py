"""The official OCDS schemas the export is validated against are reference data
(``REFERENCE_DATA_DIR/ocds-schema/``, ``../shared/data`` in development and CI): a test that
validates skips, saying where it looked, on a clone without them (a failure in CI)."""

import pytest

from ocds import schema
from tests.services import reference_file


@pytest.fixture
def ocds_schema():
    """``ocds.schema``, once its files are known to be there."""
    for name in (
        schema.RELEASE_SCHEMA_FILE,
        schema.RELEASE_PACKAGE_SCHEMA_FILE,
        schema.LOTS_EXTENSION_FILE,
    ):
        reference_file(f"ocds-schema/{name}")
    return schema
