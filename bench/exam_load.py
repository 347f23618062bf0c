"""Exam load: N learners start the same final quiz at one moment, work through it, submit.

Starts gunicorn (production settings from ``lms.settings.bench``, PostgreSQL database
``bench_exam``, Redis cache db 6) and runs Locust headless in this process against it:

1. **Set-up**: N learners are created and enrolled in the first seeded course, each with a
   signed-in session in the database (the session cookie stands in for a login); with
   ``--from-login`` they have a password instead and sign in through the login form first
   (``bench/login_storm.py`` measures that storm on its own).
2. **Waiting room** (while Locust spawns users at ``--spawn-rate``): each learner opens the quiz
   page once, which hands out the CSRF token, then waits at a start barrier.
3. **Synchronised start**: when the last learner has arrived, the barrier opens and all of
   them press "Start quiz" at once: an htmx POST whose answer is page 1 of their attempt (what
   the browser swaps in).
4. **Eight pages**: the exam is the seeded final quiz made a 16-question quiz with two
   questions per page (``build_exam``). After ``--think-min``..``--think-max`` seconds on a
   page, the learner presses "Save and continue" (htmx POST): the page's answers are saved and
   the next page comes back.
5. **Submit**: after the think time on page 8, its answers go with the submit POST; the
   server grades them together with the seven pages saved before.

It prints requests/s, p50/p95/p99 latency (all requests, the synchronised start, and the steady
state after it), errors, how long the synchronised start took to be fully served, then checks
in the database that every learner who got a successful submit has exactly one submitted attempt
with all answers stored. Targets (2-core machine shared by app, database and load generator):
3,000 learners, no errors, steady-state p95 < 500 ms, the start served within 60 s.

    python bench/exam_load.py --users 3000 [--think-min 30 --think-max 90] [--spawn-rate 100]

Run it through ``make bench-exam``, which installs Locust (the ``bench`` extra) first.
"""

# ruff: noqa: I001  (Locust must be imported first, see below)
from __future__ import annotations

# Locust runs on gevent and monkey-patches the standard library when imported; that has to
# happen before anything opens sockets or starts threads (Django, psycopg, ssl).
import locust  # noqa: F401

import argparse
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

DATABASE = "bench_exam"
REDIS_DB = 6
PORT = 8766
PAGES = 8
MOODLE_USERS_PER_VCPU = 2000 / 16  # Moodle 4.5: 2,000 users on 12 app + 4 database vCPUs
TARGET_P95_MS = 500
TARGET_START_SECONDS = 60


@dataclass
class Learner:
    cookie: str
    answers: dict[str, list[str]]
    email: str = ""


@dataclass
class Run:
    """What the Locust users record, beside Locust's own statistics."""

    learners: list[Learner]
    quiz_url: str
    quiz_id: int
    think_min: float
    think_max: float
    from_login: bool = False
    start_released_at: float = 0.0
    start_served_at: list[float] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"start": [], "steady": []})
    submitted: int = 0
    finished: int = 0
    failures: list[str] = field(default_factory=list)


def form_answers(quiz, rng: random.Random) -> dict[str, list[str]]:
    """Form values for every question (field ``q-<id>``), about two thirds of them right."""
    answers = {}
    for child in quiz.questions:
        right = rng.random() < 0.67
        value = child.value
        if child.block_type in ("single_choice", "multiple_choice"):
            options = value["choices"].bound_blocks
            chosen = [o.id for o in options if o.value["correct"] == right] or [options[0].id]
            if child.block_type == "single_choice":
                chosen = chosen[:1]
        elif child.block_type == "true_false":
            chosen = [str(value["correct"] == right).lower()]
        else:
            chosen = [value["accepted_answers"][0] if right else "weiß nicht"]
        answers[f"q-{child.id}"] = chosen
    return answers


