"""Bulk issuance benchmark: N completed enrolments issued end to end by two Celery workers.

For each enrolment a worker runs ``certificates.issue`` (the certificate row with its frozen
snapshot and a serial from the locked per-year counter), which queues ``certificates.render``
on commit (render with ReportLab, PAdES-sign, store the PDF with its SHA-256, compose and
"send" the mail with Django's dummy backend). The clock runs from queueing the first task until
every certificate has its PDF and its mail mark. Prints certificates per second, total seconds
and the peak resident memory of each worker process.

    python bench/bulk_issue.py [--count 10000] [--workers 2] [--reuse-db] [--s3]

``--s3`` stores the PDFs in an S3 bucket of a SeaweedFS started on 127.0.0.1 (``make peers``
builds it), as a cluster does, instead of the local disk.

Needs PostgreSQL and Redis (``BENCH_DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/certs_bench, dropped and re-created unless --reuse-db;
``BENCH_BROKER_URL``, default redis://127.0.0.1:6379/12, flushed first).
Run it through ``make bench-bulk``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/certs_bench"
)
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12")
WORK_DIR = Path(tempfile.mkdtemp(prefix="bench-bulk-"))
ENV = {
    "DJANGO_SETTINGS_MODULE": "lms.settings.base",
    "SECRET_KEY": "bench-only-" + "x" * 48,
    "DATABASE_URL": DATABASE_URL,
    "CELERY_BROKER_URL": BROKER_URL,
    "MEDIA_ROOT": str(WORK_DIR / "media"),
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "CERTIFICATE_SIGNING_DIR": str(ROOT / "var" / "signing"),
    "LOG_LEVEL": "WARNING",
    "DB_CONN_MAX_AGE": "600",  # as production (.env.example): no reconnect per task
    "SITE_URL": "https://campus.example.org",
}
os.environ.update(ENV)


def recreate_database() -> None:
    import psycopg

    url = urlsplit(DATABASE_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def prepare(count: int) -> list[int]:
    """Demo content, then ``count`` people with a completed enrolment each (bulk inserts)."""
    from django.core.management import call_command
    from django.utils import timezone

    from courses.models import CoursePage
    from lms.dates import qualification_valid_until
    from lms.models import Enrolment, User

    call_command("migrate", verbosity=0)
    if not CoursePage.objects.exists():
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    course = CoursePage.objects.live().order_by("pk").first()
    names = ["Łukasz Żółć", "Şeyma Çelik", "Ærøskøbing Ågård", "Jürgen Weiß", "Ana Núñez"]
    start = User.objects.count()
    users = User.objects.bulk_create(
        [
            User(
                email=f"bench{start + i}@bench.invalid",
                full_name=f"{names[i % len(names)]} {start + i}",
                password="!",
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(
                user=user,
                course=course,
                status="completed",
                completed_at=now,
                valid_until=qualification_valid_until(
                    timezone.localdate(now), course.certificate_validity_months
                ),
            )
            for user in users
        ],
        batch_size=2000,
    )
    return [enrolment.pk for enrolment in enrolments]


def start_workers(count: int) -> list[subprocess.Popen]:
    log = (WORK_DIR / "workers.log").open("ab")
    return [
        subprocess.Popen(  # one process each: --pool=solo, so RSS is the whole worker
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lms",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"bench{index}@%h",
            ],
            cwd=ROOT,
            env={**os.environ, **ENV},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for index in range(count)
    ]


def rss_of(process) -> int:
    import psutil

    try:
        proc = psutil.Process(process.pid)
        return proc.memory_info().rss + sum(
            child.memory_info().rss for child in proc.children(recursive=True)
        )
    except psutil.NoSuchProcess:
        return 0


def cpu_of(process) -> float:
    """User + system CPU seconds the worker has used so far."""
    import psutil

    try:
        times = psutil.Process(process.pid).cpu_times()
        return times.user + times.system
    except psutil.NoSuchProcess:
        return 0.0


def postgres_cpu() -> float:
    """CPU seconds of all PostgreSQL server processes (they do the database half of the work)."""
    import psutil

    total = 0.0
    for proc in psutil.process_iter(["name"]):
        if proc.info["name"] and proc.info["name"].startswith("postgres"):
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuse-db", action="store_true")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument(
        "--no-sign", action="store_true", help="skip the PAdES signature (to see its share)"
    )
    parser.add_argument(
        "--per-certificate",
        action="store_true",
        help="one issue task per enrolment (the completion path) instead of batches",
    )
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--s3", action="store_true", help="PDFs into a SeaweedFS S3 bucket")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.s3:
            from tests.peers.seaweedfs import ACCESS_KEY, BUCKET, SECRET_KEY, SeaweedS3

            s3 = stack.enter_context(SeaweedS3())
            storage = {
                "S3_BUCKET": BUCKET,
                "S3_ENDPOINT_URL": s3.endpoint,
                "S3_ACCESS_KEY_ID": ACCESS_KEY,
                "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            }
            ENV.update(storage)
            os.environ.update(storage)
        run(args)


def run(args) -> None:
    if args.no_sign:
        ENV["CERTIFICATE_SIGN_PDF"] = "false"
        os.environ["CERTIFICATE_SIGN_PDF"] = "false"

    if not args.reuse_db:
        recreate_database()
    import django

    django.setup()
    import redis
    from django.core.files.storage import default_storage
    from django.db import close_old_connections

    from certificates.models import Certificate
    from certificates.tasks import certificate_issue_task, certificates_issue_batch_task

    redis.Redis.from_url(BROKER_URL).flushdb()
    print(f"Preparing {args.count} completed enrolments …", flush=True)
    enrolment_ids = prepare(args.count)
    workers = start_workers(args.workers)
    peaks = [0] * len(workers)
    try:
        time.sleep(5)  # let the workers import Django and connect (not timed)
        for index, worker in enumerate(workers):
            peaks[index] = max(peaks[index], rss_of(worker))
        cpu_before = [cpu_of(worker) for worker in workers]
        pg_before = postgres_cpu()
        started = time.perf_counter()
        if args.per_certificate:
            for enrolment_id in enrolment_ids:
                certificate_issue_task.delay(enrolment_id)
        else:
            for start in range(0, len(enrolment_ids), args.batch_size):
                certificates_issue_batch_task.delay(enrolment_ids[start : start + args.batch_size])
        queued = time.perf_counter() - started
        done = 0
        while done < args.count:
            time.sleep(0.5)
            for index, worker in enumerate(workers):
                peaks[index] = max(peaks[index], rss_of(worker))
                if worker.poll() is not None:
                    sys.exit(f"worker {index} died; see {WORK_DIR / 'workers.log'}")
            close_old_connections()
            done = Certificate.objects.filter(
                user__email__endswith="@bench.invalid", mailed_at__isnull=False
            ).count()
            if time.perf_counter() - started > args.timeout:
                sys.exit(f"timed out with {done}/{args.count} certificates")
        elapsed = time.perf_counter() - started
        worker_cpu = sum(cpu_of(w) for w in workers) - sum(cpu_before)
        pg_cpu = postgres_cpu() - pg_before
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)

    stored = Certificate.objects.filter(enrolment_id__in=enrolment_ids).exclude(pdf="")
    pdf_count, size = stored.count(), 0
    for name in stored.values_list("pdf", flat=True)[:100]:  # a sample: the sizes are alike
        size += default_storage.size(name)
    size = size * pdf_count / max(1, min(100, pdf_count))
    serials = Certificate.objects.filter(enrolment_id__in=enrolment_ids).values_list(
        "serial", flat=True
    )
    numbers = sorted(int(serial.rsplit("-", 1)[1]) for serial in serials)
    gap_free = numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    load = os.getloadavg()
    print(f"PDF signature:         {'off' if args.no_sign else 'PAdES, RSA-3072'}")
    mode = (
        "one issue task + one render task per certificate"
        if args.per_certificate
        else f"certificates.issue_batch, {args.batch_size} per task"
    )
    print(f"Path:                  {mode}")
    where = "in the S3 bucket" if args.s3 else "on disk"
    print(f"Storage:               {'S3 (SeaweedFS on 127.0.0.1)' if args.s3 else 'local disk'}")
    print(f"Certificates issued:   {args.count} (PDFs {where}: {pdf_count}, {size / 1e6:.1f} MB)")
    print(f"Serials gap-free:      {gap_free}")
    print(f"Queueing took:         {queued:.1f} s (inside the total)")
    print(f"Total:                 {elapsed:.1f} s")
    print(f"Throughput:            {args.count / elapsed:.1f} certificates/s")
    per_certificate = (worker_cpu + pg_cpu) / args.count
    print(
        f"CPU per certificate:   {1000 * worker_cpu / args.count:.1f} ms in the workers + "
        f"{1000 * pg_cpu / args.count:.1f} ms in PostgreSQL"
    )
    print(
        f"On 2 idle cores:       ~{2 / per_certificate:.0f} certificates/s "
        f"(~{10_000 * per_certificate / 2:.0f} s for 10,000), from the CPU time above"
    )
    for index, peak in enumerate(peaks):
        print(f"Peak RSS worker {index}:     {peak / 2**20:.0f} MiB")
    print(
        f"Machine:               {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} at the end"
    )
    shutil.rmtree(WORK_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
