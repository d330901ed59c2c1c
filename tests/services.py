"""Helpers to find out whether the real services are reachable (used by conftest and tests)."""

from django.conf import settings


def redis_unavailable_reason() -> str:
    """Return why Redis cannot be used ('' when it can)."""
    url = settings.CELERY_BROKER_URL
    if not url:
        return "CELERY_BROKER_URL is not set"
    if not url.startswith(("redis://", "rediss://")):
        return f"CELERY_BROKER_URL is not a Redis URL ({url.split(':', 1)[0]})"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"cannot reach {url}: {exc}"
    return ""


def reference_file(name: str):
    """A development copy of an official reference file, or a skip saying where it was looked for.

    CI has ``../shared/data`` beside the clone (REQUIRE_SERVICES=1 turns a skip into a failure).
    """
    from pathlib import Path

    import pytest

    path = Path(settings.REFERENCE_DATA_DIR) / name
    if not path.exists():
        pytest.skip(
            f"reference file {name} not found in {settings.REFERENCE_DATA_DIR} (set REFERENCE_DATA_DIR)"
        )
    return path
