"""The OCDS 1.1 schemas LocalLots validates against: the release schema with the lots extension.

OCDS extensions apply to the core schema as a JSON Merge Patch (RFC 7386), so the release
schema used here is ``release-schema.json`` patched with ``lots-extension-release-schema.json``.
The release package schema refers to the release schema by its canonical URL; the validators
resolve that URL to the merged local copy, so nothing is fetched from the network.

The schema files are read from ``settings.REFERENCE_DATA_DIR / "ocds-schema"`` (the official
files, never copied into the repository), once per directory and process.

OCDS 1.1 schemas are JSON Schema draft 4. ``jsonschema`` checks the ``date-time`` and ``uri``
formats only with optional packages, so this module registers its own small checkers for them:
an OCDS date must be an RFC 3339 date-time with a time zone, a URI must be absolute.
"""

import copy
import functools
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

RELEASE_SCHEMA_FILE = "release-schema.json"
RELEASE_PACKAGE_SCHEMA_FILE = "release-package-schema.json"
LOTS_EXTENSION_FILE = "lots-extension-release-schema.json"

# The lots extension (master) refers to ``SubmissionTerms`` from the submission terms
# extension, which is not part of this schema set. Without a definition, validating a lot that
# carries ``submissionTerms`` would crash on the unresolvable reference instead of reporting;
# this placeholder accepts any object there (we never publish the field).
_MISSING_DEFINITIONS = {"SubmissionTerms": {"type": ["object", "null"]}}

_DATE_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def json_merge_patch(target: Any, patch: Any) -> Any:
    """``target`` with ``patch`` applied as an RFC 7386 JSON Merge Patch (neither is changed).

    Objects merge key by key, ``null`` removes a key, anything else (arrays included)
    replaces the target value.
    """
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = json_merge_patch(result.get(key), value)
    return result


def schema_dir() -> Path:
    """Where the OCDS schema files are read from."""
    return Path(settings.REFERENCE_DATA_DIR) / "ocds-schema"


def _read(directory: Path, name: str) -> dict:
    with (directory / name).open(encoding="utf-8") as handle:
        return json.load(handle)


@functools.lru_cache(maxsize=4)
def _merged_release_schema(directory: Path) -> dict:
    merged = json_merge_patch(
        _read(directory, RELEASE_SCHEMA_FILE), _read(directory, LOTS_EXTENSION_FILE)
    )
    for name, definition in _MISSING_DEFINITIONS.items():
        merged["definitions"].setdefault(name, definition)
    return merged


def release_schema(*, directory: Path | None = None) -> dict:
    """The OCDS 1.1 release schema merged with the lots extension (a copy: safe to change)."""
    return copy.deepcopy(_merged_release_schema(directory or schema_dir()))


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True  # formats only constrain strings; "type" checks the rest
    if not _DATE_TIME_RE.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not value or any(char.isspace() for char in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme) and bool(parts.netloc or parts.path)


def format_checker() -> FormatChecker:
    """jsonschema's draft 4 format checks plus ``date-time`` and ``uri`` as OCDS uses them."""
    checker = FormatChecker()
    checker.checks("date-time")(_is_date_time)
    checker.checks("uri")(_is_uri)
    return checker


@functools.lru_cache(maxsize=4)
def _validators(directory: Path) -> tuple[Draft4Validator, Draft4Validator]:
    release = _merged_release_schema(directory)
    package = _read(directory, RELEASE_PACKAGE_SCHEMA_FILE)
    registry = Registry().with_resource(
        release["id"], Resource.from_contents(release, default_specification=DRAFT4)
    )
    checker = format_checker()
    Draft4Validator.check_schema(release)
    Draft4Validator.check_schema(package)
    return (
        Draft4Validator(release, registry=registry, format_checker=checker),
        Draft4Validator(package, registry=registry, format_checker=checker),
    )


def release_validator(*, directory: Path | None = None) -> Draft4Validator:
    """A draft 4 validator for one OCDS release (core 1.1 release schema + lots extension).

    ``release_validator().iter_errors(release)`` lists every problem; ``.is_valid(release)``
    answers yes or no; ``release_errors(release)`` gives readable messages. The validator is
    built once per schema directory and process, and is safe to share.
    """
    return _validators(directory or schema_dir())[0]


def release_package_validator(*, directory: Path | None = None) -> Draft4Validator:
    """A draft 4 validator for a release package; its releases are checked against the same
    merged release schema as ``release_validator``."""
    return _validators(directory or schema_dir())[1]


def release_errors(release: dict, *, directory: Path | None = None) -> list[str]:
    """Every way ``release`` breaks the schema, as ``"tender/lots/0/status: ..."`` sentences
    (empty when it is valid), in a stable order."""
    validator = release_validator(directory=directory)
    messages = [
        f"{_path(error.absolute_path)}: {error.message}" for error in validator.iter_errors(release)
    ]
    return sorted(messages)


def _path(parts) -> str:
    return "/".join(str(part) for part in parts) or "(release)"
