"""The benchmark's own database, chosen before Django reads its settings (no Django here).

The benchmark writes 100,000 businesses and wipes what it generated before, so it must never
run on the developer's database. With a PostgreSQL ``DATABASE_URL`` it uses the database
``locallots_bench`` on the same server (created when missing), whatever database the URL
names; otherwise a SQLite file in the temporary folder. Both persist between runs so that a
generated dataset can be reused (``bench.synthetic`` checks it is the same one).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

BENCH_DATABASE_NAME = "locallots_bench"
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "psql"}


def is_postgres(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme in POSTGRES_SCHEMES


def sqlite_path() -> Path:
    return Path(tempfile.gettempdir()) / f"{BENCH_DATABASE_NAME}.sqlite3"


def bench_database_url(database_url: str | None) -> str:
    """``DATABASE_URL`` pointed at the benchmark's database: same server, its own name."""
    if not is_postgres(database_url):
        return f"sqlite:///{sqlite_path()}"
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE_NAME}"))


def _server_conninfo(url: str) -> str:
    """A libpq connection string for the server's maintenance database ``postgres``."""
    from psycopg.conninfo import make_conninfo

    parts = urlsplit(url)
    options = {
        "host": unquote(parts.hostname or "") or None,
        "port": parts.port,
        "user": unquote(parts.username or "") or None,
        "password": unquote(parts.password or "") or None,
    }
    return make_conninfo(dbname="postgres", **{k: v for k, v in options.items() if v})


def create_if_missing(url: str) -> bool:
    """Create the PostgreSQL database ``url`` names when it does not exist; True if created."""
    if not is_postgres(url):
        return False
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_server_conninfo(url), autocommit=True, connect_timeout=10) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return not exists


def use_bench_database() -> str:
    """Point this process's settings at the benchmark database (call before ``django.setup``).

    Also switches off ``DEBUG``: Django would otherwise keep every query it ran.
    """
    url = bench_database_url(os.environ.get("DATABASE_URL"))
    create_if_missing(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "false"
    return url


def describe(url: str) -> str:
    """The URL without its password, for the log."""
    password = urlsplit(url).password
    return url.replace(f":{password}@", ":***@") if password else url
