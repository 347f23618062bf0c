"""HR matrix at city scale: 40,000 employees, 30 required qualifications, ~1,000,000 progress rows.

Generates on PostgreSQL (database ``hr_bench``, dropped and re-created; COPY for the bulk rows)
a city administration the size of München's: the demo's Landeshauptstadt München with twelve
Referate of eight Ämter each, twelve job profiles requiring three to eight of 30 courses (five
required lessons each), every employee with one or two job profiles, and for most required
(person, course) pairs an enrolment (completed at some time in the last three years, in
progress, overdue or withdrawn; some assigned by HR) with its lesson progress rows.

Then measures through the real views, in this process with Django's test client and an
HR user (Personalstelle) of München logged in (production settings: ``lms.settings.bench``):

- the qualification matrix, first page, filtered by status and by job profile: p50/p95 over
  ``--runs`` requests and the number of SQL queries per request (must be the same everywhere);
- an employee record and the unit's key figures (dashboard);
- the full CSV export of all 40,000 rows: seconds, rows, and memory (growth of the process's
  peak RSS while streaming; a second run under tracemalloc for the Python allocation peak);
- the XLSX export of all rows as its Celery task builds it: seconds, size, progress updates.

The generated rows bypass the services, so the stored matrix statuses (``QualificationStatus``)
are built afterwards with ``manage.py refresh_qualification_status`` (the full rebuild is timed).

    python bench/hr_matrix.py [--people 40000] [--runs 30] [--keep] [--reuse]

Run it through ``make bench-hr`` (starts PostgreSQL and Redis if needed).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

DATABASE = "hr_bench"
REDIS_DB = 13
COURSES = 30
LESSONS_PER_COURSE = 5
PROFILES = 12
REFERATE = 12
AEMTER_PER_REFERAT = 8
FIRST_NAMES = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Emma",
    "Felix",
    "Greta",
    "Hannah",
    "Ida",
    "Jonas",
    "Karl",
    "Lena",
    "Maximilian",
    "Mia",
    "Noah",
    "Olga",
    "Paul",
    "Quirin",
    "Rosa",
    "Sophie",
    "Tobias",
    "Ursula",
    "Valentin",
    "Wilhelm",
    "Xaver",
    "Yasemin",
    "Zoe",
    "Łukasz",
    "Şeyma",
    "Jürgen",
    "Ana",
    "Mehmet",
]
LAST_NAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Huber",
    "Mayer",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Yılmaz",
    "Nowak",
]


def copy_rows(model, columns: list[str], rows) -> int:
    """COPY ``rows`` (tuples in the order of ``columns``, given as field names) into the
    model's table; returns how many."""
    from django.db import connection

    names = [model._meta.get_field(name).column for name in columns]
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        statement = f"COPY {model._meta.db_table} ({', '.join(names)}) FROM STDIN"
        with raw.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def reset_sequence(model) -> None:
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" (SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


def build_courses(rng: random.Random):
    """30 live courses with five required lessons each (under the demo catalogue)."""
    from courses.models import CourseOutcome, CoursePage, LessonPage, ModulePage

    template = CoursePage.objects.live().order_by("pk").first()
    catalogue = template.get_parent()
    courses = []
    for number in range(1, COURSES + 1):
        course = CoursePage(
            title=f"Pflichtschulung {number:02d}",
            slug=f"pflichtschulung-{number:02d}",
            teaser="Eine Pflichtschulung für den Benchmark.",
            topic=template.topic,
            level=template.level,
            duration_minutes=60,
            certificate_validity_months=rng.choice([12, 24, 36, None]),
        )
        course.outcomes = [CourseOutcome(text="Sie kennen die Grundlagen.")]
        catalogue.add_child(instance=course)
        course.save_revision().publish()
        module = ModulePage(title="Modul 1", slug="modul-1")
        course.add_child(instance=module)
        module.save_revision().publish()
        for lesson_number in range(1, LESSONS_PER_COURSE + 1):
            lesson = LessonPage(
                title=f"Lektion {lesson_number}",
                slug=f"lektion-{lesson_number}",
                body=[{"type": "text", "value": "<p>Inhalt.</p>"}],
            )
            module.add_child(instance=lesson)
            lesson.save_revision().publish()
        courses.append(course)
    lessons = {
        course.pk: list(
            LessonPage.objects.live()
            .descendant_of(course)
            .order_by("path")
            .values_list("pk", "title")
        )
        for course in courses
    }
    return courses, lessons


