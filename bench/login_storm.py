"""Login storm: N learners sign in at the same moment and open their exam.

A synchronised exam starts with everyone signing in at once; that is where large platforms have
failed. Starts gunicorn (production settings from ``lms.settings.bench``: Argon2id password
hashing, PostgreSQL database ``bench_login``, Redis cache db 7) and runs Locust headless in this
process against it, on the same machine:

1. **Set-up**: N learners with a password (one Argon2id hash computed once and shared: the
   verification cost per login is the same) enrolled in the first seeded course.
2. **Login page**: each learner opens ``/konto/anmelden/`` (the CSRF cookie), then waits at a
   barrier until all have.
3. **Storm**: the barrier opens; every learner posts the login form (e-mail, password, CSRF
   token) and, signed in, opens the final quiz of the course.

With ``--oidc`` the learners sign in through single sign-on instead: a real OpenID Provider
(npm ``oidc-provider``, ``tests/peers/oidc_idp.mjs``) runs on 127.0.0.1 as the municipality's
directory; each learner goes from our login to the IdP, signs in there (its form), and comes
back (code exchange, ID token validation, provisioning) before opening the quiz.

Prints per-login CPU milliseconds (gunicorn workers and their PostgreSQL backends, and the IdP
process with ``--oidc``), logins per second over the storm, p50/p95 of the login and of
login + exam page, and errors. Targets (2 cores shared by app, database, IdP and load
generator): 3,000 password logins within 120 s with 0 errors; OIDC at least 3x the password
login rate.

    python bench/login_storm.py --users 3000 [--oidc] [--workers 3]

Run it through ``make bench-login`` (``BENCH_ARGS="--oidc"`` for the SSO variant).
"""

# ruff: noqa: I001  (Locust must be imported first, see bench/exam_load.py)
from __future__ import annotations

import locust  # noqa: F401

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

DATABASE = "bench_login"
REDIS_DB = 7
PORT = 8767
PASSWORD = "Pruefungstag-2026!"  # noqa: S105 (the bench learners' shared password)
DOMAIN = "login.bench.invalid"
TARGET_SECONDS = 120
TARGET_OIDC_FACTOR = 3


@dataclass
class Run:
    emails: list[str]
    quiz_url: str
    oidc: bool
    released_at: float = 0.0
    done_at: list[float] = field(default_factory=list)
    login_ms: list[float] = field(default_factory=list)
    total_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    finished: int = 0


def prepare_data(users: int) -> str:
    """Learners with one shared Argon2id hash, enrolled in the first seeded course; returns the
    URL of its final quiz."""
    from django.contrib.auth.hashers import make_password

    from courses.models import CoursePage, QuizPage
    from lms.models import Enrolment, User

    course = CoursePage.objects.live().order_by("path").first()
    quiz = QuizPage.objects.live().descendant_of(course).first()
    password = make_password(PASSWORD)
    people = User.objects.bulk_create(
        [
            User(
                email=f"person{i:05d}@{DOMAIN}",
                full_name=f"Prüfling {i}",
                verified_name=f"Prüfling {i}",
                password=password,
            )
            for i in range(users)
        ],
        batch_size=1000,
    )
    Enrolment.objects.bulk_create(
        [Enrolment(user=person, course=course) for person in people], batch_size=1000
    )
    return quiz.url


