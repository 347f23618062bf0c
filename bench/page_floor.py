"""Lesson page floor: how much the learning layer costs on top of a bare Wagtail page.

Starts gunicorn (2 sync workers, production settings from ``lms.settings.bench``, PostgreSQL
database ``bench_floor``, Redis cache db 5) and drives it with ``wrk`` in rounds of:

* **bare page**: the same ``LessonPage`` URL requested by an anonymous visitor. Wagtail serves
  it with the same template, the same body content and the same middleware, but without the
  learning layer (no enrolment, progress, outline or actions). This is the fairest "bare Wagtail
  page of the same size": a separate plain ``Page`` subclass would need a bench-only model and
  migration, and would still differ in template and URL depth, whereas this one differs only in
  what the learning layer adds, plus the session and user look-up every signed-in request pays.
* **lesson page**: the same URL for an enrolled learner with a session cookie (lesson opened,
  outline with progress, previous/next, "mark as done" form).
* **mark done**: the htmx POST of the "mark as done" button (``HX-Request``, CSRF token from
  the cookie the lesson page set), rotating over distinct (learner, lesson) pairs so that every
  request completes a lesson for the first time while pairs last (the run prints how many were
  repeats, which take the idempotent path).

It prints requests/s and p50/p95/p99 latency per scenario, the lesson/bare ratio against the
target (lesson page >= 50 % of the bare page's requests/s) and the load average.

    python bench/page_floor.py [--duration 10] [--rounds 2] [--connections 4] [--keep-db]

Run it through ``make bench-floor``, which installs what it needs and drops the database after.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

DATABASE = "bench_floor"
REDIS_DB = 5
PORT = 8765
POST_LEARNERS = 300
TARGET_RATIO = 0.5

RESULT_LUA = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Result:
    label: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    status_errors: int
    socket_errors: int
    cpu_seconds: float = 0.0  # gunicorn workers + PostgreSQL backends during the scenario

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu_seconds / self.requests if self.requests else 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def lua_get(cookie: str) -> str:
    header = f'wrk.headers["Cookie"] = "{cookie}"\n' if cookie else ""
    return header + RESULT_LUA


def lua_post(pairs: list[tuple[str, str]], csrf: str) -> str:
    """Each wrk thread walks the (path, cookie) list from its own offset with stride=threads,
    so the threads never send the same pair while pairs last."""
    rows = ",\n".join(f'{{"{path}", "{cookie}"}}' for path, cookie in pairs)
    return f"""
local pairs_ = {{
{rows}
}}
local thread_count = 0
function setup(thread)
  thread:set("offset", thread_count)
  thread_count = thread_count + 1
end
function init(args)
  counter = offset
  stride = tonumber(args[1]) or 1
