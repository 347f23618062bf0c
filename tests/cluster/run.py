"""The multi-node test (issue 18), on one machine: HAProxy (TLS, health checks on /readyz,
retries) in front of two gunicorn app servers, two Celery workers, PostgreSQL, Redis and a
SeaweedFS bucket, all on 127.0.0.1, with production settings.

A learner signs in through the load balancer, enrols, completes the lessons and the final quiz
(requests spread over both app servers by round robin); a worker renders the certificate into
the bucket; the PDF is downloaded from each app server directly and through the balancer (same
bytes as recorded). Then one app server is killed in the middle of 200 requests: none fails (the
balancer retries what the dead server dropped and stops sending to it), the session still
works for a write, and neither app server has a file on its disk.

    make cluster-test          (needs: haproxy, openssl, PostgreSQL, Redis; `make peers`)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import requests
import urllib3

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.peers import free_port  # noqa: E402
from tests.peers.seaweedfs import ACCESS_KEY, BUCKET, SECRET_KEY, SeaweedS3  # noqa: E402

BIN = Path(sys.executable).parent
DATABASE = "kommunal_campus_cluster"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
LEARNER = "lernende@demo.kommunal-campus.de"
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {text}", flush=True)


def recreate_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def drop_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


class Processes:
    """Started processes (each in its own group), stopped in reverse order at the end."""

    def __init__(self):
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict, log: Path) -> subprocess.Popen:
        handle = log.open("wb")
        process = subprocess.Popen(  # noqa: S603 (our own tools, fixed arguments)
            command,
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append((name, process))
        return process

    def kill(self, process: subprocess.Popen, sig=signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(timeout=20)

    def stop_all(self) -> None:
        for _name, process in reversed(self.started):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for _name, process in reversed(self.started):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill(process)


def wait_until(check, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.3)
    raise RuntimeError(f"timed out waiting for {what}")


def haproxy_config(*, port: int, pem: Path, backends: dict[str, int]) -> str:
    servers = "\n".join(
        f"  server {name} 127.0.0.1:{backend_port} check inter 500 fall 2 rise 2"
        for name, backend_port in backends.items()
    )
    return f"""global
  maxconn 500

defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  retries 3
  option redispatch
  # A request the dead server dropped is sent again to the other one (requests without a body
  # only, as HAProxy replays nothing it cannot buffer).
  retry-on conn-failure empty-response response-timeout

frontend campus
  bind 127.0.0.1:{port} ssl crt {pem}
  http-request set-header X-Forwarded-Proto https
  http-request set-header X-Request-ID %[uuid()]
  http-response set-header X-Served-By %s
  default_backend app

