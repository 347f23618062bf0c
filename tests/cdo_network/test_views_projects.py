"""Project database: member submissions go to Wagtail moderation; texts are sanitised; facets."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from cdo_network.demo import seed_cdo_network  # noqa: F401  (documents where the workflow comes from)
from cdo_network.models import ProjectPage
from tests.cdo_network.test_views_circles import XSS_PAYLOADS


def _project(index, slug, **fields):
    values = {
        "title": f"Projekt {slug}",
        "slug": slug,
        "municipality": "Musterstadt",
        "land": "NW",
        "field": "mobility",
        "status": "running",
        "budget_range": "lt50k",
        "summary": "Ein Projekt.",
    }
    values.update(fields)
    page = ProjectPage(**values)
    index.refresh_from_db()
    index.add_child(instance=page)
    return page


SUBMISSION = {
    "title": "Digitale Sitzungsverwaltung",
    "municipality": "Bundesstadt Bonn",
    "land": "NW",
    "field": "administration",
    "status": "completed",
    "budget_range": "lt250k",
    "summary": "Ratsarbeit ohne Papier.",
    "outcomes": "",
    "lessons_learned": "",
    "partners": "",
    "funding_used": "",
    "contact": "",
}


def test_member_submission_enters_moderation(client, member_a, project_index):
    """A submitted project is a draft in Wagtail's moderation workflow, not yet public."""
    client.force_login(member_a)
    response = client.post(reverse("cdo_network:project_submit"), SUBMISSION)
    assert response.status_code == 302
    page = ProjectPage.objects.get(title="Digitale Sitzungsverwaltung")
    assert not page.live
    assert page.submitted_by == member_a
    assert page.get_latest_revision().user == member_a
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    listing = client.get(project_index.url).content.decode()
    assert "Digitale Sitzungsverwaltung" not in listing
    client.logout()
    assert client.get(f"{project_index.url}{page.slug}/").status_code == 404


def test_submission_needs_membership(client, project_index):
    """Anonymous visitors cannot submit."""
    response = client.post(reverse("cdo_network:project_submit"), SUBMISSION)
    assert response.status_code == 302
    assert not ProjectPage.objects.exists()


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_in_project_texts_is_neutralised(client, project_index, payload):
    """Markdown fields of a published project never carry script, handlers or raw HTML."""
    page = _project(
        project_index,
        "xss",
        summary=f"Text {payload}",
        outcomes=payload,
        lessons_learned=f"**fett** {payload}",
    )
    html = client.get(page.url).content.decode()
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0].lower()
    for bad in ("<script", "onerror", "onload", "javascript:", "<iframe", "<svg", "style="):
        assert bad not in main, (payload, bad)
    assert "<strong>fett</strong>" in main


def test_faceted_search(client, project_index):
    """Facets filter the list and show counts of the current result."""
    _project(project_index, "a", field="mobility", land="NW")
    _project(project_index, "b", field="energy", land="BY")
    _project(project_index, "c", field="energy", land="NW", title="Solardach Schule")
    response = client.get(project_index.url, {"field": "energy"})
    html = response.content.decode()
    assert "Solardach Schule" in html and "Projekt a" not in html
    facets = {f["name"]: f for f in response.context["facets"]}
    assert {o["value"]: o["count"] for o in facets["land"]["options"]} == {"BY": 1, "NW": 1}
    html = client.get(project_index.url, {"q": "solar"}).content.decode()
    assert "Solardach Schule" in html and "Projekt b" not in html


def test_example_projects_are_marked(client, project_index):
    """Invented demo projects say so on the page."""
    page = _project(project_index, "demo", is_example=True)
    assert "fiktiv" in client.get(page.url).content.decode()


def test_editor_approval_publishes_submission(client, member_a, project_index, django_user_model):
    """When an editor approves the moderation task, the project goes live for everyone."""
    client.force_login(member_a)
    client.post(reverse("cdo_network:project_submit"), SUBMISSION)
    page = ProjectPage.objects.get(title="Digitale Sitzungsverwaltung")
    editor = django_user_model.objects.create_superuser(
        email="redaktion@example.org", password="x-Passwort-2026", full_name="Redaktion"
    )
    state = WorkflowState.objects.get(object_id=str(page.pk))
    state.current_task_state.approve(user=editor)
    page.refresh_from_db()
    assert page.live
    client.logout()
    assert client.get(page.url).status_code == 200
