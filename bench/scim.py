"""SCIM provisioning throughput: a directory creates 1,000 people, as Entra ID does it.

For each new person the directory first looks them up (``GET /Users?filter=userName eq …``),
then creates them (``POST /Users``), then updates them (``PATCH``: the display name and the
department's group); at the end it deactivates a tenth of them (``PATCH active=false``). The
city already holds ``--existing`` employees (default 5,000), so the lookups search a real table.

Production settings on PostgreSQL behind gunicorn (2 workers, sync) on this machine; the
directory is ``--clients`` concurrent connections (default 4; Entra ID provisions with a few
parallel requests). Celery queues to Redis and no worker runs, as on a web node: the invitation
mails are queued, not sent, inside the measured requests.

Prints requests per second per kind and overall, p50/p95 latency, and checks the database
afterwards (every person created, a membership each, the deactivated ones gone from the unit).

    python bench/scim.py [--people 1000] [--existing 5000] [--clients 4]

Run it through ``make bench-scim`` (starts PostgreSQL and Redis if needed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

DATABASE = "scim_bench"
REDIS_DB = 11
PORT = 8931
USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_URN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def prepare(existing: int) -> tuple[str, int]:
    """The token of the demo city, a directory group, and ``existing`` employees there."""
    from lms.models import Membership, Organisation, User
    from lms.services.scim import scim_token_create

    city = Organisation.objects.filter(kind=Organisation.Kind.KREISFREIE_STADT).first()
    admin = User.objects.filter(is_superuser=True).first()
    secret = scim_token_create(organisation=city, name="Bench directory", by=admin).secret
    people = User.objects.bulk_create(
        [
            User(email=f"bestand{n:05d}@bench.example", full_name=f"Bestand {n:05d}")
            for n in range(existing)
        ],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [Membership(user=p, organisation=city) for p in people], batch_size=2000
    )
    return secret, city.pk


class Directory:
    def __init__(self, base: str, secret: str):
        self.base, self.secret = base, secret
        self.timings: dict[str, list[float]] = {}

    def call(self, kind: str, method: str, path: str, body=None) -> dict:
        request = urllib.request.Request(
            f"{self.base}/scim/v2/{path}",
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={
                "Authorization": f"Bearer {self.secret}",
                "Content-Type": "application/scim+json",
            },
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                data = response.read()
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{method} {path}: {exc.code} {exc.read()[:300]!r}") from exc
        self.timings.setdefault(kind, []).append(time.perf_counter() - started)
        return json.loads(data) if data else {}

    def provision(self, n: int, group_id: str) -> str:
        user_name = f"neu{n:05d}@bench.example"
        quoted = urllib.request.quote(f'userName eq "{user_name}"')
        found = self.call("lookup (GET filter)", "GET", f"Users?filter={quoted}")
        assert found["totalResults"] == 0, found
        created = self.call(
            "create (POST)",
            "POST",
            "Users",
            {
                "schemas": [USER_URN],
                "userName": user_name,
                "externalId": f"entra-{n}",
                "name": {"givenName": "Neu", "familyName": f"Person {n:05d}"},
                "emails": [{"value": user_name, "type": "work", "primary": True}],
                "active": True,
            },
        )
        self.call(
            "update (PATCH)",
            "PATCH",
            f"Users/{created['id']}",
            {
                "schemas": [PATCH_URN],
                "Operations": [
                    {"op": "replace", "path": "displayName", "value": f"Neu Person {n:05d}"}
                ],
            },
        )
        self.call(
            "group add (PATCH)",
            "PATCH",
            f"Groups/{group_id}",
            {
                "schemas": [PATCH_URN],
                "Operations": [
                    {"op": "add", "path": "members", "value": [{"value": created["id"]}]}
                ],
            },
        )
        return created["id"]

    def deactivate(self, user_id: str) -> None:
        self.call(
            "deactivate (PATCH)",
            "PATCH",
            f"Users/{user_id}",
            {
                "schemas": [PATCH_URN],
                "Operations": [{"op": "replace", "path": "active", "value": False}],
            },
        )


def report(directory: Directory, seconds: float) -> None:
    total = sum(len(t) for t in directory.timings.values())
    print(f"{'kind':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for kind, timings in directory.timings.items():
        print(
            f"{kind:<22}{len(timings):>9}"
            f"{harness.percentile(timings, 0.5) * 1000:>9.1f}"
            f"{harness.percentile(timings, 0.95) * 1000:>9.1f}"
        )
    print(f"all requests: {total} in {seconds:.1f} s = {total / seconds:.1f} requests/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--existing", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    harness.configure(database=DATABASE, redis_db=REDIS_DB)
    os.environ["CELERY_BROKER_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
    os.environ.pop("CELERY_EAGER", None)
    harness.recreate_database(DATABASE)
    harness.flush_redis(REDIS_DB)
    harness.setup_django_and_schema()
    secret, city_id = prepare(args.existing)
    from django.db import connections

    connections.close_all()
    try:
        with harness.gunicorn(port=PORT, workers=2) as server:
            directory = Directory(server.url, secret)
            group = directory.call(
                "group create (POST)",
                "POST",
                "Groups",
                {"schemas": [GROUP_URN], "displayName": "GG-Bench-Neue"},
            )
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                ids = list(
                    pool.map(lambda n: directory.provision(n, group["id"]), range(args.people))
                )
            created_in = time.perf_counter() - started
            with ThreadPoolExecutor(args.clients) as pool:
                list(pool.map(directory.deactivate, ids[: args.people // 10]))
            seconds = time.perf_counter() - started
        print(
            f"SCIM provisioning of {args.people} people ({args.existing} already in the city, "
            f"{args.clients} concurrent connections, gunicorn 2 workers, PostgreSQL)"
        )
        report(directory, seconds)
        print(
            f"creations (lookup + POST + 2 PATCH each): {args.people / created_in:.1f} people/s, "
            f"{4 * args.people / created_in:.1f} requests/s"
        )
        check(ids, city_id, args.people // 10)
    finally:
        if not args.keep:
            harness.drop_database(DATABASE)
    return 0


def check(ids: list[str], city_id: int, deactivated: int) -> None:
    from lms.models import Membership, ScimAccount, ScimGroup, User

    people = User.objects.filter(pk__in=[int(i) for i in ids])
    assert people.count() == len(ids)
    members = Membership.objects.filter(user__in=people, organisation_id=city_id).count()
    assert members == len(ids) - deactivated, members
    assert ScimAccount.objects.filter(user__in=people).count() == len(ids)
    assert ScimGroup.objects.get().members.count() == len(ids)
    named = people.filter(full_name__startswith="Neu Person").count()
    assert named == len(ids), named
    print(
        f"check: {len(ids)} people, {members} still members, {deactivated} deactivated, "
        "names from the directory: ok"
    )


if __name__ == "__main__":
    sys.exit(main())
