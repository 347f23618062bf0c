"""Cluster benchmark (issue 18): what running on several machines costs, measured on one.

1. **Exam load through the load balancer**: ``bench/exam_load.py`` (``--users`` learners, the
   synchronised start, eight pages, submit) against HAProxy in front of **one** gunicorn with
   ``--workers`` sync workers, then in front of **two** gunicorns sharing the same number of
   workers. Think times are short, so the learners ask for more than the machine serves and
   requests per second show its capacity in each topology. On 2 cores the ratio (two servers ÷
   one) shows the overhead of spreading the work, not a speed-up: target ≥ 0.9.
2. **Certificate issuance into object storage**: ``bench/bulk_issue.py`` issues, renders,
   signs and stores ``--certificates`` certificates with two Celery workers, once onto the local
   disk and once into an S3 bucket (SeaweedFS on 127.0.0.1, as the cluster runs): certificates
   per second in S3 ÷ on disk, target ≥ 0.8.

Each part runs the existing benchmark as a subprocess (its own database, dropped afterwards)
and reads the figures it prints. Needs PostgreSQL, Redis, haproxy and the SeaweedFS peer
(``make peers``); run it through ``make bench-cluster``.

    python bench/cluster.py [--users 1000] [--workers 4] [--certificates 1000]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_EXAM_RATIO = 0.9
TARGET_ISSUE_RATIO = 0.8


def run(label: str, command: list[str]) -> str:
    """Run one benchmark, echo its output as it comes, return it whole."""
    print(f"\n=== {label}: {' '.join(command[1:])}", flush=True)
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 (our own benchmarks, fixed arguments)
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        print("    " + line, end="", flush=True)
    if process.wait():
        sys.exit(f"{label} failed (exit {process.returncode})")
    print(f"    ({time.monotonic() - started:.0f} s)")
    return "".join(lines)


def number(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    if match is None:
        sys.exit(f"figure not found in the output: {pattern}")
    return float(match.group(1))


def exam(users: int, workers: int, servers: int, args) -> dict:
    output = run(
        f"exam load, {servers} app server(s) behind HAProxy",
        [
            sys.executable,
            "bench/exam_load.py",
            "--users",
            str(users),
            "--workers",
            str(workers),
            "--servers",
            str(servers),
            "--think-min",
            str(args.think_min),
            "--think-max",
            str(args.think_max),
            "--spawn-rate",
            "100",
        ],
    )
    return {
        "rps": number(r"([\d.]+) requests/s on average", output),
        "errors": int(number(r"requests/s on average, (\d+) errors", output)),
        "submitted": int(number(r"(\d+)/\d+ learners submitted", output)),
        "steady_p95": number(
            r"steady state \(pages 2-8, submit\): p50 \d+ ms, p95 (\d+) ms", output
        ),
        "start": number(r"page 1 ([\d.]+) s after the barrier opened", output),
    }


def issuance(count: int, *, s3: bool) -> dict:
    output = run(
        "certificate issuance into " + ("S3 (SeaweedFS)" if s3 else "the local disk"),
        [sys.executable, "bench/bulk_issue.py", "--count", str(count)] + (["--s3"] if s3 else []),
    )
    stored = int(number(r"\(PDFs (?:on disk|in the S3 bucket): (\d+)", output))
    return {
        "per_second": number(r"Throughput:\s+([\d.]+) certificates/s", output),
        "seconds": number(r"Total:\s+([\d.]+) s", output),
        "stored": stored,
        "gap_free": "Serials gap-free:      True" in output,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers in all")
    parser.add_argument("--think-min", type=float, default=2.0)
    parser.add_argument("--think-max", type=float, default=6.0)
    parser.add_argument("--certificates", type=int, default=1000)
    parser.add_argument("--skip-exam", action="store_true")
    parser.add_argument("--skip-issuance", action="store_true")
    args = parser.parse_args()

    results = []
    if not args.skip_exam:
        one = exam(args.users, args.workers, 1, args)
        two = exam(args.users, args.workers, 2, args)
        ratio = two["rps"] / one["rps"]
        print(f"\nExam load, {args.users} learners, {args.workers} gunicorn workers in all:")
        print(f"{'':<30}{'req/s':>8}{'steady p95':>12}{'start':>8}{'errors':>8}{'submitted':>11}")
        for label, row in (("1 app server behind HAProxy", one), ("2 app servers", two)):
            print(
                f"{label:<30}{row['rps']:>8.1f}{row['steady_p95']:>10.0f}ms"
                f"{row['start']:>7.1f}s{row['errors']:>8}{row['submitted']:>11}"
            )
        met = ratio >= TARGET_EXAM_RATIO and not one["errors"] and not two["errors"]
        results.append(met)
        print(
            f"ratio two ÷ one: {ratio:.2f} (target ≥ {TARGET_EXAM_RATIO}, no errors): "
            f"{'met' if met else 'NOT met'}"
        )
    if not args.skip_issuance:
        disk = issuance(args.certificates, s3=False)
        s3 = issuance(args.certificates, s3=True)
        ratio = s3["per_second"] / disk["per_second"]
        print(f"\nCertificate issuance, {args.certificates} certificates, 2 Celery workers:")
        for label, row in (("local disk", disk), ("S3 (SeaweedFS)", s3)):
            print(
                f"{label:<16}{row['per_second']:>7.1f} certificates/s  {row['seconds']:>6.1f} s"
                f"  {row['stored']} PDFs stored, serials gap-free: {row['gap_free']}"
            )
        met = (
            ratio >= TARGET_ISSUE_RATIO
            and s3["stored"] == disk["stored"] == args.certificates
            and s3["gap_free"]
        )
        results.append(met)
        print(
            f"ratio S3 ÷ disk: {ratio:.2f} (target ≥ {TARGET_ISSUE_RATIO}): "
            f"{'met' if met else 'NOT met'}"
        )
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
