"""Organisation scoping: who may see which organisation's records."""

import pytest
from guardian.shortcuts import assign_perm

from lms import services
from lms.models import Membership
from lms.selectors import organisations_visible_to
from tests.factories import UserFactory, make_member, make_organisation


def test_scope_hr_sees_own_gemeinde_and_its_aemter(hr_a, gemeinde_a, amt_a, gemeinde_b, amt_b):
    """HR of Gemeinde A sees A and its Ämter, nothing of B."""
    assert set(organisations_visible_to(hr_a)) == {gemeinde_a, amt_a}


def test_scope_is_one_query(django_assert_num_queries, hr_a, gemeinde_a, amt_a):
    """The selector costs one query, however deep the tree."""
    deeper = make_organisation("Sachgebiet", parent=amt_a)
    with django_assert_num_queries(1):
        visible = list(organisations_visible_to(hr_a))
    assert deeper in visible


def test_scope_learner_sees_nothing(learner_a, gemeinde_a):
    """A plain learner has no HR view of any organisation."""
    assert list(organisations_visible_to(learner_a)) == []


def test_scope_global_permission_does_not_widen(hr_a, gemeinde_b):
    """A model-wide permission given by mistake does not open other municipalities."""
    assign_perm("lms.view_hr_records", hr_a)
    assert gemeinde_b not in organisations_visible_to(hr_a)


def test_scope_lost_at_once_when_membership_removed(hr_a, gemeinde_a):
    """An HR user removed from the organisation loses access immediately."""
    services.membership_remove(user=hr_a, organisation=gemeinde_a)
    assert list(organisations_visible_to(hr_a)) == []


def test_scope_lost_when_role_downgraded(hr_a, gemeinde_a):
    """Changing HR to learner withdraws the HR permission."""
    services.membership_set(user=hr_a, organisation=gemeinde_a, role=Membership.Role.LEARNER)
    assert list(organisations_visible_to(hr_a)) == []


def test_scope_superuser_sees_all(gemeinde_a, gemeinde_b):
    """Platform operators see every organisation."""
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert {gemeinde_a, gemeinde_b} <= set(organisations_visible_to(admin))


def test_scope_org_admin_of_amt_does_not_see_parent(amt_a, gemeinde_a):
    """Rights flow down the tree, never up."""
    admin = make_member(amt_a, Membership.Role.ORG_ADMIN)
    assert set(organisations_visible_to(admin)) == {amt_a}


@pytest.mark.django_db
def test_scope_anonymous_sees_nothing():
    """Anonymous visitors see no organisation records."""
    from django.contrib.auth.models import AnonymousUser

    assert list(organisations_visible_to(AnonymousUser())) == []
