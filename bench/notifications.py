"""Notification centre: one person with 5,000 notifications (and 200,000 of other people in
the table) on PostgreSQL; the bell's unread count (cache cold: the one indexed query; cache
warm) and the first and a deep page of the list, p50/p95 over ``--runs`` requests each.

Target (issue 16): unread count and first page each p95 ≤ 50 ms, query count constant.

    python bench/notifications.py [--mine 5000 --others 200000 --runs 50]

Run it through ``make bench-notifications``.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from hr_matrix import timed_get  # noqa: E402

DATABASE = "notifications_bench"
REDIS_DB = 9
TARGET_MS = 50


def _generate(mine: int, others: int):
    """The person and everybody else's notifications, in bulk (COPY-free bulk_create)."""
    from django.db import connection
    from django.utils import timezone

    from lms.models import Notification, User

    started = time.monotonic()
    person = User.objects.create_user(email="viel-post@bonn.de", password=None)
    person.full_name = "Viel Post"
    person.save(update_fields=["full_name"])
    crowd = User.objects.bulk_create(
        User(email=f"person{n}@bench.example", full_name=f"Person {n}") for n in range(200)
    )
    kinds = list(Notification.Kind.values)
    now = timezone.now()

    def rows(user_of, count, prefix):
        for n in range(count):
            yield Notification(
                user=user_of(n),
                kind=kinds[n % len(kinds)],
                key=f"{prefix}:{n}",
                subject=f"Benachrichtigung {n}: Pflichtkurs „Vergabe kompakt“ fällig",
                text="Bitte schließen Sie den Kurs bis zum Fälligkeitsdatum ab.",
                url="/kurse/vergabe-kompakt/",
                created_at=now - timedelta(minutes=n),
                read_at=None if n % 3 else now,  # two thirds unread
            )

    Notification.objects.bulk_create(rows(lambda n: person, mine, "mine"), batch_size=5000)
    Notification.objects.bulk_create(
        rows(lambda n: crowd[n % len(crowd)], others, "other"), batch_size=5000
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"  {mine:,} notifications of the person, {others:,} of 200 others:"
        f" {time.monotonic() - started:.1f} s",
        flush=True,
    )
    return person


def measure(person, runs: int) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from lms.services.notifications import _unread_key as unread_key
    from lms.services.notifications import unread_count

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(person)
    bell, listing = reverse("notification_bell"), reverse("notification_list")
    print(f"\nUnread: {unread_count(person):,}. Load {harness.load_average()}\n")
    print(f"{'Request':<40} {'p50':>8} {'p95':>8} {'max':>8} {'queries':>8}")
    results = {}
    for name, url, cold in (
        ("bell, unread count (cache cold)", bell, True),
        ("bell, unread count (cache warm)", bell, False),
        ("list, first page", listing, False),
        ("list, page 100", listing + "?seite=100", False),
    ):
        if cold:
            times, queries = [], 0
            for _ in range(runs):
                cache.delete(unread_key(person.pk))  # each request counts with the query
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
                queries = len(captured)
        else:
            times, queries, _size = timed_get(client, url, runs)
        p50, p95 = harness.percentile(times, 0.5), harness.percentile(times, 0.95)
        results[name] = p95
        print(f"{name:<40} {p50:>6.1f}ms {p95:>6.1f}ms {max(times):>6.1f}ms {queries:>8}")
    worst = max(results["bell, unread count (cache cold)"], results["list, first page"])
    met = worst <= TARGET_MS
    print(
        f"\nTarget: unread count and first page p95 ≤ {TARGET_MS} ms — worst {worst:.1f} ms:"
        f" {'met' if met else 'NOT met'}"
    )
    return 0 if met else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mine", type=int, default=5000)
    parser.add_argument("--others", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    harness.configure(database=DATABASE, redis_db=REDIS_DB)
    harness.recreate_database(DATABASE)
    try:
        harness.flush_redis(REDIS_DB)
        print("Migrating and seeding the demo…", flush=True)
        harness.setup_django_and_schema()
        person = _generate(args.mine, args.others)
        return measure(person, args.runs)
    finally:
        harness.drop_database(DATABASE)


if __name__ == "__main__":
    sys.exit(main())
