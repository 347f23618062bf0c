"""HR sync at city scale: a full export of 40,000 employees in 96 units against a database that
already holds them, with 2 % joiners, 2 % movers and 1 % leavers, on PostgreSQL.

Generates (database ``hr_sync_bench``, COPY for the bulk rows) the demo's Landeshauptstadt
München with twelve Referate of eight Ämter each and N employees with one job profile each, and
an HR user for the city. Writes the HR system's export as a semicolon CSV in UTF-8 (names like
Yılmaz and Łukasz need it): every employee but the leavers, the movers in another Amt, plus the
joiners. Then runs the real services, as the Celery tasks do (Celery is eager here):

- **preview**: upload + check (``people_sync_upload`` → ``people_sync_check``): seconds, rows per
  second, and the counts it found (must equal what was generated);
- **apply**: ``people_sync_apply_request`` → ``people_sync_apply``: seconds and changes per
  second, then a check of the database (joiners are members, movers moved, leavers inactive);
- **again**: the same file uploaded and applied a second time: its counts (all 0) and the rows
  it wrote (memberships, users, departures: 0);
- the process's peak RSS after each step (memory stays flat: the file is read once, rows are
  written in chunks of 2,000).

    python bench/hr_sync.py [--people 40000] [--keep]

Run it through ``make bench-hr-sync`` (starts PostgreSQL and Redis if needed).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from hr_matrix import (  # noqa: E402
    FIRST_NAMES,
    LAST_NAMES,
    copy_rows,
    peak_rss_mib,
    reset_sequence,
)

DATABASE = "hr_sync_bench"
REDIS_DB = 12
REFERATE = 12
AEMTER_PER_REFERAT = 8
PROFILES = 12
COLUMNS = {
    "name_column": "Name",
    "email_column": "E-Mail",
    "unit_column": "Organisationseinheit",
    "job_profile_column": "Stellenbezeichnung",
}


def generate(people: int, seed: int) -> dict:
    from lms import services
    from lms.models import JobProfile, Membership, Organisation, User

    rng = random.Random(seed)
    city = Organisation.objects.get(ags="09162000")
    # The demo's own employees of the city are not in the HR system's file: they leave too.
    demo_employees = (
        Membership.objects.filter(organisation__path__startswith=city.path)
        .exclude(user__memberships__role__in=["hr", "org_admin", "trainer"])
        .values("user")
        .distinct()
        .count()
    )
    units = []
    for referat in range(1, REFERATE + 1):
        parent = city.add_child(name=f"Referat {referat:02d}", kind=Organisation.Kind.AMT)
        for amt in range(1, AEMTER_PER_REFERAT + 1):
            units.append(parent.add_child(name=f"Amt {referat:02d}.{amt}", kind="amt"))
    profiles = [
        JobProfile.objects.create(name=f"Stellenprofil {number:02d}")
        for number in range(1, PROFILES + 1)
    ]
    first_user = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = datetime.now(UTC)
    employees = []
    for n in range(people):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        employees.append(
            {
                "id": first_user + n,
                "email": f"person{n}@muenchen.bench.example",
                "name": name,
                "unit": rng.choice(units),
                "profile": rng.choice(profiles),
            }
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
            "name_source",
            "name_verified_at",
            "preferred_language",
            "is_active",
            "is_staff",
            "date_joined",
        ],
        (
            (
                e["id"],
                "!",
                False,
                e["email"],
                e["name"],
                e["name"],
                "hr",
                now,
                "de",
                True,
                False,
                now,
            )
            for e in employees
        ),
    )
    reset_sequence(User)
    first_membership = (
        Membership.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    copy_rows(
        Membership,
        ["id", "user", "organisation", "role", "joined_on"],
        (
            (first_membership + n, e["id"], e["unit"].pk, "learner", date.today())
            for n, e in enumerate(employees)
        ),
    )
    reset_sequence(Membership)
    copy_rows(
        Membership.job_profiles.through,
        ["membership", "jobprofile"],
        ((first_membership + n, e["profile"].pk) for n, e in enumerate(employees)),
    )
    hr = User.objects.create_user(
        email="personal.muenchen@bench.example", full_name="Personalstelle München"
    )
    services.membership_set(user=hr, organisation=city, role="hr")
    return {
        "city": city,
        "hr": hr,
        "units": units,
        "employees": employees,
        "rng": rng,
        "demo_employees": demo_employees,
    }


def export_file(data: dict, joiners: int, movers: int, leavers: int) -> tuple[bytes, dict]:
    rng, units, employees = data["rng"], data["units"], data["employees"]
    shuffled = employees[:]
    rng.shuffle(shuffled)
    leaving = {e["id"] for e in shuffled[:leavers]}
    moving = {e["id"] for e in shuffled[leavers : leavers + movers]}
    lines = [";".join(COLUMNS.values())]
    for e in employees:
        if e["id"] in leaving:
            continue
        unit = e["unit"]
        if e["id"] in moving:
            unit = rng.choice([u for u in units[:8] if u.pk != unit.pk])
        lines.append(f"{e['name']};{e['email']};{unit.name};{e['profile'].name}")
    for n in range(joiners):
        profile = employees[n]["profile"]
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        lines.append(
            f"{name};neu{n}@muenchen.bench.example;{rng.choice(units).name};{profile.name}"
        )
    content = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    expected = {"join": joiners, "move": movers, "leave": leavers + data["demo_employees"]}
    return content, {"expected": expected, "leaving": leaving, "moving": moving}


def sync_once(data: dict, content: bytes) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lms.models import PeopleSync
    from lms.services.people_sync import people_sync_apply_request, people_sync_upload

    started = time.monotonic()
    upload = SimpleUploadedFile("loga-export.csv", content)
    sync = people_sync_upload(unit=data["city"], user=data["hr"], upload=upload, columns=COLUMNS)
    sync.refresh_from_db()
    preview = time.monotonic() - started
    rss_preview = peak_rss_mib()
    assert sync.status == PeopleSync.Status.CHECKED, (sync.status, sync.error)
    # In production the invitation mails are tasks of their own on the workers, not part of
    # the apply; here (Celery eager) they are queued during the apply and sent afterwards.
    from lms import tasks

    queued: list[tuple] = []
    send_now = tasks.invitation_mail_task.delay
    tasks.invitation_mail_task.delay = lambda *args: queued.append(args)
    started = time.monotonic()
    try:
        people_sync_apply_request(sync=sync, user=data["hr"], leavers_confirmed=True)
    finally:
        tasks.invitation_mail_task.delay = send_now
    sync.refresh_from_db()
    apply = time.monotonic() - started
    assert sync.status == PeopleSync.Status.APPLIED, sync.status
    started = time.monotonic()
    for args in queued:
        tasks.invitation_mail_task(*args)
    mails = (len(queued), time.monotonic() - started)
    return {
        "sync": sync,
        "preview": preview,
        "apply": apply,
        "mails": mails,
        "rss_preview": rss_preview,
        "rss_apply": peak_rss_mib(),
    }


def table_sizes() -> dict:
    from lms.models import Departure, Membership, User

    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "departures": Departure.objects.count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    harness.configure(
        database=DATABASE,
        redis_db=REDIS_DB,
        extra={"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    )
    harness.recreate_database(DATABASE)
    try:
        harness.flush_redis(REDIS_DB)
        print("Migrating and seeding the demo…", flush=True)
        harness.setup_django_and_schema()
        started = time.monotonic()
        data = generate(args.people, args.seed)
        print(f"{args.people:,} employees in 96 units: {time.monotonic() - started:.1f} s")
        joiners, movers, leavers = args.people // 50, args.people // 50, args.people // 100
        content, truth = export_file(data, joiners, movers, leavers)
        rows = content.count(b"\n") - 1
        print(f"export: {len(content) / 1e6:.1f} MB, {rows:,} rows")
        print(f"peak RSS before the sync: {peak_rss_mib():.0f} MiB")
        return measure(data, content, truth)
    finally:
        if not args.keep:
            harness.drop_database(DATABASE)


def measure(data: dict, content: bytes, truth: dict) -> int:
    from lms.models import Departure, Membership, User

    problems = []
    first = sync_once(data, content)
    counts = first["sync"].counts
    rows = content.count(b"\n") - 1
    changes = sum(counts[k] for k in ("join", "move", "leave"))
    print(
        f"preview: {first['preview']:.1f} s ({rows / first['preview']:,.0f} rows/s), found "
        f"{counts['join']} new, {counts['move']} changed, {counts['leave']} left, "
        f"{counts['same']} unchanged, {counts['error']} errors; "
        f"peak RSS {first['rss_preview']:.0f} MiB"
    )
    print(
        f"apply: {first['apply']:.1f} s ({changes / first['apply']:,.0f} changes/s); "
        f"peak RSS {first['rss_apply']:.0f} MiB; then {first['mails'][0]} invitation mails "
        f"by their task: {first['mails'][1]:.1f} s"
    )
    for key, value in truth["expected"].items():
        if counts[key] != value:
            problems.append(f"{key}: found {counts[key]}, generated {value}")
    joined = Membership.objects.filter(user__email__startswith="neu").count()
    left = User.objects.filter(pk__in=truth["leaving"], is_active=False).count()
    moved = Membership.objects.filter(
        user_id__in=truth["moving"], organisation__in=data["units"][:8]
    ).count()
    print(f"database: {joined} joiners are members, {moved} movers moved, {left} leavers inactive")
    if (joined, left, moved) != (
        truth["expected"]["join"],
        len(truth["leaving"]),
        len(truth["moving"]),
    ):
        problems.append("the database does not show every joiner and leaver")
    before = table_sizes()
    second = sync_once(data, content)
    again = second["sync"].counts
    after = table_sizes()
    print(
        f"same file again: preview {second['preview']:.1f} s, apply {second['apply']:.1f} s, "
        f"{again['join']} new, {again['move']} changed, {again['leave']} left; rows written: "
        + ", ".join(f"{k} {after[k] - before[k]:+d}" for k in before)
        + f"; peak RSS {second['rss_apply']:.0f} MiB"
    )
    if any(again[k] for k in ("join", "move", "leave")) or before != after:
        problems.append("the second apply changed something")
    if first["preview"] > 60 or first["apply"] > 60:
        problems.append("preview or apply took longer than 60 s")
    print(f"departures recorded: {Departure.objects.count()}")
    print("targets: " + ("met" if not problems else "NOT met: " + "; ".join(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
