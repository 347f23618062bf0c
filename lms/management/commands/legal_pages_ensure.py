"""``manage.py legal_pages_ensure``: create Impressum, Datenschutzerklärung, Erklärung zur
Barrierefreiheit, Leichte Sprache and Gebärdensprache under the default site's home page with
the German default texts, where missing (idempotent; edited pages are left alone)."""

from django.core.management.base import BaseCommand
from wagtail.models import Site

from lms.services.legal import legal_pages_ensure


class Command(BaseCommand):
    help = "Legt die Pflichtseiten (Impressum, Datenschutz, Barrierefreiheit …) an, wo sie fehlen."

    def handle(self, *args, **options):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            self.stderr.write("Keine Standard-Site in Wagtail: erst eine Site anlegen.")
            return
        created = legal_pages_ensure(parent=site.root_page)
        self.stdout.write(
            "Angelegt: " + ", ".join(created) if created else "Alle Pflichtseiten sind vorhanden."
        )
        if created:
            self.stdout.write("Bitte die Platzhalter in [eckigen Klammern] im CMS ausfüllen.")
