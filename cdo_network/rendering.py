"""Pure renderers: safe Markdown, file-type checks, iCalendar and the radar chart.

None of these touches requests or the database, so each can be tested on its own.
"""

import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import filetype
import icalendar
import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BERLIN = ZoneInfo("Europe/Berlin")

# --- Markdown ---------------------------------------------------------------------------------
# Allow-list: what Markdown produces for text, lists, quotes, code and links, nothing else.
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def markdown_to_safe_html(text: str) -> str:
    """Render Markdown and strip everything the allow-list does not name (scripts, handlers,
    ``javascript:`` links, raw HTML). The result may be marked safe in a template."""
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


# --- Uploads ----------------------------------------------------------------------------------
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# Detected MIME type -> file name endings we accept for it.
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": {"pdf"},
    "image/png": {"png"},
    "image/jpeg": {"jpg", "jpeg"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "application/vnd.oasis.opendocument.text": {"odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {"ods"},
}


def check_attachment(uploaded) -> str:
    """Return the sniffed MIME type of an upload or raise ``ValidationError``.

    The type comes from the file's first bytes (magic numbers), never from the browser's
    claim; the name's ending must agree with it.
    """
    if uploaded.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s MB.") % {"limit": MAX_ATTACHMENT_BYTES // 2**20},
            code="too_large",
        )
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    ending = uploaded.name.rsplit(".", 1)[-1].lower() if "." in uploaded.name else ""
    if mime not in ALLOWED_ATTACHMENT_TYPES or ending not in ALLOWED_ATTACHMENT_TYPES[mime]:
        raise ValidationError(
            _("Only PDF, PNG, JPEG, Word, Excel and OpenDocument files can be attached."),
            code="type",
        )
    return mime


# --- iCalendar --------------------------------------------------------------------------------
@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    title: str
    start: datetime
    end: datetime
    location: str
    url: str
    description: str


def _berlin_vtimezone() -> icalendar.Timezone:
    """Europe/Berlin as two yearly rules (last Sunday of March and of October), the form every
    calendar reads. icalendar's generated VTIMEZONE lists each past change as a multi-value
    RDATE line, which ical.js misreads (an event on 1 July 2027 14:00 became 13:00Z)."""
    timezone = icalendar.Timezone()
    timezone.add("tzid", "Europe/Berlin")
    for kind, name, start, offset_from, offset_to, month in (
        (icalendar.TimezoneDaylight, "CEST", datetime(1981, 3, 29, 2), 1, 2, 3),
        (icalendar.TimezoneStandard, "CET", datetime(1996, 10, 27, 3), 2, 1, 10),
    ):
        rule = kind()
        rule.add("tzname", name)
        rule.add("dtstart", start)
        rule.add("tzoffsetfrom", timedelta(hours=offset_from))
        rule.add("tzoffsetto", timedelta(hours=offset_to))
        rule.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        timezone.add_component(rule)
    return timezone


def render_ical(entries: Iterable[CalendarEntry], *, name: str) -> bytes:
    """An RFC 5545 calendar (METHOD:PUBLISH) with times in Europe/Berlin and its VTIMEZONE."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Kommunal-Campus//CDO-Netzwerk//DE")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Berlin")
    for entry in entries:
        event = icalendar.Event()
        event.add("uid", entry.uid)
        event.add("summary", entry.title)
        event.add("dtstart", entry.start.astimezone(BERLIN))
        event.add("dtend", entry.end.astimezone(BERLIN))
        event.add("dtstamp", datetime.now(tz=BERLIN))
        if entry.location:
            event.add("location", entry.location)
        event.add("url", entry.url)
        event.add("description", entry.description)
        cal.add_component(event)
    cal.subcomponents.insert(0, _berlin_vtimezone())  # defined before the events that use it
    return cal.to_ical()


def event_uid(event_pk: int) -> str:
    """A stable UID, so calendar apps update the entry instead of duplicating it."""
    return f"{uuid.uuid5(uuid.NAMESPACE_URL, f'kommunal-campus/event/{event_pk}')}@kommunal-campus"


# --- Radar chart ------------------------------------------------------------------------------
@dataclass(frozen=True)
class RadarChart:
    width: int
    height: int
    cx: int
    cy: int
    rings: list[str]
    axes: list[dict]
    own: str
    comparison: str | None


def radar_chart(
    labels: list[str], own: list[float], comparison: list[float] | None, *, maximum: float = 5
) -> RadarChart:
    """Coordinates for an inline SVG radar chart (one axis per dimension, scale 0..maximum)."""
    # Wide enough for the longest German axis label on either side.
    width, height, radius = 720, 440, 150
    cx, cy = width // 2, height // 2
    count = len(labels)

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        distance = radius * value / maximum
        return cx + distance * math.cos(angle), cy + distance * math.sin(angle)

    def polygon(values: list[float]) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in enumerate(values)))

    axes = []
    for index, label in enumerate(labels):
        x, y = point(index, maximum)
        lx, ly = point(index, maximum * 1.15)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        axes.append(
            {"x": f"{x:.1f}", "y": f"{y:.1f}", "lx": f"{lx:.1f}", "ly": f"{ly:.1f}",
             "label": label, "anchor": anchor}
        )  # fmt: skip
    rings = [polygon([level] * count) for level in range(1, int(maximum) + 1)]
    return RadarChart(
        width=width,
        height=height,
        cx=cx,
        cy=cy,
        rings=rings,
        axes=axes,
        own=polygon(own),
        comparison=polygon(comparison) if comparison else None,
    )