def _with_new_ids(data):
    """A copy of block data with fresh block ids (question and option ids must be unique)."""
    import uuid

    if isinstance(data, dict):
        return {
            key: str(uuid.uuid4()) if key == "id" else _with_new_ids(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_with_new_ids(item) for item in data]
    return data


def build_exam(quiz, time_limit_minutes: int | None = None):
    """The seeded final quiz as an exam of PAGES pages: its ten questions and copies of the
    first ones up to two per page, shown two per page, with the time limit, published as a new
    revision."""
    import json

    raw = json.loads(json.dumps(list(quiz.questions.raw_data)))
    copies = [_with_new_ids(item) for item in raw[: 2 * PAGES - len(raw)]]
    quiz.questions = raw + copies
    quiz.questions_per_page = 2
    quiz.time_limit_minutes = time_limit_minutes
    quiz.save_revision().publish()
    quiz.refresh_from_db()
    return quiz


LOGIN_PASSWORD = "Pruefungstag-2026!"  # noqa: S105 (the bench learners' shared password)


def prepare_data(users: int, seed: int, from_login: bool = False, time_limit: int = 0):
    """Learners enrolled in the first seeded course with sessions; returns (quiz, learners).

    Written in bulk (users, enrolments, sessions) so 3,000 learners take seconds; the
    learners have unusable passwords, so nobody can log in with them.
    """
    from django.contrib.auth.hashers import make_password

    from courses.models import CoursePage, QuizPage
    from lms.models import Enrolment, User

    course = CoursePage.objects.live().order_by("path").first()
    quiz = build_exam(QuizPage.objects.live().descendant_of(course).get(), time_limit or None)
    # With --from-login every learner signs in through the form: one Argon2id hash, shared
    # (verifying it costs the same per login); otherwise nobody can log in with these accounts.
    password = make_password(LOGIN_PASSWORD if from_login else None)
    people = User.objects.bulk_create(
        [
            User(
                email=f"learner{i:05d}@exam.bench.invalid",
                full_name=f"Prüfling {i}",
                password=password,
            )
            for i in range(users)
        ],
        batch_size=1000,
    )
    Enrolment.objects.bulk_create(
        [Enrolment(user=person, course=course) for person in people], batch_size=1000
    )
    rng = random.Random(seed)
    if from_login:
        learners = [Learner("", form_answers(quiz, rng), email=p.email) for p in people]
        return quiz, learners
    cookies = harness.session_cookies(people)
    learners = [Learner(f"sessionid={cookies[p.pk]}", form_answers(quiz, rng)) for p in people]
    return quiz, learners


def run_locust(run: Run, base_url: str, *, users: int, spawn_rate: float, timeout: float):
    """Run the users to the end (or ``timeout`` seconds)."""
    import gevent
    from gevent.event import Event
    from locust import events, task
    from locust.contrib.fasthttp import FastHttpUser
    from locust.env import Environment
    from locust.exception import StopUser

    barrier = Event()
    arrived = {"count": 0}
    learners = iter(run.learners)
    csrf_pattern = re.compile(r"csrftoken=([A-Za-z0-9]+)")
    session_pattern = re.compile(r"sessionid=([a-z0-9]+)")
    attempt_pattern = re.compile(r"/lernen/versuch/(\d+)/(?:seite|abgeben)/")
    question_pattern = re.compile(r'name="(q-[^"]+)"')

    class Examinee(FastHttpUser):
        host = base_url
        connection_timeout = 180.0
        network_timeout = 180.0
        insecure = True

        def on_start(self):
            self.learner = next(learners)
            self.csrf = ""

        def sign_in(self):
            """From the login page, as a person would: the form with CSRF token, then the
            session cookie of the signed-in person."""
            with self.client.get(
                "/konto/anmelden/", name="0 login page", catch_response=True
            ) as response:
                self.csrf = csrf_pattern.search(response.headers.get("Set-Cookie", "")).group(1)
            form = urlencode(
                {
                    "csrfmiddlewaretoken": self.csrf,
                    "username": self.learner.email,
                    "password": LOGIN_PASSWORD,
                }
            )
            with self.client.post(
                "/konto/anmelden/",
                headers={
                    "Cookie": f"csrftoken={self.csrf}",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
                data=form,
                name="0 login (POST)",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                cookies = response.headers.get("Set-Cookie", "") or ""
                if isinstance(cookies, list):  # several Set-Cookie headers
                    cookies = "\n".join(cookies)
                match = session_pattern.search(cookies)
                if response.status_code != 302 or not match:
                    response.failure(f"login answered {response.status_code}")
                    raise StopUser
            self.learner.cookie = f"sessionid={match.group(1)}"
            rotated = csrf_pattern.search(cookies)  # the login rotates the CSRF token
            self.csrf = rotated.group(1) if rotated else self.csrf

        def headers(self, post=False) -> dict:
            cookie = self.learner.cookie + (f"; csrftoken={self.csrf}" if self.csrf else "")
            headers = {"Cookie": cookie}
            if post:
                headers["X-CSRFToken"] = self.csrf
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            return headers

        def get_quiz(self, name: str, phase: str) -> str:
            started = time.monotonic()
            with self.client.get(
                run.quiz_url, headers=self.headers(), name=name, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")
                    raise StopUser
                set_cookie = response.headers.get("Set-Cookie", "") or ""
                if isinstance(set_cookie, list):  # several cookies (session and CSRF token)
                    set_cookie = "; ".join(set_cookie)
                match = csrf_pattern.search(set_cookie)
                if match:
                    self.csrf = match.group(1)
                body = response.text or ""
            run.latencies[phase].append((time.monotonic() - started) * 1000)
            return body

        def page_form(self, body: str, page: int, target: int | None = None) -> str:
            """The answers to the questions shown on this page, as the form sends them."""
            fields = [("csrfmiddlewaretoken", self.csrf), ("seite", str(page))]
            if target:
                fields.append(("ziel", str(target)))
            for name in dict.fromkeys(question_pattern.findall(body)):
                fields.extend((name, value) for value in self.learner.answers[name])
            return urlencode(fields)

        def think(self):
            gevent.sleep(random.uniform(run.think_min, run.think_max))

        @task
        def exam(self):
            # Waiting room: (sign in,) open the quiz page (CSRF token), wait for everyone.
            try:
                if run.from_login:
                    self.sign_in()
                self.get_quiz("0 waiting room: quiz page", "start")
            finally:  # a learner who failed here must not hold the others back
                arrived["count"] += 1
                if arrived["count"] >= users:
                    run.start_released_at = time.monotonic()
                    barrier.set()
            barrier.wait()
            # Synchronised start: "Start quiz" as htmx sends it; the answer is page 1 (the
            # questions of the new attempt, swapped into the page).
            started = time.monotonic()
            with self.client.post(
                f"/lernen/quiz/{run.quiz_id}/starten/",
                headers={**self.headers(post=True), "HX-Request": "true"},
                data="",
                name="1 start quiz = page 1 of 8 (htmx POST)",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")
                    raise StopUser
                body = response.text or ""
            run.latencies["start"].append((time.monotonic() - started) * 1000)
            run.start_served_at.append(time.monotonic())
            match = attempt_pattern.search(body)
            if not match:
                run.failures.append("start without an open attempt form")
                raise StopUser
            attempt_id = match.group(1)
            # The attempt's own number of pages: the quiz draws its questions from pools.
            pages_match = re.search(r"Seite 1 von (\d+)", body)
            pages = int(pages_match.group(1)) if pages_match else PAGES
            # Pages 1-7: think, then "Save and continue" (htmx): the page's answers are saved
            # and the next page comes back. The fields on each page are read from the HTML.
            for page in range(1, pages):
                self.think()
                started = time.monotonic()
                with self.client.post(
                    f"/lernen/versuch/{attempt_id}/seite/",
                    headers={**self.headers(post=True), "HX-Request": "true"},
                    data=self.page_form(body, page, target=page + 1),
                    name="2 save page and get the next (htmx POST)",
                    allow_redirects=False,
                    catch_response=True,
                ) as response:
                    body = response.text or ""
                    if response.status_code != 200 or f'value="{page + 1}"' not in body:
                        if not run.failures:
                            run.failures.append(f"page {page + 1} not served: {body[:400]!r}")
                        response.failure(f"status {response.status_code}")
                        raise StopUser
                run.latencies["steady"].append((time.monotonic() - started) * 1000)
            self.think()
            started = time.monotonic()
            with self.client.post(
                f"/lernen/versuch/{attempt_id}/abgeben/",
                headers=self.headers(post=True),
                data=self.page_form(body, pages),
                name="3 submit the last page (POST)",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code == 302 and "/lernen/versuch/" in (
                    response.headers.get("Location") or ""
                ):
                    run.submitted += 1
                else:
                    response.failure(f"status {response.status_code}")
            run.latencies["steady"].append((time.monotonic() - started) * 1000)
            run.finished += 1
            raise StopUser

    environment = Environment(user_classes=[Examinee], events=events)
    runner = environment.create_local_runner()
    began = time.monotonic()
    runner.start(users, spawn_rate=spawn_rate)

    def progress():
        while True:
            gevent.sleep(15)
            stats = environment.stats.total
            print(
                f"  t={time.monotonic() - began:5.0f}s users={runner.user_count} "
                f"arrived={arrived['count']} finished={run.finished} "
                f"requests={stats.num_requests} failures={stats.num_failures} "
                f"rps={stats.current_rps:.1f} load={os.getloadavg()[0]:.2f}",
                flush=True,
            )

    reporter = gevent.spawn(progress)
    deadline = began + timeout
    while time.monotonic() < deadline:
        gevent.sleep(1)
        if run.finished + len(run.failures) >= users or (
            runner.user_count == 0 and time.monotonic() - began > 10
        ):
            break
    elapsed = time.monotonic() - began
    reporter.kill()
    runner.quit()
    return environment.stats, elapsed


def check_database(run: Run, quiz_id: int, question_count: int) -> list[str]:
    from django.db import connections

    from lms.models import QuizAttempt

    connections.close_all()
    problems = []
    attempts = QuizAttempt.objects.filter(  # the bench's learners, not the demo learner
        quiz_id=quiz_id, enrolment__user__email__endswith="@exam.bench.invalid"
    )
    submitted = attempts.filter(status=QuizAttempt.Status.SUBMITTED)
    submitted_count = submitted.count()
    empty = sum(1 for answers in submitted.values_list("answers", flat=True) if not answers)
    incomplete = sum(  # every question the attempt drew (all, for attempts without a draw)
        1
        for answers, drawn in submitted.values_list("answers", "question_ids")
        if len(answers) != (len(drawn) or question_count)
    )
    duplicates = attempts.count() - attempts.values("enrolment_id").distinct().count()
    # Each attempt stored its own draw, and only drawn questions were answered.
    draws = list(submitted.values_list("question_ids", "answers", "deadline", "started_at"))
    without_draw = sum(1 for drawn, _answers, _d, _s in draws if not drawn)
    outside_draw = sum(1 for drawn, answers, _d, _s in draws if set(answers) - set(drawn))
    distinct_draws = len({tuple(drawn) for drawn, _answers, _d, _s in draws})
    limits = {round((d - s).total_seconds() / 60) for _x, _y, d, s in draws if d}
    print(
        f"draws: {distinct_draws} distinct among {len(draws)} submitted attempts, "
        f"{without_draw} without a stored draw, {outside_draw} with answers outside their draw; "
        f"deadlines set: {sum(1 for _x, _y, d, _s in draws if d)} (limits {sorted(limits)} min)"
    )
    if without_draw or outside_draw:
        problems.append("some attempts lack their own draw")
    print(
        f"database: {attempts.count()} attempts, {submitted_count} submitted "
        f"(learners with a successful submit: {run.submitted}), {empty} with empty answers, "
        f"{incomplete} without an answer to every drawn question, {duplicates} duplicate attempts"
    )
    if submitted_count != run.submitted:
        problems.append("submitted attempts in the database != successful submits")
    if empty or incomplete:
        problems.append("some submitted attempts lack answers")
    if duplicates:
        problems.append("some learners have more than one attempt")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--think-min", type=float, default=30.0, help="seconds per page")
    parser.add_argument("--think-max", type=float, default=90.0, help="seconds per page")
    parser.add_argument("--spawn-rate", type=float, default=100.0, help="users per second")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--timeout", type=float, default=1500.0, help="stop the run after this")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--keep-db", action="store_true", help="keep bench_exam afterwards")
    parser.add_argument(
        "--time-limit", type=int, default=15, help="the exam's time limit in minutes (0: none)"
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=0,
        help="0: one gunicorn reached directly; N: N gunicorns sharing --workers behind HAProxy",
    )
    parser.add_argument(
        "--from-login",
        action="store_true",
        help="learners sign in through the login form first (else: prepared session cookies)",
    )
    args = parser.parse_args()

    harness.configure(database=DATABASE, redis_db=REDIS_DB)
    harness.recreate_database(DATABASE)
    harness.flush_redis(REDIS_DB)
    try:
        print(f"setting up {DATABASE} (migrate, collectstatic, seed_demo, {args.users} learners) …")
        harness.setup_django_and_schema()
        quiz, learners = prepare_data(args.users, args.seed, args.from_login, args.time_limit)
        question_count = len(quiz.questions)
        run = Run(learners, quiz.url, quiz.pk, args.think_min, args.think_max, args.from_login)
        from django.db import connections

        connections.close_all()
        backlog = ["--backlog", "4096"]
        with harness.app_servers(
            port=PORT, servers=args.servers, workers=args.workers, extra_args=backlog
        ) as server:
            base_url = server.url
            print(
                f"quiz '{quiz.title}' ({question_count} questions) at {quiz.url}; "
                f"{args.users} learners, spawn rate {args.spawn_rate}/s, think time "
                f"{args.think_min:g}-{args.think_max:g} s per page, two questions per page "
                f"(as many pages as the attempt draws questions), each saved on the way to "
                f"the next, then the submit of the last"
                + (" — learners sign in through the login form first" if args.from_login else "")
            )
            topology = (
                f"{args.servers} gunicorn servers × {args.workers // args.servers} sync workers"
                " behind HAProxy"
                if args.servers
                else f"gunicorn {args.workers} sync workers"
            )
            print(f"{topology}; load average {harness.load_average()}")
            stats, elapsed = run_locust(
                run, base_url, users=args.users, spawn_rate=args.spawn_rate, timeout=args.timeout
            )
            load_after = harness.load_average()
        report(run, stats, elapsed, args, load_after)
        problems = check_database(run, quiz.pk, question_count)
        total = stats.total
        start_seconds = (
            max(run.start_served_at) - run.start_released_at if run.start_served_at else 0.0
        )
        steady_p95 = harness.percentile(run.latencies["steady"], 0.95)
        met = (
            total.num_failures == 0
            and not run.failures
            and run.submitted == args.users
            and steady_p95 < TARGET_P95_MS
            and start_seconds <= TARGET_START_SECONDS
            and not problems
        )
        print(f"targets for {args.users} learners: {'met' if met else 'NOT met'}")
        for problem in problems + run.failures[:5]:
            print(f"PROBLEM: {problem}")
    finally:
        if not args.keep_db:
            harness.drop_database(DATABASE)
            harness.flush_redis(REDIS_DB)


def report(run: Run, stats, elapsed: float, args, load_after: str) -> None:
    total = stats.total
    print()
    print(f"{'request':<34}{'count':>8}{'fail':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        print(
            f"{entry.name:<34}{entry.num_requests:>8}{entry.num_failures:>6}"
            f"{entry.get_response_time_percentile(0.5):>9.0f}"
            f"{entry.get_response_time_percentile(0.95):>9.0f}"
            f"{entry.get_response_time_percentile(0.99):>9.0f}"
        )
    print(
        f"{'all requests':<34}{total.num_requests:>8}{total.num_failures:>6}"
        f"{total.get_response_time_percentile(0.5):>9.0f}"
        f"{total.get_response_time_percentile(0.95):>9.0f}"
        f"{total.get_response_time_percentile(0.99):>9.0f}"
    )
    for phase, label in (
        ("start", "synchronised start (waiting room, start, page 1)"),
        ("steady", "steady state (pages 2-8, submit)"),
    ):
        values = run.latencies[phase]
        print(
            f"{label}: p50 {harness.percentile(values, 0.5):.0f} ms, "
            f"p95 {harness.percentile(values, 0.95):.0f} ms, "
            f"p99 {harness.percentile(values, 0.99):.0f} ms ({len(values)} requests)"
        )
    for error in sorted(stats.errors.values(), key=lambda e: -e.occurrences)[:5]:
        print(f"error: {error.occurrences} × {error.method} {error.name}: {error.error}")
    rps = total.num_requests / elapsed if elapsed else 0.0
    start_seconds = max(run.start_served_at) - run.start_released_at if run.start_served_at else 0
    print(
        f"run {elapsed:.0f} s, {rps:.1f} requests/s on average, {total.num_failures} errors; "
        f"{run.submitted}/{args.users} learners submitted"
    )
    print(
        f"synchronised start: {len(run.start_served_at)}/{args.users} learners had started "
        f"and received "
        f"page 1 {start_seconds:.1f} s after the barrier opened "
        f"(target <= {TARGET_START_SECONDS} s)"
    )
    cores = os.cpu_count() or 1
    print(
        f"users per vCPU in this run: {args.users / cores:.0f} ({args.users} learners on {cores} "
        f"vCPUs shared by app, database, load generator and other work) vs Moodle 4.5: "
        f"{MOODLE_USERS_PER_VCPU:.0f} (2,000 on 12 app + 4 database vCPUs); a per-core claim "
        f"holds only for a run that met the targets"
    )
    print(f"load average after the run: {load_after}")


if __name__ == "__main__":
    main()
