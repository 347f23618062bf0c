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
from lms.services.notifications import notify

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
    notice_kind: str | None = None,
    url: str = "",
) -> bool:
    """Send ``template`` to ``recipient`` unless (kind, recipient, key) was sent before.

    ``subject`` is an untranslated message id (mark it with ``gettext_noop``). With
    ``notice_kind`` the event also lands in the person's notification centre (linking to
    ``url``), and the mail goes only if they want that kind by mail at once.
    """
    try:
        with transaction.atomic():
            NotificationLog.objects.create(kind=kind, recipient=recipient, key=key)
    except IntegrityError:
        return False
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        subject_text = gettext(subject) % (subject_params or {})
        body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    if notice_kind:
        notified = notify(
            user=recipient, kind=notice_kind, key=f"{kind}:{key}", subject=subject_text, url=url
        )
        if not notified.mail_now:
            return True
    send_mail(subject_text, body, None, [recipient.email])
    return True