def generate(people: int, seed: int = 20261126) -> dict:
    """The city, its people, job profiles, enrolments and progress; returns what to measure."""
    from django.db import connection
    from django.utils import timezone

    from lms import services
    from lms.dates import qualification_valid_until
    from lms.models import (
        Enrolment,
        JobProfile,
        LessonProgress,
        Membership,
        Organisation,
        User,
    )

    rng = random.Random(seed)
    started = time.monotonic()
    city = Organisation.objects.get(ags="09162000")
    units = []
    for referat in range(1, REFERATE + 1):
        parent = city.add_child(name=f"Referat {referat:02d}", kind=Organisation.Kind.AMT)
        units.append(parent)
        for amt in range(1, AEMTER_PER_REFERAT + 1):
            units.append(parent.add_child(name=f"Amt {referat:02d}.{amt}", kind="amt"))
    courses, lessons = build_courses(rng)
    profiles = []
    for number in range(1, PROFILES + 1):
        profile = JobProfile.objects.create(name=f"Stellenprofil {number:02d}")
        profile.required_courses.set(rng.sample(courses, rng.randint(3, 8)))
        profiles.append(profile)
    required_of = {p.pk: [c.pk for c in p.required_courses.all()] for p in profiles}
    validity = {course.pk: course.certificate_validity_months for course in courses}
    print(f"  units, courses, profiles: {time.monotonic() - started:.1f} s", flush=True)

    first_user = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = datetime.now(UTC)
    user_rows = (
        (
            first_user + n,
            "!",
            False,
            f"person{n}@muenchen.bench.example",
            *[f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"] * 2,  # shown and certified
            "de",
            True,
            False,
            now,
            "hr",
            now,
        )
        for n in range(people)
    )
    copy_rows(
        User,
        [
            "id",
            "password",
            "is_superuser",
            "email",
            "full_name",
            "verified_name",
            "preferred_language",
            "is_active",
            "is_staff",
            "date_joined",
            "name_source",
            "name_verified_at",
        ],
        user_rows,
    )
    reset_sequence(User)
    first_membership = (
        Membership.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    today = date.today()
    member_profiles: dict[int, list[int]] = {}
    membership_rows, profile_rows = [], []
    for n in range(people):
        membership_id = first_membership + n
        membership_rows.append(
            (membership_id, first_user + n, rng.choice(units).pk, "learner", today)
        )
        chosen = rng.sample(profiles, 1 if rng.random() < 0.7 else 2)
        member_profiles[first_user + n] = [p.pk for p in chosen]
        profile_rows += [(membership_id, p.pk) for p in chosen]
    copy_rows(Membership, ["id", "user", "organisation", "role", "joined_on"], membership_rows)
    reset_sequence(Membership)
    through = Membership.job_profiles.through
    copy_rows(through, ["membership", "jobprofile"], profile_rows)
    print(f"  {people} people with memberships: {time.monotonic() - started:.1f} s", flush=True)

    first_enrolment = (
        Enrolment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    enrolment_rows, progress_rows = [], []
    enrolment_id = first_enrolment
    for user_id, profile_ids in member_profiles.items():
        course_ids = {c for p in profile_ids for c in required_of[p]}
        for course_id in course_ids:
            if rng.random() < 0.2:
                continue  # not started
            roll = rng.random()
            enrolled = now - timedelta(days=rng.randint(30, 1100))
            due = None
            completed = None
            source = "assigned" if rng.random() < 0.5 else "self"
            if roll < 0.55:
                status = "completed"
                completed = enrolled + timedelta(days=rng.randint(1, 25))
                done = LESSONS_PER_COURSE
            elif roll < 0.95:
                status = "active"
                done = rng.randint(0, LESSONS_PER_COURSE - 1)
                if source == "assigned":
                    due = today + timedelta(days=rng.randint(-120, 180))
            else:
                status = "withdrawn"
                done = rng.randint(0, 2)
            until = (
                qualification_valid_until(timezone.localdate(completed), validity[course_id])
                if completed
                else None
            )
            row = (enrolment_id, user_id, course_id, 1, source, status, due, enrolled, completed)
            registration = uuid.UUID(int=rng.getrandbits(128), version=4)  # xAPI registration
            enrolment_rows.append((*row, until, registration))
            for lesson_id, title in lessons[course_id][:done]:
                progress_rows.append(
                    (
                        enrolment_id,
                        lesson_id,
                        title,
                        enrolled,
                        300,
                        completed or enrolled + timedelta(days=1),
                    )
                )
            enrolment_id += 1
    copy_rows(
        Enrolment,
        [
            "id",
            "user",
            "course",
            "cycle",
            "source",
            "status",
            "due_date",
            "enrolled_at",
            "completed_at",
            "valid_until",
            "registration",
        ],
        enrolment_rows,
    )
    reset_sequence(Enrolment)
    copy_rows(
        LessonProgress,
        [
            "enrolment",
            "lesson",
            "lesson_title",
            "first_opened_at",
            "active_seconds",
            "completed_at",
        ],
        progress_rows,
    )
    print(
        f"  {len(enrolment_rows):,} enrolments + {len(progress_rows):,} lesson progress rows"
        f" = {len(enrolment_rows) + len(progress_rows):,}: {time.monotonic() - started:.1f} s",
        flush=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    hr = User.objects.create_user(
        email="personal.muenchen@bench.example", full_name="Personalstelle München"
    )
    services.membership_set(user=hr, organisation=city, role="hr")
    rebuild_seconds = rebuild_statuses()
    return {
        "city": city,
        "hr": hr,
        "profile": profiles[0],
        "employee": first_user + people // 2,
        "progress_rows": len(enrolment_rows) + len(progress_rows),
        "generation_seconds": time.monotonic() - started - rebuild_seconds,
        "rebuild_seconds": rebuild_seconds,
    }


def rebuild_statuses() -> float:
    """The rows above were COPYed past the services: build the stored matrix statuses with the
    command operators run after deploys, and time the full rebuild."""
    from django.core.management import call_command
    from django.db import connection

    print("  rebuilding the stored qualification statuses…", flush=True)
    started = time.monotonic()
    call_command("refresh_qualification_status")
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        # The state autovacuum brings a busy table to: statistics, and the visibility map that
        # lets the page of people be read from the index alone (autocommit: VACUUM needs it).
        cursor.execute("VACUUM ANALYZE")
    return seconds


def timed_get(client, url: str, runs: int) -> tuple[list[float], int, int]:
    """Wall-clock milliseconds of ``runs`` GETs (after two warm-ups), queries of the last."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times, len(queries), len(response.content)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_csv(client, url: str, *, trace: bool) -> dict:
    if trace:
        tracemalloc.start()
    rss_before = peak_rss_mib()
    start = time.perf_counter()
    response = client.get(url)
    rows = size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        rows += chunk.count(b"\n")
    seconds = time.perf_counter() - start
    result = {"seconds": seconds, "rows": rows - 1, "bytes": size}
    result["rss_growth_mib"] = peak_rss_mib() - rss_before
    if trace:
        result["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result


def measure_xlsx(data: dict) -> dict:
    """The XLSX export as the Celery worker builds it (``matrix_export_build``, called here
    in-process): seconds, rows, file size, progress updates and peak RSS growth."""
    from django.core.files.storage import default_storage
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lms.models import MatrixExport
    from lms.services.hr_exports import matrix_export_build

    # The row as ``matrix_export_request`` stores it, without queueing the (eager) task.
    export = MatrixExport.objects.create(
        organisation=data["city"], requested_by=data["hr"], filters=""
    )
    rss_before = peak_rss_mib()
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        export = matrix_export_build(export_id=export.pk)
    seconds = time.perf_counter() - start
    updates = sum(1 for query in queries.captured_queries if "UPDATE" in query["sql"])
    size = default_storage.size(export.file.name)
    default_storage.delete(export.file.name)
    return {
        "seconds": seconds,
        "rows": export.total,
        "bytes": size,
        "status": export.status,
        "updates": updates,
        "rss_growth_mib": peak_rss_mib() - rss_before,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the hr_bench database")
    parser.add_argument("--reuse", action="store_true", help="measure on a kept hr_bench")
    parser.add_argument("--no-csv", action="store_true", help="skip the CSV export")
    args = parser.parse_args()

    harness.configure(database=DATABASE, redis_db=REDIS_DB)
    if args.reuse:  # measure again on the database a --keep run left behind
        import django

        django.setup()
        return measure(existing_data(), args)
    harness.recreate_database(DATABASE)
    try:
        harness.flush_redis(REDIS_DB)
        print("Migrating and seeding the demo…", flush=True)
        harness.setup_django_and_schema()
        print(f"Generating {args.people:,} employees…", flush=True)
        data = generate(args.people)
        return measure(data, args)
    finally:
        if not args.keep:
            harness.drop_database(DATABASE)


def existing_data() -> dict:
    from django.core.management import call_command

    from lms.models import JobProfile, Organisation, User

    call_command("migrate", verbosity=0)  # indexes added since the --keep run
    rebuild_seconds = rebuild_statuses()
    city = Organisation.objects.get(ags="09162000")
    employee = User.objects.filter(email__endswith="@muenchen.bench.example").order_by("pk")
    return {
        "city": city,
        "hr": User.objects.get(email="personal.muenchen@bench.example"),
        "profile": JobProfile.objects.get(name="Stellenprofil 01"),
        "employee": employee[employee.count() // 2].pk,
        "generation_seconds": 0.0,
        "rebuild_seconds": rebuild_seconds,
    }


def measure(data: dict, args) -> int:
    from django.test import Client
    from django.urls import reverse

    from lms.models import Enrolment, LessonProgress, QualificationStatus, User

    client = Client(HTTP_HOST="127.0.0.1")
    harness.sign_in_with_second_factor(client, data["hr"])
    city = data["city"]
    matrix_url = reverse("hr_matrix", args=[city.pk])
    people = User.objects.filter(memberships__organisation__path__startswith=city.path).distinct()
    print()
    print(f"People in {city.name}: {people.count():,}; enrolments {Enrolment.objects.count():,},")
    print(
        f"lesson progress {LessonProgress.objects.count():,}; generated in"
        f" {data['generation_seconds']:.0f} s. Load {harness.load_average()}"
    )
    print(
        f"Stored qualification statuses: {QualificationStatus.objects.count():,} rows, full"
        f" rebuild (refresh_qualification_status) {data['rebuild_seconds']:.1f} s"
    )
    print()
    print(f"{'Request':<44} {'p50':>8} {'p95':>8} {'max':>8} {'queries':>8} {'KB':>6}")
    scenarios = [
        ("matrix, first page", matrix_url),
        ("matrix, page 400", matrix_url + "?seite=400"),
        ("matrix, status expired", matrix_url + "?status=expired"),
        ("matrix, status overdue", matrix_url + "?status=overdue"),
        ("matrix, status not started", matrix_url + "?status=not_started"),
        ("matrix, status expiring, Z–A", matrix_url + "?status=expiring&sort=-name"),
        ("matrix, job profile", matrix_url + f"?job_profile={data['profile'].pk}"),
        (
            "matrix, job profile + status in progress",
            matrix_url + f"?job_profile={data['profile'].pk}&status=in_progress",
        ),
        ("matrix, name search 'schroder'", matrix_url + "?q=schroder"),
        ("matrix, name search 'yilmaz' + overdue", matrix_url + "?q=yilmaz&status=overdue"),
        ("matrix, name search, no hit", matrix_url + "?q=zzyzx"),
        ("matrix, htmx partial", matrix_url),
        ("employee record", reverse("hr_employee", args=[data["employee"]])),
        ("key figures (dashboard)", reverse("hr_dashboard", args=[city.pk])),
    ]
    worst_p95, worst_search_p95, query_counts = 0.0, 0.0, set()
    for name, url in scenarios:
        if name == "matrix, htmx partial":
            client.defaults["HTTP_HX_REQUEST"] = "true"
        times, queries, size = timed_get(client, url, args.runs)
        client.defaults.pop("HTTP_HX_REQUEST", None)
        p50, p95 = harness.percentile(times, 0.5), harness.percentile(times, 0.95)
        if name.startswith("matrix"):
            worst_p95 = max(worst_p95, p95)
            query_counts.add(queries)
        if "name search" in name:
            worst_search_p95 = max(worst_search_p95, p95)
        print(
            f"{name:<44} {p50:>6.0f}ms {p95:>6.0f}ms {max(times):>6.0f}ms"
            f" {queries:>8} {size // 1024:>6}"
        )
    print()
    csv_url = reverse("hr_matrix_csv", args=[city.pk])
    plain = {"seconds": float("nan")}
    if not args.no_csv:
        plain = measure_csv(client, csv_url, trace=False)
        traced = measure_csv(client, csv_url, trace=True)
        print(
            f"CSV export: {plain['rows']:,} rows, {plain['bytes'] / 2**20:.1f} MiB in"
            f" {plain['seconds']:.1f} s; peak RSS growth {plain['rss_growth_mib']:.1f} MiB;"
            f" under tracemalloc {traced['seconds']:.1f} s, Python allocation peak"
            f" {traced['tracemalloc_peak_mib']:.1f} MiB"
        )
        print()
        xlsx = measure_xlsx(data)
        print(
            f"XLSX export (Celery task, in-process): {xlsx['rows']:,} rows,"
            f" {xlsx['bytes'] / 2**20:.1f} MiB in {xlsx['seconds']:.1f} s ({xlsx['status']});"
            f" {xlsx['updates']} progress updates; peak RSS growth"
            f" {xlsx['rss_growth_mib']:.1f} MiB"
        )
        print()
    matrix_ok = worst_p95 <= 300
    csv_ok = plain["seconds"] <= 10
    print(
        f"Targets: matrix p95 ≤ 300 ms — worst p95 {worst_p95:.0f} ms"
        f" (queries per matrix request {sorted(query_counts)}; the job profile filter's form"
        " looks the profile up once more):"
        f" {'met' if matrix_ok else 'MISSED'}; name search p95 ≤ 300 ms — worst"
        f" {worst_search_p95:.0f} ms: {'met' if worst_search_p95 <= 300 else 'MISSED'};"
        " CSV of all rows ≤ 10 s:"
        f" {'met' if csv_ok else 'MISSED'} ({plain['seconds']:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
