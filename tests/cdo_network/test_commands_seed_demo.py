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
