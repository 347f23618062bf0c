"""The organisation tree and the Amtlicher Gemeindeschlüssel."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lms.models import Organisation, validate_ags
from tests.factories import make_organisation


@pytest.mark.parametrize("value", ["05314000", "09162000", "16051000"])
def test_ags_accepts_real_keys(value):
    """Eight digits starting with a Land code pass."""
    validate_ags(value)


@pytest.mark.parametrize("value", ["5314000", "053140000", "0531400A", "17000000", "00000000"])
def test_ags_rejects_malformed_keys(value):
    """Wrong length, letters or an unknown Land code are refused with a German message."""
    with pytest.raises(ValidationError) as excinfo:
        validate_ags(value)
    assert "Gemeindeschlüssel" in str(excinfo.value)


def test_ags_unique_across_tree(gemeinde_a, land):
    """Two municipalities cannot share one AGS."""
    with pytest.raises(IntegrityError), transaction.atomic():
        land.add_child(name="Doppelt", kind=Organisation.Kind.KREISFREIE_STADT, ags="05314000")


def test_ags_only_for_municipalities(land):
    """An Amt cannot carry a Gemeindeschlüssel; a Gemeinde must."""
    with pytest.raises(ValidationError):
        Organisation(name="Amt", kind=Organisation.Kind.AMT, ags="05314000").full_clean(
            exclude=["path", "depth", "numchild"]
        )
    with pytest.raises(ValidationError):
        Organisation(name="Ort", kind=Organisation.Kind.GEMEINDE).full_clean(
            exclude=["path", "depth", "numchild"]
        )


def test_tree_refuses_impossible_placement(land, amt_a):
    """A Gemeinde cannot be placed directly below an Amt."""
    with pytest.raises(ValueError):
        make_organisation("Falsch", Organisation.Kind.GEMEINDE, amt_a, "05999999")


def test_tree_subunits_found_by_path(gemeinde_a, amt_a, gemeinde_b):
    """The subtree of a Gemeinde holds its Ämter and nothing of the neighbour."""
    subtree = set(Organisation.objects.filter(path__startswith=gemeinde_a.path))
    assert subtree == {gemeinde_a, amt_a}
