"""Read queries shared by views: organisation scoping and the learner's progress."""

from .organisations import memberships_of, organisation_subtree, organisations_visible_to

__all__ = ["memberships_of", "organisation_subtree", "organisations_visible_to"]
