"""factory_boy factories shared by the test suite."""

import factory
from django.contrib.auth import get_user_model

from lms import services
from lms.models import JobProfile, Membership, Organisation

User = get_user_model()
TEST_PASSWORD = "Test-Passwort-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="de_DE")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class JobProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobProfile
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Profil {n}")


_ags_counter = iter(range(1, 10**6))


def make_organisation(name: str, kind: str = Organisation.Kind.AMT, parent=None, ags: str = ""):
    """Place an organisation in the tree (treebeard needs add_root/add_child, not save())."""
    if kind in Organisation.KINDS_WITH_AGS and not ags:
        ags = f"05{next(_ags_counter):06d}"
    return services.organisation_ensure(name=name, kind=kind, ags=ags, parent=parent)


def make_member(organisation, role=Membership.Role.LEARNER, **user_fields):
    user = UserFactory(**user_fields)
    services.membership_set(user=user, organisation=organisation, role=role)
    return user


def make_identity_provider(organisation, **fields):
    """Köln's directory as an OIDC identity provider (no server behind it unless ``issuer_url``
    points at one, see tests/peers/oidc.py)."""
    from lms.models import IdentityProvider

    defaults = {
        "name": "Stadt Köln",
        "slug": "koeln",
        "email_domains": "stadt-koeln.de",
        "issuer_url": "https://login.stadt-koeln.de",
        "client_id": "c",
        "client_secret": "s",
    }
    provider = IdentityProvider.objects.create(**{**defaults, **fields})
    provider.organisations.add(organisation)
    return provider


def map_koeln_directory(idp, unit):
    """Köln's claim mappings: department "Kundenzentren" → ``unit``, group "bürgerservice" → the
    job profile "Sachbearbeitung Bürgerservice", group "personalamt" → the HR role."""
    from lms.models import JobProfile, SsoClaimMapping

    profile = JobProfile.objects.create(name="Sachbearbeitung Bürgerservice")
    SsoClaimMapping.objects.bulk_create(
        [
            SsoClaimMapping(
                identity_provider=idp, claim="department", value="Kundenzentren", unit=unit
            ),
            SsoClaimMapping(
                identity_provider=idp, claim="groups", value="bürgerservice", job_profile=profile
            ),
            SsoClaimMapping(
                identity_provider=idp,
                claim="groups",
                value="personalamt",
                role=Membership.Role.HR,
            ),
        ]
    )
    return profile


def make_koeln_with_kundenzentren():
    """NRW > Stadt Köln (AGS 05315000) > Kundenzentren Köln; returns (Köln, its unit)."""
    land = make_organisation("Nordrhein-Westfalen", Organisation.Kind.LAND)
    koeln = make_organisation("Stadt Köln", Organisation.Kind.KREISFREIE_STADT, land, "05315000")
    return koeln, make_organisation("Kundenzentren Köln", Organisation.Kind.AMT, koeln)


def refresh_statuses(*people) -> None:
    """After a fixture wrote enrolments with the ORM (to set states or dates no service would,
    e.g. a completion long ago): bring the people's stored matrix cells up to date, as every
    service does. The suite checks after each test that stored and live cells agree."""
    from lms.services.qualification_status import qualification_status_refresh

    qualification_status_refresh(user_ids=[person.pk for person in people])