backend app
  balance roundrobin
  option httpchk
  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host 127.0.0.1
  http-check expect status 200
{servers}
"""


def self_signed_pem(directory: Path) -> Path:
    key, cert, pem = directory / "lb.key", directory / "lb.crt", directory / "lb.pem"
    subprocess.run(  # noqa: S603 (Debian's openssl, fixed arguments)
        [
            shutil.which("openssl") or "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    pem.write_bytes(cert.read_bytes() + key.read_bytes())
    return pem


class Browser:
    """A learner's browser: cookies, CSRF token, Referer/Origin as a browser sends them; notes
    which app server answered each request (the balancer's X-Served-By)."""

    def __init__(self, base: str):
        self.base = base
        self.served_by: list[str] = []
        self.session = requests.Session()
        self.session.verify = False  # the balancer's throwaway self-signed certificate
        self.session.headers.update({"Referer": base + "/", "Origin": base})

    def get(self, path: str, **kwargs) -> requests.Response:
        # verify per request: a CA bundle in the environment would override the session's.
        response = self.session.get(self.base + path, timeout=30, verify=False, **kwargs)  # noqa: S501
        self.served_by.append(response.headers.get("X-Served-By", ""))
        return response

    def post(self, path: str, data: dict | None = None) -> requests.Response:
        token = self.session.cookies.get("csrftoken") or ""
        response = self.session.post(
            self.base + path,
            data={**(data or {}), "csrfmiddlewaretoken": token},
            headers={"X-CSRFToken": token},
            timeout=30,
            verify=False,  # noqa: S501 (the balancer's throwaway certificate)
        )
        self.served_by.append(response.headers.get("X-Served-By", ""))
        return response


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="campus-cluster-"))
    processes = Processes()
    lb_port, app_ports = free_port(), {"app1": free_port(), "app2": free_port()}
    media_roots = {name: work / f"{name}-media" for name in app_ports}
    failures: list[str] = []
    try:
        with SeaweedS3() as s3:
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))},
                "DJANGO_SETTINGS_MODULE": "lms.settings.production",
                "SECRET_KEY": secrets.token_urlsafe(64),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
                "CELERY_BROKER_URL": "redis://127.0.0.1:6379/11",
                "REDIS_URL": "redis://127.0.0.1:6379/10",
                "S3_BUCKET": BUCKET,
                "S3_ENDPOINT_URL": s3.endpoint,
                "S3_ACCESS_KEY_ID": ACCESS_KEY,
                "S3_SECRET_ACCESS_KEY": SECRET_KEY,
                "APP_NODES": "4",
                "TRUSTED_PROXY_COUNT": "1",
                "STATIC_ROOT": str(work / "static"),
                "SITE_URL": f"https://127.0.0.1:{lb_port}",
                "LOG_LEVEL": "WARNING",
                "ACCESS_LOG": "false",
                "MFA_REQUIRED": "true",
            }
            import redis

            for db in (10, 11):
                redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()
            say("database, migrations, demo content (media into the bucket)")
            recreate_database()
            for command in (
                ["migrate", "-v0"],
                ["collectstatic", "--noinput", "-v0"],
                ["seed_demo"],
            ):
                subprocess.run(  # noqa: S603 (this interpreter, our manage.py)
                    [sys.executable, "manage.py", *command],
                    cwd=ROOT,
                    env={**env, "MEDIA_ROOT": str(work / "seed-media")},
                    check=True,
                    capture_output=True,
                    timeout=900,
                )
            os.environ.update(env)
            import django

            django.setup()
            from courses.models import CoursePage, LessonPage, QuizPage
            from lms.management.commands.seed_demo import DEMO_PASSWORD
            from lms.models import Enrolment, User
            from tests.lms.learning_helpers import answers_for

            learner = User.objects.get(email=LEARNER)
            done = set(Enrolment.objects.filter(user=learner).values_list("course_id", flat=True))
            course = CoursePage.objects.live().exclude(pk__in=done).order_by("pk").first()
            CoursePage.objects.filter(pk=course.pk).update(minimum_minutes=0)  # no waiting here
            lessons = list(LessonPage.objects.live().descendant_of(course).filter(is_required=True))
            quiz = QuizPage.objects.live().descendant_of(course).get(is_final=True)

            say("two app servers, two workers, the load balancer")
            apps = {}
            for name, port in app_ports.items():
                apps[name] = processes.start(
                    name,
                    [
                        str(BIN / "gunicorn"),
                        "lms.wsgi",
                        "--workers",
                        "2",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--timeout",
                        "60",
                    ],
                    {**env, "MEDIA_ROOT": str(media_roots[name])},
                    work / f"{name}.log",
                )
            for number in (1, 2):
                processes.start(
                    f"worker{number}",
                    [
                        str(BIN / "celery"),
                        "-A",
                        "lms",
                        "worker",
                        "--concurrency=1",
                        "-n",
                        f"worker{number}@%h",
                        "--without-gossip",
                        "--without-mingle",
                        "--loglevel=WARNING",
                    ],
                    {**env, "MEDIA_ROOT": str(work / f"worker{number}-media")},
                    work / f"worker{number}.log",
                )
            for name, port in app_ports.items():
                wait_until(
                    lambda port=port: (
                        requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code
                        == 200
                    ),
                    timeout=90,
                    what=f"{name} ready",
                )
            pem = self_signed_pem(work)
            (work / "haproxy.cfg").write_text(
                haproxy_config(port=lb_port, pem=pem, backends=app_ports)
            )
            processes.start(
                "haproxy",
                [shutil.which("haproxy") or "haproxy", "-db", "-f", str(work / "haproxy.cfg")],
                env,
                work / "haproxy.log",
            )
            base = f"https://127.0.0.1:{lb_port}"
            wait_until(
                lambda: requests.get(base + "/healthz", verify=False, timeout=2).ok,  # noqa: S501
                timeout=30,
                what="the load balancer",
            )

            say(f"learner through the balancer: {course.title}")
            browser = Browser(base)
            browser.get("/konto/anmelden/")
            response = browser.post(
                "/konto/anmelden/", {"username": LEARNER, "password": DEMO_PASSWORD}
            )
            if "sessionid" not in browser.session.cookies:
                raise RuntimeError(f"login failed: {response.status_code}")
            check = browser.post(f"/lernen/kurs/{course.pk}/einschreiben/")
            if check.status_code >= 400:
                raise RuntimeError(f"enrol: {check.status_code}")
            for lesson in lessons:
                browser.get(lesson.url)
                result = browser.post(f"/lernen/lektion/{lesson.pk}/erledigt/")
                if result.status_code >= 400:
                    raise RuntimeError(f"lesson {lesson.pk}: {result.status_code}")
            browser.post(f"/lernen/quiz/{quiz.pk}/starten/")
            from lms.models import QuizAttempt

            attempt = QuizAttempt.objects.filter(enrolment__user=learner, quiz=quiz).latest("pk")
            answers = answers_for(quiz, correct=True)
            data = {f"q-{qid}": answers[qid] for qid in attempt.question_ids}
            submitted = browser.post(
                f"/lernen/versuch/{attempt.pk}/abgeben/", {**data, "bestaetigt": "1"}
            )
            if submitted.status_code >= 400:
                raise RuntimeError(f"submit: {submitted.status_code}")
            servers = set(browser.served_by)
            say(f"  {len(browser.served_by)} requests answered by {sorted(servers)}")
            if servers != set(app_ports):
                failures.append(f"requests were not spread over both app servers: {servers}")
            enrolment = Enrolment.objects.get(user=learner, course=course, cycle=1)
            if enrolment.status != Enrolment.Status.COMPLETED:
                raise RuntimeError(f"course not completed: {enrolment.status}")

            from certificates.models import Certificate

            say("a worker renders the certificate into the bucket")
            wait_until(
                lambda: Certificate.objects.filter(enrolment=enrolment).exclude(pdf="").exists(),
                timeout=120,
                what="the certificate PDF",
            )
            certificate = Certificate.objects.get(enrolment=enrolment)
            keys = {o["Key"] for o in s3.client().list_objects_v2(Bucket=BUCKET)["Contents"]}
            if certificate.pdf.name not in keys:
                failures.append("the certificate PDF is not in the bucket")
            download = f"/zertifikate/{certificate.pk}/pdf/"
            for name, port in app_ports.items():  # each app server directly, then the balancer
                # Straight to the app server, as the balancer would forward it (its cookies are
                # "Secure", so they are set by hand on this plain connection).
                direct = requests.get(
                    f"http://127.0.0.1:{port}{download}",
                    headers={
                        "X-Forwarded-Proto": "https",
                        "Cookie": f"sessionid={browser.session.cookies['sessionid']}",
                    },
                    allow_redirects=False,
                    timeout=30,
                )
                digest = hashlib.sha256(direct.content).hexdigest()
                if direct.status_code != 200 or digest != certificate.sha256:
                    failures.append(f"{name} served {direct.status_code}, SHA-256 {digest[:12]}")
            through = browser.get(download)
            if hashlib.sha256(through.content).hexdigest() != certificate.sha256:
                failures.append("the balancer served other bytes")

            say("200 requests; app1 is killed after the 50th")
            statuses: list[int] = []
            errors: list[str] = []

            browser.served_by.clear()

            def run():
                for _ in range(200):
                    try:
                        statuses.append(browser.get(lessons[0].url).status_code)
                    except requests.RequestException as error:
                        errors.append(type(error).__name__)

            runner = threading.Thread(target=run)
            runner.start()
            wait_until(lambda: len(statuses) + len(errors) >= 50, timeout=120, what="50 requests")
            processes.kill(apps["app1"])
            runner.join(timeout=300)
            bad = [s for s in statuses if s != 200]
            say(f"  {len(statuses)} answers, {len(bad)} not 200, {len(errors)} errors")
            last = browser.served_by[-100:]
            say(f"  the last 100 answered by {sorted(set(last))}")
            if set(last) != {"app2"}:
                failures.append(f"after the kill the dead server still answered: {set(last)}")
            if bad or errors or len(statuses) != 200:
                failures.append(f"during the kill: {len(bad)} failed answers, {errors[:3]}")
            # The session lives in the database: a write on the remaining server works.
            after = browser.post(f"/lernen/lektion/{lessons[0].pk}/erledigt/")
            if after.status_code >= 400 or "/anmelden/" in after.url:
                failures.append(f"session lost after the kill: {after.status_code} {after.url}")
            for name, root in media_roots.items():
                local = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
                if local:
                    failures.append(f"{name} wrote files to its disk: {local[:3]}")
    finally:
        processes.stop_all()
        with contextlib.suppress(Exception):
            drop_database()
    if failures:
        for failure in failures:
            say(f"FAILED: {failure}")
        say(f"logs in {work}")
        return 1
    say("cluster test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
