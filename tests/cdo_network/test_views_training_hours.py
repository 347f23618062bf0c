"""Attended network events count as training hours on the learner's "Mein Lernen" page."""

from django.urls import reverse

from cdo_network.services.events import attendance_confirm, registration_create
from tests.factories import UserFactory


def test_dashboard_shows_training_hours_of_attended_events(client, member_a, make_event):
    """After the organiser confirms attendance, the event and its hours appear in the record."""
    organiser = UserFactory(is_superuser=True)
    event = make_event(title="OParl Sprechstunde")
    registration_create(event=event, user=member_a)
    client.force_login(member_a)
    assert "OParl Sprechstunde" not in client.get(reverse("learning_dashboard")).content.decode()
    attendance_confirm(event=event, organiser=organiser, attended_user_ids={member_a.pk})
    html = client.get(reverse("learning_dashboard")).content.decode()
    assert "OParl Sprechstunde" in html and "3,0" in html
