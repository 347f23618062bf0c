"""Mail that must go out only once: the ``NotificationLog`` row is written first, in a savepoint.

If the row already exists the mail was sent before and nothing happens; if sending fails the row
is rolled back with the transaction, so the next run tries again.
"""

from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from ..models import NotificationLog


@transaction.atomic
def notification_send_once(*, kind: str, recipient, key: str, subject: str, body: str) -> bool:
    """Send ``subject``/``body`` to ``recipient`` unless (kind, recipient, key) was sent before."""
    try:
        with transaction.atomic():
            NotificationLog.objects.create(kind=kind, recipient=recipient, key=key)
    except IntegrityError:
        return False
    send_mail(subject, body, None, [recipient.email])
    return True