end
function request()
  local pair = pairs_[(counter % #pairs_) + 1]
  counter = counter + stride
  return wrk.format("POST", pair[1], {{
    ["Cookie"] = pair[2] .. "; csrftoken={csrf}",
    ["X-CSRFToken"] = "{csrf}",
    ["HX-Request"] = "true",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }}, "")
end
{RESULT_LUA}
"""


def run_wrk(
    label: str,
    url: str,
    script: str,
    *,
    duration: int,
    connections: int,
    threads: int,
    server: harness.Server | None = None,
) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
        script_path = handle.name
    try:
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            script_path,
            url,
            "--",
            str(threads),
        ]
        cpu_before = server.cpu_snapshot(DATABASE) if server else {}
        output = subprocess.run(
            command, capture_output=True, text=True, check=True, timeout=duration + 60
        ).stdout
        cpu = harness.cpu_used(cpu_before, server.cpu_snapshot(DATABASE)) if server else 0.0
    finally:
        os.unlink(script_path)
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    if not match:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    requests, micros, p50, p95, p99, status_errors, socket_errors = map(int, match.groups())
    return Result(
        label,
        requests,
        micros / 1e6,
        p50 / 1000,
        p95 / 1000,
        p99 / 1000,
        status_errors,
        socket_errors,
        cpu,
    )


def prepare_data():
    """A learner enrolled in the first seeded course for the page, and POST_LEARNERS more for
    the mark-done POSTs; returns the lesson, their cookies and the (path, cookie) pairs."""
    from courses.models import CoursePage, LessonPage
    from lms.models import User
    from lms.services import learning as learning_services

    course = CoursePage.objects.live().order_by("path").first()
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    reader = User.objects.create_user(email="reader@bench.invalid", full_name="Bench Reader")
    posters = [
        User.objects.create_user(email=f"poster{i}@bench.invalid", full_name=f"Bench {i}")
        for i in range(POST_LEARNERS)
    ]
    for user in [reader, *posters]:
        learning_services.enrolment_create(user=user, course=course)
    cookies = harness.session_cookies([reader, *posters])
    pairs = [
        (f"/lernen/lektion/{lesson.pk}/erledigt/", f"sessionid={cookies[user.pk]}")
        for lesson in lessons
        for user in posters
    ]
    return course, lessons, f"sessionid={cookies[reader.pk]}", pairs


def check_responses(base_url: str, lesson, reader_cookie: str) -> str:
    """Fail early unless each scenario returns what a browser would get; return the CSRF token
    the lesson page hands out."""
    status, bare, _headers = harness.http_get(base_url + lesson.url)
    if status != 200 or "course-outline" in bare or lesson.title not in bare:
        raise RuntimeError(f"bare page: unexpected response {status}")
    status, body, headers = harness.http_get(base_url + lesson.url, cookie=reader_cookie)
    if status != 200 or "course-outline" not in body or "lesson-status" not in body:
        raise RuntimeError(f"lesson page: unexpected response {status}")
    token = harness.csrf_token_from(headers)
    if not token:
        raise RuntimeError("lesson page set no csrftoken cookie")
    print(f"response sizes: bare page {len(bare.encode())} B, lesson page {len(body.encode())} B")
    return token


def completed_count() -> int:
    from lms.models import LessonProgress

    return LessonProgress.objects.filter(completed_at__isnull=False).count()


def print_table(results: list[Result]) -> None:
    print(
        f"{'scenario':<34}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'requests':>10}{'errors':>8}{'CPU ms/req':>12}"
    )
    for r in results:
        errors = r.status_errors + r.socket_errors
        print(
            f"{r.label:<34}{r.rps:>8.1f}{r.p50_ms:>9.1f}{r.p95_ms:>9.1f}{r.p99_ms:>9.1f}"
            f"{r.requests:>10}{errors:>8}{r.cpu_ms:>12.1f}"
        )


def combine(label: str, results: list[Result]) -> Result:
    """All rounds of one scenario as one result: summed requests over summed time; the
    percentiles are the worst round's (wrk does not hand out its histograms)."""
    return Result(
        label,
        sum(r.requests for r in results),
        sum(r.seconds for r in results),
        max(r.p50_ms for r in results),
        max(r.p95_ms for r in results),
        max(r.p99_ms for r in results),
        sum(r.status_errors for r in results),
        sum(r.socket_errors for r in results),
        sum(r.cpu_seconds for r in results),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario and round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of all three scenarios")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--keep-db", action="store_true", help="keep bench_floor afterwards")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk (make bench-floor does it)")

    harness.configure(database=DATABASE, redis_db=REDIS_DB)
    harness.recreate_database(DATABASE)
    harness.flush_redis(REDIS_DB)
    try:
        print(f"setting up {DATABASE} (migrate, collectstatic, seed_demo, learners) …")
        harness.setup_django_and_schema()
        course, lessons, reader_cookie, pairs = prepare_data()
        lesson = lessons[0]
        print(
            f"course '{course.title}': {len(lessons)} lessons; page under test {lesson.url}; "
            f"{len(pairs)} distinct (learner, lesson) pairs for mark-done"
        )
        with harness.gunicorn(port=PORT, workers=args.workers) as server:
            base_url = server.url
            csrf = check_responses(base_url, lesson, reader_cookie)
            url = base_url + lesson.url
            # Warm both workers (template loading, Wagtail's site cache) before measuring.
            run_wrk(
                "warm-up",
                url,
                lua_get(reader_cookie),
                duration=3,
                connections=args.connections,
                threads=args.threads,
            )
            run_wrk("warm-up", url, lua_get(""), duration=2, connections=2, threads=args.threads)
            print(f"load average before: {harness.load_average()}")
            per_scenario: dict[str, list[Result]] = {"bare": [], "lesson": [], "post": []}
            before = completed_count()
            post_requests = 0
            for round_number in range(1, args.rounds + 1):
                common = {
                    "duration": args.duration,
                    "connections": args.connections,
                    "threads": args.threads,
                    "server": server,
                }
                per_scenario["bare"].append(
                    run_wrk(f"bare page (round {round_number})", url, lua_get(""), **common)
                )
                per_scenario["lesson"].append(
                    run_wrk(
                        f"lesson page (round {round_number})",
                        url,
                        lua_get(reader_cookie),
                        **common,
                    )
                )
                offset_pairs = pairs[post_requests:] + pairs[:post_requests]
                result = run_wrk(
                    f"mark-done POST (round {round_number})",
                    base_url,
                    lua_post(offset_pairs, csrf),
                    **common,
                )
                post_requests += result.requests
                per_scenario["post"].append(result)
                print(f"  round {round_number} done, load average {harness.load_average()}")
            completed = completed_count() - before
        print()
        print(
            f"gunicorn {args.workers} sync workers, wrk {args.threads} threads × "
            f"{args.connections} connections, {args.duration} s per scenario, {args.rounds} rounds"
        )
        rows = [r for results in per_scenario.values() for r in results]
        bare = combine("bare page (anonymous, all rounds)", per_scenario["bare"])
        lesson_result = combine("lesson page (enrolled, all rounds)", per_scenario["lesson"])
        post = combine("mark-done POST (htmx, all rounds)", per_scenario["post"])
        print_table([*rows, bare, lesson_result, post])
        ratio = lesson_result.rps / bare.rps if bare.rps else 0.0
        verdict = "met" if ratio >= TARGET_RATIO else "missed"
        print(
            f"lesson/bare ratio: {ratio:.2f} (target >= {TARGET_RATIO:.2f}: {verdict}); "
            f"mark-done/bare: {post.rps / bare.rps if bare.rps else 0:.2f}"
        )
        if lesson_result.cpu_ms:
            print(
                f"on CPU time per request (app + database, steadier on a shared machine): "
                f"lesson/bare {bare.cpu_ms / lesson_result.cpu_ms:.2f}, "
                f"mark-done/bare {bare.cpu_ms / post.cpu_ms if post.cpu_ms else 0:.2f}"
            )
        repeats = max(0, post.requests - len(pairs))
        print(
            f"mark-done: {completed} lessons completed for the first time in the database, "
            f"{repeats} requests repeated a pair (idempotent path)"
        )
        print(f"load average after: {harness.load_average()}")
        errors = sum(r.status_errors + r.socket_errors for r in rows)
        if errors:
            print(f"ERRORS: {errors} non-2xx/3xx responses or socket errors")
            sys.exit(1)
    finally:
        if not args.keep_db:
            harness.drop_database(DATABASE)
            harness.flush_redis(REDIS_DB)


if __name__ == "__main__":
    main()
