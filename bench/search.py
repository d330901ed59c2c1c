"""Opportunity search benchmark (issue #5): ``search_p95_ms`` and its companions.

The public search (``/opportunities/``) is served as in production: ``collectstatic`` with the
production settings, then gunicorn (``DJANGO_ENV=production``, a random secret key, sync
workers, (2 x cores) + 1 of them by default, the access log on, as the Dockerfile runs it) on
the benchmark database. Ten client threads (``http.client``, keep-alive where the server offers
it) then send a fixed number of requests, cycling through a realistic mix of searches (no
filter, keywords, CPV division and deeper codes, district, named area, hyper-local, reservation,
value and closing-date ranges, each sort, pages 2 to 5), each thread starting at a different
place in the mix. Every response must be a 200 showing the result count the same search gives
in this process, or the benchmark fails. Requests go as a TLS-terminating proxy forwards them
(``X-Forwarded-Proto: https``), so the production HTTPS redirect stays on.

Figures (``bench.matching`` prints them): ``search_p50_ms``, ``search_p95_ms`` (target
<= 150 ms), ``search_p99_ms``, ``search_requests_per_s`` and ``search_open_lots``. The dataset
is topped up to ``--search-lots`` open lots for the run and put back afterwards
(``bench.synthetic.search_lots_ensure``).
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from django.utils import timezone

from anchors.models import Lot, LotCpv
from opportunities.selectors import opportunity_search
from places.areas import EAST_BIRMINGHAM_SLUG

SEARCH_PATH = "/opportunities/"
CLIENTS = 10
REQUESTS = 2_000
WARM_UP = 60  # requests before the measured ones: every worker loads its templates
OPEN_LOTS = 20_000
TARGET_P95_MS = 150
COUNT_RE = re.compile(r"([\d,]+)\s+opportunit(?:y|ies)\b")  # "1,234 opportunities"
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "Accept": "text/html"}
READY_SECONDS = 60
STOP_SECONDS = 15
ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Statistics ------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) of ``values``, interpolating linearly between the two
    nearest ranks (as ``numpy.percentile`` does by default)."""
    if not values:
        raise ValueError("no values")
    if not 0 <= p <= 100:
        raise ValueError("p must be between 0 and 100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# --- The searches ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    """One search of the mix: its query string and the result count it must show."""

    query: str
    count: int

    @property
    def path(self) -> str:
        return f"{SEARCH_PATH}?{self.query}" if self.query else SEARCH_PATH


def search_mix() -> list[Search]:
    """The searches the clients cycle through, with the counts this process finds for them.

    Codes and districts are taken from the data (the busiest ones), so every search has results
    to list whatever the dataset's size.
    """
    today = timezone.localdate()
    open_lots = Lot.objects.open()
    codes = list(
        LotCpv.objects.filter(lot__in=open_lots, cpv_code__level__gte=3)
        .values("cpv_code_id")
        .annotate(lots=Count("lot"))
        .order_by("-lots", "cpv_code_id")
        .values_list("cpv_code_id", flat=True)[:2]
    ) or ["45000000"]
    districts = list(
        open_lots.values("delivery_district")
        .annotate(lots=Count("pk"))
        .order_by("-lots", "delivery_district")
        .values_list("delivery_district", flat=True)[:2]
    ) or ["B9"]
    deep, other = codes[0], codes[-1]
    busy, second = districts[0], districts[-1]
    week, month, quarter = (str(today + timedelta(days=d)) for d in (7, 30, 90))
    queries = [
        {},
        {"q": "cleaning"},
        {"q": "repair"},
        {"q": "Birmingham City Council"},
        {"q": "software", "sort": "newest"},
        {"cpv": "45000000"},
        {"cpv": "90000000", "sort": "value_high"},
        {"cpv": f"{deep[:3]}00000"},  # its group
        {"cpv": deep},
        {"cpv": other, "page": "2"},
        {"district": busy},
        {"district": second, "sort": "newest"},
        {"area": EAST_BIRMINGHAM_SLUG},
        {"area": EAST_BIRMINGHAM_SLUG, "hyper_local": "1", "sort": "value_low"},
        {"hyper_local": "1"},
        {"hyper_local": "1", "page": "2"},
        {"reserved": "sme"},
        {"reserved": "vcse", "sort": "value_high"},
        {"reserved": "any", "district": busy},
        {"value_min": "10000", "value_max": "100000"},
        {"value_max": "25000", "sort": "value_low"},
        {"value_min": "250000", "sort": "value_high"},
        {"closing_after": week, "closing_before": month},
        {"closing_before": quarter, "sort": "closing"},
        {"sort": "newest"},
        {"sort": "value_high", "page": "3"},
        {"page": "2"},
        {"page": "4", "sort": "value_low"},
        {"page": "5"},
        {"q": "maintenance", "cpv": "50000000", "reserved": "sme"},
        {"q": "care", "area": EAST_BIRMINGHAM_SLUG, "page": "2"},
        {"cpv": "45000000", "district": busy, "value_max": "60000"},
    ]
    return [Search(urlencode(q), expected_count(urlencode(q))) for q in queries]


def expected_count(query: str) -> int:
    lots, filterset = opportunity_search(params=QueryDict(query))
    if filterset.form.errors:
        raise ValueError(f"the search {query!r} is invalid: {filterset.form.errors.as_text()}")
    return lots.count()


def shown_count(body: str) -> int | None:
    """The result count the page shows ("1,234 opportunities"), if it shows one."""
    found = COUNT_RE.search(body)
    return int(found.group(1).replace(",", "")) if found else None


# --- The load --------------------------------------------------------------------------------


@dataclass
class LoadResult:
    timings_ms: list[float]
    seconds: float
    failures: list[str] = field(default_factory=list)

    @property
    def requests_per_s(self) -> float:
        return len(self.timings_ms) / self.seconds if self.seconds else 0.0

    def p(self, value: float) -> float:
        return percentile(self.timings_ms, value)


class _Client:
    """One keep-alive connection, reopened when the server closes it."""

    def __init__(self, host: str, port: int, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.connection: http.client.HTTPConnection | None = None

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, str]:
        for attempt in (1, 2):  # a kept-alive connection the server has dropped: retry once
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout
                )
            try:
                self.connection.request("GET", path, headers=headers)
                response = self.connection.getresponse()
                body = response.read().decode("utf-8", "replace")
            except (ConnectionError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self.close()
            return response.status, body
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def load_run(
    base_url: str,
    searches: Sequence[Search],
    *,
    clients: int = CLIENTS,
    requests: int = REQUESTS,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> LoadResult:
    """``requests`` GETs by ``clients`` concurrent threads, each cycling through ``searches``
    from its own starting point. Every response must be a 200 showing the search's count;
    the others are listed in ``failures`` (and not timed)."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    prefix = parts.path.rstrip("/")
    headers = {**PROXY_HEADERS, **(headers or {}), "Host": parts.netloc}
    issued = itertools.count()
    lock = threading.Lock()
    timings: list[float] = []
    failures: list[str] = []
    start = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        connection = _Client(host, port, timeout)
        order = itertools.cycle(
            list(searches[number % len(searches) :]) + list(searches[: number % len(searches)])
        )
        start.wait()
        try:
            while next(issued) < requests:
                search = next(order)
                began = time.perf_counter()
                try:
                    status, body = connection.get(prefix + search.path, headers)
                except (OSError, http.client.HTTPException) as exc:
                    with lock:
                        failures.append(f"{search.path}: {type(exc).__name__}: {exc}")
                    continue
                elapsed = (time.perf_counter() - began) * 1000
                problem = _problem(status, body, search)
                with lock:
                    if problem:
                        failures.append(f"{search.path}: {problem}")
                    else:
                        timings.append(elapsed)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=client, args=(n,), name=f"search-client-{n}", daemon=True)
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return LoadResult(timings, time.perf_counter() - began, failures)


