"""Rebuild the site search index from the content (after an upgrade that adds the search, or
after content was written around the signals, e.g. by a raw SQL import)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from lms.services.search_index import search_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index of courses, lessons, glossary terms and the CDO network."

    def handle(self, *args, **options):
        with transaction.atomic():
            rows = search_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Suchindex neu aufgebaut: {rows} Einträge."))
