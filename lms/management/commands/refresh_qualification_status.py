"""Rebuild the stored qualification statuses of everyone, the units they count in and the
units' counts (after deploys and bulk loads)."""

import time

from django.core.management.base import BaseCommand

from lms.models import QualificationStatus, UnitStatusCount
from lms.services.qualification_status import qualification_status_rebuild


class Command(BaseCommand):
    help = "Recompute the stored qualification status of every (person, course) from the rules."

    def handle(self, *args, **options):
        started = time.monotonic()
        changed = qualification_status_rebuild()
        self.stdout.write(
            f"{changed} rows written or deleted, {QualificationStatus.objects.count()} stored,"
            f" {UnitStatusCount.objects.count()} unit counts, in {time.monotonic() - started:.1f} s"
        )
