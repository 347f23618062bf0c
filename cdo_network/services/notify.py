"""Mail that must go out only once, in the recipient's language.

The ``NotificationLog`` row is written first, in a savepoint: if it already exists the mail was
sent before and nothing happens; if sending fails the row is rolled back with the transaction, so
the next run tries again. Subject and body are rendered in the recipient's preferred language,
whichever language the worker or request that sends them runs in.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from lms.models import User

from ..models import NotificationLog


@transaction.atomic
def notification_send_once(
    *,
    kind: str,
    recipient: User,
    key: str,
    subject: str,
    template: str,
    context: dict,
    subject_params: dict | None = None,
) -> bool:
    """Send ``template`` to ``recipient`` unless (kind, recipient, key) was sent before.

    ``subject`` is an untranslated message id (mark it with ``gettext_noop``).
    """
    try:
        with transaction.atomic():
            NotificationLog.objects.create(kind=kind, recipient=recipient, key=key)
    except IntegrityError:
        return False
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        subject_text = gettext(subject) % (subject_params or {})
        body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    send_mail(subject_text, body, None, [recipient.email])
    return True
