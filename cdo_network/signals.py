"""Signal receivers: an event published with more seats takes people from its waiting list."""

from wagtail.signals import page_published

from .models import EventPage


def _refill_waiting_list(sender, instance, **kwargs):
    from .services import event_waiting_list_refill

    event_waiting_list_refill(event=instance)


def connect() -> None:
    from . import search_documents

    search_documents.connect()
    page_published.connect(_refill_waiting_list, sender=EventPage, dispatch_uid="cdo_event_refill")