def start_idp(users: int):
    """The municipality's directory: oidc-provider with the bench learners as accounts."""
    accounts = {
        f"person{i:05d}": {"email": f"person{i:05d}@{DOMAIN}", "name": f"Prüfling {i}"}
        for i in range(users)
    }
    config = {
        "port": 0,
        "clients": [{"client_id": "campus", "client_secret": "bench-secret-" + "x" * 32}],
        "accounts": accounts,
    }
    config_file = Path(tempfile.gettempdir()) / "bench-login-idp.json"
    config_file.write_text(json.dumps(config))
    process = subprocess.Popen(  # noqa: S603
        ["node", str(harness.ROOT / "tests" / "peers" / "oidc_idp.mjs"), str(config_file)],  # noqa: S607
        cwd=harness.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    line = process.stdout.readline()
    if not line.startswith("READY "):
        process.kill()
        raise RuntimeError(f"oidc-provider did not start: {line!r}")
    return process, line.split()[1]


def register_idp(issuer: str) -> None:
    from lms.models import IdentityProvider

    IdentityProvider.objects.create(
        name="Bench-Verwaltung",
        slug="bench",
        email_domains=DOMAIN,
        issuer_url=issuer,
        client_id="campus",
        client_secret="bench-secret-" + "x" * 32,
    )


COOKIE = re.compile(r"(?:^|,\s*)([A-Za-z0-9_.\-]+)=([^;,]*)")


class Jar:
    """The cookies one browser keeps, per host (geventhttpclient keeps none)."""

    def __init__(self):
        self.by_host: dict[str, dict[str, str]] = {}

    def take(self, url: str, response) -> None:
        host = urlsplit(url).netloc
        for name, value in response.headers.items():
            if name.lower() == "set-cookie":
                for cookie in value.split("\n"):
                    match = COOKIE.match(cookie.strip())
                    if match:
                        self.by_host.setdefault(host, {})[match.group(1)] = match.group(2)

    def header(self, url: str) -> str:
        cookies = self.by_host.get(urlsplit(url).netloc, {})
        return "; ".join(f"{name}={value}" for name, value in cookies.items())

    def get(self, url: str, name: str) -> str:
        return self.by_host.get(urlsplit(url).netloc, {}).get(name, "")


def run_locust(run: Run, base_url: str, idp_url: str, *, users: int, spawn_rate: float, timeout):
    import gevent
    from gevent.event import Event
    from locust import events, task
    from locust.contrib.fasthttp import FastHttpUser
    from locust.env import Environment
    from locust.exception import StopUser

    barrier = Event()
    arrived = {"count": 0}
    emails = iter(run.emails)
    interaction_form = re.compile(r'<form method="post" action="(/interaction/[^"]+)"')

    class Candidate(FastHttpUser):
        host = base_url
        connection_timeout = 300.0
        network_timeout = 300.0
        insecure = True

        def on_start(self):
            self.email = next(emails)
            self.jar = Jar()

        def request(self, method: str, url: str, label: str, data: str | None = None):
            absolute = urljoin(base_url, url)
            headers = {"Cookie": self.jar.header(absolute)}
            if data is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            with self.client.request(
                method,
                absolute,
                headers=headers,
                data=data,
                name=label,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                self.jar.take(absolute, response)
                if response.status_code >= 400 or response.status_code == 0:
                    response.failure(f"status {response.status_code}")
                    run.failures.append(f"{label}: {response.status_code}")
                    raise StopUser
                return response, absolute

        def follow(self, response, url: str, label: str, until: str):
            """Follow redirects until the location starts with ``until``; return that URL."""
            while response.status_code in (301, 302, 303):
                location = urljoin(url, response.headers["Location"])
                if location.startswith(until):
                    return location
                response, url = self.request("GET", location, label)
            raise StopUser

        def password_login(self):
            token = self.jar.get(base_url, "csrftoken")
            form = urlencode(
                {"csrfmiddlewaretoken": token, "username": self.email, "password": PASSWORD}
            )
            response, _url = self.request("POST", "/konto/anmelden/", "2 login (POST)", form)
            if response.status_code != 302:
                run.failures.append(f"login answered {response.status_code}")
                raise StopUser

        def oidc_login(self):
            start = "/konto/anmelden/sso/bench/?" + urlencode({"email": self.email})
            response, url = self.request("GET", start, "2 to the IdP")
            form_url = self.follow(response, url, "3 IdP authorize", idp_url + "/interaction/")
            response, url = self.request("GET", form_url, "4 IdP login form")
            action = interaction_form.search(response.text or "")
            login = self.email.split("@")[0]
            data = urlencode({"login": login, "password": "richtig"})
            response, url = self.request(
                "POST", urljoin(idp_url, action.group(1)), "5 IdP login", data
            )
            back = self.follow(response, url, "6 IdP resume", base_url)
            response, _url = self.request("GET", back, "7 back: code exchange, ID token")
            if response.status_code != 302:
                raise StopUser

        @task
        def storm(self):
            try:
                self.request("GET", "/konto/anmelden/", "1 login page")
            finally:
                arrived["count"] += 1
                if arrived["count"] >= users:
                    run.released_at = time.monotonic()
                    barrier.set()
            barrier.wait()
            started = time.monotonic()
            (self.oidc_login if run.oidc else self.password_login)()
            signed_in = time.monotonic()
            response, _url = self.request("GET", run.quiz_url, "8 exam page (signed in)")
            if response.status_code != 200:
                run.failures.append(f"exam page answered {response.status_code}")
                raise StopUser
            done = time.monotonic()
            run.login_ms.append((signed_in - started) * 1000)
            run.total_ms.append((done - started) * 1000)
            run.done_at.append(done)
            run.finished += 1
            raise StopUser

    environment = Environment(user_classes=[Candidate], events=events)
    runner = environment.create_local_runner()
    began = time.monotonic()
    runner.start(users, spawn_rate=spawn_rate)
    deadline = began + timeout
    last_report = began
    while time.monotonic() < deadline:
        gevent.sleep(1)
        if time.monotonic() - last_report >= 15:
            last_report = time.monotonic()
            print(
                f"  t={last_report - began:5.0f}s arrived={arrived['count']} "
                f"signed in={run.finished} failures={len(run.failures)} "
                f"load={os.getloadavg()[0]:.2f}",
                flush=True,
            )
        if run.finished + len(run.failures) >= users or (
            runner.user_count == 0 and time.monotonic() - began > 10
        ):
            break
    runner.quit()
    return environment.stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--oidc", action="store_true", help="sign in through the local IdP")
    parser.add_argument("--spawn-rate", type=float, default=200.0, help="users per second")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args()

    harness.configure(database=DATABASE, redis_db=REDIS_DB)
    harness.recreate_database(DATABASE)
    harness.flush_redis(REDIS_DB)
    idp_process = None
    try:
        print(f"setting up {DATABASE} (migrate, collectstatic, seed_demo, {args.users} learners) …")
        harness.setup_django_and_schema()
        quiz_url = prepare_data(args.users)
        idp_url = ""
        if args.oidc:
            idp_process, idp_url = start_idp(args.users)
            register_idp(idp_url)
        run = Run([f"person{i:05d}@{DOMAIN}" for i in range(args.users)], quiz_url, args.oidc)
        from django.db import connections

        connections.close_all()
        with harness.gunicorn(
            port=PORT, workers=args.workers, extra_args=["--backlog", "4096"]
        ) as server:
            how = "through the IdP (OIDC)" if args.oidc else "with a password"
            print(
                f"{args.users} learners sign in {how} "
                f"at once, then open {quiz_url}; gunicorn {args.workers} sync workers; "
                f"load average {harness.load_average()}"
            )
            before = server.cpu_snapshot(DATABASE)
            idp_before = harness._cpu_seconds(idp_process.pid) if idp_process else 0.0
            stats = run_locust(
                run,
                server.url,
                idp_url,
                users=args.users,
                spawn_rate=args.spawn_rate,
                timeout=args.timeout,
            )
            cpu = harness.cpu_used(before, server.cpu_snapshot(DATABASE))
            idp_cpu = harness._cpu_seconds(idp_process.pid) - idp_before if idp_process else 0.0
        report(run, stats, args, cpu, idp_cpu)
    finally:
        if idp_process is not None:
            idp_process.terminate()
        harness.drop_database(DATABASE)


def report(run: Run, stats, args, cpu: float, idp_cpu: float) -> None:
    window = (max(run.done_at) - run.released_at) if run.done_at else 0.0
    rate = run.finished / window if window else 0.0
    errors = stats.total.num_failures + len([f for f in run.failures if "status" not in f])
    print(
        f"signed in and on the exam page: {run.finished} of {args.users} in {window:.1f} s "
        f"({rate:.1f} logins/s), errors {errors}"
    )
    print(
        f"login p50 {harness.percentile(run.login_ms, 0.5):.0f} ms, "
        f"p95 {harness.percentile(run.login_ms, 0.95):.0f} ms; login + exam page "
        f"p50 {harness.percentile(run.total_ms, 0.5):.0f} ms, "
        f"p95 {harness.percentile(run.total_ms, 0.95):.0f} ms"
    )
    per_login = 1000 * cpu / max(run.finished, 1)
    line = f"CPU per login (gunicorn + PostgreSQL, login page to exam page): {per_login:.1f} ms"
    if args.oidc:
        line += f"; IdP (node) {1000 * idp_cpu / max(run.finished, 1):.1f} ms"
    print(line)
    for name, entry in sorted(stats.entries.items()):
        print(
            f"  {name[0]:<38} {entry.num_requests:>6} requests, {entry.num_failures} failed, "
            f"p50 {entry.get_response_time_percentile(0.5):.0f} ms, "
            f"p95 {entry.get_response_time_percentile(0.95):.0f} ms"
        )
    if not args.oidc:
        met = errors == 0 and run.finished == args.users and window <= TARGET_SECONDS
        print(
            f"target ({args.users} password logins within {TARGET_SECONDS} s, 0 errors): "
            f"{'met' if met else 'NOT met'}"
        )
    else:
        print(
            f"target: OIDC at least {TARGET_OIDC_FACTOR}x the password login rate "
            f"(compare with the password run's logins/s)"
        )
    for problem in run.failures[:5]:
        print(f"PROBLEM: {problem}")


if __name__ == "__main__":
    main()