def _problem(status: int, body: str, search: Search) -> str | None:
    if status != 200:
        return f"HTTP {status}"
    shown = shown_count(body)
    if shown is None:
        return "no result count on the page"
    if shown != search.count:
        return f"shows {shown:,} results, expected {search.count:,}"
    return None


def load_check(result: LoadResult, name: str) -> None:
    """Fail loudly when any request of ``result`` failed."""
    if result.failures:
        listed = "\n  ".join(result.failures[:10])
        raise RuntimeError(f"{name}: {len(result.failures):,} requests failed, e.g.\n  {listed}")


# --- The server ------------------------------------------------------------------------------


def database_url() -> str:
    """A ``DATABASE_URL`` for the database this process is using (the server must use it)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = f"{credentials}@" if credentials else ""
        port = f":{db['PORT']}" if db["PORT"] else ""
        return f"postgres://{host}{db['HOST'] or '127.0.0.1'}{port}/{quote(db['NAME'], safe='')}"
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        return f"sqlite:///{db['NAME']}"
    raise RuntimeError("the search benchmark needs a database another process can open")


def production_environment(database: str) -> dict[str, str]:
    """The environment a production deployment gives the web process (docker-compose.yml)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_")  # DATABASE_CONN_MAX_AGE, CACHE_URL... pass through
    }
    environment.update(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database,
        PYTHONUNBUFFERED="1",
    )
    return environment


