"""Issue the certificates that completed enrolments are missing, in batches on the workers."""

from django.core.management.base import BaseCommand

from certificates.bulk import BATCH_SIZE, certificates_queue_missing


class Command(BaseCommand):
    help = (
        "Queue certificate issuance (row, PDF, mail) for every completed enrolment without a "
        "certificate, in batches; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--course", type=int, help="only this course (page id)")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, course=None, batch_size=BATCH_SIZE, **options):
        queued = certificates_queue_missing(course_id=course, batch_size=batch_size)
        self.stdout.write(f"{queued} enrolments queued for certificate issuance.")
