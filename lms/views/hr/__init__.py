"""HR views, one concern per module: ``matrix`` (the matrix, key figures, audit log),
``exports`` (CSV stream, XLSX built by Celery), ``people`` (employee record, CSV import),
``proofs`` (external qualifications). Assignments are in ``lms.views.assignments``.

Every view starts from ``organisations_visible_to(request.user)`` (``visible_unit`` here):
units, people and exports of other municipalities are a 404, whatever id is typed into the URL.
"""

from django.shortcuts import get_object_or_404

from ...selectors import organisations_visible_to


def visible_unit(request, unit_id: int):
    """The unit ``unit_id`` if the requester may see it as HR; 404 otherwise."""
    return get_object_or_404(organisations_visible_to(request.user), pk=unit_id)


def managed_unit(request, unit_id: int):
    """The unit ``unit_id`` if the requester administers it (org admin of it or a unit above:
    audit log, directory, domains, single sign-on); 404 otherwise."""
    return get_object_or_404(
        organisations_visible_to(request.user, perm="manage_members"), pk=unit_id
    )