def collectstatic(environment: dict[str, str]) -> None:
    """The production static files (WhiteNoise's manifest), as the Dockerfile builds them."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"collectstatic failed:\n{done.stdout}{done.stderr}")
    log(
        f"search: collectstatic into {settings.STATIC_ROOT} in {time.perf_counter() - started:.1f}s"
    )


def default_workers() -> int:
    """Gunicorn's own advice for sync workers: (2 x cores) + 1."""
    return 2 * (os.cpu_count() or 1) + 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    *, workers: int, threads: int = 1, database: str | None = None, static: bool = True
) -> Iterator[str]:
    """Gunicorn serving the project with the production settings; yields its base URL.

    ``threads`` > 1 uses the ``gthread`` worker class, else ``sync``. The server runs in a
    session of its own and is always stopped on the way out (Ctrl+C and SIGTERM included).
    """
    environment = production_environment(database or database_url())
    if static:
        collectstatic(environment)
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "procurement.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "gthread" if threads > 1 else "sync",
        "--threads", str(threads),
        "--access-logfile", "-",
    ]  # fmt: skip
    with tempfile.TemporaryFile("w+") as output:
        server = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        previous = signal.getsignal(signal.SIGTERM)
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_ready(server, url, output)
            log(
                f"search: gunicorn ready on {url} ({_describe(workers, threads)}, pid {server.pid})"
            )
            yield url
        finally:
            _stop(server)
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGTERM, previous)


def _describe(workers: int, threads: int) -> str:
    if threads > 1:
        return f"{workers} gthread workers x {threads} threads"
    return f"{workers} sync workers"


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # so that the ``finally`` stopping gunicorn runs


def _wait_until_ready(server: subprocess.Popen, url: str, output) -> None:
    deadline = time.monotonic() + READY_SECONDS
    parts = urlsplit(url)
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}):\n{_tail(output)}")
        client = _Client(parts.hostname, parts.port, timeout=10)
        try:
            status, _ = client.get(SEARCH_PATH, {**PROXY_HEADERS, "Host": parts.netloc})
        except OSError:
            time.sleep(0.2)
            continue
        finally:
            client.close()
        if status == 200:
            return
        raise RuntimeError(f"gunicorn answered {SEARCH_PATH} with HTTP {status}:\n{_tail(output)}")
    raise RuntimeError(f"gunicorn not ready after {READY_SECONDS}s:\n{_tail(output)}")


def _tail(output, lines: int = 40) -> str:
    output.flush()
    output.seek(0)
    return "".join(output.readlines()[-lines:])


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM to the master (a graceful stop of its workers), then SIGKILL to its session."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    with contextlib.suppress(ProcessLookupError):  # workers that outlived their master
        os.killpg(server.pid, signal.SIGKILL)


# --- The benchmark ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFigures:
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests_per_s: float
    open_lots: int
    requests: int


def bench_search(
    *,
    url: str | None = None,
    clients: int = CLIENTS,
    requests: int = REQUESTS,
    warm_up: int = WARM_UP,
    workers: int | None = None,
    threads: int = 1,
) -> SearchFigures:
    """Time the search under ``clients`` concurrent clients, on the server at ``url`` or on a
    gunicorn started here with the production settings."""
    searches = search_mix()
    open_lots = Lot.objects.open().count()
    log(
        f"search: {len(searches)} searches over {open_lots:,} open lots, "
        f"{min(s.count for s in searches):,} to {max(s.count for s in searches):,} results"
    )
    with contextlib.ExitStack() as stack:
        if url is None:
            url = stack.enter_context(
                gunicorn(workers=workers or default_workers(), threads=threads)
            )
        warm = load_run(url, searches, clients=clients, requests=warm_up)
        load_check(warm, "search warm-up")
        result = load_run(url, searches, clients=clients, requests=requests)
        load_check(result, "search")
    figures = SearchFigures(
        p50_ms=result.p(50),
        p95_ms=result.p(95),
        p99_ms=result.p(99),
        requests_per_s=result.requests_per_s,
        open_lots=open_lots,
        requests=len(result.timings_ms),
    )
    verdict = "within" if figures.p95_ms <= TARGET_P95_MS else "ABOVE"
    log(
        f"search: {figures.requests:,} requests by {clients} clients in {result.seconds:.1f}s: "
        f"p50 {figures.p50_ms:.1f} ms, p95 {figures.p95_ms:.1f} ms ({verdict} the "
        f"{TARGET_P95_MS} ms target), p99 {figures.p99_ms:.1f} ms, max "
        f"{max(result.timings_ms):.1f} ms, {figures.requests_per_s:.1f} requests/s"
    )
    return figures


def emit_figures(figures: SearchFigures, emit: Callable[[str, float], None]) -> None:
    emit("search_open_lots", figures.open_lots)
    emit("search_p50_ms", figures.p50_ms)
    emit("search_p95_ms", figures.p95_ms)
    emit("search_p99_ms", figures.p99_ms)
    emit("search_requests_per_s", figures.requests_per_s)
