"""``manage.py seed_demo``: idempotent demo content and one login per role.

Running it twice leaves the same data: every object is looked up by a natural key first, and
passwords are only set when an account is created.
"""

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from cdo_network.demo import ensure_site_root, seed_cdo_network
from courses.demo import TRAINER_GROUP, seed_courses
from lms import services
from lms.demo.mfa import demo_devices_ensure, demo_secret
from lms.demo.organisations import JOB_PROFILES, ORGANISATION_TREE
from lms.demo.staff import seed_staff
from lms.models import JobProfile, Membership, Organisation, User
from lms.security.sessions import user_is_privileged
from lms.services.legal import legal_pages_ensure
from lms.services.search_index import search_rebuild

DEMO_PASSWORD = "Kommune-Demo-2026"  # noqa: S105  (printed on purpose: demo logins)

# (e-mail, full name, role, organisation name, job profiles, flags)
DEMO_USERS = [
    (
        "lernende@demo.kommunal-campus.de",
        "Şeyma Çelik",
        Membership.Role.LEARNER,
        "Bürgerdienste",
        ["Sachbearbeitung Bürgeramt"],
        {},
    ),
    (
        "trainer@demo.kommunal-campus.de",
        "Dr. Jörg Weiß",
        Membership.Role.TRAINER,
        None,
        [],
        {"is_staff": True, "groups": ["Trainer"]},
    ),
    (
        "trainerin@demo.kommunal-campus.de",
        "Ærøskøbing Ågård",
        Membership.Role.TRAINER,
        None,
        [],
        {"is_staff": True, "groups": ["Trainer"]},
    ),
    (
        "personal.bonn@demo.kommunal-campus.de",
        "Łukasz Żółć",
        Membership.Role.HR,
        "Bundesstadt Bonn",
        ["Führungskraft"],
        {},
    ),
    (
        "personal.koeln@demo.kommunal-campus.de",
        "Anneliese Schäfer",
        Membership.Role.HR,
        "Stadt Köln",
        ["Führungskraft"],
        {},
    ),
    (
        "cdo.bonn@demo.kommunal-campus.de",
        "Mehmet Öztürk",
        Membership.Role.ORG_ADMIN,
        "Bundesstadt Bonn",
        ["Chief Digital Officer"],
        {},
    ),
    (
        "admin@demo.kommunal-campus.de",
        "Plattform-Administration",
        None,
        None,
        [],
        {"is_superuser": True},
    ),
]

ROLE_LABELS = {
    "lernende@": "Lernende (Bürgerdienste, Bonn)",
    "trainer@": "Trainer (Redaktion)",
    "trainerin@": "Trainerin (zweite Freigabe)",
    "personal.bonn@": "Personalstelle Bonn",
    "personal.koeln@": "Personalstelle Köln",
    "cdo.bonn@": "Organisationsverwaltung / CDO Bonn",
    "admin@": "Plattform-Administration",
}


# Self-registration in the demo: addresses of this domain register as employees of Bonn.
DEMO_REGISTRATION_DOMAIN = "bonn.demo.kommunal-campus.de"


def _seed_email_domain():
    from django.utils import timezone

    from lms.models import EmailDomain, Organisation

    EmailDomain.objects.get_or_create(
        domain=DEMO_REGISTRATION_DOMAIN,
        defaults={
            "organisation": Organisation.objects.get(name="Bundesstadt Bonn"),
            "verification_address": f"poststelle@{DEMO_REGISTRATION_DOMAIN}",
            "verified_at": timezone.now(),
        },
    )


def _seed_tree(nodes, parent=None):
    for name, kind, ags, children in nodes:
        organisation = services.organisation_ensure(name=name, kind=kind, ags=ags, parent=parent)
        _seed_tree(children, organisation)


def _seed_groups():
    """The Trainer group exists before trainers are added to it; its page rights are set by
    ``courses.demo.seed_courses``."""
    Group.objects.get_or_create(name=TRAINER_GROUP)


def _seed_user(email, full_name, role, organisation_name, profile_names, flags):
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            full_name=full_name,
            is_staff=flags.get("is_staff", False) or flags.get("is_superuser", False),
            is_superuser=flags.get("is_superuser", False),
        )
    for group_name in flags.get("groups", []):
        user.groups.add(Group.objects.get(name=group_name))
    if organisation_name and role:
        organisation = Organisation.objects.get(name=organisation_name)
        profiles = JobProfile.objects.filter(name__in=profile_names)
        services.membership_set(
            user=user, organisation=organisation, role=role, job_profiles=profiles
        )
    return user


def _matrix_tables_after_upgrade() -> None:
    """A demo database from before the matrix's unit tables existed (``make run`` keeps
    ``db.sqlite3``) has memberships but no ``UnitMember`` rows: build them once, as
    ``refresh_qualification_status`` does on a production deploy."""
    from lms.models import Membership, UnitMember
    from lms.services.qualification_status import qualification_status_rebuild

    if Membership.objects.exists() and not UnitMember.objects.exists():
        qualification_status_rebuild()


class Command(BaseCommand):
    help = "Legt Demodaten an (idempotent) und gibt die Demo-Zugänge aus."

    @transaction.atomic
    def handle(self, *args, **options):
        _seed_tree(ORGANISATION_TREE)
        for name, description in JOB_PROFILES:
            JobProfile.objects.get_or_create(name=name, defaults={"description": description})
        _seed_groups()
        users = {row[0]: _seed_user(*row) for row in DEMO_USERS}
        seed_courses(
            trainers=[users["trainer@demo.kommunal-campus.de"]],
            job_profiles_by_name={profile.name: profile for profile in JobProfile.objects.all()},
        )
        seed_staff(hr_bonn=users["personal.bonn@demo.kommunal-campus.de"])
        seed_cdo_network()
        # The one call into a higher layer: seed_demo is a project command that seeds every app.
        from certificates.demo import seed_certificates

        seed_certificates()
        legal_pages_ensure(parent=ensure_site_root())
        _seed_email_domain()
        demo_devices_ensure(user for user in users.values() if user_is_privileged(user))
        _matrix_tables_after_upgrade()
        search_rebuild()  # the demo content arrives partly around the publish signals
        self._print_logins()

    def _print_logins(self):
        self.stdout.write(self.style.SUCCESS("Demodaten sind angelegt. Demo-Zugänge:"))
        for email, *_rest in DEMO_USERS:
            label = next(text for prefix, text in ROLE_LABELS.items() if email.startswith(prefix))
            self.stdout.write(f"  {label:<38} {email:<42} Passwort: {DEMO_PASSWORD}")
        self.stdout.write(
            "Selbstregistrierung: /konto/registrieren/ mit einer Adresse "
            f"@{DEMO_REGISTRATION_DOMAIN} (Beschäftigte der Bundesstadt Bonn; der "
            "Bestätigungslink erscheint in dieser Konsole)."
        )
        self.stdout.write(
            "Zweiter Faktor (alle außer Lernende): den aktuellen Code zeigt "
            "`.venv/bin/python manage.py demo_codes`; oder diesen Schlüssel in eine "
            f"Authenticator-App eintragen: {demo_secret()}"
        )
