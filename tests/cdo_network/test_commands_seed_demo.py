"""The demo seed of the network is idempotent and marks invented content."""

import os

from django.core.management import call_command

from cdo_network.models import (
    Assessment,
    EventPage,
    ExpertCircle,
    FundingProgramme,
    Profile,
    ProjectPage,
    Registration,
    Standard,
)

MODELS = [
    Profile,
    ExpertCircle,
    EventPage,
    Registration,
    ProjectPage,
    FundingProgramme,
    Standard,
    Assessment,
]


def test_seed_twice_changes_nothing(db):
    """A second run of seed_demo adds no rows; invented projects say they are examples."""
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
        counts = [model.objects.count() for model in MODELS]
        call_command("seed_demo", stdout=devnull)
    assert [model.objects.count() for model in MODELS] == counts
    assert all(c > 0 for c in counts)
    for project in ProjectPage.objects.all():
        assert project.is_example and "Beispielprojekt, fiktiv" in project.title
    assert Standard.objects.filter(name="DIN SPEC 91357").exists()


def test_funding_programmes_name_current_funders_and_rates(db):
    """The seeded programmes show today's funder, known rates and which one has ended."""
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
    klima = FundingProgramme.objects.get(name__startswith="Kommunalrichtlinie")
    assert "BMUKN" in klima.funder and "31. Dezember 2027" in klima.deadline_note
    smart = FundingProgramme.objects.get(name="Modellprojekte Smart Cities")
    assert "65 %" in smart.funding_rate and "90 %" in smart.funding_rate
    nrw = FundingProgramme.objects.get(name="Digitale Modellregionen in NRW")
    assert "80 %" in nrw.funding_rate and not nrw.accepting_applications
    assert "30. Juni 2023" in nrw.deadline_note
    assert not FundingProgramme.objects.filter(funding_rate__contains="siehe Förderaufruf").exclude(
        funder_level="eu"
    )
