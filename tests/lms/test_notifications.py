"""The notification centre: every notice lands in the app (bell with unread count, list, mark
as read); mail follows each person's choice per kind; assigned and overdue always mail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lms.models import Notification, NotificationPreference
from lms.services import notifications as service
from lms.services.hr import enrolment_assign
from lms.tasks import (
    assigned_mails_send_task,
    notification_digests_send_task,
    reminders_send_due_task,
)
from tests.factories import make_member

pytestmark = pytest.mark.django_db

Kind, Delivery = Notification.Kind, NotificationPreference.Delivery


@pytest.fixture
def person(amt_a):
    return make_member(amt_a, full_name="Anna Bonn", email="anna@bonn.de")


def _assign(user, course, days):
    return enrolment_assign(
        user=user, course=course, due_date=timezone.localdate() + timedelta(days=days)
    )


def _bell(client) -> str:
    return client.get(reverse("notification_bell")).content.decode()


def test_an_assigned_course_shows_on_the_bell_and_in_the_list_and_is_mailed(
    client, person, course, django_capture_on_commit_callbacks
):
    _assign(person, course, 30)
    with django_capture_on_commit_callbacks(execute=True):
        assigned_mails_send_task.delay()
    assert [message.to for message in mail.outbox] == [[person.email]]
    client.force_login(person)
    assert '1<span class="visually-hidden"> ungelesen</span>' in _bell(client)
    page = client.get(reverse("notification_list")).content.decode()
    assert "Pflichtkurs zugewiesen" in page and course.url in page
    assert "Neu" in page  # unread is said in text, not by colour alone


def test_a_person_who_wants_due_dates_in_the_app_only_gets_no_mail_for_them(
    client, person, course, django_capture_on_commit_callbacks
):
    service.notification_preferences_set(user=person, choices={Kind.DUE_SOON: Delivery.APP})
    _assign(person, course, 10)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due_task.delay()
    assert mail.outbox == []
    notice = Notification.objects.get(user=person, kind=Kind.DUE_SOON)
    assert notice.mailed_at is None and course.title in notice.subject


def test_overdue_cannot_be_switched_off(client, person, course, django_capture_on_commit_callbacks):
    client.force_login(person)
    client.post(reverse("notification_settings"), {Kind.OVERDUE: Delivery.APP})
    service.notification_preferences_set(user=person, choices={Kind.OVERDUE: Delivery.APP})
    assert not NotificationPreference.objects.filter(kind=Kind.OVERDUE).exists()
    _assign(person, course, -3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due_task.delay()
    assert len(mail.outbox) == 1 and "Überfällig" in mail.outbox[0].subject
    settings_page = client.get(reverse("notification_settings")).content.decode()
    assert "Immer in der App und per E-Mail" in settings_page


def test_the_settings_page_stores_a_choice_per_kind(client, person):
    client.force_login(person)
    response = client.post(
        reverse("notification_settings"),
        {kind: Delivery.WEEKLY for kind in Kind.values if kind not in service.MANDATORY},
    )
    assert response.status_code == 302
    assert service.deliveries_of(person)[Kind.THREAD_REPLY] == Delivery.WEEKLY
    assert service.deliveries_of(person)[Kind.ASSIGNED] == Delivery.MAIL
    html = client.get(reverse("notification_settings")).content.decode()
    assert "<legend>" in html and "wöchentlichen Zusammenfassung" in html


def test_a_daily_summary_collects_what_was_kept_for_it_and_mails_it_once(person):
    service.notification_preferences_set(
        user=person, choices={Kind.CERTIFICATE_ISSUED: Delivery.DAILY}
    )
    first = service.notify(
        user=person, kind=Kind.CERTIFICATE_ISSUED, key="c:1", subject="Zertifikat Vergabe kompakt"
    )
    assert first.created and not first.mail_now
    service.notify(user=person, kind=Kind.THREAD_REPLY, key="t:1", subject="Neuer Beitrag")
    mail.outbox.clear()
    assert notification_digests_send_task.delay("daily").get() == 1
    assert len(mail.outbox) == 1
    assert "Zertifikat Vergabe kompakt" in mail.outbox[0].body
    assert "Neuer Beitrag" not in mail.outbox[0].body  # that kind went by mail at once
    assert notification_digests_send_task.delay("daily").get() == 0


def test_the_same_event_notifies_once(person):
    assert service.notify(user=person, kind=Kind.REVIEW, key="r:1", subject="Prüfung").created
    assert not service.notify(user=person, kind=Kind.REVIEW, key="r:1", subject="Prüfung").created
    assert Notification.objects.filter(user=person).count() == 1


def test_marking_read_one_or_all_and_never_someone_elses(client, person, amt_b):
    other = make_member(amt_b, full_name="Bernd Köln")
    mine = [
        service.notify(user=person, kind=Kind.REVIEW, key=f"r:{n}", subject=f"Prüfung {n}")
        for n in range(3)
    ]
    theirs = service.notify(user=other, kind=Kind.REVIEW, key="r:x", subject="Fremd").notification
    client.force_login(person)
    client.post(reverse("notifications_read"), {"id": theirs.pk})
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    client.post(reverse("notifications_read"), {"id": mine[0].notification.pk})
    assert service.unread_count(person) == 2
    assert "2<span" in _bell(client)
    client.post(reverse("notifications_read"))
    assert service.unread_count(person) == 0 and "count-badge" not in _bell(client)
    assert service.unread_count(other) == 1


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_costs_the_same_queries_for_few_or_many(
    client, person, count, django_assert_num_queries
):
    Notification.objects.bulk_create(
        Notification(user=person, kind=Kind.REVIEW, key=f"r:{n}", subject=f"Prüfung {n}")
        for n in range(count)
    )
    client.force_login(person)
    # session, user, the total for the pager, the page's rows, the unread count
    with django_assert_num_queries(5):
        html = client.get(reverse("notification_list")).content.decode()
    assert html.count('class="card notification') == min(count, service.PAGE_SIZE)
    with django_assert_num_queries(2):  # the bell: session, user; the count is cached
        _bell(client)


def test_notification_pages_need_a_login(client):
    for name in ("notification_list", "notification_bell", "notification_settings"):
        assert client.get(reverse(name)).status_code == 302


def test_the_bell_is_not_loaded_before_the_second_factor(client, person, hr_a, settings):
    """Before the second factor every request is redirected to it: the page must not ask for
    the bell (htmx would swap the whole second-factor page into the navigation)."""
    bell = 'hx-get="/konto/benachrichtigungen/glocke/"'
    client.force_login(person)
    assert bell in client.get(reverse("profile")).content.decode()
    settings.MFA_REQUIRED = True
    client.force_login(hr_a)  # HR: a second factor is required
    assert client.get(reverse("profile")).status_code == 302
    page = client.get(reverse("mfa_setup")).content.decode()
    assert "<h1>" in page and bell not in page
