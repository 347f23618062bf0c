"""What the HTTP benchmarks share: their own PostgreSQL database and Redis db, production-like
settings, a gunicorn they start and always stop, and session cookies made without logging in.

The benchmark process configures Django for the same database and ``SECRET_KEY`` as the
gunicorn it starts (the key signs the sessions' auth hash), so it can create users, enrolments
and sessions directly and check the stored results afterwards.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def configure(*, database: str, redis_db: int, extra: dict[str, str] | None = None) -> None:
    """Point this process (and the gunicorn it will start) at the bench database and cache."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    static_root = Path(tempfile.gettempdir()) / f"kommunal-campus-{database}-static"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "lms.settings.bench",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
            # Workers keep one connection for the whole run, as production does with 60 s.
            "DB_CONN_MAX_AGE": "3600",
            "STATIC_ROOT": str(static_root),
            "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / f"kommunal-campus-{database}-media"),
            "LOG_LEVEL": "WARNING",
            "ACCESS_LOG": "false",  # no line per request: the load would be logging
            "CELERY_EAGER": "true",  # on purpose: the measured paths queue nothing
            **(extra or {}),
        }
    )
    # Celery stays eager (no broker): nothing in the measured paths queues a task.
    os.environ.pop("CELERY_BROKER_URL", None)


def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis(redis_db: int) -> None:
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=redis_db).flushdb()


def setup_django_and_schema() -> None:
    """Migrate, collect static files (the manifest storage needs them) and seed the demo."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    with contextlib.redirect_stdout(open(os.devnull, "w")):  # noqa: SIM115
        call_command("seed_demo")


def session_cookies(users) -> dict[int, str]:
    """One signed-in session per user, written in one bulk insert: ``{user_id: session_key}``.

    The session holds exactly what ``django.contrib.auth.login`` stores, so the server sees a
    normal signed-in visitor.
    """
    from datetime import timedelta

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    store = SessionStore()
    expiry = timezone.now() + timedelta(days=1)
    rows, keys = [], {}
    for user in users:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expiry))
        keys[user.pk] = key
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys


def http_get(url: str, cookie: str = "", timeout: float = 10.0) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), dict(error.headers)


def csrf_token_from(headers: dict) -> str:
    """The ``csrftoken`` value from a response's Set-Cookie header (what a browser keeps)."""
    from http.cookies import SimpleCookie

    cookie = SimpleCookie()
    for name, value in headers.items():
        if name.lower() == "set-cookie":
            cookie.load(value)
    return cookie["csrftoken"].value if "csrftoken" in cookie else ""


@dataclass
class Server:
    url: str
    pid: int

    def cpu_snapshot(self, database: str = "") -> dict[int, float]:
        """CPU seconds used so far per process: the gunicorn workers and, given ``database``,
        the PostgreSQL backends connected to it. Unlike wall-clock rates, CPU time per request
        barely moves with other work on a shared machine."""
        pids = _children(self.pid)
        if database:
            pids += _postgres_backends(database)
        return {pid: _cpu_seconds(pid) for pid in pids}


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two snapshots; processes that started in between count from 0."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime are fields 14 and 15 of /proc/<pid>/stat (11 and 12 after the name).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _postgres_backends(database: str) -> list[int]:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)
        ).fetchall()
    return [row[0] for row in rows]


@contextlib.contextmanager
def gunicorn(
    *, port: int, workers: int = 2, worker_class: str = "sync", extra_args=()
) -> Iterator[Server]:
    """Run gunicorn on 127.0.0.1 until the block ends; yield its URL and master pid.

    It is started in its own process group and stopped with SIGTERM (then SIGKILL after 15 s),
    so a failing benchmark never leaves a server behind.
    """
    base_url = f"http://127.0.0.1:{port}"
    command = [
        str(BIN / "gunicorn"),
        "lms.wsgi",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "120",
        *extra_args,
    ]
    process = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    try:
        _wait_healthy(process, base_url, "gunicorn", seconds=60)
        yield Server(base_url, process.pid)
    finally:
        _stop(process)


def _wait_healthy(process: subprocess.Popen, base_url: str, name: str, *, seconds: float) -> None:
    """Until ``/healthz`` answers 200 through ``base_url``; fails when the process exits first."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        with contextlib.suppress(OSError):
            if http_get(f"{base_url}/healthz", timeout=2)[0] == 200:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not pass a health check within {seconds:.0f} s")
        time.sleep(0.3)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process group, SIGKILL after 15 s: no benchmark leaves a server behind."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


HAPROXY_CONFIG = """global
    maxconn 8000
defaults
    mode http
    timeout connect 5s
    timeout client 300s
    timeout server 300s
    timeout queue 300s
    retries 2
    option redispatch
frontend web
    bind 127.0.0.1:{port}
    default_backend app
backend app
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
{servers}
"""


@contextlib.contextmanager
def haproxy(*, port: int, backends: list[int], per_server: int) -> Iterator[Server]:
    """HAProxy on 127.0.0.1:``port`` in front of the app servers on ``backends`` (round robin,
    health checks on /healthz, a retry on another server for a dropped connection), as the
    cluster test runs it but without TLS (the bench compares topologies, not ciphers).

    Each server gets at most ``per_server`` requests at once (its sync workers); the rest wait
    in HAProxy's queue. Without that limit a saturated server's backlog also holds the health
    check, which then times out: HAProxy took the only server out and answered 503 (seen in the
    first run of bench/cluster.py)."""
    servers = "\n".join(
        f"    server app{index} 127.0.0.1:{backend} check inter 2s fall 3 maxconn {per_server}"
        for index, backend in enumerate(backends, start=1)
    )
    config = Path(tempfile.mkdtemp(prefix="bench-haproxy-")) / "haproxy.cfg"
    config.write_text(HAPROXY_CONFIG.format(port=port, servers=servers))
    process = subprocess.Popen(  # noqa: S603 (fixed arguments)
        ["haproxy", "-f", str(config), "-db"], cwd=ROOT, start_new_session=True
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(process, base_url, "haproxy", seconds=30)
        yield Server(base_url, process.pid)
    finally:
        _stop(process)


@contextlib.contextmanager
def app_servers(*, port: int, servers: int, workers: int, extra_args=()) -> Iterator[Server]:
    """``servers`` == 0: one gunicorn with ``workers`` on ``port``, reached directly. Otherwise
    ``servers`` gunicorns sharing the ``workers`` between them, behind HAProxy on ``port``."""
    if servers == 0:
        with gunicorn(port=port, workers=workers, extra_args=extra_args) as server:
            yield server
        return
    with contextlib.ExitStack() as stack:
        backends = [port + 1 + index for index in range(servers)]
        for backend in backends:
            stack.enter_context(
                gunicorn(port=backend, workers=workers // servers, extra_args=extra_args)
            )
        yield stack.enter_context(
            haproxy(port=port, backends=backends, per_server=workers // servers)
        )


def sign_in_with_second_factor(client, user) -> None:
    """Sign ``user`` in on a Django test client with the second factor confirmed, as after the
    code from their authenticator app: HR and other privileged people reach nothing else under
    the production settings (``MFA_REQUIRED``)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="Bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min, {os.cpu_count()} cores)"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an unsorted list (0.0 for an empty one)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]
