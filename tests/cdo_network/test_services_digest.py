"""Daily digest of new posts: one mail per person and day, others' visible posts only."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from cdo_network import services
from cdo_network.tasks import circle_digests_send_task


def test_digest_is_sent_once_per_day(member_a, member_b, open_circle):
    """Running the task twice sends one digest, without one's own or hidden posts."""
    services.circle_membership_set(circle=open_circle, user=member_a)
    services.circle_membership_set(circle=open_circle, user=member_b)
    services.thread_create(circle=open_circle, author=member_a, title="Neu", body="Hallo Netz")
    today = timezone.localdate()
    assert circle_digests_send_task(today.isoformat()) == 1
    assert circle_digests_send_task(today.isoformat()) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member_b.email]
    assert "Hallo Netz" in mail.outbox[0].body
    assert services.circle_digests_send(day=today - dt.timedelta(days=1)) == 0
