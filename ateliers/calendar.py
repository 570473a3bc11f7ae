"""iCalendar (.ics) documents: one workshop's invitation and the year's programme feed.

Times are written in UTC (`...Z`): every calendar client converts them, without a VTIMEZONE block.
"""

from datetime import UTC

import icalendar
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from accompagnement.models import User
from ateliers.enums import AtelierStatus

PRODID = "-//DGAFP//Fabrique de l'accompagnement RH//FR"
FEED_SALT = "ateliers.calendar-feed"


def atelier_uid(atelier):
    """Stable across updates, so a client replaces the event instead of adding a second one."""
    return f"atelier-{atelier.pk}@fabrique-rh.gouv.fr"


def atelier_event(atelier, *, attendee=None):
    """The VEVENT of `atelier`; with `attendee` (a User) it carries their participation."""
    event = icalendar.Event()
    event.add("uid", atelier_uid(atelier))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", atelier.starts_at.astimezone(UTC))
    event.add("dtend", atelier.ends_at.astimezone(UTC))
    event.add("summary", f"Fabrique RH — {atelier}")
    url = settings.SITE_URL + reverse("ateliers:atelier_detail", args=[atelier.pk])
    description = "\n\n".join(part for part in [atelier.theme, atelier.description, url] if part)
    event.add("description", description)
    event.add("url", url)
    location = atelier.place or atelier.video_link
    if location:
        event.add("location", location)
    cancelled = atelier.status == AtelierStatus.ANNULE
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # A workshop's details change (place, time): the sequence number tells clients which copy is newer.
    event.add("sequence", int(atelier.updated_at.timestamp()) if atelier.updated_at else 0)
    organizer = icalendar.vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.rsplit('<', 1)[-1].rstrip('>')}")
    organizer.params["cn"] = icalendar.vText("DGAFP — Fabrique de l'accompagnement RH")
    event.add("organizer", organizer)
    if attendee is not None:
        address = icalendar.vCalAddress(f"mailto:{attendee.email}")
        address.params["cn"] = icalendar.vText(attendee.get_full_name() or attendee.email)
        address.params["partstat"] = icalendar.vText("ACCEPTED")
        event.add("attendee", address)
    return event


def _calendar(name, *, method=None):
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    if method:
        calendar.add("method", method)
    return calendar


def atelier_ics(atelier, *, attendee=None, method="PUBLISH"):
    """The .ics text of one workshop (an invitation when `method="REQUEST"`, a cancellation with CANCEL)."""
    calendar = _calendar(str(atelier), method=method)
    calendar.add_component(atelier_event(atelier, attendee=attendee))
    return calendar.to_ical().decode()


def programme_ics(ateliers, *, name):
    """The feed of a year's workshops (a subscribable calendar)."""
    calendar = _calendar(name, method="PUBLISH")
    for atelier in ateliers:
        calendar.add_component(atelier_event(atelier))
    return calendar.to_ical().decode()


def feed_token(user):
    """A personal, signed token: calendar apps subscribe to the feed without a session."""
    return signing.dumps(user.pk, salt=FEED_SALT)


def user_from_feed_token(token):
    """The active account behind a feed token, or None for a forged or stale one."""
    try:
        pk = signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()
