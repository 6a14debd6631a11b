"""iCalendar (RFC 5545) for the trade events: all-day VEVENTs, text escaped, lines folded at 75
octets. No dependency: the format needed here is a few lines."""

import datetime

from django.utils import timezone

from ocop.core.links import absolute_reverse, site_host

PRODUCT_ID = "-//OCOP//Trade events//VI"


def escape(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\n", "\\n")


def fold(line: str) -> str:
    """Cut a content line into pieces of at most 75 octets, never inside a character."""
    pieces, current, size = [], "", 0
    for character in line:
        length = len(character.encode())
        if size + length > 75:
            pieces.append(current)
            current, size = " ", 1
        current += character
        size += length
    pieces.append(current)
    return "\r\n".join(pieces)


def event_lines(event) -> list[str]:
    url = absolute_reverse("market:event_detail", event.pk)
    stamp = timezone.localtime(event.updated_at, datetime.UTC)
    location = ", ".join(part for part in (event.address, event.province.name) if part)
    description = "\n\n".join(part for part in (event.organiser, event.description, url) if part)
    lines = [
        "BEGIN:VEVENT",
        f"UID:trade-event-{event.pk}@{site_host()}",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{event.starts_on:%Y%m%d}",
        f"DTEND;VALUE=DATE:{event.ends_on + datetime.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape(event.name)}",
        f"LOCATION:{escape(location)}",
        f"DESCRIPTION:{escape(description)}",
        f"URL:{url}",
        "END:VEVENT",
    ]
    return lines


def calendar(events, *, name: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        lines += event_lines(event)
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
