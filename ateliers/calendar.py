"""iCalendar (.ics) documents: one workshop's invitation and the year's programme feed.

Times are written in UTC (`...Z`): every calendar client converts them, without a VTIMEZONE block.
"""

import secrets
from datetime import UTC

import icalendar
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

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


def _feed_key(user):
    """Changes when the member renews their address (calendar_key) or password: old URLs stop working."""
    return salted_hmac(FEED_SALT, f"{user.pk}:{user.calendar_key}:{user.password}").hexdigest()[:32]


def feed_token(user):
    """A personal, signed token: calendar apps subscribe to the feed without a session."""
    return signing.dumps([user.pk, _feed_key(user)], salt=FEED_SALT)


def user_from_feed_token(token):
    """The active account behind a feed token, or None for a forged, malformed or revoked one."""
    try:
        pk, key = signing.loads(token, salt=FEED_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not constant_time_compare(key, _feed_key(user)):
        return None
    return user


def renew_feed_key(user):
    """Revoke every feed address `user` handed out; feed_token(user) gives the new one."""
    user.calendar_key = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_key"])
